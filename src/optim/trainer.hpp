#pragma once
// The training loop of one run on a communicator, without files: θ, the optimizer, the
// minibatch sampler, the schedule, the monitors, and the rows and snapshots not yet written.
//
// Step t: the gradient of the step's samples at θ_t; one reduction gives ‖g‖² and the ranks'
// agreement on stop signals and time-based checkpoints; divergence check; the row and snapshot
// of step t; then, unless t is the last step, clipping and the update θ_t → θ_{t+1}. A
// checkpoint taken at step t therefore holds θ_t with every row of steps ≤ t, and a run resumed
// from it repeats the same floating-point operations (bitwise-identical continuation).
#include <petscvec.h>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/petsc_handle.hpp"
#include "data/dataset.hpp"
#include "optim/training_trajectory.hpp"
#include "model/architecture.hpp"
#include "objective/objective.hpp"
#include "optim/minibatch_sampler.hpp"
#include "optim/monitor.hpp"
#include "optim/optimizer.hpp"
#include "optim/train_config.hpp"

namespace terrain::optim {

// Training stopped on a non-finite loss or gradient; the same on every rank.
class Diverged : public core::InputError {
 public:
  Diverged(const std::string& message, PetscInt step) : core::InputError(message), step_(step) {}
  PetscInt step() const { return step_; }

 private:
  PetscInt step_;
};

class Trainer {
 public:
  enum class Outcome { trained, stopped };

  // `data` must outlive the trainer. `progress`: print progress lines on the communicator.
  Trainer(MPI_Comm comm, const model::Architecture& arch, const data::Data& data,
          const TrainConfig& config, bool progress);
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  objective::Objective& objective() { return *full_; }
  Vec theta() const { return theta_; }
  PetscInt step() const { return step_; }
  double elapsed() const;  // seconds of training, all sessions
  // Resumes at θ_step (already loaded) whose row and snapshot are already on file.
  void resume(PetscInt step, double elapsed);

  // Vectors a checkpoint keeps besides θ (which is /params): the optimizer state and the λ_max
  // warm start.
  std::vector<std::pair<std::string, Vec>> checkpoint_vectors() const;
  LambdaMaxTracker* tracker() const { return monitor_.tracker(); }

  // Runs from the current step until the last (trained) or until a stop signal (stopped, at a
  // step boundary after the row of that step). Calls checkpoint(t) when one is due at step t:
  // every -train_checkpoint_every steps, when due_by_time() is true on some rank, or when the
  // pending snapshots exceed 256 MiB per rank. Throws Diverged naming the step.
  Outcome run(const std::function<void(PetscInt)>& checkpoint,
              const std::function<bool()>& due_by_time);
  int stop_signal() const { return stop_signal_; }

  // Rows and snapshots recorded since the last take: the next checkpoint writes them.
  const TrainingRows& pending_rows() const { return rows_; }
  const std::vector<PetscInt>& pending_snapshot_steps() const { return snapshot_steps_; }
  // Copies pending snapshot k into v (a Vec of θ's layout).
  void pending_snapshot(std::size_t k, Vec v) const;
  void clear_pending();
  // Rows and snapshots written so far (by earlier sessions and checkpoints).
  std::int64_t rows_written() const { return rows_written_; }
  std::int64_t snapshots_written() const { return snapshots_written_; }
  void set_written(std::int64_t rows, std::int64_t snapshots);

 private:
  void record(const StepState& s);
  void snapshot(PetscInt step);
  bool snapshots_too_large() const;
  void progress(PetscInt t, double loss, double grad_norm);

  MPI_Comm comm_;
  int size_ = 1;
  const data::Data& data_;
  const TrainConfig& config_;
  bool progress_;
  std::unique_ptr<objective::Objective> full_, batch_;  // batch_ only for minibatch training
  std::optional<MinibatchSampler> sampler_;
  core::OwnedVec theta_, grad_;
  core::OwnedVec direction_;  // -train_optimizer sfn: the saddle-free Newton direction
  Optimizer optimizer_;
  Monitor monitor_;
  core::Progress reporter_;  // the progress lines ("step k/n ... elapsed, ETA")

  PetscInt step_ = 0;
  bool recorded_ = false;  // the row and snapshot of step_ are already on file
  double elapsed_before_ = 0, session_start_ = 0;
  PetscInt session_first_step_ = 0;
  double interval_time_ = 0;  // training time since the last row
  PetscInt interval_steps_ = 0;
  int stop_signal_ = 0;

  TrainingRows rows_;
  std::vector<PetscInt> snapshot_steps_;
  std::vector<double> snapshots_;  // this rank's slices, one after another
  std::int64_t rows_written_ = 0, snapshots_written_ = 0;
};

}  // namespace terrain::optim
