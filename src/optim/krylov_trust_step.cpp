#include "optim/krylov_trust_step.hpp"

#include <petscblaslapack.h>
#include <slepcblaslapack.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace terrain::optim {

KrylovTrustModel::KrylovTrustModel(const spectral::Tridiagonal& t, double beta0, double beta_k,
                                   double floor)
    : beta0_(beta0), beta_k_(beta_k) {
  const PetscInt k = static_cast<PetscInt>(t.alpha.size());
  TERRAIN_CHECK(k >= 1 && t.beta.size() + 1 == t.alpha.size(),
                "KrylovTrustModel: a tridiagonal of size " << k << " with " << t.beta.size()
                                                           << " off-diagonals");
  // All eigenpairs of T by MRRR (LAPACK stevr): O(k²), where steqr's QR sweeps cost O(k³)
  // (0.56 s against 0.06 s at k = 800).
  std::vector<double> d(t.alpha), e(t.beta);
  e.resize(std::size_t(k));
  lambda_.assign(std::size_t(k), 0.0);
  vectors_.assign(std::size_t(k) * k, 0.0);
  PetscBLASInt n = PetscBLASInt(k), found = 0, info = 0, ione = 1;
  PetscReal unused = 0, abstol = 0;
  std::vector<PetscBLASInt> support(static_cast<std::size_t>(2 * k));
  PetscBLASInt lwork = 20 * n, liwork = 10 * n;
  std::vector<PetscReal> work(static_cast<std::size_t>(lwork));
  std::vector<PetscBLASInt> iwork(static_cast<std::size_t>(liwork));
  LAPACKstevr_("V", "A", &n, d.data(), e.data(), &unused, &unused, &ione, &n, &abstol, &found,
               lambda_.data(), vectors_.data(), &n, support.data(), work.data(), &lwork,
               iwork.data(), &liwork, &info);
  TERRAIN_CHECK(info == 0 && found == n,
                "the trust-region Newton: LAPACK stevr failed (info " << info << ")");
  q_.resize(std::size_t(k));
  s_.resize(std::size_t(k));
  double top = 0;
  for (PetscInt j = 0; j < k; ++j) {
    q_[j] = vectors_[0 + std::size_t(j) * k];
    s_[j] = vectors_[(k - 1) + std::size_t(j) * k];
    top = std::max(top, std::abs(lambda_[j]));
  }
  mu_floor_ = (floor * top) * (floor * top);
  if (!(mu_floor_ > 0)) mu_floor_ = 1e-300;  // H = 0 on the Krylov space: only μ damps
}

std::vector<double> KrylovTrustModel::z_of(double mu) const {
  // (D + u uᵀ) z = b with D = Λ² + μ, u = β_k s, b = −β₀ Λ q.
  const std::size_t k = lambda_.size();
  std::vector<double> w(k), v(k);
  double uw = 0, uv = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const double d = lambda_[i] * lambda_[i] + mu;
    const double u = beta_k_ * s_[i];
    w[i] = -beta0_ * lambda_[i] * q_[i] / d;
    v[i] = u / d;
    uw += u * w[i];
    uv += u * v[i];
  }
  const double f = uw / (1.0 + uv);
  for (std::size_t i = 0; i < k; ++i) w[i] -= f * v[i];
  return w;
}

double KrylovTrustModel::model_of(const std::vector<double>& z) const {
  double m = 0, sz = 0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double r = lambda_[i] * z[i] + beta0_ * q_[i];
    m += r * r;
    sz += s_[i] * z[i];
  }
  return m + beta_k_ * beta_k_ * sz * sz;
}

namespace {
double norm(const std::vector<double>& z) {
  double s = 0;
  for (double x : z) s += x * x;
  return std::sqrt(s);
}
}  // namespace

KrylovTrustModel::Step KrylovTrustModel::solve(double radius) const {
  TERRAIN_CHECK(radius > 0, "the trust radius must be positive, got " << radius);
  double mu = mu_floor_;
  std::vector<double> z = z_of(mu);
  if (norm(z) > radius) {
    // ‖z(μ)‖ falls monotonically in μ, and ‖z(μ)‖ ≤ ‖D⁻¹b‖ ≤ β₀ max|λ q| / μ.
    double lo = mu_floor_, hi = mu_floor_;
    double bmax = 0;
    for (std::size_t i = 0; i < lambda_.size(); ++i)
      bmax = std::max(bmax, std::abs(beta0_ * lambda_[i] * q_[i]));
    hi = std::max(hi, bmax * std::sqrt(double(lambda_.size())) / radius);
    std::vector<double> z_hi = z_of(hi);
    for (int it = 0; it < 200 && hi > lo * (1 + 1e-12); ++it) {
      const double mid = std::sqrt(lo * hi);
      std::vector<double> zm = z_of(mid);
      const double nm = norm(zm);
      if (nm > radius) {
        lo = mid;
      } else {
        hi = mid;
        z_hi = std::move(zm);
        if (nm >= radius * (1 - 1e-3)) break;
      }
    }
    mu = hi;
    z = std::move(z_hi);
  }
  Step s;
  s.mu = mu;
  s.norm = norm(z);
  s.model = model_of(z);
  // y = Q z
  const std::size_t k = lambda_.size();
  s.y.assign(k, 0.0);
  for (std::size_t j = 0; j < k; ++j)
    for (std::size_t i = 0; i < k; ++i) s.y[i] += vectors_[i + j * k] * z[j];
  return s;
}

double MinresResidual::add(double beta_above, double alpha, double beta_below) {
  // Rotation j−2 acts on rows (j−2, j−1), rotation j−1 on rows (j−1, j); G = [c s; −s c].
  const double r1 = c2_ * beta_above;
  const double r2 = -s1_ * r1 + c1_ * alpha;
  const double h = std::hypot(r2, beta_below);
  double c = 0, s = 1;  // h = 0: a breakdown column that reduces nothing
  if (h > 0) {
    c = r2 / h;
    s = beta_below / h;
  }
  phi_ *= std::abs(s);
  c2_ = c1_;
  s2_ = s1_;
  c1_ = c;
  s1_ = s;
  return phi_;
}

}  // namespace terrain::optim
