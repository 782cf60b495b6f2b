#pragma once
// The options of terrain-embed: -input, -output and the -embed_ block (one PetscOptionsBegin/End
// per prefix, so -help lists them). Checks that need the network (neuron ranges, widths) are
// the operations' own.
#include <petscsys.h>

#include <string>
#include <vector>

#include "embedding/neuron_split.hpp"
#include "embedding/report.hpp"
#include "spectral/inertia.hpp"

namespace terrain::embedding {

enum class Mode { split, features, reduce, compare };
const char* to_string(Mode m);

struct EmbedOptions {
  std::string input, output;  // both required, different files
  Mode mode = Mode::split;    // -embed_mode (required)
  std::string name;           // /embedding/<name>; default: the mode
  PetscInt step = -1;         // a /trajectory/params snapshot; −1: /params
  bool data_from_run = true;

  // split: to -embed_widths (round-robin, or one neuron with -embed_split_neuron), or one step
  // (-embed_layer, -embed_neuron)
  TargetWidths widths;
  SplitRule rule = SplitRule::equal;
  double alpha = 0.5;
  PetscInt layer = 1, neuron = -1;
  bool one_step() const { return widths.empty(); }
  bool counts = false;
  spectral::ZeroTolerance counts_tol{1e-11, 0.0};  // -embed_counts_tol, -embed_counts_rtol

  // reduce
  double cos = 0.9, amp_tol = 1e-3;

  // compare
  std::string reference;

  static EmbedOptions from_options();
};

// The report's fields that come from the options alone (the widening policy of a split to
// -embed_widths and its neuron); the driver adds them to what the operation reported.
void record_options(const EmbedOptions& o, EmbeddingReport& r);

}  // namespace terrain::embedding
