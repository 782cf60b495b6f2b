#pragma once
// A Newton method for ∇L(θ) = 0 that stays local: trust-region Gauss–Newton on ½‖∇L‖²
// (Levenberg–Marquardt with the exact Hessian as the Jacobian of ∇L; Pennington & Bahri 2017,
// Frye et al. 2019 minimise the same ‖∇L‖²). Each iteration
//   1. runs Lanczos on H from g = ∇L(θ) (spectral::lanczos, full reorthogonalisation) until
//      the least-squares residual min ‖g + H d‖ over the Krylov space is ≤ η_k ‖g‖ (η_k as
//      the newton method's, so near a non-degenerate point the convergence stays quadratic),
//      or -critical_krylov_max vectors;
//   2. minimises the exact model ‖g + H d‖² over the Krylov space subject to ‖d‖ ≤ Δ
//      (optim/krylov_trust_step.hpp): a Newton step when it fits, a Levenberg–Marquardt step
//      otherwise; near-zero curvature (the flat directions of a degenerate critical point) is
//      damped, never inverted;
//   3. accepts the step when ‖∇L‖² falls by at least 1e-4 of what the model predicts, and
//      updates Δ from the ratio (×¼ below 0.25; ×2 above 0.75 when the step hit the boundary,
//      up to -critical_trust_radius_max); a rejected step is re-solved with the smaller Δ from
//      the same Krylov model, costing one gradient and no H·v.
// The iterate therefore moves only as far as the model of ‖∇L‖ is trusted: at a point near a
// critical set it converges to a nearby point of it (also when H is singular there, where a
// plain Newton step along the null directions is unbounded); where no critical point is near
// (a valley whose curvature vanishes towards infinity) it crawls instead of jumping, and
// -critical_max_distance stops it before it leaves the ball around the start.
// Stops: ‖∇L‖₁ ≤ gtol (converged); -critical_max_it; the next accepted step would leave the
// ball; the radius collapses (≤ 1e-15 (1 + ‖θ‖): rounding level, a kink, or a minimum of
// ‖∇L‖² that is not critical); the model predicts no decrease (g orthogonal to H's range in
// the Krylov space). H·v products are counted. Collective on obj.comm().
#include <petscvec.h>

#include "objective/objective.hpp"
#include "optim/newton_krylov.hpp"

namespace terrain::optim {

// θ is the start point on entry and the last accepted iterate on return.
NewtonResult find_critical_point_trust(objective::Objective& obj, Vec theta,
                                       const NewtonSettings& s);

// The default basis cap: min(n, 1000, max(50, 2^26 / n)) (2^26 doubles = 512 MiB in all).
PetscInt default_krylov_max(PetscInt n_params);

}  // namespace terrain::optim
