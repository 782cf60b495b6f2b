#pragma once
// Critical embeddings (Zhang, Zhang, Luo & Xu 2021) as one object: a neuron map from a narrow
// network to a wider one of the same depth. For every hidden layer l = 1..L−1 (the neurons after
// the l-th Linear layer, 0-based neurons) each target neuron i has a source neuron m_l(i) and a
// share α_l(i) of that source's outgoing weights, with Σ_{i: m_l(i) = s} α_l(i) = 1 for every
// source neuron s. The wide parameters are
//     W'_l[i, j] = W_l[m_l(i), m_{l−1}(j)] · α_{l−1}(j),     b'_l[i] = b_l[m_l(i)]
// (m_0, m_L the identity, α_0 = α_L = 1). Every copy of s sees exactly the pre-activation of s,
// and the next layer receives Σ_copies α · σ(z_s) = σ(z_s): the output function is unchanged
// for any activation, and the gradient of the wide net is the narrow one's, rescaled, so a
// critical point stays critical. Pure weight-space code: depends on model only.
#include <petscsys.h>

#include <vector>

#include "model/architecture.hpp"

namespace terrain::embedding {

struct NeuronMap {
  // [l − 1][target neuron]: the source neuron and its share, for hidden layers l = 1..L−1.
  std::vector<std::vector<PetscInt>> source;
  std::vector<std::vector<double>> share;

  int n_hidden() const { return static_cast<int>(source.size()); }
  PetscInt width(int layer) const { return static_cast<PetscInt>(source[layer - 1].size()); }
  // The identity map of a network (every neuron its own source, share 1).
  static NeuronMap identity(const model::Architecture& arch);
};

// The target network: the source with the map's hidden widths.
model::Architecture target_architecture(const model::Architecture& source, const NeuronMap& map);

// Throws InputError unless the map fits the source (same depth, valid neurons, every source
// neuron used, shares summing to 1 within 1e-12 relative) and the networks can be embedded: a
// residual network only when neither it nor the target has a skip connection (a skip adds
// h_l to h_{l+1} and needs equal widths, which splitting one of the two layers breaks).
void check_map(const model::Architecture& source, const NeuronMap& map);

// The target's parameters (ParameterLayout order) from the source's.
std::vector<double> apply_map(const model::Architecture& source, const std::vector<double>& theta,
                              const NeuronMap& map);

// `second` after `first`: target neuron i of `second` comes from neuron m1(m2(i)) with share
// α1(m2(i)) · α2(i).
NeuronMap compose(const NeuronMap& first, const NeuronMap& second);

}  // namespace terrain::embedding
