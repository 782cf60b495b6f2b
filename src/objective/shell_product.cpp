#include "objective/shell_product.hpp"

#include "core/error.hpp"

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

core::OwnedMat symmetric_shell(MPI_Comm comm, PetscInt n_local, PetscInt n_global, void* context,
                               PetscErrorCode (*destroy_context)(void*), ShellMult mult,
                               ShellProduct product) {
  core::OwnedMat mat;
  PetscErrorCode ierr =
      MatCreateShell(comm, n_local, n_local, n_global, n_global, context, mat.out());
  if (!ierr) ierr = MatShellSetContextDestroy(mat, destroy_context);
  if (ierr) {  // the Mat does not own the context yet
    destroy_context(context);
    core::throw_petsc(ierr, "MatCreateShell", __FILE__, __LINE__);
  }
  TERRAIN_PETSC(MatShellSetOperation(mat, MATOP_MULT, reinterpret_cast<void (*)(void)>(mult)));
  TERRAIN_PETSC(
      MatShellSetOperation(mat, MATOP_MULT_TRANSPOSE, reinterpret_cast<void (*)(void)>(mult)));
  TERRAIN_PETSC(MatShellSetMatProductOperation(mat, MATPRODUCT_AB, dense_product_symbolic, product,
                                               nullptr, MATDENSE, MATDENSE));
  TERRAIN_PETSC(MatSetOption(mat, MAT_SYMMETRIC, PETSC_TRUE));
  TERRAIN_PETSC(MatSetOption(mat, MAT_SYMMETRY_ETERNAL, PETSC_TRUE));
  return mat;
}

}  // namespace terrain::objective
