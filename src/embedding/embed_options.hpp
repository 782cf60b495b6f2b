#pragma once
// The options of terrain-embed: -input, -output and the -embed_ block (one PetscOptionsBegin/End
// per prefix, so -help lists them). Checks that need the network (neuron ranges, widths) are
// the operations' own.
#include <petscsys.h>

#include <string>
#include <vector>

#include "embedding/neuron_split.hpp"

namespace terrain::embedding {

enum class Mode { split, features, reduce, compare };
const char* to_string(Mode m);

struct EmbedOptions {
  std::string input, output;  // both required, different files
  Mode mode = Mode::split;    // -embed_mode (required)
  std::string name;           // /embedding/<name>; default: the mode
  PetscInt step = -1;         // a /trajectory/params snapshot; −1: /params
  bool data_from_run = true;

  // split: to -embed_widths, or one step (-embed_layer, -embed_neuron)
  std::vector<PetscInt> widths;
  SplitRule rule = SplitRule::equal;
  double alpha = 0.5;
  PetscInt layer = 1, neuron = -1;
  bool one_step() const { return widths.empty(); }
  bool counts = false;
  double counts_tol = 1e-11;

  // reduce
  double cos = 0.9, amp_tol = 1e-3;

  // compare
  std::string reference;

  static EmbedOptions from_options();
};

}  // namespace terrain::embedding
