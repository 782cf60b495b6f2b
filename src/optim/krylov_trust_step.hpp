#pragma once
// The trust-region subproblem of the local Newton (optim/trust_region_newton.hpp) inside a
// Krylov space. k Lanczos steps on H from g give H V = V T + β_k v_k e_kᵀ with V orthonormal,
// v_0 = g/β₀, so for a step d = V y the linearised gradient is
//     g + H d = V (β₀ e₁ + T y) + β_k v_k (e_kᵀ y),
//     m(y) = ‖g + H d‖² = ‖β₀ e₁ + T y‖² + β_k² (e_kᵀ y)²     (exact, not an approximation).
// With T = Q Λ Qᵀ (LAPACK stevr) and z = Qᵀ y this is m = ‖Λ z + β₀ q‖² + β_k² (sᵀ z)², q = Qᵀe₁,
// s = Qᵀe_k. The step minimises m subject to ‖z‖ ≤ Δ: the Levenberg–Marquardt system
//     (Λ² + β_k² s sᵀ + μ I) z = −β₀ Λ q
// is diagonal plus rank one (Sherman–Morrison, O(k) per μ), and μ ≥ μ_floor is found by
// bisection in log μ so that ‖z(μ)‖ ≤ Δ (μ = μ_floor when that step fits). μ_floor =
// (floor·max|λ|)² keeps the system solvable at a singular H: components along Ritz values near
// zero, which at a degenerate critical point are directions along the critical set or rounding
// noise, are damped instead of amplified (the minimum-norm character a truncated pseudo-inverse
// would give), while a Newton step along a curvature λ changes only by the factor λ²/(λ² + μ).
#include <vector>

#include "spectral/lanczos.hpp"

namespace terrain::optim {

// The Krylov model at one point, built once and solved for as many radii as the trust region
// needs (a rejected step is re-solved with a smaller Δ without new H·v products).
class KrylovTrustModel {
 public:
  // t: Lanczos T (k × k) from start β₀ v_0 = g; beta_k: the remainder's norm after the last step.
  KrylovTrustModel(const spectral::Tridiagonal& t, double beta0, double beta_k,
                   double floor = 1e-12);

  struct Step {
    std::vector<double> y;  // coefficients along the Lanczos basis V: d = V y
    double norm = 0;        // ‖d‖₂ = ‖y‖₂
    double model = 0;       // m(y) = ‖g + H d‖² as the model predicts it
    double mu = 0;          // the Levenberg–Marquardt shift used
  };

  // The minimiser of m over ‖y‖ ≤ radius (to 1e-3 relative in the radius when it binds).
  Step solve(double radius) const;

  double residual_norm2() const { return beta0_ * beta0_; }  // m(0) = ‖g‖²
  PetscInt size() const { return static_cast<PetscInt>(lambda_.size()); }
  double lambda_min() const { return lambda_.front(); }  // extreme Ritz values of H
  double lambda_max() const { return lambda_.back(); }

 private:
  std::vector<double> z_of(double mu) const;
  double model_of(const std::vector<double>& z) const;

  std::vector<double> lambda_;   // Ritz values, ascending
  std::vector<double> q_, s_;    // first and last components of the Ritz vectors
  std::vector<double> vectors_;  // Q, column-major k × k
  double beta0_ = 0, beta_k_ = 0, mu_floor_ = 0;
};

// The least-squares residual min_y ‖β₀e₁ + T̄ y‖ after each Lanczos step, in O(1) per step by
// Givens rotations on T̄ = [T; β_k e_kᵀ] (MINRES's recurrence): the stopping test of the
// Krylov solve, without solving the subproblem at every step.
class MinresResidual {
 public:
  explicit MinresResidual(double beta0) : phi_(beta0) {}
  // Column j of T̄: β_{j−1} above the diagonal (0 for j = 0), α_j, and β_j below. Returns the
  // residual after it.
  double add(double beta_above, double alpha, double beta_below);
  double value() const { return phi_; }

 private:
  double phi_;
  double c1_ = 1, s1_ = 0, c2_ = 1, s2_ = 0;  // the rotations of columns j−1 and j−2
};

}  // namespace terrain::optim
