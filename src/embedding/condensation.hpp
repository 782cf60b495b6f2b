#pragma once
// Condensation: which neurons of a two-layer network act as one. Neurons whose amplitude is
// negligible (A_k ≤ amp_tol · max A) are dropped; the others are grouped greedily and
// deterministically: in order of decreasing amplitude (ties: lower index first) each neuron
// not yet grouped leads a new group and takes every ungrouped, undropped neuron whose unit
// input direction has cosine similarity ≥ cos_threshold with its own. Groups are then numbered
// by their lowest-numbered member, so the reduced network keeps the original neuron order (an
// embedding keeps the original neurons in place and appends the copies, so it reduces back to
// the original network exactly). Depends on model only.
#include <petscsys.h>

#include <vector>

#include "embedding/neuron_features.hpp"

namespace terrain::embedding {

struct Grouping {
  std::vector<PetscInt> group;  // [m] group of each neuron, −1 = dropped
  std::vector<PetscInt> kept;   // [groups] the leader (largest amplitude) of each group
  std::vector<PetscInt> order;  // [m] neurons sorted by group (by index inside), dropped last
  PetscInt n_dropped = 0;
  double cos_threshold = 0, amp_tol = 0;
};

// Cosine similarity of the unit input directions, [m × m] row-major (0 for a zero direction).
std::vector<double> cosine_similarity(const NeuronFeatures& f);

// Throws InputError when every neuron would be dropped (a network of width 0).
Grouping condense(const NeuronFeatures& f, double cos_threshold, double amp_tol);

}  // namespace terrain::embedding
