#include "optim/train_config.hpp"

#include "core/error.hpp"

namespace terrain::optim {

namespace {
PetscErrorCode read_options(TrainConfig* c) {
  PetscFunctionBeginUser;
  char init_file[PETSC_MAX_PATH_LEN] = "", output[PETSC_MAX_PATH_LEN] = "";
  PetscBool init_set = PETSC_FALSE, output_set = PETSC_FALSE;
  PetscOptionsBegin(PETSC_COMM_WORLD, "train_", "Training", "terrain-train");
  PetscCall(PetscOptionsReal("-lr", "Learning rate of gradient descent", "", c->lr, &c->lr, nullptr));
  PetscCall(PetscOptionsInt("-steps", "Gradient-descent steps (0 only evaluates)", "", c->steps, &c->steps, nullptr));
  PetscCall(PetscOptionsInt("-print_every", "Progress line every k steps (0: about ten per run)", "",
                            c->print_every, &c->print_every, nullptr));
  PetscCall(PetscOptionsInt("-monitor_every", "Record a /trajectory row every k steps", "",
                            c->monitor_every, &c->monitor_every, nullptr));
  PetscOptionsEnd();
  PetscOptionsBegin(PETSC_COMM_WORLD, "model_", "Initial parameters", "terrain-train");
  PetscCall(PetscOptionsString("-init_file", "HDF5 file with the initial parameters (dataset params)",
                               "", init_file, init_file, sizeof(init_file), &init_set));
  PetscOptionsEnd();
  PetscOptionsBegin(PETSC_COMM_WORLD, nullptr, "Output", "terrain-train");
  PetscCall(PetscOptionsString("-output", "The run file to write (replaced atomically)", "",
                               c->output.c_str(), output, sizeof(output), &output_set));
  PetscOptionsEnd();
  if (init_set) c->init_file = init_file;
  if (output_set) c->output = output;
  PetscFunctionReturn(0);
}
}  // namespace

TrainConfig TrainConfig::from_options() {
  TrainConfig c;
  TERRAIN_OPTIONS(read_options(&c));
  TERRAIN_CHECK(c.lr > 0, "-train_lr must be positive, got " << c.lr);
  TERRAIN_CHECK(c.steps >= 0, "-train_steps must be non-negative, got " << c.steps);
  TERRAIN_CHECK(c.print_every >= 0, "-train_print_every must be non-negative");
  TERRAIN_CHECK(c.monitor_every >= 1, "-train_monitor_every must be at least 1");
  TERRAIN_CHECK(!c.output.empty(), "-output must name a file");
  if (c.print_every == 0) c.print_every = std::max<PetscInt>(1, c.steps / 10);
  return c;
}

}  // namespace terrain::optim
