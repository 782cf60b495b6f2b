#include "model/architecture.hpp"

#include <sstream>

#include "core/error.hpp"
#include "core/options.hpp"
#include "core/session.hpp"

namespace terrain::model {

namespace {
const char* const kActivationNames[] = {"linear", "relu", "tanh", "sigmoid", "softplus"};
const char* const kLossNames[] = {"mse", "cross_entropy"};

// With init_file, also -model_init_file (same block, so -help lists every -model_ option once).
PetscErrorCode read_options(Architecture* a, PetscBool* widths_set, std::string* init_file) {
  PetscFunctionBeginUser;
  char init_path[PETSC_MAX_PATH_LEN] = "";
  PetscBool init_set = PETSC_FALSE;
  PetscInt widths[64];
  PetscInt n_widths = 64;
  PetscInt activation = static_cast<PetscInt>(a->activation);
  PetscInt loss = static_cast<PetscInt>(a->loss);
  PetscBool bias = a->bias ? PETSC_TRUE : PETSC_FALSE;
  PetscBool residual = a->residual ? PETSC_TRUE : PETSC_FALSE;
  PetscInt seed = static_cast<PetscInt>(a->seed);
  PetscOptionsBegin(PETSC_COMM_WORLD, "model_", "Network architecture", "terrain");
  PetscCall(PetscOptionsIntArray("-widths", "Layer widths d_in,h1,...,d_out", "", widths, &n_widths,
                                 widths_set));
  PetscCall(PetscOptionsEList("-activation", "Hidden activation", "", kActivationNames, 5,
                              kActivationNames[activation], &activation, nullptr));
  PetscCall(PetscOptionsEList("-loss", "Loss: mse = (1/2n)Σ|f-y|², cross_entropy = mean softmax CE",
                              "", kLossNames, 2, kLossNames[loss], &loss, nullptr));
  PetscCall(PetscOptionsBool("-bias", "Layers have biases", "", bias, &bias, nullptr));
  PetscCall(PetscOptionsBool("-residual", "Skip connections between equal-width hidden layers", "",
                             residual, &residual, nullptr));
  PetscCall(PetscOptionsReal("-init_scale", "Weight std = init_scale * fan_in^(-init_gamma)", "",
                             a->init_scale, &a->init_scale, nullptr));
  PetscCall(PetscOptionsReal("-init_gamma",
                             "Exponent of fan_in in the weight std (0.5 usual, "
                             "larger = small initialisation)",
                             "", a->init_gamma, &a->init_gamma, nullptr));
  PetscCall(PetscOptionsReal("-init_bias", "Initial value of every bias", "", a->init_bias,
                             &a->init_bias, nullptr));
  PetscCall(PetscOptionsInt("-seed", "Seed of the initial weights", "", seed, &seed, nullptr));
  if (init_file)
    PetscCall(PetscOptionsString("-init_file",
                                 "HDF5 file with the initial parameters (dataset params)", "",
                                 init_path, init_path, sizeof(init_path), &init_set));
  PetscOptionsEnd();
  if (init_set) *init_file = init_path;
  if (*widths_set) a->widths.assign(widths, widths + n_widths);
  a->activation = static_cast<Activation>(activation);
  a->loss = static_cast<Loss>(loss);
  a->bias = bias;
  a->residual = residual;
  a->seed = static_cast<std::uint64_t>(seed);
  PetscFunctionReturn(0);
}
}  // namespace

const char* to_string(Activation a) { return kActivationNames[static_cast<int>(a)]; }
const char* to_string(Loss l) { return kLossNames[static_cast<int>(l)]; }

namespace {
Architecture architecture_from_options(std::string* init_file) {
  Architecture a;
  PetscBool widths_set = PETSC_FALSE;
  TERRAIN_OPTIONS(read_options(&a, &widths_set, init_file));
  if (!core::help_requested()) {
    core::require_option(widths_set, "-model_widths");
    a.validate();
  }
  return a;
}
}  // namespace

Architecture Architecture::from_options() { return architecture_from_options(nullptr); }

ModelConfig ModelConfig::from_options() {
  ModelConfig m;
  m.arch = architecture_from_options(&m.init_file);
  return m;
}

void Architecture::validate() const {
  TERRAIN_CHECK(widths.size() >= 2, "-model_widths must have at least 2 entries (d_in,d_out)");
  double n_params = 0;
  for (std::size_t i = 0; i < widths.size(); ++i) {
    TERRAIN_CHECK(widths[i] >= 1, "-model_widths entries must be positive, got " << widths[i]);
    if (i > 0) n_params += double(widths[i]) * double(widths[i - 1] + (bias ? 1 : 0));
  }
  TERRAIN_CHECK(
      n_params < 2147483647.0,
      "-model_widths gives " << n_params << " parameters, more than 32-bit PETSc indices allow");
  TERRAIN_CHECK(init_scale >= 0, "-model_init_scale must be non-negative");
  TERRAIN_CHECK(loss != Loss::cross_entropy || widths.back() >= 2,
                "-model_loss cross_entropy needs at least 2 outputs in -model_widths");
}

bool same_network(const Architecture& a, const Architecture& b) {
  return a.widths == b.widths && a.activation == b.activation && a.loss == b.loss &&
         a.bias == b.bias && a.residual == b.residual;
}

std::string describe(const Architecture& a) {
  std::ostringstream os;
  for (std::size_t i = 0; i < a.widths.size(); ++i) os << (i ? "," : "") << a.widths[i];
  os << " " << a.activation << " " << a.loss << (a.bias ? "" : " no bias")
     << (a.residual ? " residual" : "");
  return os.str();
}

}  // namespace terrain::model
