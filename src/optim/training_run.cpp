#include "optim/training_run.hpp"

#include <cmath>
#include <sstream>

#include "core/petsc_handle.hpp"
#include "core/signals.hpp"
#include "io/file_maintenance.hpp"
#include "objective/curvature_operator.hpp"
#include "spectral/analysis.hpp"
#include "spectral/summary.hpp"

namespace terrain::optim {

namespace {
template <class T>
std::string join(const std::vector<T>& values) {
  std::ostringstream os;
  for (std::size_t i = 0; i < values.size(); ++i) os << (i ? "," : "") << values[i];
  return os.str();
}
}  // namespace

TrainingRun::TrainingRun(MPI_Comm comm, const data::Data& data, RunSpec spec)
    : comm_(comm), data_(data), spec_(std::move(spec)) {
  MPI_Comm_rank(comm_, &rank_);
  trainer_ = std::make_unique<Trainer>(comm_, spec_.arch, data_, spec_.train, spec_.verbose);
}

TrainingRun::~TrainingRun() noexcept = default;

RunResult TrainingRun::run() {
  core::StopSignals signals;
  if (!initialize()) return RunResult::already_finished;
  last_checkpoint_time_ = MPI_Wtime();
  Trainer::Outcome outcome;
  try {
    outcome = trainer_->run([this](PetscInt) { checkpoint(RunStatus::running); },
                            [this] { return due_by_time(); });
  } catch (const Diverged& d) {
    return diverged(d);
  }
  const std::string& out = spec_.train.output;
  if (outcome == Trainer::Outcome::stopped) {
    checkpoint(RunStatus::running);
    summarize();
    // The signal may have reached another rank only (a batch system signals every process).
    const int signal = core::StopSignals::received_on_any_rank(comm_);
    if (spec_.verbose)
      PetscPrintf(comm_,
                  "terrain-train: caught %s: checkpoint of step %d written to %s; continue "
                  "with -restart %s\n",
                  core::signal_name(signal), int(trainer_->step()), out.c_str(),
                  out.c_str());
    return RunResult::stopped;
  }
  spectral::SpectrumReport spectrum;
  const bool with_spectrum = spec_.eigen.settings.nev > 0;
  if (with_spectrum) {
    // The training is safe on disk before the (possibly long) eigensolve.
    checkpoint(RunStatus::trained);
    spectrum = measure_spectrum();
  }
  checkpoint(RunStatus::finished, with_spectrum ? &spectrum : nullptr);
  summarize();
  if (spec_.verbose) {
    const RunSummary& s = summary_;
    PetscPrintf(comm_, "final loss %.6e, |grad| %.3e", s.loss, s.grad_norm);
    if (std::isfinite(s.accuracy)) PetscPrintf(comm_, ", train accuracy %.4f", s.accuracy);
    if (std::isfinite(s.test_loss)) PetscPrintf(comm_, ", test loss %.6e", s.test_loss);
    if (std::isfinite(s.test_accuracy)) PetscPrintf(comm_, ", test accuracy %.4f", s.test_accuracy);
    PetscPrintf(comm_, "; wrote %s\n", out.c_str());
  }
  return RunResult::finished;
}

// ------------------------------------------------------------------------------------------

bool TrainingRun::initialize() {
  const TrainConfig& c = spec_.train;
  if (spec_.verbose) {
    PetscPrintf(comm_, "terrain-train: %s, %d training / %d test samples, %d parameters, %s",
                data_.name.c_str(), int(data_.train.n_global), int(data_.test.n_global),
                int(trainer_->objective().n_params()), to_string(c.optimizer.method));
    if (c.minibatch())
      PetscPrintf(comm_, " with batches of %d (temperature lr/2B = %.3e)", int(c.batch),
                  c.lr() / (2.0 * double(c.batch)));
    PetscPrintf(comm_, "\n");
  }
  // Temporaries of writers killed before their commit (this host) are debris now.
  io::remove_stale_temporaries(comm_, c.output);
  if (!c.restart.empty()) {
    io::RunFile file = io::RunFile::open_read(comm_, c.restart);
    check_same_run(file);
    const CheckpointInfo info = read_checkpoint_info(file);
    TERRAIN_CHECK(info.status != RunStatus::diverged,
                  c.restart << " holds a run that diverged at step " << info.diverged_step
                            << "; it cannot be continued");
    TERRAIN_CHECK(info.step <= c.steps,
                  c.restart << " is at step " << info.step << ", beyond -train_steps " << c.steps);
    if (info.status == RunStatus::finished && info.step == c.steps) {
      if (spec_.verbose)
        PetscPrintf(comm_,
                    "terrain-train: %s already holds the finished run (%d steps); nothing "
                    "to do (raise -train_steps to continue it)\n",
                    c.restart.c_str(), int(c.steps));
      file.close();
      return false;
    }
    file.read_vec("/params", trainer_->theta());
    for (const auto& [name, v] : trainer_->checkpoint_vectors()) {
      if (name == "lambda_max_vector") continue;
      read_checkpoint_vector(file, name, v);
    }
    if (LambdaMaxTracker* t = trainer_->tracker();
        t && has_checkpoint_vector(file, "lambda_max_vector")) {
      read_checkpoint_vector(file, "lambda_max_vector", t->warm_vector());
      t->set_warm();
    }
    file.close();
    trainer_->resume(info.step, info.elapsed);
    trainer_->set_written(info.rows, info.saved);
    last_checkpoint_step_ = info.step;
    if (spec_.verbose)
      PetscPrintf(comm_,
                  "terrain-train: continuing %s at step %d of %d (checkpoint written by %d "
                  "ranks)\n",
                  c.restart.c_str(), int(info.step), int(c.steps), int(info.nranks));
    if (c.output != c.restart) io::copy_atomically(comm_, c.restart, c.output);
    exists_ = true;
    return true;
  }
  if (c.init_file.empty())
    trainer_->objective().initial_parameters(trainer_->theta());
  else
    io::read_params(comm_, c.init_file, spec_.arch, trainer_->theta());
  return true;
}

void TrainingRun::check_same_run(const io::RunFile& file) const {
  const model::Architecture stored = io::read_model(file);
  const model::Architecture& a = spec_.arch;
  auto same = [&](const char* option, const std::string& was, const std::string& now) {
    TERRAIN_CHECK(was == now, file.path()
                                  << " was written with " << option << " " << was
                                  << ", this run has " << now
                                  << " (a restart must repeat the options that change the result)");
  };
  auto text = [](auto v) {
    std::ostringstream os;
    os << v;
    return os.str();
  };
  same("-model_widths", join(stored.widths), join(a.widths));
  same("-model_activation", model::to_string(stored.activation), model::to_string(a.activation));
  same("-model_loss", model::to_string(stored.loss), model::to_string(a.loss));
  same("-model_bias", text(stored.bias), text(a.bias));
  same("-model_residual", text(stored.residual), text(a.residual));
  same("-model_init_scale", text(stored.init_scale), text(a.init_scale));
  same("-model_init_gamma", text(stored.init_gamma), text(a.init_gamma));
  same("-model_init_bias", text(stored.init_bias), text(a.init_bias));
  same("-model_seed", text(stored.seed), text(a.seed));
  const io::DataInfo d = io::read_data_info(file);
  same("data (-data_ options)",
       d.name + ", " + text(d.n_train) + " training / " + text(d.n_test) + " test samples",
       data_.name + ", " + text(data_.train.n_global) + " training / " + text(data_.test.n_global) +
           " test samples");
  same("data source", d.source, data_.source);
  check_settings(file, "/train", spec_.train.identity());
}

// ------------------------------------------------------------------------------------------

int TrainingRun::comm_size() const {
  int size = 1;
  MPI_Comm_size(comm_, &size);
  return size;
}

bool TrainingRun::due_by_time() const {
  // Rank 0's clock decides; the trainer's per-step reduction tells the others.
  const double interval = spec_.train.checkpoint_interval;
  return rank_ == 0 && interval > 0 && MPI_Wtime() - last_checkpoint_time_ >= interval;
}

void TrainingRun::checkpoint(RunStatus status, const spectral::SpectrumReport* spectrum) {
  const TrainConfig& c = spec_.train;
  Trainer& t = *trainer_;
  io::RunFile file =
      exists_ ? io::RunFile::open_update(comm_, c.output) : io::RunFile::create(comm_, c.output);
  if (!exists_) {
    io::write_header(file);
    io::write_model(file, spec_.arch, t.objective().network().layout());
    io::write_data_info(file, data_.name, data_.source, data_.train.n_global, data_.test.n_global,
                        data_.train.d_in, data_.train.d_out);
    write_settings(file, "/train", c.identity());
    if (c.minibatch()) file.write_attr("/train", "temperature", c.lr() / (2.0 * double(c.batch)));
  }
  file.write_attr("/train", "steps", c.steps);
  append_training_rows(file, t.pending_rows());
  if (!t.pending_snapshot_steps().empty()) {
    core::OwnedVec row;
    TERRAIN_PETSC(VecDuplicate(t.theta(), row.out()));
    for (std::size_t k = 0; k < t.pending_snapshot_steps().size(); ++k) {
      t.pending_snapshot(k, row);
      append_snapshot(file, row);
    }
    append_snapshot_steps(file, std::vector<std::int64_t>(t.pending_snapshot_steps().begin(),
                                                              t.pending_snapshot_steps().end()));
  }
  io::write_params(file, t.theta());
  CheckpointInfo info;
  info.step = t.step();
  info.status = status;
  info.elapsed = t.elapsed();
  info.rows = t.rows_written() + static_cast<std::int64_t>(t.pending_rows().size());
  info.saved = t.snapshots_written() + static_cast<std::int64_t>(t.pending_snapshot_steps().size());
  info.nranks = comm_size();
  write_checkpoint(file, info, t.checkpoint_vectors());
  if (spectrum) {
    io::PointSource point;  // /params (step -1, as terrain-spectrum records it)
    point.source = c.output + ":/params";
    spectral::write_spectrum_report(file, "final", *spectrum, point);
  }
  file.commit();
  exists_ = true;
  t.clear_pending();
  last_checkpoint_step_ = t.step();
  last_checkpoint_time_ = MPI_Wtime();
}

RunResult TrainingRun::diverged(const Diverged& d) {
  const std::string& out = spec_.train.output;
  std::ostringstream os;
  os << d.what();
  if (exists_)
    os << " (" << out << " keeps the checkpoint of step " << last_checkpoint_step_ << ")";
  else
    os << " (no checkpoint was written)";
  if (!spec_.record_divergence) throw Diverged(os.str(), d.step());
  // An ensemble keeps going: the run file says what happened, with the finite rows so far.
  Trainer& t = *trainer_;
  io::RunFile file =
      exists_ ? io::RunFile::open_update(comm_, out) : io::RunFile::create(comm_, out);
  if (!exists_) {
    io::write_header(file);
    io::write_model(file, spec_.arch, t.objective().network().layout());
    io::write_data_info(file, data_.name, data_.source, data_.train.n_global, data_.test.n_global,
                        data_.train.d_in, data_.train.d_out);
    write_settings(file, "/train", spec_.train.identity());
  }
  append_training_rows(file, t.pending_rows());
  CheckpointInfo info;
  info.step = std::max<PetscInt>(last_checkpoint_step_, 0);
  info.status = RunStatus::diverged;
  info.elapsed = t.elapsed();
  info.rows = t.rows_written() + static_cast<std::int64_t>(t.pending_rows().size());
  info.saved = t.snapshots_written();
  info.nranks = comm_size();
  info.diverged_step = d.step();
  info.message = d.what();
  write_checkpoint_info(file, info);
  file.commit();
  exists_ = true;
  t.clear_pending();
  summary_.step = d.step();
  summary_.loss = NAN;
  summary_.message = d.what();
  summary_.elapsed = t.elapsed();
  return RunResult::diverged;
}

// ------------------------------------------------------------------------------------------

// The extreme pairs as terrain-spectrum measures them (its default analysis), so that
// /spectrum/final has the attributes of any /spectrum/<name>: the point's loss and gradient,
// τ, the estimates and the classification besides the pairs.
spectral::SpectrumReport TrainingRun::measure_spectrum() {
  spectral::SpectrumOptions extreme_only;
  spectral::Analysis analysis(trainer_->objective(), data_.train, trainer_->theta(), spec_.eigen,
                              extreme_only);
  const spectral::SpectrumReport& report = analysis.run();
  if (spec_.verbose && report.extreme) spectral::print_extreme(comm_, report.op, *report.extreme);
  return report;
}

void TrainingRun::summarize() {
  // Measured afresh at the final θ: the last row may have been written by an earlier session.
  objective::Objective& f = trainer_->objective();
  Vec theta = trainer_->theta();
  core::OwnedVec g;
  TERRAIN_PETSC(VecDuplicate(theta, g.out()));
  summary_.loss = f.gradient(theta, g);
  TERRAIN_PETSC(VecNorm(g, NORM_2, &summary_.grad_norm));
  if (data_.train.classification) summary_.accuracy = f.accuracy(theta);
  if (data_.test.n_global > 0) {
    const objective::Evaluation test = f.evaluate(theta, data_.test);
    summary_.test_loss = test.loss;
    if (data_.test.classification) summary_.test_accuracy = test.accuracy;
  }
  summary_.step = trainer_->step();
  summary_.elapsed = trainer_->elapsed();
}

}  // namespace terrain::optim
