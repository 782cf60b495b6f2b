#include "optim/saddle_free_newton.hpp"

#include <petscsys.h>
#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "spectral/lanczos.hpp"

namespace terrain::optim {

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

  spectral::LanczosSettings lanczos;
  lanczos.max_steps = k;
  spectral::LanczosRun run = spectral::lanczos(
      [&](Vec in, Vec out) {
        obj.curvature_product(objective::Curvature::hessian, theta, in, out);
      },
      grad, lanczos);
  const std::vector<double>& alpha = run.t.alpha;
  const std::vector<double>& beta = run.t.beta;
  const PetscInt m = static_cast<PetscInt>(alpha.size());
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
  TERRAIN_PETSC(VecMAXPY(direction, m, c.data(), run.basis.data()));
  out.n_matvec = obj.counters().curvature_vectors - hv0;
  return out;
}

}  // namespace terrain::optim
