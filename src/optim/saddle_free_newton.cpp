#include "optim/saddle_free_newton.hpp"

#include <petscsys.h>
#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace terrain::optim {

namespace {
// Removes from w its components along v[0..m), twice (classical Gram–Schmidt needs the second
// pass to keep the basis orthogonal to rounding).
void orthogonalise(Vec w, std::vector<Vec>& v, PetscInt m, std::vector<double>& h) {
  if (m == 0) return;
  h.assign(std::size_t(m), 0.0);
  for (int pass = 0; pass < 2; ++pass) {
    TERRAIN_PETSC(VecMDot(w, m, v.data(), h.data()));
    for (double& x : h) x = -x;
    TERRAIN_PETSC(VecMAXPY(w, m, h.data(), v.data()));
  }
}
}  // namespace

SaddleFreeDirection saddle_free_direction(objective::Objective& obj, Vec theta, Vec grad,
                                          const SaddleFreeSettings& s, Vec direction) {
  TERRAIN_CHECK(s.krylov >= 1, "the saddle-free Newton Krylov size must be at least 1, got "
                                   << s.krylov);
  TERRAIN_CHECK(s.damping >= 0, "the saddle-free Newton damping must be non-negative, got "
                                    << s.damping);
  SaddleFreeDirection out;
  TERRAIN_PETSC(VecSet(direction, 0.0));
  PetscReal gnorm = 0;
  TERRAIN_PETSC(VecNorm(grad, NORM_2, &gnorm));
  if (gnorm == 0) return out;
  const std::int64_t hv0 = obj.counters().curvature_vectors;
  const PetscInt k = std::min<PetscInt>(s.krylov, obj.n_params());

  std::vector<Vec> v(std::size_t(k) + 1, nullptr);
  for (auto& x : v) TERRAIN_PETSC(VecDuplicate(theta, &x));
  std::vector<double> alpha, beta, h;
  try {
    TERRAIN_PETSC(VecCopy(grad, v[0]));
    TERRAIN_PETSC(VecScale(v[0], 1.0 / gnorm));
    double scale = 0;  // max |α|: the breakdown threshold is relative to it
    PetscInt m = 0;
    while (m < k) {
      Vec w = v[std::size_t(m) + 1];
      obj.curvature_product(objective::Curvature::hessian, theta, v[std::size_t(m)], w);
      PetscReal a = 0;
      TERRAIN_PETSC(VecDot(w, v[std::size_t(m)], &a));
      alpha.push_back(a);
      ++m;
      scale = std::max(scale, std::abs(a));
      orthogonalise(w, v, m, h);  // full reorthogonalisation against v[0..m)
      PetscReal b = 0;
      TERRAIN_PETSC(VecNorm(w, NORM_2, &b));
      if (m == k || b <= 1e-12 * std::max(scale, 1e-300)) break;
      beta.push_back(b);
      TERRAIN_PETSC(VecScale(w, 1.0 / b));
    }
    out.krylov_size = m;

    // T = QΛQᵀ (replicated: every rank has the same α, β and gets the same result).
    std::vector<double> T(std::size_t(m) * m, 0.0), lambda(static_cast<std::size_t>(m));
    for (PetscInt i = 0; i < m; ++i) {
      T[i + i * m] = alpha[i];
      if (i + 1 < m) T[(i + 1) + i * m] = T[i + (i + 1) * m] = beta[i];
    }
    PetscBLASInt n = PetscBLASInt(m), lwork = PetscBLASInt(3 * m + 64), info = 0;
    std::vector<double> work(static_cast<std::size_t>(lwork));
    LAPACKsyev_("V", "U", &n, T.data(), &n, lambda.data(), work.data(), &lwork, &info);
    TERRAIN_CHECK(info == 0, "saddle-free Newton: LAPACK dsyev failed (info " << info << ")");
    double top = 0;
    for (double l : lambda) top = std::max(top, std::abs(l));
    // c = ‖g‖ Q (|Λ| + δ)⁻¹ Qᵀ e₁, d = V c.
    std::vector<double> c(std::size_t(m), 0.0);
    double model = 0;
    for (PetscInt j = 0; j < m; ++j) {
      const double q1 = T[0 + j * m];  // (Qᵀe₁)_j
      const double denom = std::max(std::abs(lambda[j]) + s.damping, 1e-12 * top);
      const double y = gnorm * q1 / denom;  // the coefficient along Ritz vector j
      for (PetscInt i = 0; i < m; ++i) c[i] += T[i + j * m] * y;
      // Model change along −d: −(gnorm q1) y + ½ λ y².
      model += -gnorm * q1 * y + 0.5 * lambda[j] * y * y;
      if (lambda[j] < 0) ++out.negative_ritz;
    }
    out.ritz_min = lambda.front();
    out.ritz_max = lambda.back();
    out.model_change = model;
    TERRAIN_PETSC(VecMAXPY(direction, m, c.data(), v.data()));
  } catch (...) {
    for (auto& x : v) VecDestroy(&x);
    throw;
  }
  for (auto& x : v) VecDestroy(&x);
  out.n_matvec = obj.counters().curvature_vectors - hv0;
  return out;
}

}  // namespace terrain::optim
