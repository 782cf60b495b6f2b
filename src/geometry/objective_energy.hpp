#pragma once
// The network's training loss as a PathEnergy: an objective::Objective on one work group's
// communicator, fed whole parameter vectors. value_and_gradient copies this rank's slice of x
// into an owned distributed Vec, asks the objective for loss and gradient, and gathers the
// gradient to every rank of the group with a VecScatterCreateToAll made once: after the first
// call no PETSc object or buffer is allocated. use_batch restricts the objective to the
// minibatch of optim::MinibatchSampler at (seed, step), so a path optimiser's minibatches are
// the same sample lists on every group and for every rank count.
//
// Memory per rank: the gathered gradient (n doubles) on top of the objective's own θ copies.
#include <petscvec.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/petsc_handle.hpp"
#include "geometry/path_energy.hpp"
#include "objective/objective.hpp"
#include "optim/minibatch_sampler.hpp"

namespace terrain::geometry {

class ObjectiveEnergy : public PathEnergy {
 public:
  // `f` must outlive the energy; its whole training set is the full batch.
  explicit ObjectiveEnergy(objective::Objective& f);

  MPI_Comm comm() const override { return f_.comm(); }
  PetscInt dim() const override { return f_.n_params(); }
  double value_and_gradient(const std::vector<double>& x, std::vector<double>& grad) override;
  double value(const std::vector<double>& x) override;
  // Throws InputError naming -path_batch when batch is not in [1, the training samples].
  void use_batch(std::uint64_t seed, PetscInt step, PetscInt batch) override;
  void use_all() override;

 private:
  void set_point(const std::vector<double>& x);

  objective::Objective& f_;
  PetscInt n_samples_ = 0;  // the whole training set
  core::OwnedVec theta_, grad_, grad_all_;
  core::PetscHandle<VecScatter> to_all_;
  PetscInt begin_ = 0, end_ = 0;  // this rank's slice
  std::unique_ptr<optim::MinibatchSampler> sampler_;
  std::uint64_t sampler_seed_ = 0;
};

}  // namespace terrain::geometry
