#pragma once
// Shared by the alignment tests (weight and activation matching, rescaling normal form): random
// parameter vectors and random elements of the hidden-unit symmetry group, the loss of a whole
// vector, and the comparison of two elements.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/petsc_handle.hpp"
#include "core/rng.hpp"
#include "geometry/symmetry_canonical.hpp"
#include "model/parameter_layout.hpp"
#include "objective/objective.hpp"
#include "objective/replicated.hpp"

namespace terrain::test {

inline model::Architecture mlp(std::vector<PetscInt> widths, model::Activation activation,
                               bool bias = true) {
  model::Architecture a;
  a.widths = std::move(widths);
  a.activation = activation;
  a.loss = model::Loss::mse;
  a.bias = bias;
  return a;
}

inline std::vector<double> random_theta(const model::Architecture& a, std::uint64_t seed) {
  std::vector<double> t(model::ParameterLayout(a).size());
  for (std::size_t i = 0; i < t.size(); ++i)
    t[i] = core::normal(seed, core::Stream::test_vector, i);
  return t;
}

// Fisher–Yates per layer from the counter-based RNG; sign flips only for odd activations.
inline geometry::HiddenSymmetry random_symmetry(const model::Architecture& a, std::uint64_t seed) {
  geometry::HiddenSymmetry s = geometry::identity_symmetry(a);
  std::uint64_t k = 0;
  for (std::size_t l = 0; l < s.perm.size(); ++l) {
    auto& p = s.perm[l];
    for (std::size_t i = p.size(); i > 1; --i) {
      const auto j =
          static_cast<std::size_t>(core::uniform(seed, core::Stream::test_vector, k++) * i);
      std::swap(p[i - 1], p[std::min(j, i - 1)]);
    }
    if (geometry::odd_activation(a.activation))
      for (int& v : s.sign[l])
        v = core::uniform(seed + 1, core::Stream::test_vector, k++) < 0.5 ? -1 : 1;
  }
  return s;
}

// g⁻¹: new unit j = s_j · old π(j) is undone by new unit π(j) = s_j · old j.
inline geometry::HiddenSymmetry inverse(const geometry::HiddenSymmetry& g) {
  geometry::HiddenSymmetry h = g;
  for (std::size_t l = 0; l < g.perm.size(); ++l)
    for (std::size_t j = 0; j < g.perm[l].size(); ++j) {
      h.perm[l][g.perm[l][j]] = static_cast<PetscInt>(j);
      h.sign[l][g.perm[l][j]] = g.sign[l][j];
    }
  return h;
}

inline bool same_element(const geometry::HiddenSymmetry& a, const geometry::HiddenSymmetry& b) {
  return a.perm == b.perm && a.sign == b.sign;
}

inline double loss_of(objective::Objective& f, const std::vector<double>& theta) {
  core::OwnedVec t(f.create_vec());
  objective::distribute(theta, t);
  return f.loss(t);
}

inline double distance(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}

}  // namespace terrain::test
