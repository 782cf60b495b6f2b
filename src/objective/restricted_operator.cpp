#include "objective/restricted_operator.hpp"

#include <algorithm>
#include <cstring>

#include "core/error.hpp"
#include "objective/shell_product.hpp"

namespace terrain::objective {

namespace {
struct Context {
  Mat op;
  PetscInt offset;  // local row of op where this rank's part of the range starts
  PetscInt n;       // rows of the range on this rank
  PetscInt n_full;  // local rows of op
};

// Y = R A Rᵀ X for m columns (dense, column-major, leading dimensions ldx, ldy).
PetscErrorCode apply_block(Context* c, const double* x, PetscInt ldx, double* y, PetscInt ldy,
                           PetscInt m) {
  PetscFunctionBeginUser;
  MPI_Comm comm;
  PetscCall(PetscObjectGetComm(reinterpret_cast<PetscObject>(c->op), &comm));
  PetscInt N = 0;
  PetscCall(MatGetSize(c->op, &N, nullptr));
  Mat X, Y;
  PetscCall(MatCreateDense(comm, c->n_full, PETSC_DECIDE, N, m, nullptr, &X));
  PetscCall(MatZeroEntries(X));
  double* xa = nullptr;
  PetscInt lda = 0;
  PetscCall(MatDenseGetLDA(X, &lda));
  PetscCall(MatDenseGetArray(X, &xa));
  for (PetscInt j = 0; j < m; ++j)
    std::memcpy(xa + j * lda + c->offset, x + j * ldx, sizeof(double) * c->n);
  PetscCall(MatDenseRestoreArray(X, &xa));
  PetscCall(MatMatMult(c->op, X, MAT_INITIAL_MATRIX, PETSC_DEFAULT, &Y));
  const double* ya = nullptr;
  PetscCall(MatDenseGetLDA(Y, &lda));
  PetscCall(MatDenseGetArrayRead(Y, &ya));
  for (PetscInt j = 0; j < m; ++j)
    std::memcpy(y + j * ldy, ya + j * lda + c->offset, sizeof(double) * c->n);
  PetscCall(MatDenseRestoreArrayRead(Y, &ya));
  PetscCall(MatDestroy(&X));
  PetscCall(MatDestroy(&Y));
  PetscFunctionReturn(0);
}

PetscErrorCode mult(Mat A, Vec x, Vec y) {
  PetscFunctionBeginUser;
  Context* c = nullptr;
  PetscCall(MatShellGetContext(A, &c));
  const double* xa = nullptr;
  double* ya = nullptr;
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArrayWrite(y, &ya));
  PetscCall(apply_block(c, xa, c->n, ya, c->n, 1));
  PetscCall(VecRestoreArrayWrite(y, &ya));
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscFunctionReturn(0);
}

PetscErrorCode product_numeric(Mat A, Mat B, Mat C, void* /*data*/) {
  PetscFunctionBeginUser;
  Context* c = nullptr;
  PetscCall(MatShellGetContext(A, &c));
  PetscInt m = 0, ldb = 0, ldc = 0;
  PetscCall(MatGetSize(B, nullptr, &m));
  PetscCall(MatDenseGetLDA(B, &ldb));
  PetscCall(MatDenseGetLDA(C, &ldc));
  const double* b = nullptr;
  double* out = nullptr;
  PetscCall(MatDenseGetArrayRead(B, &b));
  PetscCall(MatDenseGetArrayWrite(C, &out));
  PetscCall(apply_block(c, b, ldb, out, ldc, m));
  PetscCall(MatDenseRestoreArrayWrite(C, &out));
  PetscCall(MatDenseRestoreArrayRead(B, &b));
  PetscFunctionReturn(0);
}

PetscErrorCode destroy_context(void* data) {
  PetscFunctionBeginUser;
  Context* c = static_cast<Context*>(data);
  PetscCall(MatDestroy(&c->op));
  delete c;
  PetscFunctionReturn(0);
}
}  // namespace

void restricted_rows(Mat op, PetscInt begin, PetscInt end, PetscInt* first, PetscInt* last) {
  PetscInt row_begin = 0, row_end = 0;
  TERRAIN_PETSC(MatGetOwnershipRange(op, &row_begin, &row_end));
  *first = std::max(begin, row_begin);
  *last = std::max(*first, std::min(end, row_end));
}

RestrictedOperator::RestrictedOperator(Mat op, PetscInt begin, PetscInt end)
    : begin_(begin), end_(end) {
  PetscInt N = 0, first = 0, last = 0, row_begin = 0, row_end = 0;
  TERRAIN_PETSC(MatGetSize(op, &N, nullptr));
  TERRAIN_CHECK(0 <= begin && begin < end && end <= N, "restricted operator: range ["
                                                           << begin << ", " << end
                                                           << ") outside [0, " << N << ")");
  TERRAIN_PETSC(MatGetOwnershipRange(op, &row_begin, &row_end));
  restricted_rows(op, begin, end, &first, &last);
  MPI_Comm comm;
  TERRAIN_PETSC(PetscObjectGetComm(reinterpret_cast<PetscObject>(op), &comm));
  TERRAIN_PETSC(PetscObjectReference(reinterpret_cast<PetscObject>(op)));
  auto* ctx = new Context{op, first - row_begin, last - first, row_end - row_begin};
  TERRAIN_PETSC(
      MatCreateShell(comm, last - first, last - first, end - begin, end - begin, ctx, &mat_));
  TERRAIN_PETSC(MatShellSetContextDestroy(mat_, destroy_context));
  TERRAIN_PETSC(MatShellSetOperation(mat_, MATOP_MULT, reinterpret_cast<void (*)(void)>(mult)));
  TERRAIN_PETSC(
      MatShellSetOperation(mat_, MATOP_MULT_TRANSPOSE, reinterpret_cast<void (*)(void)>(mult)));
  TERRAIN_PETSC(MatShellSetMatProductOperation(mat_, MATPRODUCT_AB, dense_product_symbolic,
                                               product_numeric, nullptr, MATDENSE, MATDENSE));
  TERRAIN_PETSC(MatSetOption(mat_, MAT_SYMMETRIC, PETSC_TRUE));
  TERRAIN_PETSC(MatSetOption(mat_, MAT_SYMMETRY_ETERNAL, PETSC_TRUE));
}

RestrictedOperator::~RestrictedOperator() noexcept { MatDestroy(&mat_); }

}  // namespace terrain::objective
