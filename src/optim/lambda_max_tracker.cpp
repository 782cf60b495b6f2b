#include "optim/lambda_max_tracker.hpp"

#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace terrain::optim {

namespace {
// Largest eigenpair of the symmetric tridiagonal T (diagonal a, off-diagonal b), m ≤ ~100.
double largest_eigenpair(const std::vector<double>& a, const std::vector<double>& b, int m,
                         std::vector<double>& s) {
  std::vector<double> t(std::size_t(m) * m, 0.0), w(m);
  for (int i = 0; i < m; ++i) {
    t[i + i * m] = a[i];
    if (i + 1 < m) t[i + (i + 1) * m] = t[(i + 1) + i * m] = b[i];
  }
  PetscBLASInt n = m, lwork = 3 * m + 64, info = 0;
  std::vector<double> work(lwork);
  LAPACKsyev_("V", "U", &n, t.data(), &n, w.data(), work.data(), &lwork, &info);
  if (info != 0) throw core::Error("LAPACK dsyev failed on the Lanczos matrix");
  s.assign(t.begin() + std::size_t(m - 1) * m, t.begin() + std::size_t(m) * m);
  return w[m - 1];
}
}  // namespace

LambdaMaxTracker::LambdaMaxTracker(objective::Objective& objective,
                                   const LambdaMaxSettings& settings, std::uint64_t seed)
    : objective_(objective), settings_(settings), seed_(seed) {
  warm_ = objective_.create_vec();
  TERRAIN_PETSC(VecDuplicate(warm_, &w_));
  const PetscInt m = std::max<PetscInt>(1, std::min(settings_.krylov, objective_.n_params()));
  basis_.resize(m);
  for (Vec& v : basis_) TERRAIN_PETSC(VecDuplicate(warm_, &v));
}

LambdaMaxTracker::~LambdaMaxTracker() noexcept {
  for (Vec& v : basis_) VecDestroy(&v);
  VecDestroy(&w_);
  VecDestroy(&warm_);
}

LambdaMaxEstimate LambdaMaxTracker::estimate(Vec theta) {
  if (!warm_valid_) {
    PetscInt begin = 0, end = 0;
    TERRAIN_PETSC(VecGetOwnershipRange(warm_, &begin, &end));
    double* a = nullptr;
    TERRAIN_PETSC(VecGetArrayWrite(warm_, &a));
    const std::uint64_t stream_seed = core::mix64(seed_ ^ 0x6c616d6264614dULL);  // "lambdaM"
    for (PetscInt i = begin; i < end; ++i)
      a[i - begin] = core::normal(stream_seed, core::Stream::probe, static_cast<std::uint64_t>(i));
    TERRAIN_PETSC(VecRestoreArrayWrite(warm_, &a));
    warm_valid_ = true;
  }
  LambdaMaxEstimate total;
  while (true) {
    const LambdaMaxEstimate e = cycle(theta, settings_.max_hv - total.hv);
    total.value = e.value, total.residual = e.residual, total.converged = e.converged;
    total.hv += e.hv;
    if (e.converged || total.hv >= settings_.max_hv) return total;
  }
}

LambdaMaxEstimate LambdaMaxTracker::cycle(Vec theta, PetscInt budget) {
  const int m = static_cast<int>(std::min<PetscInt>(basis_.size(), std::max<PetscInt>(budget, 1)));
  std::vector<double> alpha, beta, s, c(m), c2(m);
  LambdaMaxEstimate e;
  TERRAIN_PETSC(VecCopy(warm_, basis_[0]));
  double norm = 0;
  TERRAIN_PETSC(VecNormalize(basis_[0], &norm));
  if (!(norm > 0))
    throw core::Error("the Lanczos start vector of -train_monitor_lambda_max is zero");
  int j = 0;
  for (;; ++j) {
    objective_.curvature_product(objective::Curvature::hessian, theta, basis_[j], w_);
    ++e.hv;
    // Classical Gram–Schmidt twice against the whole basis: orthogonal to working precision.
    TERRAIN_PETSC(VecMDot(w_, j + 1, basis_.data(), c.data()));
    for (int i = 0; i <= j; ++i) c[i] = -c[i];
    TERRAIN_PETSC(VecMAXPY(w_, j + 1, c.data(), basis_.data()));
    TERRAIN_PETSC(VecMDot(w_, j + 1, basis_.data(), c2.data()));
    for (int i = 0; i <= j; ++i) c2[i] = -c2[i];
    TERRAIN_PETSC(VecMAXPY(w_, j + 1, c2.data(), basis_.data()));
    alpha.push_back(-(c[j] + c2[j]));
    double b = 0;
    TERRAIN_PETSC(VecNorm(w_, NORM_2, &b));
    beta.push_back(b);
    e.value = largest_eigenpair(alpha, beta, j + 1, s);
    e.residual = b * std::abs(s[j]);
    const double scale = std::max(std::abs(e.value), 1e-300);
    // An invariant subspace (b ≈ 0) makes the Ritz pair exact.
    e.converged = e.residual <= settings_.tol * scale || b <= 1e-14 * scale;
    if (e.converged || j + 1 == m) break;
    TERRAIN_PETSC(VecAXPBY(basis_[j + 1], 1.0 / b, 0.0, w_));
  }
  // The Ritz vector y = V s becomes the next start.
  TERRAIN_PETSC(VecSet(warm_, 0.0));
  TERRAIN_PETSC(VecMAXPY(warm_, j + 1, s.data(), basis_.data()));
  return e;
}

}  // namespace terrain::optim
