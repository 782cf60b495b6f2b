#pragma once
// Evaluation of many points of a path on work groups: point p goes to group p mod count()
// (core::WorkGroups' round-robin), which evaluates it data-parallel with its PathEnergy; then
// one MPI_Allgatherv on the world, where only each group's leader contributes (its points'
// values and gradients packed in order), gives every rank of the world every result. Nothing
// is summed, so the results are bitwise those of the group that computed them and cannot
// depend on how many groups there are (only, for a data-parallel energy, on the size of the
// group that computed them: to rounding).
//
// Memory per rank: the received results, P·(n+1) doubles for P points with gradients, plus
// this group's own share to send; both buffers are kept and reused between calls. The counts
// are MPI ints: P·(n+1) < 2^31.
#include <mpi.h>
#include <petscsys.h>

#include <cstddef>
#include <functional>
#include <vector>

#include "core/work_groups.hpp"
#include "geometry/path_energy.hpp"

namespace terrain::geometry {

class GroupEvaluator {
 public:
  // Collective on groups.world(). `energy` lives on groups.comm() (checked).
  GroupEvaluator(const core::WorkGroups& groups, PathEnergy& energy);

  // The point p, whole: a vector to read, or `scratch` after filling it. Called only for the
  // points of this rank's group, on every rank of that group, in increasing p.
  using PointFn =
      std::function<const std::vector<double>&(std::size_t p, std::vector<double>& scratch)>;

  // Collective on the world: evaluates points 0..n_points-1 (with gradients when asked).
  void evaluate(std::size_t n_points, const PointFn& point, bool gradients);

  // The results of the last evaluate, identical on every rank of the world.
  double value(std::size_t p) const { return received_[offset(p)]; }
  const double* gradient(std::size_t p) const { return &received_[offset(p) + 1]; }
  std::size_t n_points() const { return n_points_; }

 private:
  std::size_t offset(std::size_t p) const;

  const core::WorkGroups& groups_;
  PathEnergy& energy_;
  std::size_t n_ = 0;                 // the energy's dimension
  std::vector<int> leader_of_group_;  // world rank of each group's leader
  std::size_t n_points_ = 0, stride_ = 1;
  std::vector<int> counts_, displacements_;  // per world rank, in doubles
  std::vector<double> sent_, received_, scratch_, gradient_;
};

}  // namespace terrain::geometry
