#pragma once
// One /trajectory row: what the landscape looks like at θ_t. Everything is measured on the
// full training set (and the test set), also for minibatch training, so rows of SGD and GD runs
// mean the same. For full-batch training the step's own loss and gradient are reused and the
// curvature products hit the objective's cache of θ_t (only the R-passes are paid).
#include <petscvec.h>

#include <memory>

#include "core/petsc_handle.hpp"
#include "data/dataset.hpp"
#include "optim/training_trajectory.hpp"
#include "objective/objective.hpp"
#include "optim/lambda_max_tracker.hpp"
#include "optim/train_config.hpp"

namespace terrain::optim {

// What the training step already knows at θ_t.
struct StepState {
  PetscInt step = 0;
  double epoch = 0;    // minibatch runs
  double loss = 0;     // of the step's samples (the minibatch, or all)
  Vec grad = nullptr;  // ∇L(θ_t) over all samples, or nullptr for minibatch steps
  double grad_sq = 0;  // ‖grad‖² when grad is given
  double lr = 0;       // of the update θ_t → θ_{t+1}
};

class Monitor {
 public:
  // `full` is the objective over all training samples (it must outlive the monitor).
  Monitor(objective::Objective& full, const data::Data& data, const TrainConfig& config,
          std::uint64_t seed);
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // Appends the row of `s` to `rows` (all columns but wall_time and step_time).
  void measure(const StepState& s, Vec theta, TrainingRows& rows);
  // The λ_max tracker, or nullptr when -train_monitor_lambda_max is off.
  LambdaMaxTracker* tracker() const { return tracker_.get(); }

 private:
  objective::Objective& full_;
  const data::Data& data_;
  const TrainConfig& config_;
  core::OwnedVec full_grad_, hg_;
  std::unique_ptr<LambdaMaxTracker> tracker_;
};

}  // namespace terrain::optim
