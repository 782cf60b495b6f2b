#pragma once
// What every symmetric shell operator of terrain shares (CurvatureOperator, RestrictedOperator):
// the MatShell set-up with MatMult (also as MatMultTranspose: the operator is symmetric),
// MatMatMult with MATDENSE in one pass, the symmetry flags, and a context owned by the Mat.
#include <petscmat.h>

#include <memory>

#include "core/petsc_handle.hpp"

namespace terrain::objective {

// The symbolic phase of C = A·B for a MatShell A and a dense B: C is dense with A's rows and
// B's columns.
PetscErrorCode dense_product_symbolic(Mat A, Mat B, Mat C, void** data);

using ShellMult = PetscErrorCode (*)(Mat A, Vec x, Vec y);
using ShellProduct = PetscErrorCode (*)(Mat A, Mat B, Mat C, void* data);

// An n_global × n_global symmetric MatShell with n_local rows here. `context` (what
// MatShellGetContext returns) is destroyed with `destroy_context`, also when this fails.
core::OwnedMat symmetric_shell(MPI_Comm comm, PetscInt n_local, PetscInt n_global, void* context,
                               PetscErrorCode (*destroy_context)(void*), ShellMult mult,
                               ShellProduct product);

// The same with a typed context, deleted with the Mat.
template <class Context>
core::OwnedMat symmetric_shell(MPI_Comm comm, PetscInt n_local, PetscInt n_global,
                               std::unique_ptr<Context> context, ShellMult mult,
                               ShellProduct product) {
  auto destroy = [](void* c) -> PetscErrorCode {
    delete static_cast<Context*>(c);
    return 0;
  };
  return symmetric_shell(comm, n_local, n_global, context.release(), destroy, mult, product);
}

}  // namespace terrain::objective
