#pragma once
// The one HDF5 file of an ensemble. While it runs, every run has its own run file in
// "<output>.runs/" (written by its group of ranks, checkpointed and restartable like a single
// run); when all are done they are merged into <output>:
//
//   /                        attrs  the header of every run file (schema_version, ...; nranks
//                                   = ranks of the merging session)
//   /data                    attrs  name, source, n_train, n_test, d_in, d_out
//   /ensemble                attrs  n_runs, n_seeds, seeds int64[S] (model seeds), widths
//                                   int64[W] (hidden widths), steps, group_size, n_groups,
//                                   order str, complete int64 = 1
//     seed, width, index      int64[n_runs]    per run, in run order
//     finished                int64[n_runs]    1 finished, 0 diverged
//     diverged_step           int64[n_runs]    -1 unless diverged
//     final_loss              float64[n_runs]  last /trajectory/loss of the run
//     run_000000 ...          group: the run's whole run file (/model, /data, /train,
//                             /trajectory, /params, /checkpoint, /spectrum/final), with attrs
//                             index, seed, width int64 and status str
//
// Run index = width_index · n_seeds + seed_index.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace terrain::optim {

struct EnsembleRun {
  std::int64_t index = 0, seed = 0, width = 0;
  std::string file;  // its run file
};

struct EnsembleLayout {
  std::vector<std::int64_t> seeds, widths;
  std::int64_t steps = 0, group_size = 1, n_groups = 1;
  std::string data_name, data_source;
  std::int64_t n_train = 0, n_test = 0, d_in = 0, d_out = 0;
};

// Name of run `index`'s group and of its file in the run directory: "run_000012".
std::string ensemble_run_name(std::int64_t index);

// Collective on comm; rank 0 writes <output> (a temporary renamed into place) with serial HDF5.
void merge_ensemble(MPI_Comm comm, const std::string& output, const EnsembleLayout& layout,
                    const std::vector<EnsembleRun>& runs);

// Collective: <path> exists and is a complete merged ensemble; `steps` receives its steps.
bool is_complete_ensemble(MPI_Comm comm, const std::string& path, std::int64_t* steps);

}  // namespace terrain::optim
