#pragma once
// The maps of the critical embeddings (contracts.md): splitting one neuron, and widening a
// network to any wider widths of the same depth by repeated splits. Pure weight space; the
// parameters move with apply_map (embedding/neuron_map.hpp).
#include <petscsys.h>

#include <vector>

#include "embedding/neuron_map.hpp"
#include "model/architecture.hpp"

namespace terrain::embedding {

// One-step split of neuron j of hidden layer l (1..L−1) with ratio α (any real): the copy is
// appended as the last neuron of layer l with the same incoming weights and bias; j keeps
// α·a_j of its outgoing weights, the copy gets (1 − α)·a_j.
NeuronMap one_step_split(const model::Architecture& arch, int layer, PetscInt neuron, double alpha);

enum class SplitRule { equal, alpha };
const char* to_string(SplitRule r);

// To `widths` (d_in, h1', ..., d_out, with h_l' ≥ h_l): in each hidden layer with h neurons the
// e = h' − h new neurons are appended in order, new neuron t (0-based) a copy of source neuron
// t mod h (round-robin, so the copies spread evenly and the lowest-numbered neurons get the
// extra ones first).
//   equal: a source neuron with k copies (itself included) gives each 1/k of its outgoing
//          weights (the k-way equal split).
//   alpha: the one-step rule repeated in that order: splitting neuron s keeps α·(its current
//          share) in s and gives (1 − α)·(that share) to the new neuron.
NeuronMap multi_step_split(const model::Architecture& arch, const std::vector<PetscInt>& widths,
                           SplitRule rule, double alpha);

}  // namespace terrain::embedding
