#include "geometry/filter_scaled_operator.hpp"

#include <cmath>
#include <exception>
#include <memory>
#include <vector>

#include "core/error.hpp"
#include "objective/replicated.hpp"
#include "objective/shell_product.hpp"

namespace terrain::geometry {

core::OwnedVec filter_norms(const model::ParameterLayout& layout, Vec theta) {
  const std::vector<double> all = objective::replicate(theta);
  TERRAIN_CHECK(static_cast<PetscInt>(all.size()) == layout.size(),
                "filter norms: θ has " << all.size() << " entries, the layout " << layout.size());
  std::vector<double> d(all.size(), 0.0);
  for (int l = 0; l < layout.n_layers(); ++l) {
    const model::LayerBlock& b = layout.layer(l);
    for (PetscInt r = 0; r < b.fan_out; ++r) {
      const double* row = all.data() + b.weight_offset + r * b.fan_in;
      double ss = 0;
      for (PetscInt j = 0; j < b.fan_in; ++j) ss += row[j] * row[j];
      const double norm = std::sqrt(ss);
      for (PetscInt j = 0; j < b.fan_in; ++j) d[b.weight_offset + r * b.fan_in + j] = norm;
      if (b.bias_offset >= 0) d[b.bias_offset + r] = norm;
    }
  }
  core::OwnedVec out;
  TERRAIN_PETSC(VecDuplicate(theta, out.out()));
  objective::distribute(d, out);
  return out;
}

namespace {
struct Context {
  Mat op;  // referenced
  core::OwnedVec d, work;
  ~Context() {
    if (op && core::petsc_alive()) MatDestroy(&op);
  }
};

// PETSc calls these: no C++ exception may cross back into C (DESIGN.md §6).
PetscErrorCode mult(Mat A, Vec x, Vec y) {
  PetscFunctionBeginUser;
  Context* ctx = nullptr;
  PetscCall(MatShellGetContext(A, &ctx));
  PetscCall(VecPointwiseMult(ctx->work, ctx->d, x));
  PetscCall(MatMult(ctx->op, ctx->work, y));
  PetscCall(VecPointwiseMult(y, ctx->d, y));
  PetscFunctionReturn(0);
}

PetscErrorCode product(Mat A, Mat B, Mat C, void* /*data*/) {
  PetscFunctionBeginUser;
  Context* ctx = nullptr;
  PetscCall(MatShellGetContext(A, &ctx));
  Mat scaled = nullptr, result = nullptr;
  PetscCall(MatDuplicate(B, MAT_COPY_VALUES, &scaled));
  PetscCall(MatDiagonalScale(scaled, ctx->d, nullptr));
  PetscErrorCode ierr = MatMatMult(ctx->op, scaled, MAT_INITIAL_MATRIX, PETSC_DEFAULT, &result);
  if (!ierr) ierr = MatDiagonalScale(result, ctx->d, nullptr);
  if (!ierr) ierr = MatCopy(result, C, SAME_NONZERO_PATTERN);
  PetscCall(MatDestroy(&scaled));
  PetscCall(MatDestroy(&result));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
}  // namespace

core::OwnedMat filter_scaled_operator(Mat op, Vec d) {
  PetscInt n_local = 0, n_global = 0;
  TERRAIN_PETSC(VecGetLocalSize(d, &n_local));
  TERRAIN_PETSC(VecGetSize(d, &n_global));
  PetscInt m_local = 0, m_global = 0;
  TERRAIN_PETSC(MatGetLocalSize(op, &m_local, nullptr));
  TERRAIN_PETSC(MatGetSize(op, &m_global, nullptr));
  TERRAIN_CHECK(m_local == n_local && m_global == n_global,
                "filter-scaled operator: the scaling has " << n_global << " entries, the operator "
                                                           << m_global << " rows");
  auto ctx = std::make_unique<Context>();
  TERRAIN_PETSC(PetscObjectReference(reinterpret_cast<PetscObject>(op)));
  ctx->op = op;
  TERRAIN_PETSC(VecDuplicate(d, ctx->d.out()));
  TERRAIN_PETSC(VecCopy(d, ctx->d));
  TERRAIN_PETSC(VecDuplicate(d, ctx->work.out()));
  return objective::symmetric_shell(core::comm_of(op), n_local, n_global, std::move(ctx), mult,
                                    product);
}

}  // namespace terrain::geometry
