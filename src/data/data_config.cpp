#include "data/data_config.hpp"

#include "core/error.hpp"
#include "core/options.hpp"
#include "core/session.hpp"

namespace terrain::data {

namespace {
const char* const kSourceNames[] = {"target1d", "teacher", "csv", "idx", "hdf5"};
const char* const kSamplingNames[] = {"uniform", "grid"};
const char* const kNormalizeNames[] = {"none", "unit", "standard"};
const char* const kActivationNames[] = {
    model::to_string(model::Activation::linear), model::to_string(model::Activation::relu),
    model::to_string(model::Activation::tanh), model::to_string(model::Activation::sigmoid),
    model::to_string(model::Activation::softplus)};

// What the options block saw, beyond the values themselves.
struct Seen {
  PetscBool source = PETSC_FALSE, n = PETSC_FALSE, n_test = PETSC_FALSE;
  PetscBool interval = PETSC_FALSE;
  PetscInt n_interval = 2;
  PetscBool teacher_widths = PETSC_FALSE;
  PetscInt seed = 0;
};

std::string trimmed(const char* s) {
  std::string t = s;
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  return t;
}

PetscErrorCode read_options(DataConfig* c, Seen* seen) {
  PetscFunctionBeginUser;
  PetscInt source = -1;
  PetscInt sampling = static_cast<PetscInt>(c->sampling);
  PetscInt normalize = static_cast<PetscInt>(c->normalize);
  PetscInt activation = static_cast<PetscInt>(c->teacher_activation);
  PetscInt widths[64] = {0};  // -help shows the current value
  PetscInt n_widths = 64;
  for (std::size_t i = 0; i < c->teacher_widths.size() && i < 64; ++i) widths[i] = c->teacher_widths[i];
  char name[PETSC_MAX_PATH_LEN] = "", file[PETSC_MAX_PATH_LEN] = "",
       labels[PETSC_MAX_PATH_LEN] = "", test_file[PETSC_MAX_PATH_LEN] = "",
       test_labels[PETSC_MAX_PATH_LEN] = "";
  PetscBool append_one = c->append_one ? PETSC_TRUE : PETSC_FALSE;
  PetscOptionsBegin(PETSC_COMM_WORLD, "data_", "Data set", "terrain");
  PetscCall(PetscOptionsEList("-source", "Where samples come from (required)", "", kSourceNames,
                              5, "none", &source, &seen->source));
  PetscCall(PetscOptionsString("-name", "Name recorded for the data set (default: derived from "
                               "the source)", "", name, name, sizeof(name), nullptr));
  PetscCall(PetscOptionsInt("-n", "Training samples (-1: 100 for target1d/teacher, all rows of "
                            "a file)", "", c->n, &c->n, &seen->n));
  PetscCall(PetscOptionsInt("-n_test", "Test samples (-1: none for target1d/teacher, all of "
                            "-data_test_file for idx)", "", c->n_test, &c->n_test, &seen->n_test));
  PetscCall(PetscOptionsInt("-seed", "Seed of generated inputs, of the teacher and of the "
                            "train/test split", "", seen->seed, &seen->seed, nullptr));
  PetscCall(PetscOptionsRealArray("-interval", "target1d: input interval a,b", "", c->interval,
                                  &seen->n_interval, &seen->interval));
  PetscCall(PetscOptionsEList("-sampling", "target1d: inputs drawn uniformly or on a grid with "
                              "both ends", "", kSamplingNames, 2, kSamplingNames[sampling],
                              &sampling, nullptr));
  PetscCall(PetscOptionsIntArray("-teacher_widths", "teacher: layer widths d_in,...,d_out "
                                 "(required for teacher)", "", widths, &n_widths,
                                 &seen->teacher_widths));
  PetscCall(PetscOptionsEList("-teacher_activation", "teacher: hidden activation", "",
                              kActivationNames, 5, kActivationNames[activation], &activation,
                              nullptr));
  PetscCall(PetscOptionsString("-file", "csv/hdf5 file, or IDX images (required for those)", "",
                               file, file, sizeof(file), nullptr));
  PetscCall(PetscOptionsString("-labels_file", "idx: labels of -data_file (required for idx)",
                               "", labels, labels, sizeof(labels), nullptr));
  PetscCall(PetscOptionsString("-test_file", "idx: test images", "", test_file, test_file,
                               sizeof(test_file), nullptr));
  PetscCall(PetscOptionsString("-test_labels_file", "idx: test labels", "", test_labels,
                               test_labels, sizeof(test_labels), nullptr));
  PetscCall(PetscOptionsInt("-target_columns", "csv: the last k columns are targets (one "
                            "non-numeric column = class labels)", "", c->target_columns,
                            &c->target_columns, nullptr));
  PetscCall(PetscOptionsEList("-normalize", "idx: pixels as is, /255, or standardised with the "
                              "training set's mean and std", "", kNormalizeNames, 3,
                              kNormalizeNames[normalize], &normalize, nullptr));
  PetscCall(PetscOptionsReal("-test_fraction", "csv/hdf5: share of rows held out for testing, "
                             "in [0,1)", "", c->test_fraction, &c->test_fraction, nullptr));
  PetscCall(PetscOptionsBool("-append_one", "Append a constant-1 input column to the training and "
                             "test sets (x~ = [x; 1]: with -model_bias false the hidden bias is "
                             "folded into the input weights and there is no output bias)", "",
                             append_one, &append_one, nullptr));
  PetscOptionsEnd();
  c->append_one = append_one == PETSC_TRUE;
  if (seen->source) c->source = static_cast<Source>(source);
  if (seen->teacher_widths) c->teacher_widths.assign(widths, widths + n_widths);
  c->sampling = static_cast<Sampling>(sampling);
  c->normalize = static_cast<Normalize>(normalize);
  c->teacher_activation = static_cast<model::Activation>(activation);
  c->name = trimmed(name);
  c->file = trimmed(file);
  c->labels_file = trimmed(labels);
  c->test_file = trimmed(test_file);
  c->test_labels_file = trimmed(test_labels);
  PetscFunctionReturn(0);
}

}  // namespace

const char* to_string(Source s) { return kSourceNames[static_cast<int>(s)]; }
const char* to_string(Sampling s) { return kSamplingNames[static_cast<int>(s)]; }
const char* to_string(Normalize n) { return kNormalizeNames[static_cast<int>(n)]; }

DataConfig DataConfig::from_options() {
  DataConfig c;
  Seen seen;
  TERRAIN_OPTIONS(read_options(&c, &seen));
  c.seed = static_cast<std::uint64_t>(seen.seed < 0 ? 0 : seen.seed);
  if (core::help_requested()) return c;
  core::require_option(seen.source, "-data_source");
  // -1 means "the source's default" inside DataConfig; typed by the user it is a mistake.
  TERRAIN_CHECK(!seen.n || c.n >= 1, "-data_n must be positive, got " << c.n);
  TERRAIN_CHECK(!seen.n_test || c.n_test >= 0, "-data_n_test must be non-negative, got " << c.n_test);
  TERRAIN_CHECK(seen.seed >= 0, "-data_seed must be non-negative, got " << seen.seed);
  TERRAIN_CHECK(!seen.interval || seen.n_interval == 2,
                "-data_interval needs exactly two numbers a,b, got " << seen.n_interval);
  if (c.source == Source::teacher) core::require_option(seen.teacher_widths, "-data_teacher_widths");
  c.validate();
  return c;
}

void DataConfig::validate() const {
  TERRAIN_CHECK(n == -1 || n >= 1, "-data_n must be positive, got " << n);
  TERRAIN_CHECK(n_test >= -1, "-data_n_test must be non-negative, got " << n_test);
  const bool split = source == Source::csv || source == Source::hdf5;
  TERRAIN_CHECK(test_fraction >= 0.0 && test_fraction < 1.0,
                "-data_test_fraction must be in [0,1), got " << test_fraction);
  TERRAIN_CHECK(split || test_fraction == 0.0,
                "-data_test_fraction applies to csv and hdf5 only; -data_source "
                    << to_string(source) << " has its own test set (-data_n_test)");
  TERRAIN_CHECK(!split || n_test == -1,
                "-data_n_test does not apply to -data_source " << to_string(source)
                                                               << "; use -data_test_fraction");
  switch (source) {
    case Source::target1d:
      TERRAIN_CHECK(interval[0] < interval[1], "-data_interval a,b needs a < b, got "
                                                   << interval[0] << "," << interval[1]);
      break;
    case Source::teacher:
      TERRAIN_CHECK(teacher_widths.size() >= 2,
                    "-data_teacher_widths must have at least 2 entries (d_in,d_out)");
      for (PetscInt w : teacher_widths)
        TERRAIN_CHECK(w >= 1, "-data_teacher_widths entries must be positive, got " << w);
      break;
    case Source::csv:
      TERRAIN_CHECK(target_columns >= 1,
                    "-data_target_columns must be positive, got " << target_columns);
      [[fallthrough]];
    case Source::hdf5:
      TERRAIN_CHECK(!file.empty(), "-data_file is required for -data_source " << to_string(source));
      break;
    case Source::idx:
      TERRAIN_CHECK(!file.empty(), "-data_file is required for -data_source idx");
      TERRAIN_CHECK(!labels_file.empty(), "-data_labels_file is required for -data_source idx");
      TERRAIN_CHECK(test_file.empty() == test_labels_file.empty(),
                    "-data_test_file and -data_test_labels_file go together");
      TERRAIN_CHECK(!test_file.empty() || n_test <= 0,
                    "-data_n_test " << n_test << " needs -data_test_file and -data_test_labels_file");
      break;
  }
}

}  // namespace terrain::data
