#include "geometry/symmetry_canonical.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "model/parameter_layout.hpp"

namespace terrain::geometry {

namespace {

// The hidden layer l as units: rows of block l (incoming) and columns of block l + 1
// (outgoing).
struct HiddenUnits {
  const model::LayerBlock& in;
  const model::LayerBlock& out;
  PetscInt width() const { return in.fan_out; }
  PetscInt in_size() const { return in.fan_in + (in.bias_offset >= 0 ? 1 : 0); }
  // Entry k of unit j's incoming vector (the row of W, then the bias).
  double incoming(const std::vector<double>& t, PetscInt j, PetscInt k) const {
    return k < in.fan_in ? t[in.weight_offset + j * in.fan_in + k] : t[in.bias_offset + j];
  }
};

void check_shape(const model::Architecture& arch, const model::ParameterLayout& layout,
                 const std::vector<double>& theta) {
  TERRAIN_CHECK(static_cast<PetscInt>(theta.size()) == layout.size(),
                "internal: a parameter vector of " << theta.size() << " entries for a network of "
                                                   << layout.size() << " parameters");
  (void)arch;
}

// cur ← layer l's part of the element (perm, sign): new unit j = sign[j] · old unit perm[j].
void apply_layer(const HiddenUnits& u, const std::vector<PetscInt>& perm,
                 const std::vector<int>& sign, std::vector<double>& cur) {
  const std::vector<double> old = cur;
  const PetscInt n = u.width(), fi = u.in.fan_in, fo_next = u.out.fan_out;
  for (PetscInt j = 0; j < n; ++j) {
    const PetscInt o = perm[j];
    const double s = sign[j];
    for (PetscInt k = 0; k < fi; ++k)
      cur[u.in.weight_offset + j * fi + k] = s * old[u.in.weight_offset + o * fi + k];
    if (u.in.bias_offset >= 0) cur[u.in.bias_offset + j] = s * old[u.in.bias_offset + o];
    for (PetscInt i = 0; i < fo_next; ++i)
      cur[u.out.weight_offset + i * n + j] = s * old[u.out.weight_offset + i * n + o];
  }
}

}  // namespace

bool odd_activation(model::Activation a) {
  return a == model::Activation::tanh || a == model::Activation::linear;
}

void require_symmetry_support(const model::Architecture& arch) {
  for (int l = 0; l < arch.n_layers(); ++l)
    TERRAIN_CHECK(!arch.has_skip(l),
                  "the symmetry canonical form does not handle residual networks (-model_residual: "
                  "skip connections tie the units of the layers they join, so permuting one "
                  "hidden layer alone is not a symmetry)");
}

HiddenSymmetry identity_symmetry(const model::Architecture& arch) {
  HiddenSymmetry s;
  for (int l = 0; l + 1 < arch.n_layers(); ++l) {
    const PetscInt n = arch.fan_out(l);
    s.perm.emplace_back(n);
    std::iota(s.perm.back().begin(), s.perm.back().end(), PetscInt(0));
    s.sign.emplace_back(n, 1);
  }
  return s;
}

std::vector<double> apply_symmetry(const model::Architecture& arch, const std::vector<double>& theta,
                                   const HiddenSymmetry& s) {
  require_symmetry_support(arch);
  const model::ParameterLayout layout(arch);
  check_shape(arch, layout, theta);
  const int hidden = arch.n_layers() - 1;
  TERRAIN_CHECK(static_cast<int>(s.perm.size()) == hidden &&
                    static_cast<int>(s.sign.size()) == hidden,
                "internal: a symmetry of " << s.perm.size() << " layers for a network of " << hidden
                                           << " hidden layers");
  std::vector<double> cur = theta;
  for (int l = 0; l < hidden; ++l) {
    const HiddenUnits u{layout.layer(l), layout.layer(l + 1)};
    const PetscInt n = u.width();
    TERRAIN_CHECK(static_cast<PetscInt>(s.perm[l].size()) == n &&
                      static_cast<PetscInt>(s.sign[l].size()) == n,
                  "internal: hidden layer " << l << " has " << n << " units, the symmetry "
                                            << s.perm[l].size());
    std::vector<PetscInt> sorted = s.perm[l];
    std::sort(sorted.begin(), sorted.end());
    for (PetscInt j = 0; j < n; ++j)
      TERRAIN_CHECK(sorted[j] == j, "internal: hidden layer " << l << ": not a permutation");
    for (int v : s.sign[l]) {
      TERRAIN_CHECK(v == 1 || v == -1, "internal: a sign must be +1 or -1, got " << v);
      TERRAIN_CHECK(v == 1 || odd_activation(arch.activation),
                    "a sign flip of a hidden unit is a symmetry only for an odd activation (tanh, "
                    "linear), not " << arch.activation);
    }
    apply_layer(u, s.perm[l], s.sign[l], cur);
  }
  return cur;
}

std::vector<double> canonical_form(const model::Architecture& arch, const std::vector<double>& theta,
                                   HiddenSymmetry* applied) {
  require_symmetry_support(arch);
  const model::ParameterLayout layout(arch);
  check_shape(arch, layout, theta);
  const bool odd = odd_activation(arch.activation);
  HiddenSymmetry g;
  std::vector<double> cur = theta;
  for (int l = 0; l + 1 < arch.n_layers(); ++l) {
    const HiddenUnits u{layout.layer(l), layout.layer(l + 1)};
    const PetscInt n = u.width(), m = u.in_size(), fo_next = u.out.fan_out;
    auto out_entry = [&](PetscInt j, PetscInt i) { return cur[u.out.weight_offset + i * n + j]; };
    // (1) the sign of each unit: that of its incoming entry of largest |.|, else (a zero
    // incoming vector) of its outgoing one.
    std::vector<int> sign(n, 1);
    if (odd)
      for (PetscInt j = 0; j < n; ++j) {
        double best = 0;
        for (PetscInt k = 0; k < m; ++k) {
          const double v = u.incoming(cur, j, k);
          if (std::abs(v) > std::abs(best)) best = v;
        }
        if (best == 0)
          for (PetscInt i = 0; i < fo_next; ++i)
            if (std::abs(out_entry(j, i)) > std::abs(best)) best = out_entry(j, i);
        sign[j] = best < 0 ? -1 : 1;
      }
    // (2) the order: the signed incoming vectors lexicographically, then |outgoing|₂² (invariant
    // under the next layer's own permutation and flips, which are not applied yet).
    std::vector<double> out_norm(n, 0.0);
    for (PetscInt j = 0; j < n; ++j)
      for (PetscInt i = 0; i < fo_next; ++i) out_norm[j] += out_entry(j, i) * out_entry(j, i);
    std::vector<PetscInt> perm(n);
    std::iota(perm.begin(), perm.end(), PetscInt(0));
    std::stable_sort(perm.begin(), perm.end(), [&](PetscInt a, PetscInt b) {
      for (PetscInt k = 0; k < m; ++k) {
        const double x = sign[a] * u.incoming(cur, a, k), y = sign[b] * u.incoming(cur, b, k);
        if (x != y) return x < y;
      }
      return out_norm[a] < out_norm[b];
    });
    std::vector<int> new_sign(n);
    for (PetscInt j = 0; j < n; ++j) new_sign[j] = sign[perm[j]];
    apply_layer(u, perm, new_sign, cur);
    g.perm.push_back(std::move(perm));
    g.sign.push_back(std::move(new_sign));
  }
  if (applied) *applied = std::move(g);
  return cur;
}

double relative_max_distance(const std::vector<double>& a, const std::vector<double>& b) {
  TERRAIN_CHECK(a.size() == b.size(), "internal: comparing vectors of " << a.size() << " and "
                                                                       << b.size() << " entries");
  double d = 0, scale = 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    d = std::max(d, std::abs(a[i] - b[i]));
    scale = std::max({scale, std::abs(a[i]), std::abs(b[i])});
  }
  return d / scale;
}

}  // namespace terrain::geometry
