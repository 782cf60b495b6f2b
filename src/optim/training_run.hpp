#pragma once
// One training run with its run file: start fresh or continue a checkpoint (-restart), train,
// checkpoint atomically (every -train_checkpoint_every steps or -train_checkpoint_interval
// seconds, on SIGTERM/SIGUSR1, at the end), measure the final Hessian spectrum, and say what
// happened. terrain-train runs one; an ensemble runs many, each on its group of ranks.
//
// Each checkpoint writes the run file anew: RunFile::open_update copies the last committed
// file, the rows and snapshots since then, /params and /checkpoint are added, and commit renames
// it into place. A kill at any moment therefore leaves the previous complete checkpoint, and the
// cost of a checkpoint is one copy of the file (linear in its size: rows × columns + snapshots ×
// n_params doubles), so checkpoints go by time, not by step, for long runs.
#include <mpi.h>

#include <memory>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "optim/checkpoint.hpp"
#include "io/run_schema.hpp"
#include "model/architecture.hpp"
#include "optim/train_config.hpp"
#include "optim/trainer.hpp"
#include "spectral/eigen_options.hpp"
#include "spectral/spectrum_file.hpp"

namespace terrain::optim {

struct RunSpec {
  model::Architecture arch;
  TrainConfig train;
  spectral::EigenOptions eigen;
  bool verbose = true;             // progress lines, eigenvalues and the summary line
  bool record_divergence = false;  // mark the run file "diverged" and return, instead of failing
};

enum class RunResult { finished, already_finished, stopped, diverged };

// The final numbers of a run, for summaries.
struct RunSummary {
  PetscInt step = 0;
  double loss = 0, grad_norm = 0, accuracy = NAN, test_loss = NAN, test_accuracy = NAN;
  double elapsed = 0;
  std::string message;  // divergence message
};

class TrainingRun {
 public:
  // Collective on comm; `data` (sharded over comm) must outlive the run.
  TrainingRun(MPI_Comm comm, const data::Data& data, RunSpec spec);
  ~TrainingRun() noexcept;
  TrainingRun(const TrainingRun&) = delete;
  TrainingRun& operator=(const TrainingRun&) = delete;

  RunResult run();
  const RunSummary& summary() const { return summary_; }

 private:
  bool initialize();  // false: the file already holds the finished run
  void resume();
  void check_same_run(const io::RunFile& file) const;
  void checkpoint(RunStatus status, const spectral::SpectrumReport* spectrum = nullptr);
  bool due_by_time() const;
  int comm_size() const;
  RunResult diverged(const Diverged& d);
  spectral::SpectrumReport measure_spectrum();
  void summarize();

  MPI_Comm comm_;
  int rank_ = 0;
  const data::Data& data_;
  RunSpec spec_;
  std::unique_ptr<Trainer> trainer_;
  bool exists_ = false;  // the output holds a checkpoint of this run
  PetscInt last_checkpoint_step_ = -1;
  double last_checkpoint_time_ = 0;
  RunSummary summary_;
};

}  // namespace terrain::optim
