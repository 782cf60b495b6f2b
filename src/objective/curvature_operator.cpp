#include "objective/curvature_operator.hpp"

#include <exception>
#include <memory>

#include "core/error.hpp"
#include "objective/shell_product.hpp"

namespace terrain::objective {

namespace {
struct Context {
  Objective* objective;
  core::OwnedVec theta;  // a reference of the caller's θ
  Curvature kind;
};

// PETSc calls these: no C++ exception may cross back into C (DESIGN.md §6).
template <class X, class Y>
PetscErrorCode apply(Mat A, X x, Y y) {
  PetscFunctionBeginUser;
  Context* ctx = nullptr;
  PetscCall(MatShellGetContext(A, &ctx));
  try {
    ctx->objective->curvature_product(ctx->kind, ctx->theta, x, y);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  PetscFunctionReturn(0);
}

PetscErrorCode mult(Mat A, Vec x, Vec y) { return apply(A, x, y); }

PetscErrorCode product_numeric(Mat A, Mat B, Mat C, void* /*data*/) { return apply(A, B, C); }

// Composed on the Mat, so applied_products can tell our shells from any other Mat.
PetscErrorCode products(Mat A, PetscInt64* n) {
  PetscFunctionBeginUser;
  Context* ctx = nullptr;
  PetscCall(MatShellGetContext(A, &ctx));
  *n = ctx->objective->counters().curvature_vectors;
  PetscFunctionReturn(0);
}
constexpr const char* kProducts = "TerrainCurvatureProducts_C";

}  // namespace

CurvatureOperator::CurvatureOperator(Objective& objective, Vec theta, Curvature kind) {
  PetscInt n_local = 0;
  TERRAIN_PETSC(VecGetLocalSize(theta, &n_local));
  auto ctx = std::make_unique<Context>(Context{&objective, core::OwnedVec(), kind});
  TERRAIN_PETSC(PetscObjectReference(reinterpret_cast<PetscObject>(theta)));
  ctx->theta.reset(theta);
  mat_ = symmetric_shell(objective.comm(), n_local, objective.n_params(), std::move(ctx), mult,
                         product_numeric);
  TERRAIN_PETSC(PetscObjectComposeFunction(reinterpret_cast<PetscObject>(mat_.get()), kProducts,
                                            products));
}

std::int64_t applied_products(Mat op) {
  PetscErrorCode (*f)(Mat, PetscInt64*) = nullptr;
  if (!op || PetscObjectQueryFunction(reinterpret_cast<PetscObject>(op), kProducts, &f) || !f)
    return -1;
  PetscInt64 n = 0;
  return f(op, &n) ? -1 : std::int64_t(n);
}

}  // namespace terrain::objective
