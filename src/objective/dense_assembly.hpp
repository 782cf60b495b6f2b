#pragma once
// The explicit matrix of an operator that supports MatMatMult with MATDENSE (a
// CurvatureOperator, a RestrictedOperator, any assembled Mat): A·E for blocks of `block`
// identity columns, so the products' scratch stays O(block · N) while the result, N × N
// MATDENSE with the operator's row layout, is the only O(N²) memory.
#include <petscmat.h>

#include "core/petsc_handle.hpp"

namespace terrain::objective {

// `block` ≥ 1 columns per product.
core::OwnedMat assemble_dense(Mat op, PetscInt block);

// The relative asymmetry ‖(A − Aᵀ)x‖∞ / ‖A x‖∞ of a square matrix for a fixed ±1 vector x
// (0 for a zero matrix), without forming Aᵀ. Rounding in the products leaves an assembled
// Hessian asymmetric at about 1e-16 relative; a wrong product makes it O(1).
double asymmetry(Mat A);

// The diagonal block A[r, r], r = [begin, end), of a MATDENSE as a new MATDENSE whose rows are
// laid out like a RestrictedOperator's (each rank keeps its own rows of r): local copies only.
core::OwnedMat dense_diagonal_block(Mat A, PetscInt begin, PetscInt end);

}  // namespace terrain::objective
