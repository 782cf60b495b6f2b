#pragma once
// Independent work over sub-communicators (DESIGN.md §2, ensembles): the ranks of a
// communicator split into groups of `group_size` consecutive ranks (the last group may be
// smaller), each group data-parallel inside, and work items dealt out round-robin — static and
// deterministic, so the same command always gives the same group the same items.
#include <mpi.h>

#include <cstddef>
#include <functional>
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

  // Collective on world(): n rows of `width` doubles, row p computed by row(p, out) on every
  // rank of the group that owns p (p mod count() == index(), in increasing p); every rank of the
  // world receives all of them. Only each group's leader contributes its rows and every other
  // entry is +0.0, so one sum over the world is exact (a NaN survives it) and the rows do not
  // depend on the number of groups. An InputError from a row is rethrown on every rank of the
  // world after the sum (naming the group), never left to hang the others.
  std::vector<double> share_rows(std::size_t n, std::size_t width,
                                 const std::function<void(std::size_t, double*)>& row) const;

  // Waits until every rank of `world` arrives, sleeping instead of spinning, so the ranks that
  // finished early leave the cores to the groups still working.
  void wait_all() const;

 private:
  MPI_Comm world_ = MPI_COMM_NULL, comm_ = MPI_COMM_NULL;
  int index_ = 0, count_ = 1, group_rank_ = 0;
};

}  // namespace terrain::core
