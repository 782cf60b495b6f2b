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

// Sylvester inertia of a symmetric MATDENSE (its upper triangle) at shifts ±tol, tol > 0. MUMPS
// options pass with the prefix -spectrum_sylvester_ (e.g. -spectrum_sylvester_mat_mumps_icntl_7).
Inertia sylvester_inertia(Mat A, double tol);

}  // namespace terrain::spectral
