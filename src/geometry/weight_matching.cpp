#include "geometry/weight_matching.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "geometry/linear_assignment.hpp"
#include "model/parameter_layout.hpp"

namespace terrain::geometry {

namespace {

// The layers' W and b of θ as pointers into it.
struct Blocks {
  const model::ParameterLayout& layout;
  const double* theta;
  const double* w(int l) const { return theta + layout.layer(l).weight_offset; }
  const double* b(int l) const {
    return layout.layer(l).bias_offset >= 0 ? theta + layout.layer(l).bias_offset : nullptr;
  }
};

// C of the header for hidden layer l, given the elements of layers l − 1 and l + 1 in g.
std::vector<double> layer_cost(const model::ParameterLayout& layout, const Blocks& a,
                               const Blocks& b, const HiddenSymmetry& g, int l) {
  const int hidden = static_cast<int>(g.perm.size());
  const model::LayerBlock& in = layout.layer(l);
  const model::LayerBlock& out = layout.layer(l + 1);
  const PetscInt n = in.fan_out, fi = in.fan_in, fo = out.fan_out;
  std::vector<double> c(static_cast<std::size_t>(n) * n, 0.0);
  // W_l^B Q_{l−1}ᵀ: column k is s_k · column π(k) of W_l^B.
  std::vector<double> win(static_cast<std::size_t>(n) * fi);
  for (PetscInt p = 0; p < n; ++p)
    for (PetscInt k = 0; k < fi; ++k)
      win[p * fi + k] =
          l == 0 ? b.w(l)[p * fi + k] : g.sign[l - 1][k] * b.w(l)[p * fi + g.perm[l - 1][k]];
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, fi, 1.0, a.w(l), fi, win.data(), fi,
              0.0, c.data(), n);
  if (a.b(l)) cblas_dger(CblasRowMajor, n, n, 1.0, a.b(l), 1, b.b(l), 1, c.data(), n);
  // Q_{l+1} W_{l+1}^B: row i is s_i · row π(i) of W_{l+1}^B (⟨Q_{l+1}ᵀX, Y⟩ = ⟨X, Q_{l+1}Y⟩).
  std::vector<double> wout(static_cast<std::size_t>(fo) * n);
  for (PetscInt i = 0; i < fo; ++i) {
    const bool output = l + 1 == hidden;
    const PetscInt src = output ? i : g.perm[l + 1][i];
    const double s = output ? 1.0 : g.sign[l + 1][i];
    for (PetscInt p = 0; p < n; ++p) wout[i * n + p] = s * b.w(l + 1)[src * n + p];
  }
  cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, n, fo, 1.0, a.w(l + 1), n, wout.data(), n,
              1.0, c.data(), n);
  return c;
}

// Σ_j s_j C[j, π(j)].
double layer_value(const std::vector<double>& c, const std::vector<PetscInt>& perm,
                   const std::vector<int>& sign) {
  const PetscInt n = static_cast<PetscInt>(perm.size());
  double v = 0;
  for (PetscInt j = 0; j < n; ++j) v += sign[j] * c[j * n + perm[j]];
  return v;
}

double dot(const std::vector<double>& x, const std::vector<double>& y) {
  return std::inner_product(x.begin(), x.end(), y.begin(), 0.0);
}

}  // namespace

WeightMatching weight_matching(const model::Architecture& arch, const std::vector<double>& theta_a,
                               const std::vector<double>& theta_b,
                               const WeightMatchingOptions& options) {
  require_symmetry_support(arch);
  TERRAIN_CHECK(options.max_sweeps >= 1,
                "weight matching: the sweep limit must be at least 1, got " << options.max_sweeps);
  const model::ParameterLayout layout(arch);
  TERRAIN_CHECK(static_cast<PetscInt>(theta_a.size()) == layout.size() &&
                    static_cast<PetscInt>(theta_b.size()) == layout.size(),
                "internal: weight matching of vectors of " << theta_a.size() << " and "
                                                           << theta_b.size() << " entries for "
                                                           << layout.size() << " parameters");
  const bool odd = odd_activation(arch.activation);
  const int hidden = arch.n_layers() - 1;
  const Blocks a{layout, theta_a.data()}, b{layout, theta_b.data()};
  WeightMatching r;
  r.g = options.start.perm.empty() ? identity_symmetry(arch) : options.start;
  // apply_symmetry validates the start (sizes, permutations, signs only for odd activations).
  r.objective.push_back(dot(theta_a, apply_symmetry(arch, theta_b, r.g)));
  std::vector<int> order(hidden);
  while (r.sweeps < options.max_sweeps && hidden > 0) {
    std::iota(order.begin(), order.end(), 0);
    for (int i = hidden; i > 1; --i) {
      const double u = core::uniform(options.seed, core::Stream::alignment,
                                     static_cast<std::uint64_t>(r.sweeps) * hidden + i);
      std::swap(order[i - 1], order[std::min(static_cast<int>(u * i), i - 1)]);
    }
    bool changed = false;
    for (int l : order) {
      const std::vector<double> c = layer_cost(layout, a, b, r.g, l);
      const PetscInt n = arch.fan_out(l);
      std::vector<double> score = c;
      if (odd)
        for (double& v : score) v = std::abs(v);
      std::vector<PetscInt> perm = max_weight_assignment(score, n);
      std::vector<int> sign(n, 1);
      if (odd)
        for (PetscInt j = 0; j < n; ++j) sign[j] = c[j * n + perm[j]] < 0 ? -1 : 1;
      const double old_value = layer_value(c, r.g.perm[l], r.g.sign[l]);
      const double new_value = layer_value(c, perm, sign);
      double scale = 0;
      for (double v : c) scale = std::max(scale, std::abs(v));
      if (new_value > old_value + 1e-12 * n * scale) {
        r.g.perm[l] = std::move(perm);
        r.g.sign[l] = std::move(sign);
        changed = true;
      }
    }
    ++r.sweeps;
    r.objective.push_back(dot(theta_a, apply_symmetry(arch, theta_b, r.g)));
    if (!changed) {
      r.converged = true;
      break;
    }
  }
  if (hidden == 0) r.converged = true;
  return r;
}

}  // namespace terrain::geometry
