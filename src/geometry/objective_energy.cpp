#include "geometry/objective_energy.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace terrain::geometry {

ObjectiveEnergy::ObjectiveEnergy(objective::Objective& f) : f_(f) {
  f_.use_all_samples();
  n_samples_ = f_.n_samples();
  theta_.reset(f_.create_vec());
  TERRAIN_PETSC(VecDuplicate(theta_, grad_.out()));
  TERRAIN_PETSC(VecScatterCreateToAll(grad_, to_all_.out(), grad_all_.out()));
  TERRAIN_PETSC(VecGetOwnershipRange(theta_, &begin_, &end_));
}

void ObjectiveEnergy::set_point(const std::vector<double>& x) {
  TERRAIN_CHECK(
      static_cast<PetscInt>(x.size()) == dim(),
      "internal: a point of " << x.size() << " entries for an energy of dimension " << dim());
  PetscScalar* a = nullptr;
  TERRAIN_PETSC(VecGetArray(theta_, &a));
  std::copy(x.begin() + begin_, x.begin() + end_, a);
  // Restoring bumps the Vec's state, so the objective's per-θ cache sees a new point.
  TERRAIN_PETSC(VecRestoreArray(theta_, &a));
}

double ObjectiveEnergy::value_and_gradient(const std::vector<double>& x,
                                           std::vector<double>& grad) {
  set_point(x);
  const double loss = f_.gradient(theta_, grad_);
  TERRAIN_PETSC(VecScatterBegin(to_all_, grad_, grad_all_, INSERT_VALUES, SCATTER_FORWARD));
  TERRAIN_PETSC(VecScatterEnd(to_all_, grad_, grad_all_, INSERT_VALUES, SCATTER_FORWARD));
  grad.resize(static_cast<std::size_t>(dim()));
  const PetscScalar* a = nullptr;
  TERRAIN_PETSC(VecGetArrayRead(grad_all_, &a));
  std::copy(a, a + dim(), grad.begin());
  TERRAIN_PETSC(VecRestoreArrayRead(grad_all_, &a));
  return loss;
}

double ObjectiveEnergy::value(const std::vector<double>& x) {
  set_point(x);
  return f_.loss(theta_);
}

void ObjectiveEnergy::use_batch(std::uint64_t seed, PetscInt step, PetscInt batch) {
  TERRAIN_CHECK(batch >= 1 && batch <= n_samples_,
                "-path_batch " << batch << " must lie in [1, " << n_samples_
                               << "] (the number of training samples), or be 0 (full batch)");
  if (!sampler_ || sampler_->batch_size() != batch || sampler_seed_ != seed) {
    sampler_ = std::make_unique<optim::MinibatchSampler>(n_samples_, batch, seed);
    sampler_seed_ = seed;
  }
  f_.use_batch(sampler_->batch(step));
}

void ObjectiveEnergy::use_all() { f_.use_all_samples(); }

}  // namespace terrain::geometry
