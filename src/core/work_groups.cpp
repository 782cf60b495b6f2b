#include "core/work_groups.hpp"

#include <time.h>

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
