#include "model/activation.hpp"

#include <cmath>

namespace terrain::model {

namespace {
// One loop per activation keeps the branch out of the inner loop.
template <class F>
void sweep(const double* z, std::size_t m, double* s, double* d1, double* d2, F f) {
  double unused1, unused2;
  for (std::size_t i = 0; i < m; ++i)
    f(z[i], s[i], d1 ? d1[i] : unused1, d2 ? d2[i] : unused2);
}
}  // namespace

void activate(Activation a, const double* z, std::size_t m, double* s, double* d1, double* d2) {
  switch (a) {
    case Activation::linear:
      sweep(z, m, s, d1, d2, [](double x, double& y, double& g, double& h) { y = x; g = 1; h = 0; });
      break;
    case Activation::relu:
      sweep(z, m, s, d1, d2, [](double x, double& y, double& g, double& h) {
        y = x > 0 ? x : 0;
        g = x > 0 ? 1 : 0;
        h = 0;
      });
      break;
    case Activation::tanh:
      sweep(z, m, s, d1, d2, [](double x, double& y, double& g, double& h) {
        y = std::tanh(x);
        g = 1 - y * y;
        h = -2 * y * g;
      });
      break;
    case Activation::sigmoid:
      sweep(z, m, s, d1, d2, [](double x, double& y, double& g, double& h) {
        y = 1 / (1 + std::exp(-x));
        g = y * (1 - y);
        h = g * (1 - 2 * y);
      });
      break;
    case Activation::softplus:
      sweep(z, m, s, d1, d2, [](double x, double& y, double& g, double& h) {
        // log(1+e^x) without overflow; σ' is the logistic function.
        y = x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
        g = 1 / (1 + std::exp(-x));
        h = g * (1 - g);
      });
      break;
  }
}

}  // namespace terrain::model

// ---- values only (forward-only passes) ----

#if defined(__x86_64__) && defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
#define TERRAIN_LIBMVEC 1
#include <immintrin.h>
// glibc's vector math (libmvec, linked through libm.so's AS_NEEDED group); the names are the
// x86_64 vector ABI's: e = AVX-512 (8 doubles), d = AVX2 (4 doubles).
extern "C" __m512d _ZGVeN8v_tanh(__m512d);
extern "C" __m512d _ZGVeN8v_exp(__m512d);
extern "C" __m256d _ZGVdN4v_tanh(__m256d);
extern "C" __m256d _ZGVdN4v_exp(__m256d);
#endif

namespace terrain::model {

namespace {

enum class Simd { none, avx2, avx512 };

Simd simd_level() {
#ifdef TERRAIN_LIBMVEC
  static const Simd level = __builtin_cpu_supports("avx512f")  ? Simd::avx512
                            : __builtin_cpu_supports("avx2") ? Simd::avx2
                                                               : Simd::none;
  return level;
#else
  return Simd::none;
#endif
}

template <class F>
void values(const double* z, std::size_t m, double* s, const double* skip, F f) {
  if (skip)
    for (std::size_t i = 0; i < m; ++i) s[i] = f(z[i]) + skip[i];
  else
    for (std::size_t i = 0; i < m; ++i) s[i] = f(z[i]);
}

double scalar_tanh(double x) { return std::tanh(x); }
double scalar_sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

#ifdef TERRAIN_LIBMVEC
// σ over [0, m) in vectors of the level's width, the tail with the scalar function; sigmoid is
// 1/(1 + e^{-x}) from the vector exp.
__attribute__((target("avx512f"))) void values_avx512(bool tanh, const double* z, std::size_t m,
                                                      double* s, const double* skip) {
  std::size_t i = 0;
  const __m512d one = _mm512_set1_pd(1.0), zero = _mm512_setzero_pd();
  for (; i + 8 <= m; i += 8) {
    const __m512d x = _mm512_loadu_pd(z + i);
    __m512d y = tanh ? _ZGVeN8v_tanh(x)
                     : _mm512_div_pd(one, _mm512_add_pd(one, _ZGVeN8v_exp(_mm512_sub_pd(zero, x))));
    if (skip) y = _mm512_add_pd(y, _mm512_loadu_pd(skip + i));
    _mm512_storeu_pd(s + i, y);
  }
  values(z + i, m - i, s + i, skip ? skip + i : nullptr, tanh ? scalar_tanh : scalar_sigmoid);
}

__attribute__((target("avx2"))) void values_avx2(bool tanh, const double* z, std::size_t m,
                                                 double* s, const double* skip) {
  std::size_t i = 0;
  const __m256d one = _mm256_set1_pd(1.0), zero = _mm256_setzero_pd();
  for (; i + 4 <= m; i += 4) {
    const __m256d x = _mm256_loadu_pd(z + i);
    __m256d y = tanh ? _ZGVdN4v_tanh(x)
                     : _mm256_div_pd(one, _mm256_add_pd(one, _ZGVdN4v_exp(_mm256_sub_pd(zero, x))));
    if (skip) y = _mm256_add_pd(y, _mm256_loadu_pd(skip + i));
    _mm256_storeu_pd(s + i, y);
  }
  values(z + i, m - i, s + i, skip ? skip + i : nullptr, tanh ? scalar_tanh : scalar_sigmoid);
}
#endif

void smooth_values(bool tanh, const double* z, std::size_t m, double* s, const double* skip) {
  switch (simd_level()) {
#ifdef TERRAIN_LIBMVEC
    case Simd::avx512:
      return values_avx512(tanh, z, m, s, skip);
    case Simd::avx2:
      return values_avx2(tanh, z, m, s, skip);
#endif
    default:
      return values(z, m, s, skip, tanh ? scalar_tanh : scalar_sigmoid);
  }
}

}  // namespace

void activate_values(Activation a, const double* z, std::size_t m, double* s, const double* skip) {
  switch (a) {
    case Activation::linear:
      return values(z, m, s, skip, [](double x) { return x; });
    case Activation::relu:
      return values(z, m, s, skip, [](double x) { return x > 0 ? x : 0.0; });
    case Activation::tanh:
      return smooth_values(true, z, m, s, skip);
    case Activation::sigmoid:
      return smooth_values(false, z, m, s, skip);
    case Activation::softplus:
      return values(z, m, s, skip, [](double x) {
        return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
      });
  }
}

}  // namespace terrain::model
