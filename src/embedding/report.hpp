#pragma once
// What terrain-embed did to one network, as plain data: the operation fills its part and
// embedding/embedding_file.hpp writes it to /embedding/<name>. "Before" is the input network (for
// compare: the reference), "after" the network written to the output file. NaN marks a number
// that does not apply (no test set; no output difference for features and compare).
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "embedding/condensation.hpp"
#include "embedding/hessian_counts.hpp"
#include "embedding/neuron_features.hpp"
#include "embedding/neuron_map.hpp"
#include "embedding/prediction_agreement.hpp"
#include "spectral/inertia.hpp"

namespace terrain::embedding {

struct Comparison {
  Agreement agreement;
  std::string set;  // "test" or "train": the samples the agreement was measured on
  double loss = NAN, reference_loss = NAN, test_loss = NAN, reference_test_loss = NAN;
};

struct EmbeddingReport {
  std::string mode, source, reference;
  std::int64_t step = -1;
  std::vector<std::int64_t> source_widths, target_widths;
  std::int64_t n_params_before = 0, n_params_after = 0;
  double loss_before = NAN, loss_after = NAN, max_output_difference = NAN;
  double test_loss_before = NAN, test_loss_after = NAN;
  double grad_norm_before = NAN, grad_norm_after = NAN;  // ‖∇L‖₂ (split)

  // split
  std::optional<NeuronMap> map;
  std::string split_rule;          // "one-step", "equal", "alpha"
  std::string widening;            // to widths: "round-robin" or "one-neuron"; "" for one-step
  double alpha = NAN;
  std::int64_t layer = -1, neuron = -1;  // one-step split only
  std::int64_t split_neuron = -1;        // one-neuron widening: the neuron split in every layer
  std::optional<HessianCounts> counts_before, counts_after;
  spectral::ZeroTolerance counts_tol{NAN, NAN};  // the rule; each count's τ is in its inertia

  // features (and reduce: the features of the input network)
  std::optional<NeuronFeatures> features;

  // reduce
  std::optional<Grouping> grouping;
  std::vector<double> similarity;  // [m × m]

  // reduce and compare
  std::optional<Comparison> comparison;
};

}  // namespace terrain::embedding
