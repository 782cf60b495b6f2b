#pragma once
// The /trajectory terrain-train writes: io::Trajectory's columns (run_schema.hpp) plus the
// training monitors, appended at each checkpoint, and the parameter snapshots.
//
//   /trajectory/step               int64    monitored step t (θ_t, before its update)
//   /trajectory/epoch              float64  t / batches per epoch (minibatch runs)
//   /trajectory/loss, accuracy     float64  full training set at θ_t (accuracy: classification)
//   /trajectory/test_loss, test_accuracy    (with a test set)
//   /trajectory/batch_loss         float64  the minibatch loss of step t (minibatch runs)
//   /trajectory/grad_norm          float64  ‖∇L(θ_t)‖ of the full training loss
//   /trajectory/gHg                float64  gᵀHg for g = ∇L (one H·v)         (monitor_curvature)
//   /trajectory/predicted_change   float64  ½ lr² gᵀHg − lr gᵀg: the second-order change of L
//                                           along the gradient step (monitor_curvature)
//   /trajectory/lr                 float64  learning rate of the update θ_t → θ_{t+1}
//   /trajectory/temperature        float64  lr / (2B)                            (minibatch runs)
//   /trajectory/lambda_max, lambda_max_residual  float64, lambda_max_hv int64 (H·v spent),
//   /trajectory/two_over_lr        float64  2/lr next to λ_max (monitor_lambda_max)
//   /trajectory/wall_time          float64  seconds since the run started (all sessions)
//   /trajectory/step_time          float64  mean seconds per training step since the previous row
//   /trajectory/params             float64 [n_saved, n_params] snapshots, each rank its hyperslab
//   /trajectory/params_step        int64   [n_saved] the step of each snapshot
// Every column dataset has a `description` attribute. All columns of a run have equal length.
#include <petscvec.h>

#include <cstdint>
#include <vector>

#include "io/run_file.hpp"

namespace terrain::optim {

struct TrainingRows {
  std::vector<std::int64_t> step, lambda_max_hv;
  std::vector<double> epoch, loss, accuracy, test_loss, test_accuracy, batch_loss, grad_norm, gHg,
      predicted_change, lr, temperature, lambda_max, lambda_max_residual, two_over_lr, wall_time,
      step_time;

  std::size_t size() const { return step.size(); }
  void clear();
};

// Appends the rows (creating the columns on first use). Every call of a run must carry the same
// columns as the file, or it throws an InputError naming the column.
void append_training_rows(io::RunFile& file, const TrainingRows& rows);

// Appends θ as one row of /trajectory/params; the steps go to /trajectory/params_step.
void append_snapshot(io::RunFile& file, Vec params);
void append_snapshot_steps(io::RunFile& file, const std::vector<std::int64_t>& steps);

}  // namespace terrain::optim
