#pragma once
// What a point of the landscape is, from the signs of the Hessian's eigenvalues at tolerance τ,
// always stated with ‖∇L‖: a point whose gradient exceeds grad_tol is not critical, and its
// curvature only describes the neighbourhood ("not a critical point; curvature like ...").
//
//   both signs present (n− > 0, n+ > 0)     strict saddle of index n− (with n0 zero eigenvalues)
//   all eigenvalues > τ                     local minimum
//   all eigenvalues < −τ                    local maximum
//   otherwise (zero eigenvalues, one sign)  degenerate: the second-order test is inconclusive
#include <string>

#include "spectral/results.hpp"

namespace terrain::spectral {

const char* to_string(PointKind k);

// From exact counts (a full spectrum or Sylvester inertia).
Classification classify(const Inertia& counts, double grad_norm, double grad_tol);

// Matrix-free: from the extreme eigenvalues λ_min ≤ λ_max (converged to well inside τ) and,
// for a saddle's index, a count of eigenvalues below −τ (n_neg < 0: unknown; capped: a lower
// bound). Zero eigenvalues between the ends are invisible here, so a saddle's degeneracy is
// reported as unknown.
Classification classify(double lambda_min, double lambda_max, double tol, std::int64_t n_neg,
                        bool capped, double grad_norm, double grad_tol);

}  // namespace terrain::spectral
