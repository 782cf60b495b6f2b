#pragma once
// Independent work over sub-communicators (DESIGN.md §2, ensembles): the ranks of a
// communicator split into groups of `group_size` consecutive ranks (the last group may be
// smaller), each group data-parallel inside, and work items dealt out round-robin — static and
// deterministic, so the same command always gives the same group the same items.
#include <mpi.h>

#include <vector>

namespace terrain::core {

class WorkGroups {
 public:
  // Collective on `world`.
  WorkGroups(MPI_Comm world, int group_size);
  ~WorkGroups() noexcept;
  WorkGroups(const WorkGroups&) = delete;
  WorkGroups& operator=(const WorkGroups&) = delete;

  MPI_Comm world() const { return world_; }
  MPI_Comm comm() const { return comm_; }  // this rank's group
  int index() const { return index_; }     // which group, 0..count()-1
  int count() const { return count_; }
  bool leader() const { return group_rank_ == 0; }

  // The entries of `items` this group handles: positions p with p mod count() == index().
  template <class T>
  std::vector<T> assign(const std::vector<T>& items) const {
    std::vector<T> mine;
    for (std::size_t p = index_; p < items.size(); p += count_) mine.push_back(items[p]);
    return mine;
  }

  // Waits until every rank of `world` arrives, sleeping instead of spinning, so the ranks that
  // finished early leave the cores to the groups still working.
  void wait_all() const;

 private:
  MPI_Comm world_ = MPI_COMM_NULL, comm_ = MPI_COMM_NULL;
  int index_ = 0, count_ = 1, group_rank_ = 0;
};

}  // namespace terrain::core
