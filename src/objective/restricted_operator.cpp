#include "objective/restricted_operator.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "objective/shell_product.hpp"

namespace terrain::objective {

namespace {
struct Context {
  core::OwnedMat op;  // a reference of the caller's operator
  PetscInt offset;  // local row of op where this rank's part of the range starts
  PetscInt n;       // rows of the range on this rank
  PetscInt n_full;  // local rows of op
};

// Y = R A Rᵀ X for m columns (dense, column-major, leading dimensions ldx, ldy).
PetscErrorCode apply_block(Context* c, const double* x, PetscInt ldx, double* y, PetscInt ldy,
                           PetscInt m) {
  PetscFunctionBeginUser;
  MPI_Comm comm;
  PetscCall(PetscObjectGetComm(c->op.object(), &comm));
  PetscInt N = 0;
  PetscCall(MatGetSize(c->op, &N, nullptr));
  core::OwnedMat X, Y;
  PetscCall(MatCreateDense(comm, c->n_full, PETSC_DECIDE, N, m, nullptr, X.out()));
  PetscCall(MatZeroEntries(X));
  double* xa = nullptr;
  PetscInt lda = 0;
  PetscCall(MatDenseGetLDA(X, &lda));
  PetscCall(MatDenseGetArray(X, &xa));
  for (PetscInt j = 0; j < m; ++j)
    std::memcpy(xa + j * lda + c->offset, x + j * ldx, sizeof(double) * c->n);
  PetscCall(MatDenseRestoreArray(X, &xa));
  PetscCall(MatMatMult(c->op, X, MAT_INITIAL_MATRIX, PETSC_DEFAULT, Y.out()));
  const double* ya = nullptr;
  PetscCall(MatDenseGetLDA(Y, &lda));
  PetscCall(MatDenseGetArrayRead(Y, &ya));
  for (PetscInt j = 0; j < m; ++j)
    std::memcpy(y + j * ldy, ya + j * lda + c->offset, sizeof(double) * c->n);
  PetscCall(MatDenseRestoreArrayRead(Y, &ya));
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
  const MPI_Comm comm = core::comm_of(op);
  auto ctx = std::make_unique<Context>(
      Context{core::OwnedMat(), first - row_begin, last - first, row_end - row_begin});
  TERRAIN_PETSC(PetscObjectReference(reinterpret_cast<PetscObject>(op)));
  ctx->op.reset(op);
  mat_ = symmetric_shell(comm, last - first, end - begin, std::move(ctx), mult, product_numeric);
}

}  // namespace terrain::objective
