#include "optim/trust_region_newton.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "core/progress.hpp"
#include "optim/krylov_trust_step.hpp"
#include "spectral/lanczos.hpp"

namespace terrain::optim {

PetscInt default_krylov_max(PetscInt n_params) {
  const double by_memory =
      std::max(50.0, std::ldexp(1.0, 26) / double(std::max<PetscInt>(n_params, 1)));
  return static_cast<PetscInt>(std::min({double(n_params), 1000.0, by_memory}));
}

namespace {

double norm(Vec v, NormType type) {
  PetscReal n = 0;
  TERRAIN_PETSC(VecNorm(v, type, &n));
  return n;
}

// The Krylov model of ‖∇L(θ + d)‖² at θ: Lanczos on H from g until the least-squares residual
// reaches `tol` or `max_steps` vectors.
struct KrylovModel {
  spectral::LanczosRun run;
  KrylovTrustModel model;
};

KrylovModel build_model(objective::Objective& obj, Vec theta, Vec g, double gnorm, double tol,
                        PetscInt max_steps, core::Progress& progress, const std::string& detail) {
  MinresResidual residual(gnorm);
  spectral::LanczosSettings settings;
  settings.max_steps = max_steps;
  settings.stop = [&](const spectral::Tridiagonal& t, double beta) {
    const std::size_t j = t.alpha.size() - 1;
    const double r = residual.add(j > 0 ? t.beta[j - 1] : 0.0, t.alpha[j], beta);
    char buf[96];
    std::snprintf(buf, sizeof(buf), "; Lanczos %d, model residual %.3e (target %.3e)", int(j + 1),
                  r, tol);
    progress.update(0, detail + buf);
    return r <= tol;
  };
  spectral::LanczosRun run = spectral::lanczos(
      [&](Vec in, Vec out) {
        obj.curvature_product(objective::Curvature::hessian, theta, in, out);
      },
      g, settings);
  KrylovTrustModel model(run.t, gnorm, run.residual);
  return KrylovModel{std::move(run), std::move(model)};
}

}  // namespace

NewtonResult find_critical_point_trust(objective::Objective& obj, Vec theta,
                                       const NewtonSettings& s) {
  NewtonResult result;
  const double t0 = MPI_Wtime();
  const std::int64_t hv0 = obj.counters().curvature_vectors;
  const PetscInt n = obj.n_params();
  const PetscInt krylov_max =
      std::min<PetscInt>(n, s.krylov_max > 0 ? s.krylov_max : default_krylov_max(n));
  // As the newton method's MINRES: a model residual ≤ gtol/(2√n) already makes the linear
  // model's ‖g‖₁ ≤ gtol/2, and fitting further only fits rounding noise.
  const double atol = 0.5 * s.gtol / std::sqrt(double(n));

  core::OwnedVec start, g, trial, g_trial, d;
  for (core::OwnedVec* v : {&start, &g, &trial, &g_trial, &d})
    TERRAIN_PETSC(VecDuplicate(theta, v->out()));
  TERRAIN_PETSC(VecCopy(theta, start));

  double radius = s.radius;
  double loss = obj.gradient(theta, g);
  NewtonIteration row;
  row.loss = loss;
  row.grad_norm1 = norm(g, NORM_1);
  row.grad_norm2 = norm(g, NORM_2);
  row.step_length = 0;
  row.radius = radius;

  core::Progress progress(obj.comm(), "trust-region Newton");
  auto detail = [&]() {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "iteration %d, |grad L|_2 %.3e, radius %.2e, %lld H.v",
                  int(row.iteration), row.grad_norm2, radius,
                  static_cast<long long>(obj.counters().curvature_vectors - hv0));
    return std::string(buf);
  };
  auto record = [&]() {
    result.history.push_back(row);
    if (s.on_iteration) s.on_iteration(row);
  };
  record();

  std::ostringstream reason;
  for (PetscInt it = 1;; ++it) {
    if (!std::isfinite(row.grad_norm1)) {
      reason << "NaN or Inf in the gradient";
      break;
    }
    if (row.grad_norm1 <= s.gtol) {
      result.converged = true;
      reason << "|grad L|_1 <= " << s.gtol;
      break;
    }
    if (it > s.max_it) {
      reason << "iteration limit (" << s.max_it << ") reached";
      break;
    }
    const double gnorm = row.grad_norm2;
    const double eta = std::min(s.eta_max, std::max(s.eta_min, gnorm));
    KrylovModel km = build_model(obj, theta, g, gnorm, std::max(eta * gnorm, atol), krylov_max,
                                 progress, detail());
    const double floor_radius = 1e-15 * (1.0 + norm(theta, NORM_2));
    bool accepted = false;
    std::string stop;
    KrylovTrustModel::Step step;
    while (!accepted) {
      step = km.model.solve(radius);
      const double predicted = km.model.residual_norm2() - step.model;
      if (!(predicted > 0)) {
        stop =
            "the Krylov model predicts no decrease of |grad L| (a minimum of |grad L|^2 "
            "that is not critical, or rounding level)";
        break;
      }
      TERRAIN_PETSC(VecSet(d, 0.0));
      TERRAIN_PETSC(
          VecMAXPY(d, static_cast<PetscInt>(step.y.size()), step.y.data(), km.run.basis.data()));
      TERRAIN_PETSC(VecWAXPY(trial, 1.0, d, theta));
      double trial_loss = NAN;
      bool finite = true;
      try {
        trial_loss = obj.gradient(trial, g_trial);
      } catch (const std::exception&) {
        finite = false;  // e.g. a non-finite loss: the step is too long
      }
      const double g2 = finite ? norm(g_trial, NORM_2) : NAN;
      const double rho = (gnorm * gnorm - g2 * g2) / predicted;
      const bool boundary = step.norm >= 0.99 * radius;
      if (!(rho >= 0.25))
        radius = 0.25 * step.norm;
      else if (rho > 0.75 && boundary)
        radius = std::min(2 * radius, s.radius_max);
      if (rho > 1e-4) {
        if (s.max_distance > 0) {
          TERRAIN_PETSC(VecWAXPY(d, -1.0, start, trial));
          const double distance = norm(d, NORM_2);
          if (distance > s.max_distance) {
            std::ostringstream os;
            os << "the next step would leave the ball |theta - theta_start|_2 <= " << s.max_distance
               << " (-critical_max_distance): no critical point found there";
            stop = os.str();
            break;
          }
        }
        accepted = true;
        TERRAIN_PETSC(VecCopy(trial, theta));
        TERRAIN_PETSC(VecCopy(g_trial, g));
        loss = trial_loss;
      } else if (radius <= floor_radius) {
        stop =
            "the trust radius collapsed (rounding level, a kink of the loss, or a minimum "
            "of |grad L|^2 that is not critical)";
        break;
      }
    }
    if (!accepted) {
      reason << stop;
      break;
    }
    row.iteration = it;
    row.loss = loss;
    row.grad_norm1 = norm(g, NORM_1);
    row.grad_norm2 = norm(g, NORM_2);
    row.step_norm = step.norm;
    row.step_length = 1;
    row.krylov_iterations = km.model.size();
    row.radius = radius;
    record();
    progress.update(0, detail());
  }
  result.reason = reason.str();
  progress.finish(detail() + ", " + result.reason);
  result.n_matvec = obj.counters().curvature_vectors - hv0;
  result.seconds = MPI_Wtime() - t0;
  return result;
}

}  // namespace terrain::optim
