#pragma once
// The symbolic phase of C = A·B for a MatShell A and a dense B: C is dense with A's rows and
// B's columns. Shared by every shell operator that offers MatMatMult.
#include <petscmat.h>

namespace terrain::objective {

PetscErrorCode dense_product_symbolic(Mat A, Mat B, Mat C, void** data);

}  // namespace terrain::objective
