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

// Which neurons the new ones copy when widening (-embed_split_neuron):
//   round_robin  new neuron t of a layer with h neurons copies neuron t mod h (above)
//   one_neuron   every new neuron of a widened layer copies the same neuron j: the chapter's
//                k-way split of ONE neuron (h → h + k − 1; with equal shares each of the k
//                pieces gets a_j/k, the other neurons are untouched)
enum class Widening { round_robin, one_neuron };
const char* to_string(Widening w);

// -embed_widths with its widening policy; empty widths: a one-step split instead.
struct TargetWidths {
  std::vector<PetscInt> widths;  // d_in, h1', ..., d_out
  Widening widening = Widening::round_robin;
  PetscInt neuron = -1;  // one_neuron: the neuron j (0-based) that is split in every widened layer
  bool empty() const { return widths.empty(); }
};

// multi_step_split with the new neurons' sources chosen by `target.widening`; the shares follow
// `rule` exactly as above (equal: 1/k for each of the k pieces of a neuron; alpha: the one-step
// rule repeated in order of the new neurons). one_neuron throws InputError naming
// -embed_split_neuron when j is not a neuron of a widened layer.
NeuronMap multi_step_split(const model::Architecture& arch, const TargetWidths& target,
                           SplitRule rule, double alpha);

}  // namespace terrain::embedding
