#include "core/progress.hpp"

#include <cstdio>
#include <string>

#include "core/error.hpp"

namespace terrain::core {

namespace {
constexpr double kDefaultInterval = 5.0;

struct State {
  bool read = false;
  double interval = kDefaultInterval;
};
State& state() {
  static State s;
  return s;
}

PetscErrorCode read_options(double* interval) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_WORLD, nullptr, "Progress lines of long phases", "terrain");
  PetscCall(PetscOptionsReal("-progress_interval",
                             "Seconds between progress lines of a long phase (training, "
                             "eigensolves, dense assembly and solve, Newton, ensembles, probes); "
                             "0: no progress lines",
                             "", *interval, interval, nullptr));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f s", s);
  return buf;
}
}  // namespace

void read_progress_options() {
  State& s = state();
  double interval = kDefaultInterval;
  TERRAIN_OPTIONS(read_options(&interval));
  TERRAIN_CHECK(interval >= 0, "-progress_interval must be non-negative seconds, got " << interval);
  s.interval = interval;
  s.read = true;
}

double progress_interval() {
  if (!state().read) read_progress_options();
  return state().interval;
}

Progress::Progress(MPI_Comm comm, std::string what, PetscInt total)
    : comm_(comm), what_(std::move(what)), total_(total) {
  interval_ = progress_interval();
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  enabled_ = rank == 0 && interval_ > 0;
  start_ = last_ = MPI_Wtime();
}

double Progress::elapsed() const { return before_ + (MPI_Wtime() - start_); }

void Progress::resume(PetscInt first, double before) {
  first_ = first;
  before_ = before;
  start_ = last_ = MPI_Wtime();
}

void Progress::update(PetscInt done, const std::string& detail) {
  if (!enabled_ || MPI_Wtime() - last_ < interval_) return;
  emit(done, true, detail, false);
}

void Progress::print(PetscInt done, const std::string& detail) {
  if (enabled_) emit(done, true, detail, false);
}

void Progress::announce(const std::string& detail) {
  if (enabled_) emit(0, false, detail, false);
}

void Progress::finish(const std::string& detail) {
  if (!enabled_ || (!printed_ && MPI_Wtime() - start_ < interval_)) return;
  emit(0, false, detail, true);
}

void Progress::emit(PetscInt done, bool count, const std::string& detail, bool final) {
  const double now = MPI_Wtime();
  std::string line = what_;
  if (final) {
    line += " done";
  } else if (count && total_ > 0) {
    // Right-aligned to the width of the total, so the lines of one phase line up.
    const std::string n = std::to_string(total_), k = std::to_string(done);
    line += " ";
    if (k.size() < n.size()) line.append(n.size() - k.size(), ' ');
    line += k + "/" + n;
  }
  if (!detail.empty()) line += "  " + detail;
  line += "  elapsed " + seconds(before_ + (now - start_));
  if (!final && count && total_ > 0 && done > first_ && done <= total_)
    line += "  ETA " + seconds((now - start_) / double(done - first_) * double(total_ - done));
  line += "\n";
  // Rank 0 only (enabled_): PETSc's stdout, flushed, so a redirected log shows it at once.
  PetscFPrintf(PETSC_COMM_SELF, PETSC_STDOUT, "%s", line.c_str());
  std::fflush(PETSC_STDOUT);
  last_ = now;
  printed_ = true;
}

}  // namespace terrain::core
