#pragma once
// Where the samples come from: the -data_ options, read in one block so -help lists them.
#include <petscsys.h>

#include <cstdint>
#include <string>
#include <vector>

#include "model/architecture.hpp"

namespace terrain::data {

enum class Source { target1d, teacher, csv, idx, hdf5 };
enum class Sampling { uniform, grid };
enum class Normalize { none, unit, standard };

const char* to_string(Source s);
const char* to_string(Sampling s);
const char* to_string(Normalize n);

struct DataConfig {
  Source source = Source::target1d;
  std::string name;               // overrides the derived name ("iris", "fashion-mnist", ...)
  PetscInt n = -1;                // training samples; -1: the source's default (100 for
                                  // generators, every row of a file)
  PetscInt n_test = -1;           // test samples; -1: 0 for generators, all of an IDX test file
  std::uint64_t seed = 0;         // inputs of generators, the teacher, the csv/hdf5 split

  // target1d
  double interval[2] = {-1.0, 1.0};
  Sampling sampling = Sampling::uniform;

  // teacher
  std::vector<PetscInt> teacher_widths;  // d_in, ..., d_out
  model::Activation teacher_activation = model::Activation::tanh;

  // files
  std::string file;               // csv, hdf5, or IDX images
  std::string labels_file;        // IDX labels
  std::string test_file;          // IDX test images
  std::string test_labels_file;   // IDX test labels
  PetscInt target_columns = 1;    // csv: the last k columns are targets
  Normalize normalize = Normalize::unit;  // IDX pixels
  double test_fraction = 0.0;     // csv, hdf5: share of the rows held out as the test set

  // Any source: a constant-1 feature appended as the last input column of the training and
  // test sets (x̃ = [x; 1]), so a network without biases (-model_bias false) computes
  // f = Σ a_k σ(w_kᵀ x̃): the hidden bias folded into w_k, no output bias.
  bool append_one = false;

  // Reads the -data_ options (-data_source required); -help lists them.
  static DataConfig from_options();
  // Throws InputError naming the option on an impossible configuration.
  void validate() const;
};

}  // namespace terrain::data
