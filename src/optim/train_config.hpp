#pragma once
// What terrain-train does: the -train_ options (optimizer, schedule, minibatches, clipping,
// monitors, snapshots, checkpoints), the starting point and the output, read in one block so
// -help lists them all.
#include <petscsys.h>

#include <cstdint>
#include <string>
#include <vector>

#include "optim/checkpoint.hpp"
#include "optim/lambda_max_tracker.hpp"
#include "optim/optimizer.hpp"
#include "optim/schedule.hpp"

namespace terrain::optim {

struct TrainConfig {
  OptimizerSettings optimizer;
  Schedule schedule;  // schedule.lr is -train_lr
  PetscInt steps = 100;
  PetscInt batch = 0;      // 0: full batch
  std::uint64_t seed = 0;  // minibatch order
  double clip_norm = 0;    // 0: no clipping

  PetscInt print_every = 0;       // progress line every k steps; 0: about 10 lines per run
  PetscInt monitor_every = 1;     // trajectory row every k steps (and always the last)
  bool monitor_curvature = true;  // gᵀHg and the predicted loss change (one H·v per row)
  bool monitor_lambda_max = false;
  LambdaMaxSettings lambda_max;

  PetscInt save_every = 0;           // parameter snapshot every k steps; 0: none
  PetscInt checkpoint_every = 0;     // checkpoint every k steps; 0: only by time
  double checkpoint_interval = 600;  // checkpoint when this many seconds passed; 0: never by time

  std::string init_file;  // -model_init_file (model::ModelConfig): parameters instead of the seed's draw
  std::string output = "run.h5";
  std::string restart;      // -restart: the run file to continue
  bool output_set = false;  // -output names the output (else -restart's file; see train_config.cpp)

  double lr() const { return schedule.lr; }
  bool minibatch() const { return batch > 0; }

  // Everything a continued run must repeat because it changes the result or the columns of
  // /trajectory (not -train_steps, which a restart may raise, nor printing or checkpointing).
  std::vector<Setting> identity() const;

  // The -train_ options and -output/-restart; init_file is the -model_init_file that
  // model::ModelConfig read (checked against -restart here).
  static TrainConfig from_options(const std::string& init_file = "");
  void validate() const;
};

}  // namespace terrain::optim
