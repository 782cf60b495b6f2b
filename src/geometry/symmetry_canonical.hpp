#pragma once
// The exact symmetries of an MLP's parameters and a canonical representative under them.
//
// For every hidden layer l (the output of layer block l, l = 0 … n_layers − 2) two groups act
// on θ without changing the network's function, hence without changing the loss:
//   (a) a permutation π of its units: row j of W_l and b_l becomes row π(j), and column j of
//       W_{l+1} becomes column π(j);
//   (b) for an odd activation (tanh, linear) a sign flip of unit j: (row j of W_l, b_l[j],
//       column j of W_{l+1}) → their negatives, since σ(−z) = −σ(z).
// Residual networks are refused: a skip connection h_{l+1} = h_l + σ(·) ties the units of the
// layers it joins, so a permutation of one hidden layer alone is not a symmetry.
//
// The canonical form, layer by layer from the first (so each layer's incoming columns are
// already in canonical order): (1) odd activations: flip every unit whose incoming vector
// (row of W_l, then b_l[j]) has its entry of largest |.| negative (the first such entry on a
// tie; a unit with a zero incoming vector is decided by its outgoing column instead); (2) sort
// the units lexicographically by their signed incoming vectors, ties broken by the outgoing
// column's squared norm (invariant under the next layer's own permutation and flips, which
// are applied after), a stable sort, and apply the permutation to the next layer's columns.
// The form is exact (bitwise) under the group when no two units have equal keys and no
// unit's sign statistic is tied in |.| with an opposite sign; near such ties (degenerate
// points: duplicated or dead units) two copies of one point may get forms that differ by a
// permutation, so a deduplication must compare within a tolerance.
//
// All functions work on whole parameter vectors (the layout of model/parameter_layout.hpp)
// held on the calling rank; they are not collective.
#include <petscsys.h>

#include <vector>

#include "model/architecture.hpp"

namespace terrain::geometry {

// One element of the symmetry group: per hidden layer, the new unit j is the old unit
// perm[l][j] multiplied by sign[l][j] (±1; all +1 for activations that are not odd).
struct HiddenSymmetry {
  std::vector<std::vector<PetscInt>> perm;
  std::vector<std::vector<int>> sign;
};

// True for the activations with σ(−z) = −σ(z) (tanh, linear): sign flips are symmetries.
bool odd_activation(model::Activation a);

// Throws InputError when the architecture has skip connections (see above).
void require_symmetry_support(const model::Architecture& arch);

// The identity element for this architecture.
HiddenSymmetry identity_symmetry(const model::Architecture& arch);

// θ transformed by s. Throws InputError for a residual net, or for a sign −1 when the
// activation is not odd (that is not a symmetry); internal errors for malformed s.
std::vector<double> apply_symmetry(const model::Architecture& arch, const std::vector<double>& theta,
                                   const HiddenSymmetry& s);

// The canonical representative of θ's orbit; `applied` (optional) receives the element g with
// canonical = apply_symmetry(arch, θ, g).
std::vector<double> canonical_form(const model::Architecture& arch, const std::vector<double>& theta,
                                   HiddenSymmetry* applied = nullptr);

// max_i |a_i − b_i| / max(1, ‖a‖∞, ‖b‖∞): the distance a deduplication compares with its
// tolerance (relative for large parameters, absolute below 1).
double relative_max_distance(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace terrain::geometry
