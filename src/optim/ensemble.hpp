#pragma once
// Many independent trainings at once: seeds × hidden widths, on groups of ranks. The ranks of
// the communicator split into groups of -ensemble_group_size (core::WorkGroups); each group
// loads the data on its own communicator and trains its share of the runs (run i goes to group
// i mod groups, also when continuing, so every run keeps its number of ranks) one after another,
// data-parallel inside, each run with its own checkpointed run file in "<output>.runs/". When
// every run is done, rank 0 merges them into <output> (io/ensemble_file.hpp) and removes the
// directory. -restart <output> continues: finished runs are not redone, a run stopped by a
// signal resumes from its checkpoint.
//
// Run i = width_index · seeds + seed_index trains the network of -model_widths with every
// hidden width set to the run's width, with -model_seed + seed_index for the initial weights and
// -train_seed + seed_index for the minibatch order.
#include <mpi.h>

#include <vector>

#include "data/data_config.hpp"
#include "model/architecture.hpp"
#include "optim/training_run.hpp"

namespace terrain::optim {

struct EnsembleConfig {
  PetscInt seeds = 0;            // runs per width; 0 with no widths: not an ensemble
  std::vector<PetscInt> widths;  // hidden widths to sweep; default: the -model_widths one
  PetscInt group_size = 1;

  bool enabled() const { return seeds > 0; }
  // Reads the -ensemble_ options; `arch` supplies the default width.
  static EnsembleConfig from_options(const model::Architecture& arch);
};

// One planned run of an ensemble.
struct EnsembleMember {
  PetscInt index = 0, seed_index = 0, width = 0;
};
std::vector<EnsembleMember> ensemble_members(const EnsembleConfig& config);
// The RunSpec of one member: widths, seeds, its run file.
RunSpec member_spec(const RunSpec& base, const EnsembleMember& m, const std::string& file);

// Collective on world. Returns normally when every run is done and merged, or when a stop signal
// interrupted the ensemble (checkpoints written, exit status 0 expected).
void run_ensemble(MPI_Comm world, const data::DataConfig& data_config, const RunSpec& base,
                  const EnsembleConfig& config);

}  // namespace terrain::optim
