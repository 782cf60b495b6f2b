#include "core/work_groups.hpp"

#include <time.h>

#include <algorithm>
#include <string>

#include "core/error.hpp"

namespace terrain::core {

WorkGroups::WorkGroups(MPI_Comm world, int group_size) : world_(world) {
  int rank = 0, size = 1;
  MPI_Comm_rank(world, &rank);
  MPI_Comm_size(world, &size);
  TERRAIN_CHECK(group_size >= 1 && group_size <= size,
                "-ensemble_group_size " << group_size << " must lie in [1, " << size
                                        << "] (the number of MPI ranks)");
  index_ = rank / group_size;
  count_ = (size + group_size - 1) / group_size;
  MPI_Comm_split(world, index_, rank, &comm_);
  MPI_Comm_rank(comm_, &group_rank_);
}

WorkGroups::~WorkGroups() noexcept {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
}

std::vector<double> WorkGroups::share_rows(
    std::size_t n, std::size_t width, const std::function<void(std::size_t, double*)>& row) const {
  std::vector<double> values(n * width, 0.0), mine(width);
  // A group whose row fails (the same InputError on all its ranks) stops, but still joins the
  // sum, so no group is left waiting in it; then the world agrees on the failure.
  std::string problem;
  try {
    for (std::size_t p = static_cast<std::size_t>(index_); p < n;
         p += static_cast<std::size_t>(count_)) {
      row(p, mine.data());
      if (leader()) std::copy(mine.begin(), mine.end(), values.begin() + p * width);
    }
  } catch (const InputError& e) {
    problem = "group " + std::to_string(index_) + ": " + e.what();
  }
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM,
                world_);
  check_all(world_, problem.empty(), problem);
  return values;
}

void WorkGroups::wait_all() const {
  MPI_Request request;
  MPI_Ibarrier(world_, &request);
  int done = 0;
  const timespec pause{0, 2000000};  // 2 ms: negligible against runs of seconds
  for (MPI_Test(&request, &done, MPI_STATUS_IGNORE); !done;
       MPI_Test(&request, &done, MPI_STATUS_IGNORE))
    nanosleep(&pause, nullptr);
}

}  // namespace terrain::core
