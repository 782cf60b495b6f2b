#pragma once
// The number of eigenvalues below −τ of an operator too large to assemble: the smallest end
// with Krylov–Schur for nev = start, 2·start, … (each solve seeded with the previous
// eigenvectors) until a converged eigenvalue at or above −τ shows that all below were found,
// or nev reaches the cap (then the count is a lower bound, flagged as capped). When the last
// solve also reaches past +τ, its first eigenvalue ≥ τ is λ_min⁺.
#include <petscmat.h>

#include "spectral/extreme_eigenvalues.hpp"
#include "spectral/results.hpp"

namespace terrain::spectral {

NegativeCount count_negative(Mat op, double tol, PetscInt start_nev, PetscInt max_nev,
                             const EigenSettings& settings);

}  // namespace terrain::spectral
