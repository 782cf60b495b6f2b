#include "optim/lambda_max_tracker.hpp"

#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/random_vec.hpp"
#include "spectral/lanczos.hpp"

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
    : objective_(objective),
      settings_(settings),
      seed_(seed),
      warm_(objective_.create_vec()),
      krylov_(std::max<PetscInt>(1, std::min(settings_.krylov, objective_.n_params()))) {}

LambdaMaxEstimate LambdaMaxTracker::estimate(Vec theta) {
  if (!warm_valid_) {
    const std::uint64_t stream_seed = core::mix64(seed_ ^ 0x6c616d6264614dULL);  // "lambdaM"
    core::fill_random(warm_, core::Distribution::normal, stream_seed, core::Stream::probe);
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
  LambdaMaxEstimate e;
  std::vector<double> s;  // T's top eigenvector: the Ritz vector's coefficients
  spectral::LanczosSettings lanczos;
  lanczos.max_steps = std::min(krylov_, std::max<PetscInt>(budget, 1));
  lanczos.breakdown = 0;  // the stopping test below takes invariant subspaces
  lanczos.zero_start = "the Lanczos start vector of -train_monitor_lambda_max is zero";
  lanczos.stop = [&](const spectral::Tridiagonal& t, double b) {
    const int m = static_cast<int>(t.alpha.size());
    e.value = largest_eigenpair(t.alpha, t.beta, m, s);
    e.residual = b * std::abs(s[m - 1]);
    const double scale = std::max(std::abs(e.value), 1e-300);
    // An invariant subspace (b ≈ 0) makes the Ritz pair exact.
    e.converged = e.residual <= settings_.tol * scale || b <= 1e-14 * scale;
    return e.converged;
  };
  spectral::LanczosRun run = spectral::lanczos(
      [&](Vec v, Vec w) {
        objective_.curvature_product(objective::Curvature::hessian, theta, v, w);
        ++e.hv;
      },
      warm_, lanczos);
  // The Ritz vector y = V s becomes the next start.
  TERRAIN_PETSC(VecSet(warm_, 0.0));
  TERRAIN_PETSC(VecMAXPY(warm_, PetscInt(run.basis.size()), s.data(), run.basis.data()));
  return e;
}

}  // namespace terrain::optim
