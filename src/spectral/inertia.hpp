#pragma once
// Eigenvalue counts (n−, n0, n+) at a tolerance τ, two independent ways: from a computed
// spectrum, and by Sylvester's law of inertia from LDLᵀ factorisations of the assembled matrix
// shifted to ±τ (MUMPS through MatGetInertia): n− = neg(A + τI), n0 = neg(A − τI) − n−,
// n+ = N − neg(A − τI). The second needs no eigenvalue at all, so agreement is a real check.
#include <petscmat.h>

#include <vector>

#include "spectral/results.hpp"

namespace terrain::spectral {

// Counts with the convention of Inertia: λ < −τ, −τ ≤ λ < τ, λ ≥ τ.
Inertia inertia_from_eigenvalues(const std::vector<double>& values, double tol);

// A zero tolerance with an absolute and a relative part: τ = max(atol, rtol·max|λ|), the rule of
// terrain-spectrum's -spectrum_zero_atol / -spectrum_zero_tol. The relative part keeps rounding
// (≈ 1e-16·max|λ| per eigenvalue of a dense solve) from moving an eigenvalue across τ at points
// with a large λ_max; rtol = 0 is the absolute rule.
struct ZeroTolerance {
  double atol = 0, rtol = 0;
  // τ for a spectrum whose largest |λ| is `scale` (atol when rtol = 0).
  double effective(double scale) const;
};

// The counts at τ = tol.effective(max|λ|) of this spectrum (Inertia::tol holds that τ).
Inertia inertia_from_eigenvalues(const std::vector<double>& values, const ZeroTolerance& tol);

// Sylvester inertia of a symmetric MATDENSE (its upper triangle) at shifts ±tol, tol > 0. MUMPS
// options pass with the prefix -spectrum_sylvester_ (e.g. -spectrum_sylvester_mat_mumps_icntl_7).
Inertia sylvester_inertia(Mat A, double tol);

}  // namespace terrain::spectral
