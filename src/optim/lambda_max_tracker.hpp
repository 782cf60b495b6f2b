#pragma once
// λ_max of the Hessian along a training run for a few H·v per measurement: Lanczos with full
// reorthogonalisation, started from the previous measurement's Ritz vector (the top eigenvector
// moves little between monitors), stopped as soon as the Ritz residual ‖Hy − θy‖ = β_j|s_j|
// falls below tol·|θ|. The first measurement starts from a random vector drawn from
// (seed, global parameter index), so the rank count cannot change it.
#include <petscvec.h>

#include <cstdint>
#include "core/petsc_handle.hpp"
#include "objective/objective.hpp"

namespace terrain::optim {

struct LambdaMaxSettings {
  double tol = 1e-4;  // relative Ritz residual (λ_max itself converges to ~tol²·λ)
  PetscInt max_hv = 100;  // H·v budget of one measurement
  PetscInt krylov = 20;   // basis size before an explicit restart from the Ritz vector
};

struct LambdaMaxEstimate {
  double value = 0;     // largest Ritz value
  double residual = 0;  // ‖Hy − value·y‖ for the unit Ritz vector y
  PetscInt hv = 0;      // Hessian-vector products spent
  bool converged = false;
};

class LambdaMaxTracker {
 public:
  LambdaMaxTracker(objective::Objective& objective, const LambdaMaxSettings& settings,
                   std::uint64_t seed);

  LambdaMaxEstimate estimate(Vec theta);

  // The warm start (the last Ritz vector): checkpoints store it, restarts load it into this
  // Vec and call set_warm().
  Vec warm_vector() const { return warm_; }
  bool has_warm() const { return warm_valid_; }
  void set_warm() { warm_valid_ = true; }

 private:
  // One Lanczos cycle from warm_ (at most `budget` products); leaves the Ritz vector in warm_.
  LambdaMaxEstimate cycle(Vec theta, PetscInt budget);

  objective::Objective& objective_;
  LambdaMaxSettings settings_;
  std::uint64_t seed_;
  core::OwnedVec warm_;
  PetscInt krylov_ = 1;  // Lanczos basis size: settings_.krylov, at most n_params
  bool warm_valid_ = false;
};

}  // namespace terrain::optim
