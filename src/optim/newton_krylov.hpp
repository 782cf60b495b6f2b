#pragma once
// Newton–Krylov on ∇L(θ) = 0: converges to the critical point (minimum, saddle or maximum)
// nearest to a start point, e.g. where training stalled. PETSc SNES (SNESNEWTONLS) with
// F(θ) = ∇L(θ), the Hessian MatShell as Jacobian, KSP MINRES without preconditioner (H is
// symmetric but indefinite, and singular at the degenerate critical points the embedding
// principle produces), and a line search on ‖F‖² = ‖∇L‖²: SNES's l2 (secant steps on the
// merit along the Newton step). The backtracking bt search was the first choice; it failed on
// ReLU kinks and at rounding level near degenerate saddles where l2 converged (1-2-1 ReLU,
// 4-8-3 tanh on Iris): -critical_snes_linesearch_type bt still selects it. The linear solves are
// inexact: the MINRES relative tolerance is η_k = min(η_max, max(η_min, ‖∇L(θ_k)‖₂)), so early
// steps are cheap and the outer convergence stays quadratic (η_k = O(‖∇L‖)) near a
// non-degenerate point; the MINRES absolute tolerance gtol/(2√n) stops it fitting rounding
// noise once the stopping test is within reach. At a degenerate point Newton converges only
// linearly; the history shows it. Converged means ‖∇L‖₁ ≤ gtol. The SNES and KSP take the options prefix
// "critical_" (-critical_snes_linesearch_type, -critical_ksp_max_it, -critical_snes_ksp_ew,
// -critical_snes_monitor, ... all work).
#include <petscvec.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "objective/objective.hpp"

namespace terrain::optim {

struct NewtonIteration {
  PetscInt iteration = 0;
  double loss = 0, grad_norm1 = 0, grad_norm2 = 0, step_norm = 0, step_length = 1;
  PetscInt krylov_iterations = 0;
  double radius = 0;  // the trust radius after the iteration (trust method; 0 for newton)
};

struct NewtonSettings {
  double gtol = 1e-12;      // converged when ‖∇L‖₁ ≤ gtol            (-critical_gtol)
  PetscInt max_it = 100;    // Newton iterations                      (-critical_max_it)
  double eta_max = 0.1;     // largest MINRES relative tolerance      (-critical_eta_max)
  double eta_min = 1e-10;   // smallest one (below: rounding noise)   (-critical_eta_min)
  PetscInt ksp_max_it = 0;  // MINRES iterations per step; 0: min(max(2n, 200), 5000)
                            // (-critical_ksp_max_it overrides)
  // The trust method (optim/trust_region_newton.hpp):
  double radius = 1;         // initial trust radius Δ₀                 (-critical_trust_radius)
  double radius_max = 10;    // largest trust radius                     (-critical_trust_radius_max)
  double max_distance = 0;   // stop before leaving ‖θ − θ_start‖ ≤ this; 0: no bound
                             //                                          (-critical_max_distance)
  PetscInt krylov_max = 0;   // Lanczos basis per step; 0: min(n, 1000, max(50, 2^26/n))
                             //                                          (-critical_krylov_max)
  // Called on every rank after each iteration (iteration 0 = the start point), e.g. to print.
  std::function<void(const NewtonIteration&)> on_iteration;

  static NewtonSettings from_options();
};

struct NewtonResult {
  bool converged = false;
  std::string reason;                    // e.g. "|grad L|_1 <= 1e-12", "line search failed"
  std::vector<NewtonIteration> history;  // iteration 0 = the start point
  std::int64_t n_matvec = 0;             // H·v products (MINRES, and bt's slope when chosen)
  double seconds = 0;
};

// Collective on obj.comm(). θ is the start point on entry and the last iterate on return.
NewtonResult find_critical_point(objective::Objective& obj, Vec theta, const NewtonSettings& s);

}  // namespace terrain::optim
