#pragma once
// The energy that the path optimisers (NEB, AutoNEB, curves) descend: a scalar function of a
// whole parameter vector with its gradient, collective on its communicator. The optimisers
// run on work groups (core::WorkGroups): each group holds one PathEnergy on its own
// communicator and evaluates the images dealt to it, so an analytic test energy and the
// network loss (ObjectiveEnergy) go through the same code.
//
// Conventions: x is whole (dim() entries) and identical on every rank of comm(); the gradient
// and the value returned are identical on every rank of comm() too. An implementation may keep
// per-θ caches, but value and gradient must be pure functions of x and of the active batch.
#include <petscsys.h>

#include <cstdint>
#include <vector>

namespace terrain::geometry {

class PathEnergy {
 public:
  virtual ~PathEnergy() = default;
  virtual MPI_Comm comm() const = 0;
  virtual PetscInt dim() const = 0;
  // grad is resized to dim() (no allocation when it already has that size).
  virtual double value_and_gradient(const std::vector<double>& x, std::vector<double>& grad) = 0;
  virtual double value(const std::vector<double>& x) = 0;
  // Restricts the energy to the minibatch of `batch` samples drawn from (seed, step), the same
  // on every rank and every group; use_all goes back to the whole data. Energies without data
  // ignore both.
  virtual void use_batch(std::uint64_t /*seed*/, PetscInt /*step*/, PetscInt /*batch*/) {}
  virtual void use_all() {}
};

}  // namespace terrain::geometry
