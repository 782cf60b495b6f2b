#pragma once
// SIGTERM and SIGUSR1 (what a batch system sends before it kills a job, e.g. SLURM's
// --signal=B:USR1@120 forwarded by the job script, or the SIGTERM at the time limit) as a
// request to stop cleanly. The handler only records the signal; trainers agree on it over MPI
// at a step boundary, write a checkpoint and leave with exit status 0.
#include <mpi.h>

namespace terrain::core {

class StopSignals {
 public:
  // Installs the handlers (replacing PETSc's, which would abort); the destructor restores them.
  StopSignals();
  ~StopSignals() noexcept;
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The last stop signal this process received since installation, 0 if none.
  static int received();
  // Collective: the same verdict on every rank of comm — did any of them receive a stop signal?
  static bool received_anywhere(MPI_Comm comm);
  // Collective: the stop signal some rank of comm received (the highest number when they
  // differ), 0 if none. For naming the signal on rank 0 when only another rank received it.
  static int received_on_any_rank(MPI_Comm comm);
  // Forgets a received signal (tests).
  static void clear();
};

// "SIGTERM", "SIGUSR1", or "signal N".
const char* signal_name(int signal);

}  // namespace terrain::core
