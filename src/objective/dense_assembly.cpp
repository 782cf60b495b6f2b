#include "objective/dense_assembly.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/petsc_handle.hpp"
#include "objective/restricted_operator.hpp"

namespace terrain::objective {

core::OwnedMat assemble_dense(Mat op, PetscInt block) {
  TERRAIN_CHECK(block >= 1,
                "dense assembly: the block must have at least one column, got " << block);
  const MPI_Comm comm = core::comm_of(op);
  PetscInt N = 0, n = 0, begin = 0, end = 0;
  TERRAIN_PETSC(MatGetSize(op, &N, nullptr));
  TERRAIN_PETSC(MatGetLocalSize(op, &n, nullptr));
  TERRAIN_PETSC(MatGetOwnershipRange(op, &begin, &end));
  core::OwnedMat H, E, Y;
  TERRAIN_PETSC(MatCreateDense(comm, n, n, N, N, nullptr, H.out()));
  double* h = nullptr;
  PetscInt ldh = 0;
  TERRAIN_PETSC(MatDenseGetLDA(H, &ldh));
  core::Progress progress(comm, "dense assembly", N);
  const std::string per_block = "columns of the " + std::to_string(N) + " x " +
                                std::to_string(N) + " matrix, " + std::to_string(block) +
                                " per product";
  for (PetscInt j0 = 0; j0 < N; j0 += block) {
    const PetscInt b = std::min(block, N - j0);
    PetscInt cols = 0;
    if (E) TERRAIN_PETSC(MatGetSize(E, nullptr, &cols));
    if (cols != b) {  // the first block, or a shorter last one
      Y.reset();
      TERRAIN_PETSC(MatCreateDense(comm, n, PETSC_DECIDE, N, b, nullptr, E.out()));
    }
    PetscInt lde = 0;
    double* e = nullptr;
    TERRAIN_PETSC(MatDenseGetLDA(E, &lde));
    TERRAIN_PETSC(MatDenseGetArrayWrite(E, &e));
    for (PetscInt c = 0; c < b; ++c) {
      std::fill(e + c * lde, e + c * lde + n, 0.0);
      if (j0 + c >= begin && j0 + c < end) e[c * lde + (j0 + c - begin)] = 1.0;
    }
    TERRAIN_PETSC(MatDenseRestoreArrayWrite(E, &e));
    TERRAIN_PETSC(MatMatMult(op, E, Y ? MAT_REUSE_MATRIX : MAT_INITIAL_MATRIX, PETSC_DEFAULT,
                             Y.inout()));
    const double* y = nullptr;
    PetscInt ldy = 0;
    TERRAIN_PETSC(MatDenseGetLDA(Y, &ldy));
    TERRAIN_PETSC(MatDenseGetArrayRead(Y, &y));
    TERRAIN_PETSC(MatDenseGetArray(H, &h));
    for (PetscInt c = 0; n > 0 && c < b; ++c)  // a rank may own no rows (null arrays)
      std::memcpy(h + (j0 + c) * ldh, y + c * ldy, sizeof(double) * n);
    TERRAIN_PETSC(MatDenseRestoreArray(H, &h));
    TERRAIN_PETSC(MatDenseRestoreArrayRead(Y, &y));
    progress.update(j0 + b, per_block);
  }
  progress.finish(std::to_string(N) + " columns");
  TERRAIN_PETSC(MatAssemblyBegin(H, MAT_FINAL_ASSEMBLY));
  TERRAIN_PETSC(MatAssemblyEnd(H, MAT_FINAL_ASSEMBLY));
  return H;
}

double asymmetry(Mat A) {
  core::OwnedVec x, ax, atx;
  TERRAIN_PETSC(MatCreateVecs(A, x.out(), ax.out()));
  TERRAIN_PETSC(VecDuplicate(ax, atx.out()));
  PetscInt begin = 0, end = 0;
  TERRAIN_PETSC(VecGetOwnershipRange(x, &begin, &end));
  double* xa = nullptr;
  TERRAIN_PETSC(VecGetArrayWrite(x, &xa));
  // A fixed, rank-count-independent ±1 pattern (golden-ratio sequence), so no cancellation.
  for (PetscInt i = begin; i < end; ++i)
    xa[i - begin] = std::fmod(0.6180339887 * double(i + 1), 1.0) < 0.5 ? 1.0 : -1.0;
  TERRAIN_PETSC(VecRestoreArrayWrite(x, &xa));
  TERRAIN_PETSC(MatMult(A, x, ax));
  TERRAIN_PETSC(MatMultTranspose(A, x, atx));
  double scale = 0, diff = 0;
  TERRAIN_PETSC(VecNorm(ax, NORM_INFINITY, &scale));
  TERRAIN_PETSC(VecAXPY(atx, -1.0, ax));
  TERRAIN_PETSC(VecNorm(atx, NORM_INFINITY, &diff));
  return scale > 0 ? diff / scale : 0.0;
}

core::OwnedMat dense_diagonal_block(Mat A, PetscInt begin, PetscInt end) {
  const MPI_Comm comm = core::comm_of(A);
  PetscInt row_begin = 0, row_end = 0, first = 0, last = 0, lda = 0, ldb = 0;
  TERRAIN_PETSC(MatGetOwnershipRange(A, &row_begin, &row_end));
  restricted_rows(A, begin, end, &first, &last);
  const PetscInt n = last - first, p = end - begin;
  core::OwnedMat B;
  TERRAIN_PETSC(MatCreateDense(comm, n, n, p, p, nullptr, B.out()));
  const double* a = nullptr;
  double* b = nullptr;
  TERRAIN_PETSC(MatDenseGetLDA(A, &lda));
  TERRAIN_PETSC(MatDenseGetLDA(B, &ldb));
  TERRAIN_PETSC(MatDenseGetArrayRead(A, &a));
  TERRAIN_PETSC(MatDenseGetArrayWrite(B, &b));
  for (PetscInt c = 0; n > 0 && c < p; ++c)  // a rank may hold none of the block (null arrays)
    std::memcpy(b + c * ldb, a + (begin + c) * lda + (first - row_begin), sizeof(double) * n);
  TERRAIN_PETSC(MatDenseRestoreArrayWrite(B, &b));
  TERRAIN_PETSC(MatDenseRestoreArrayRead(A, &a));
  TERRAIN_PETSC(MatAssemblyBegin(B, MAT_FINAL_ASSEMBLY));
  TERRAIN_PETSC(MatAssemblyEnd(B, MAT_FINAL_ASSEMBLY));
  return B;
}

}  // namespace terrain::objective
