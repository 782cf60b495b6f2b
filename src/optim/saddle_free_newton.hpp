#pragma once
// Saddle-free Newton (Dauphin et al. 2014, "Identifying and attacking the saddle point problem
// in high-dimensional non-convex optimization") in a Krylov subspace: k steps of Lanczos on the
// Hessian H started from the gradient g (spectral::lanczos, full reorthogonalisation) give V
// (n × k, orthonormal) and T = VᵀHV = QΛQᵀ; the direction is
//     d = V Q (|Λ| + δ)⁻¹ Qᵀ Vᵀ g,        step = −lr·d,
// i.e. Newton's step with every curvature replaced by its absolute value: along negative
// curvature it goes downhill instead of toward the saddle, so saddles repel it. Since the Krylov
// space starts from g, g lies entirely in it (Vᵀg = ‖g‖e₁): there is no component of g outside
// the space to treat separately. When the Lanczos recurrence breaks down (an invariant subspace,
// β_j ≤ 1e-12·max(|α|, β)), the basis is shorter than k. With k = n and δ = 0 on a convex
// quadratic, d is exactly the Newton step H⁻¹g. Denominators are floored at 1e-12·max|λ| so a
// zero Ritz value with δ = 0 gives a large but finite step. Collective on the objective's
// communicator; costs k H·v products at θ (cached forward/backward state) and O(k²n) vector work.
#include <petscvec.h>

#include <cstdint>
#include <vector>

#include "objective/objective.hpp"

namespace terrain::optim {

struct SaddleFreeSettings {
  PetscInt krylov = 20;  // Lanczos steps k (-train_sfn_krylov, -critical_sfn_krylov)
  double damping = 0;    // δ added to |λ| (-train_sfn_damping, -critical_sfn_damping)
};

struct SaddleFreeDirection {
  PetscInt krylov_size = 0;     // basis size reached (≤ k; smaller on breakdown)
  PetscInt negative_ritz = 0;   // Ritz values < 0: directions of negative curvature it used
  double ritz_min = 0, ritz_max = 0;
  double model_change = 0;      // −gᵀd + ½ dᵀHd of the unit step on the Krylov quadratic model
  std::int64_t n_matvec = 0;
};

// d for the gradient `grad` at θ, into `direction` (θ's layout). grad = 0 gives d = 0.
SaddleFreeDirection saddle_free_direction(objective::Objective& obj, Vec theta, Vec grad,
                                          const SaddleFreeSettings& s, Vec direction);

}  // namespace terrain::optim
