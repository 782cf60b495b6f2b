#include "objective/shell_product.hpp"

namespace terrain::objective {

PetscErrorCode dense_product_symbolic(Mat A, Mat B, Mat C, void** /*data*/) {
  PetscFunctionBeginUser;
  PetscInt m = 0, M = 0, n = 0, N = 0;
  PetscCall(MatGetLocalSize(A, &m, nullptr));
  PetscCall(MatGetSize(A, &M, nullptr));
  PetscCall(MatGetLocalSize(B, nullptr, &n));
  PetscCall(MatGetSize(B, nullptr, &N));
  PetscCall(MatSetSizes(C, m, n, M, N));
  PetscCall(MatSetType(C, MATDENSE));
  PetscCall(MatSetUp(C));
  PetscFunctionReturn(0);
}

}  // namespace terrain::objective
