// Normalisation of a direction against θ, on whole (replicated) vectors: every rank computes
// every entry from the same numbers in the same order, so no rank count changes a bit.
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "geometry/directions.hpp"
#include "objective/replicated.hpp"

namespace terrain::geometry {

namespace {
double sum_squares(const double* a, PetscInt n) {
  double s = 0;
  for (PetscInt i = 0; i < n; ++i) s += a[i] * a[i];
  return s;
}

// Scales d[begin, begin + n) (and the extra entry d[extra] when extra ≥ 0) to the norm of the
// same entries of θ. A zero block stays zero (there is no direction to scale).
void match_norm(const double* t, double* d, PetscInt begin, PetscInt n, PetscInt extra) {
  double nt = sum_squares(t + begin, n), nd = sum_squares(d + begin, n);
  if (extra >= 0) {
    nt += t[extra] * t[extra];
    nd += d[extra] * d[extra];
  }
  if (nd == 0) return;
  const double scale = std::sqrt(nt) / std::sqrt(nd);
  for (PetscInt i = begin; i < begin + n; ++i) d[i] *= scale;
  if (extra >= 0) d[extra] *= scale;
}

void normalise_layer(const model::LayerBlock& b, Normalisation n, BiasPolicy bias, const double* t,
                     double* d) {
  const bool has_bias = b.bias_offset >= 0;
  if (has_bias && bias == BiasPolicy::zero)
    for (PetscInt i = 0; i < b.fan_out; ++i) d[b.bias_offset + i] = 0;
  const bool with_bias = has_bias && bias == BiasPolicy::filter;
  switch (n) {
    case Normalisation::filter:
      for (PetscInt i = 0; i < b.fan_out; ++i)
        match_norm(t, d, b.weight_offset + i * b.fan_in, b.fan_in,
                   with_bias ? b.bias_offset + i : -1);
      break;
    case Normalisation::layer:
      match_norm(t, d, b.weight_offset, b.fan_out * b.fan_in, -1);
      if (with_bias) match_norm(t, d, b.bias_offset, b.fan_out, -1);
      break;
    case Normalisation::weight:
      for (PetscInt i = 0; i < b.fan_out * b.fan_in; ++i)
        d[b.weight_offset + i] *= std::abs(t[b.weight_offset + i]);
      if (with_bias)
        for (PetscInt i = 0; i < b.fan_out; ++i)
          d[b.bias_offset + i] *= std::abs(t[b.bias_offset + i]);
      break;
    case Normalisation::unit:
    case Normalisation::none:
      break;  // whole-vector policies: see normalise()
  }
}
}  // namespace

void normalise(const model::ParameterLayout& layout, Normalisation n, BiasPolicy bias, Vec theta,
               Vec d) {
  const std::vector<double> t = objective::replicate(theta);
  std::vector<double> v = objective::replicate(d);
  TERRAIN_CHECK(t.size() == v.size() && static_cast<PetscInt>(t.size()) == layout.size(),
                "normalise: theta has " << t.size() << " entries, the direction " << v.size()
                                        << ", the layout " << layout.size());
  for (int l = 0; l < layout.n_layers(); ++l)
    normalise_layer(layout.layer(l), n, bias, t.data(), v.data());
  if (n == Normalisation::unit) {
    const double norm = std::sqrt(sum_squares(v.data(), static_cast<PetscInt>(v.size())));
    if (norm > 0)
      for (double& x : v) x /= norm;
  }
  objective::distribute(v, d);
}

}  // namespace terrain::geometry
