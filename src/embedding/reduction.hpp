#pragma once
// Reduction of a condensed two-layer network to one neuron per group: the group's leader j
// (its largest-amplitude neuron) keeps its incoming weights and bias, and its outgoing weights
// become Σ_{k in group} a_k ‖(w_k, b_k)‖ / ‖(w_j, b_j)‖; dropped neurons disappear; the output
// bias stays. Exact when the directions in a group coincide and σ is positively homogeneous
// (ReLU: a_k σ(w_k·x) = a_k (‖w_k‖/‖w_j‖) σ(w_j·x)), or for any σ when the group members are
// identical copies (an embedding), so embedding then reducing returns the original network.
// Depends on model only.
#include <vector>

#include "embedding/condensation.hpp"
#include "model/architecture.hpp"

namespace terrain::embedding {

struct Reduced {
  model::Architecture arch;   // width = number of groups
  std::vector<double> theta;  // ParameterLayout order
};

Reduced reduce(const model::Architecture& arch, const std::vector<double>& theta,
               const NeuronFeatures& features, const Grouping& grouping);

}  // namespace terrain::embedding
