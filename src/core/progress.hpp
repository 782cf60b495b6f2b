#pragma once
// Progress lines of long phases (training, eigensolves, dense assembly and solves, Newton,
// ensembles, probes): rank 0 of the phase's communicator prints what it is doing, how far,
// the elapsed time and, when the amount of work is known, an ETA:
//
//   dense assembly 1024/4000  256 columns per block  elapsed 12.3 s  ETA 35.8 s
//   dense assembly done  4000 columns  elapsed 48.2 s
//
// At most one line per -progress_interval seconds and phase, plus a final line when the phase
// took longer than the interval, so short phases stay silent. -progress_interval 0 silences
// every progress line (training's included).
//
// Only rank 0 looks at its clock and prints: no communication, so a progress call may sit in
// any callback. The caller's detail text must therefore be computable on every rank without
// collectives (or be the same there anyway).
#include <petscsys.h>

#include <string>

namespace terrain::core {

// Reads -progress_interval (one options block; run_driver calls it, so -help lists it).
void read_progress_options();
// Seconds between progress lines of one phase; 0: no progress lines. Reads the options on
// first use when no driver did (unit tests).
double progress_interval();

class Progress {
 public:
  // `what` names the phase and starts every line; `total` is the count that completes it
  // (0: unknown, then no "k/n" and no ETA: the detail says how far).
  Progress(MPI_Comm comm, std::string what, PetscInt total = 0);

  // `done` of total so far: a line when the interval has passed since the last one (or the
  // start). `detail` is the current measure (a residual, a loss).
  void update(PetscInt done, const std::string& detail = {});
  // A line now, whatever the interval (training's lines every -train_print_every steps).
  void print(PetscInt done, const std::string& detail = {});
  // A line now without a count: the start of a phase that gives no updates.
  void announce(const std::string& detail);
  // The final line, when the phase took longer than the interval (or any line was printed).
  void finish(const std::string& detail = {});

  // A continued phase (training resumed from a checkpoint): the elapsed time includes `before`
  // seconds, and the ETA's rate counts from `first` done.
  void resume(PetscInt first, double before);

  bool enabled() const { return enabled_; }
  double elapsed() const;  // seconds, including the resumed ones

 private:
  void emit(PetscInt done, bool count, const std::string& detail, bool final);

  MPI_Comm comm_;
  std::string what_;
  PetscInt total_;
  bool enabled_ = false;
  double interval_ = 0;
  double start_ = 0, last_ = 0, before_ = 0;
  PetscInt first_ = 0;
  bool printed_ = false;
};

}  // namespace terrain::core
