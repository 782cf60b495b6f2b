#include "optim/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "core/petsc_handle.hpp"
#include "core/signals.hpp"

namespace terrain::optim {

namespace {
struct Agreement {
  double grad_sq = 0;
  bool stop = false, checkpoint = false;
};

// One reduction per step carries the gradient norm and both flags: a stop signal or an expired
// checkpoint timer on any rank becomes every rank's decision at the same step.
Agreement agree(MPI_Comm comm, int size, double local_sq, bool signalled, bool due) {
  if (size == 1) return {local_sq, signalled, due};
  double v[3] = {local_sq, signalled ? 1.0 : 0.0, due ? 1.0 : 0.0};
  MPI_Allreduce(MPI_IN_PLACE, v, 3, MPI_DOUBLE, MPI_SUM, comm);
  return {v[0], v[1] > 0, v[2] > 0};
}

double local_sum_of_squares(Vec g) {
  PetscInt n = 0;
  const double* a = nullptr;
  TERRAIN_PETSC(VecGetLocalSize(g, &n));
  TERRAIN_PETSC(VecGetArrayRead(g, &a));
  double s = 0;
  for (PetscInt i = 0; i < n; ++i) s += a[i] * a[i];
  TERRAIN_PETSC(VecRestoreArrayRead(g, &a));
  return s;
}
}  // namespace

Trainer::Trainer(MPI_Comm comm, const model::Architecture& arch, const data::Data& data,
                 const TrainConfig& config, bool progress)
    : comm_(comm),
      data_(data),
      config_(config),
      progress_(progress),
      full_(std::make_unique<objective::Objective>(comm, arch, data.train)),
      theta_(full_->create_vec()),
      optimizer_(config.optimizer, theta_),
      monitor_(*full_, data, config, arch.seed),
      reporter_(comm, "step", config.steps) {
  MPI_Comm_size(comm_, &size_);
  TERRAIN_PETSC(VecDuplicate(theta_, grad_.out()));
  if (config_.optimizer.method == Method::sfn)
    TERRAIN_PETSC(VecDuplicate(theta_, direction_.out()));
  if (config_.minibatch()) {
    sampler_.emplace(data.train.n_global, config_.batch, config_.seed);
    batch_ = std::make_unique<objective::Objective>(comm, arch, data.train);
  }
  session_start_ = MPI_Wtime();
  reporter_.resume(0, 0.0);
}

double Trainer::elapsed() const { return elapsed_before_ + (MPI_Wtime() - session_start_); }

void Trainer::resume(PetscInt step, double elapsed) {
  step_ = session_first_step_ = step;
  recorded_ = true;
  elapsed_before_ = elapsed;
  session_start_ = MPI_Wtime();
  reporter_.resume(step, elapsed);
}

std::vector<std::pair<std::string, Vec>> Trainer::checkpoint_vectors() const {
  std::vector<std::pair<std::string, Vec>> v;
  for (const auto& s : optimizer_.state()) v.push_back(s);
  if (LambdaMaxTracker* t = monitor_.tracker(); t && t->has_warm())
    v.emplace_back("lambda_max_vector", t->warm_vector());
  return v;
}

Trainer::Outcome Trainer::run(const std::function<void(PetscInt)>& checkpoint,
                              const std::function<bool()>& due_by_time) {
  objective::Objective& f = batch_ ? *batch_ : *full_;
  PetscInt last_checkpoint = step_;
  for (PetscInt t = step_;; ++t) {
    step_ = t;
    const double t0 = MPI_Wtime();
    if (sampler_) f.use_batch(sampler_->batch(t));
    const double loss = f.gradient(theta_, grad_);
    const Agreement a = agree(comm_, size_, local_sum_of_squares(grad_),
                              core::StopSignals::received() != 0, due_by_time());
    const double grad_norm = std::sqrt(a.grad_sq);
    if (!std::isfinite(loss) || !std::isfinite(grad_norm)) {
      std::ostringstream os;
      os << "the loss became " << loss << " (gradient norm " << grad_norm << ") at step " << t
         << ": training diverged; lower -train_lr";
      throw Diverged(os.str(), t);
    }
    interval_time_ += MPI_Wtime() - t0;
    ++interval_steps_;
    const bool last = t == config_.steps;
    const double lr = config_.schedule.at(t);
    if (!recorded_) {
      if (t % config_.monitor_every == 0 || last) {
        StepState s;
        s.step = t;
        s.epoch = sampler_ ? sampler_->epoch(t) : double(t);
        s.loss = loss;
        s.grad = sampler_ ? nullptr : grad_.get();
        s.grad_sq = a.grad_sq;
        s.lr = lr;
        record(s);
      }
      if (config_.save_every > 0 && (t % config_.save_every == 0 || last)) snapshot(t);
    }
    recorded_ = false;
    if (progress_ && (t % config_.print_every == 0 || last)) progress(t, loss, grad_norm);
    if (last) return Outcome::trained;
    if (a.stop) {
      stop_signal_ = core::StopSignals::received();
      return Outcome::stopped;
    }
    if (a.checkpoint || snapshots_too_large() ||
        (config_.checkpoint_every > 0 && t - last_checkpoint >= config_.checkpoint_every)) {
      checkpoint(t);
      last_checkpoint = t;
    }
    const double t1 = MPI_Wtime();
    const double scale = config_.clip_norm > 0 && grad_norm > config_.clip_norm
                             ? config_.clip_norm / grad_norm
                             : 1.0;
    if (config_.optimizer.method == Method::sfn) {
      // The direction from the gradient at θ_t (the objective's cache is still at θ_t).
      saddle_free_direction(f, theta_, grad_, config_.optimizer.sfn, direction_);
      optimizer_.step(theta_, direction_, lr, t, scale);
    } else {
      optimizer_.step(theta_, grad_, lr, t, scale);
    }
    interval_time_ += MPI_Wtime() - t1;
  }
}

void Trainer::record(const StepState& s) {
  monitor_.measure(s, theta_, rows_);
  rows_.wall_time.push_back(elapsed());
  rows_.step_time.push_back(interval_steps_ > 0 ? interval_time_ / double(interval_steps_) : 0.0);
  interval_time_ = 0;
  interval_steps_ = 0;
}

bool Trainer::snapshots_too_large() const {
  // Pending snapshots live in memory until written; past 256 MiB per rank (on average, the same
  // verdict on every rank) a checkpoint writes them out.
  const double bytes = double(snapshot_steps_.size()) * double(full_->n_params()) * 8.0;
  return bytes / double(size_) >= 256.0 * 1024 * 1024;
}

void Trainer::snapshot(PetscInt step) {
  PetscInt n = 0;
  const double* a = nullptr;
  TERRAIN_PETSC(VecGetLocalSize(theta_, &n));
  TERRAIN_PETSC(VecGetArrayRead(theta_, &a));
  snapshots_.insert(snapshots_.end(), a, a + n);
  TERRAIN_PETSC(VecRestoreArrayRead(theta_, &a));
  snapshot_steps_.push_back(step);
}

void Trainer::pending_snapshot(std::size_t k, Vec v) const {
  PetscInt n = 0;
  double* a = nullptr;
  TERRAIN_PETSC(VecGetLocalSize(v, &n));
  TERRAIN_PETSC(VecGetArrayWrite(v, &a));
  std::memcpy(a, snapshots_.data() + k * std::size_t(n), sizeof(double) * std::size_t(n));
  TERRAIN_PETSC(VecRestoreArrayWrite(v, &a));
}

void Trainer::clear_pending() {
  rows_written_ += static_cast<std::int64_t>(rows_.size());
  snapshots_written_ += static_cast<std::int64_t>(snapshot_steps_.size());
  rows_.clear();
  snapshot_steps_.clear();
  snapshots_.clear();
}

void Trainer::set_written(std::int64_t rows, std::int64_t snapshots) {
  rows_written_ = rows;
  snapshots_written_ = snapshots;
}

void Trainer::progress(PetscInt t, double loss, double grad_norm) {
  char head[96];
  std::snprintf(head, sizeof(head), "%s %.6e  |grad| %.3e", sampler_ ? "batch loss" : "loss", loss,
                grad_norm);
  std::ostringstream detail;
  detail << head;
  if (!rows_.lambda_max.empty() && rows_.step.back() == t)
    detail << "  lambda_max " << rows_.lambda_max.back() << " (2/lr " << rows_.two_over_lr.back()
           << ")";
  reporter_.print(t, detail.str());
}

}  // namespace terrain::optim
