#include "optim/newton_krylov.hpp"

#include <petscsnes.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <sstream>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/petsc_handle.hpp"
#include "objective/curvature_operator.hpp"

namespace terrain::optim {

namespace {

PetscErrorCode read_options(NewtonSettings* s) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_WORLD, "critical_", "Newton-Krylov to a critical point",
                    "terrain-critical");
  PetscCall(PetscOptionsReal("-gtol", "Converged when |grad L|_1 <= gtol", "", s->gtol, &s->gtol,
                             nullptr));
  PetscCall(PetscOptionsInt("-max_it", "Newton iterations", "", s->max_it, &s->max_it, nullptr));
  PetscCall(PetscOptionsReal("-eta_max",
                             "Largest MINRES relative tolerance (inexact Newton: "
                             "eta = min(eta_max, max(eta_min, |grad L|_2)))",
                             "", s->eta_max, &s->eta_max, nullptr));
  PetscCall(PetscOptionsReal("-eta_min", "Smallest MINRES relative tolerance", "", s->eta_min,
                             &s->eta_min, nullptr));
  PetscCall(PetscOptionsReal("-trust_radius", "trust: initial trust radius", "", s->radius,
                             &s->radius, nullptr));
  PetscCall(PetscOptionsReal("-trust_radius_max", "trust: largest trust radius", "",
                             s->radius_max, &s->radius_max, nullptr));
  PetscCall(PetscOptionsReal("-max_distance",
                             "trust: stop rather than leave |theta - theta_start|_2 <= this "
                             "(0: no bound)",
                             "", s->max_distance, &s->max_distance, nullptr));
  PetscCall(PetscOptionsInt("-krylov_max",
                            "trust: most Lanczos vectors per step (0: min(n, 1000, "
                            "max(50, 2^26/n)))",
                            "", s->krylov_max, &s->krylov_max, nullptr));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

// What the SNES callbacks share. Callbacks never let a C++ exception escape into PETSc.
struct Context {
  objective::Objective* obj = nullptr;
  const NewtonSettings* settings = nullptr;
  core::OwnedVec point;  // where the Hessian shell is evaluated (a copy of the Newton iterate)
  core::OwnedVec previous;
  bool forcing = true;  // our η_k; off when the user asked for Eisenstat–Walker
  std::string failure;  // message of a failed gradient evaluation
  NewtonResult* result = nullptr;
  core::Progress* progress = nullptr;  // lines per Newton iteration and inside long MINRES solves
  std::int64_t hv0 = 0;
  PetscInt iteration = 0;
  double grad_norm = 0;
};

std::string progress_detail(const Context& ctx) {
  char buf[128];
  std::snprintf(buf, sizeof(buf), "iteration %d, |grad L|_2 %.3e, %lld H.v", int(ctx.iteration),
                ctx.grad_norm,
                static_cast<long long>(ctx.obj->counters().curvature_vectors - ctx.hv0));
  return buf;
}

// KSPMonitorSet callback: a long MINRES solve (thousands of H.v on a big net) shows how far it is.
PetscErrorCode monitor_krylov(KSP /*ksp*/, PetscInt it, PetscReal rnorm, void* data) {
  PetscFunctionBeginUser;
  auto* ctx = static_cast<Context*>(data);
  if (!ctx->progress || !ctx->progress->enabled()) PetscFunctionReturn(0);
  try {
    char buf[96];
    std::snprintf(buf, sizeof(buf), "; MINRES iteration %d, residual %.3e", int(it), double(rnorm));
    ctx->progress->update(0, progress_detail(*ctx) + buf);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  PetscFunctionReturn(0);
}

PetscErrorCode form_gradient(SNES snes, Vec x, Vec f, void* data) {
  PetscFunctionBeginUser;
  auto* ctx = static_cast<Context*>(data);
  try {
    ctx->obj->gradient(x, f);
  } catch (const std::exception& e) {
    // Same verdict on every rank (global reductions), so SNES treats it as a domain error.
    ctx->failure = e.what();
    PetscCall(SNESSetFunctionDomainError(snes));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode form_hessian(SNES snes, Vec x, Mat /*J*/, Mat /*P*/, void* data) {
  PetscFunctionBeginUser;
  auto* ctx = static_cast<Context*>(data);
  // The shell refers to ctx->point: a copy, so the line search may move x freely.
  PetscCall(VecCopy(x, ctx->point));
  if (ctx->forcing) {
    Vec f = nullptr;
    PetscReal norm = 0;
    PetscCall(SNESGetFunction(snes, &f, nullptr, nullptr));
    PetscCall(VecNorm(f, NORM_2, &norm));
    const double eta =
        std::min(ctx->settings->eta_max, std::max(ctx->settings->eta_min, double(norm)));
    KSP ksp = nullptr;
    PetscCall(SNESGetKSP(snes, &ksp));
    // PETSC_DEFAULT keeps the absolute tolerance and iteration cap set below (or by options).
    PetscCall(KSPSetTolerances(ksp, eta, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode converged(SNES snes, PetscInt /*it*/, PetscReal /*xnorm*/, PetscReal /*snorm*/,
                         PetscReal fnorm, SNESConvergedReason* reason, void* data) {
  PetscFunctionBeginUser;
  auto* ctx = static_cast<Context*>(data);
  *reason = SNES_CONVERGED_ITERATING;
  if (std::isnan(fnorm) || std::isinf(fnorm)) {
    *reason = SNES_DIVERGED_FNORM_NAN;
    PetscFunctionReturn(0);
  }
  Vec f = nullptr;
  PetscReal norm1 = 0;
  PetscCall(SNESGetFunction(snes, &f, nullptr, nullptr));
  PetscCall(VecNorm(f, NORM_1, &norm1));
  if (norm1 <= ctx->settings->gtol) *reason = SNES_CONVERGED_FNORM_ABS;
  PetscFunctionReturn(0);
}

PetscErrorCode monitor(SNES snes, PetscInt it, PetscReal fnorm, void* data) {
  PetscFunctionBeginUser;
  auto* ctx = static_cast<Context*>(data);
  NewtonIteration row;
  row.iteration = it;
  Vec x = nullptr, f = nullptr;
  PetscCall(SNESGetSolution(snes, &x));
  PetscCall(SNESGetFunction(snes, &f, nullptr, nullptr));
  PetscReal n1 = 0;
  PetscCall(VecNorm(f, NORM_1, &n1));
  row.grad_norm1 = n1;
  row.grad_norm2 = fnorm;
  try {
    row.loss = ctx->obj->loss(x);
  } catch (const std::exception& e) {
    row.loss = NAN;
  }
  if (it > 0) {
    PetscReal step = 0, lambda = 1;
    PetscCall(VecAXPY(ctx->previous, -1.0, x));
    PetscCall(VecNorm(ctx->previous, NORM_2, &step));
    SNESLineSearch ls = nullptr;
    PetscCall(SNESGetLineSearch(snes, &ls));
    PetscCall(SNESLineSearchGetLambda(ls, &lambda));
    KSP ksp = nullptr;
    PetscCall(SNESGetKSP(snes, &ksp));
    PetscCall(KSPGetIterationNumber(ksp, &row.krylov_iterations));
    row.step_norm = step;
    row.step_length = lambda;
  } else {
    row.step_length = 0;
  }
  PetscCall(VecCopy(x, ctx->previous));
  ctx->result->history.push_back(row);
  ctx->iteration = it;
  ctx->grad_norm = fnorm;
  if (ctx->progress) {
    try {
      char loss[48];
      std::snprintf(loss, sizeof(loss), ", loss %.8e", row.loss);
      ctx->progress->update(0, progress_detail(*ctx) + loss);
    } catch (const std::exception& e) {
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
    }
  }
  if (ctx->settings->on_iteration) {
    try {
      ctx->settings->on_iteration(row);
    } catch (const std::exception& e) {
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
    }
  }
  PetscFunctionReturn(0);
}

std::string describe(SNESConvergedReason reason, const NewtonSettings& s, const Context& ctx) {
  std::ostringstream os;
  switch (reason) {
    case SNES_CONVERGED_FNORM_ABS:
      os << "|grad L|_1 <= " << s.gtol;
      break;
    case SNES_DIVERGED_MAX_IT:
      os << "iteration limit (" << s.max_it << ") reached";
      break;
    case SNES_DIVERGED_LINE_SEARCH:
      os << "line search failed";
      break;
    case SNES_DIVERGED_FNORM_NAN:
      os << "NaN or Inf in the gradient";
      break;
    case SNES_DIVERGED_FUNCTION_DOMAIN:
      os << "gradient evaluation failed"
         << (ctx.failure.empty() ? std::string() : ": " + ctx.failure);
      break;
    case SNES_DIVERGED_LINEAR_SOLVE:
      os << "linear solve failed";
      break;
    default:
      os << SNESConvergedReasons[reason];
  }
  return os.str();
}

}  // namespace

NewtonSettings NewtonSettings::from_options() {
  NewtonSettings s;
  TERRAIN_OPTIONS(read_options(&s));
  TERRAIN_CHECK(s.gtol > 0, "-critical_gtol must be positive, got " << s.gtol);
  TERRAIN_CHECK(s.max_it >= 0, "-critical_max_it must be non-negative, got " << s.max_it);
  TERRAIN_CHECK(s.eta_max > 0 && s.eta_max < 1,
                "-critical_eta_max must lie in (0, 1), got " << s.eta_max);
  TERRAIN_CHECK(s.eta_min > 0 && s.eta_min <= s.eta_max,
                "-critical_eta_min must lie in (0, -critical_eta_max], got " << s.eta_min);
  TERRAIN_CHECK(s.radius > 0 && std::isfinite(s.radius),
                "-critical_trust_radius must be positive and finite, got " << s.radius);
  TERRAIN_CHECK(s.radius_max >= s.radius && std::isfinite(s.radius_max),
                "-critical_trust_radius_max must be finite and at least -critical_trust_radius, "
                "got " << s.radius_max);
  TERRAIN_CHECK(s.max_distance >= 0 && std::isfinite(s.max_distance),
                "-critical_max_distance must be non-negative and finite (0: no bound), got "
                    << s.max_distance);
  TERRAIN_CHECK(s.krylov_max >= 0, "-critical_krylov_max must be non-negative, got "
                                       << s.krylov_max);
  return s;
}

NewtonResult find_critical_point(objective::Objective& obj, Vec theta, const NewtonSettings& s) {
  NewtonResult result;
  const double t0 = MPI_Wtime();
  const std::int64_t hv0 = obj.counters().curvature_vectors;

  core::Progress progress(obj.comm(), "Newton-Krylov");
  Context ctx;
  ctx.obj = &obj;
  ctx.settings = &s;
  ctx.result = &result;
  ctx.progress = &progress;
  ctx.hv0 = hv0;
  TERRAIN_PETSC(VecDuplicate(theta, ctx.point.out()));
  TERRAIN_PETSC(VecDuplicate(theta, ctx.previous.out()));
  TERRAIN_PETSC(VecCopy(theta, ctx.point));
  core::OwnedVec f;
  TERRAIN_PETSC(VecDuplicate(theta, f.out()));
  core::PetscHandle<SNES> snes;
  {
    objective::CurvatureOperator hessian(obj, ctx.point, objective::Curvature::hessian);
    const PetscInt n = obj.n_params();

    TERRAIN_PETSC(SNESCreate(obj.comm(), snes.out()));
    TERRAIN_PETSC(SNESSetOptionsPrefix(snes, "critical_"));
    TERRAIN_PETSC(SNESSetType(snes, SNESNEWTONLS));
    TERRAIN_PETSC(SNESSetFunction(snes, f, form_gradient, &ctx));
    TERRAIN_PETSC(SNESSetJacobian(snes, hessian.mat(), hessian.mat(), form_hessian, &ctx));
    TERRAIN_PETSC(SNESSetConvergenceTest(snes, converged, &ctx, nullptr));
    TERRAIN_PETSC(SNESMonitorSet(snes, monitor, &ctx, nullptr));
    // max_funcs: the line search's evaluations must not end the run early.
    TERRAIN_PETSC(SNESSetTolerances(snes, 0.0, 0.0, 0.0, s.max_it, 1000000000));
    // A MINRES that stops at its iteration cap still gives a descent-ish step (it minimises
    // the residual); at a singular H the system may be inconsistent, so never stop on it.
    TERRAIN_PETSC(SNESSetMaxLinearSolveFailures(snes, 1000000000));
    SNESLineSearch ls = nullptr;
    TERRAIN_PETSC(SNESGetLineSearch(snes, &ls));
    TERRAIN_PETSC(SNESLineSearchSetType(ls, SNESLINESEARCHL2));
    KSP ksp = nullptr;
    TERRAIN_PETSC(SNESGetKSP(snes, &ksp));
    TERRAIN_PETSC(KSPSetType(ksp, KSPMINRES));
    PC pc = nullptr;
    TERRAIN_PETSC(KSPGetPC(ksp, &pc));
    TERRAIN_PETSC(PCSetType(pc, PCNONE));
    const PetscInt ksp_max_it =
        s.ksp_max_it > 0 ? s.ksp_max_it : std::min<PetscInt>(std::max<PetscInt>(2 * n, 200), 5000);
    // A residual ‖Hd + g‖₂ ≤ gtol/(2√n) already makes the linear model's ‖g‖₁ ≤ gtol/2.
    // Solving further fits the rounding noise of a tiny g, and at a singular H that noise's
    // component along near-zero eigenvalues becomes a huge step (measured: a 1-2-1 ReLU net at
    // ‖g‖₁ = 4e-12 jumped to ‖g‖₁ = 7e-4 and ended at another critical point).
    // -critical_ksp_atol still overrides it.
    const double ksp_atol = 0.5 * s.gtol / std::sqrt(double(n));
    TERRAIN_PETSC(KSPSetTolerances(ksp, s.eta_max, ksp_atol, PETSC_DEFAULT, ksp_max_it));
    TERRAIN_PETSC(SNESSetFromOptions(snes));
    PetscBool ew = PETSC_FALSE;
    TERRAIN_PETSC(SNESKSPGetUseEW(snes, &ew));
    ctx.forcing = !ew;
    TERRAIN_PETSC(KSPMonitorSet(ksp, monitor_krylov, &ctx, nullptr));

    TERRAIN_PETSC(SNESSolve(snes, nullptr, theta));
    SNESConvergedReason reason = SNES_CONVERGED_ITERATING;
    TERRAIN_PETSC(SNESGetConvergedReason(snes, &reason));
    result.converged = reason == SNES_CONVERGED_FNORM_ABS;
    result.reason = describe(reason, s, ctx);
    progress.finish(progress_detail(ctx) + ", " + result.reason);
  }
  result.n_matvec = obj.counters().curvature_vectors - hv0;
  result.seconds = MPI_Wtime() - t0;
  return result;
}

}  // namespace terrain::optim
