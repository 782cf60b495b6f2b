#include "geometry/sharpness.hpp"

#include <petscblaslapack.h>
#include <petsctao.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <vector>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "core/progress.hpp"
#include "core/random_vec.hpp"
#include "geometry/filter_scaled_operator.hpp"
#include "objective/curvature_operator.hpp"
#include "objective/replicated.hpp"
#include "spectral/extreme_eigenvalues.hpp"
#include "spectral/trace.hpp"

namespace terrain::geometry {

namespace {

PetscErrorCode read_options(SharpnessConfig* c) {
  PetscFunctionBeginUser;
  PetscBool enabled = c->enabled ? PETSC_TRUE : PETSC_FALSE;
  PetscBool curvature = c->curvature ? PETSC_TRUE : PETSC_FALSE;
  PetscInt seed = static_cast<PetscInt>(c->seed);
  PetscOptionsBegin(PETSC_COMM_WORLD, nullptr, "Sharpness at a point (Keskar et al. 2017)",
                    "terrain-surface");
  PetscCall(PetscOptionsBool("-surf_sharpness",
                             "Measure the ε-sharpness (and curvature) at the surface's centre", "",
                             enabled, &enabled, nullptr));
  PetscCall(PetscOptionsReal("-sharp_eps", "Box half-width ε: |y_i| <= ε(|(A⁺θ)_i| + 1)", "",
                             c->epsilon, &c->epsilon, nullptr));
  PetscCall(PetscOptionsInt("-sharp_subspace",
                            "Dimension p of a random Gaussian subspace A (0: the full space)", "",
                            c->subspace, &c->subspace, nullptr));
  PetscCall(PetscOptionsInt("-sharp_seed", "Seed of the subspace, the start point and the probes",
                            "", seed, &seed, nullptr));
  PetscCall(PetscOptionsInt("-sharp_max_it", "TAO iterations of the maximisation", "", c->max_it,
                            &c->max_it, nullptr));
  PetscCall(PetscOptionsReal("-sharp_start",
                             "Start at this fraction of the box (random signs; 0: at y = 0)", "",
                             c->start, &c->start, nullptr));
  PetscCall(PetscOptionsBool("-sharp_curvature",
                             "Also λ_max, the Hutchinson trace and the filter-normalised λ_max", "",
                             curvature, &curvature, nullptr));
  PetscCall(PetscOptionsInt("-sharp_trace_probes", "Hutchinson probes of the trace", "",
                            c->trace_probes, &c->trace_probes, nullptr));
  PetscCall(PetscOptionsReal("-sharp_tol", "Absolute residual of the λ_max solves", "", c->tol,
                             &c->tol, nullptr));
  PetscOptionsEnd();
  c->enabled = enabled;
  c->curvature = curvature;
  c->seed = static_cast<std::uint64_t>(seed);
  PetscFunctionReturn(0);
}

// The maximisation as TAO sees it: minimise f(y) = −L(θ + A y), ∇f = −Aᵀ∇L(θ + A y). A = I
// (y distributed like θ) or p Gaussian columns (y a p-vector on the objective's communicator,
// PETSc's default split, so every rank runs the same TAO on the same problem).
struct Problem {
  objective::Objective* objective = nullptr;
  Vec theta = nullptr;
  core::VecList* basis = nullptr;  // null: the full space
  core::OwnedVec z, grad;          // θ + A y and ∇L there
  PetscInt evaluations = 0;
  core::Progress* progress = nullptr;

  // z = θ + A y.
  void move_to(Vec y) {
    if (!basis) {
      TERRAIN_PETSC(VecWAXPY(z, 1.0, y, theta));
      return;
    }
    const std::vector<double> coefficients = objective::replicate(y);
    TERRAIN_PETSC(VecCopy(theta, z));
    TERRAIN_PETSC(
        VecMAXPY(z, static_cast<PetscInt>(basis->size()), coefficients.data(), basis->data()));
  }

  double loss_and_gradient(Vec y, Vec g) {
    move_to(y);
    ++evaluations;
    if (!basis) {
      const double loss = objective->gradient(z, g);
      TERRAIN_PETSC(VecScale(g, -1.0));
      return loss;
    }
    const double loss = objective->gradient(z, grad);
    const PetscInt p = static_cast<PetscInt>(basis->size());
    std::vector<double> dots(p);
    TERRAIN_PETSC(VecMDot(grad, p, basis->data(), dots.data()));
    PetscInt begin = 0, end = 0;
    TERRAIN_PETSC(VecGetOwnershipRange(g, &begin, &end));
    core::VecWriteAccess out(g);
    for (PetscInt i = begin; i < end; ++i) out.get()[i - begin] = -dots[i];
    return loss;
  }
};

// PETSc calls these: no C++ exception may cross back into C (DESIGN.md §6).
PetscErrorCode objective_and_gradient(Tao, Vec y, PetscReal* f, Vec g, void* context) {
  PetscFunctionBeginUser;
  auto* problem = static_cast<Problem*>(context);
  try {
    *f = -problem->loss_and_gradient(y, g);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  PetscFunctionReturn(0);
}

PetscErrorCode monitor(Tao tao, void* context) {
  PetscFunctionBeginUser;
  auto* problem = static_cast<Problem*>(context);
  PetscInt it = 0;
  PetscReal f = 0, gnorm = 0, cnorm = 0, step = 0;
  TaoConvergedReason reason;
  PetscCall(TaoGetSolutionStatus(tao, &it, &f, &gnorm, &cnorm, &step, &reason));
  try {
    char buf[160];
    std::snprintf(buf, sizeof buf, "loss %.10g  projected gradient %.3e  loss evaluations %d",
                  double(-f), double(gnorm), int(problem->evaluations));
    problem->progress->update(it, buf);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  PetscFunctionReturn(0);
}

// core::PetscHandle knows no Tao: the solver's owner here.
class OwnedTao {
 public:
  explicit OwnedTao(MPI_Comm comm) { TERRAIN_PETSC(TaoCreate(comm, &tao_)); }
  ~OwnedTao() noexcept {
    if (core::petsc_alive()) TaoDestroy(&tao_);
  }
  OwnedTao(const OwnedTao&) = delete;
  OwnedTao& operator=(const OwnedTao&) = delete;
  operator Tao() const { return tao_; }

 private:
  Tao tao_ = nullptr;
};

// The p×p solve (AᵀA) c = Aᵀθ with LAPACK (Cholesky), on every rank alike.
std::vector<double> subspace_coordinates(core::VecList& basis, Vec theta) {
  const PetscInt p = static_cast<PetscInt>(basis.size());
  std::vector<double> gram(std::size_t(p) * p), c(p);
  for (PetscInt j = 0; j < p; ++j)
    TERRAIN_PETSC(VecMDot(basis[j], p, basis.data(), &gram[std::size_t(j) * p]));
  TERRAIN_PETSC(VecMDot(theta, p, basis.data(), c.data()));
  PetscBLASInt n = static_cast<PetscBLASInt>(p), one = 1, info = 0;
  LAPACKpotrf_("L", &n, gram.data(), &n, &info);
  TERRAIN_CHECK(info == 0, "-sharp_subspace " << p
                                              << ": the Gaussian basis is numerically singular "
                                                 "(Cholesky of AᵀA failed, info "
                                              << info << ")");
  LAPACKpotrs_("L", &n, &one, gram.data(), &n, c.data(), &n, &info);
  TERRAIN_CHECK(info == 0, "-sharp_subspace: the solve with AᵀA failed (info " << info << ")");
  return c;
}

void maximise(const SharpnessConfig& config, objective::Objective& objective, Vec theta,
              SharpnessReport& report) {
  const MPI_Comm comm = objective.comm();
  const PetscInt n = objective.n_params(), p = config.subspace;
  Problem problem;
  problem.objective = &objective;
  problem.theta = theta;
  TERRAIN_PETSC(VecDuplicate(theta, problem.z.out()));
  TERRAIN_PETSC(VecDuplicate(theta, problem.grad.out()));

  // The box's half-widths b = ε(|A⁺θ| + 1), as a Vec of y's layout.
  core::VecList basis;
  core::OwnedVec half;
  if (p == 0) {
    TERRAIN_PETSC(VecDuplicate(theta, half.out()));
    TERRAIN_PETSC(VecCopy(theta, half));
    TERRAIN_PETSC(VecAbs(half));
    TERRAIN_PETSC(VecShift(half, 1.0));
  } else {
    basis = core::VecList::duplicates(theta, std::size_t(p));
    for (PetscInt j = 0; j < p; ++j)
      core::fill_random(basis[j], core::Distribution::normal, config.seed, core::Stream::direction,
                        std::uint64_t(j) * std::uint64_t(n));
    problem.basis = &basis;
    std::vector<double> c = subspace_coordinates(basis, theta);
    for (double& v : c) v = std::abs(v) + 1.0;
    TERRAIN_PETSC(VecCreateMPI(comm, PETSC_DECIDE, p, half.out()));
    objective::distribute(c, half);
  }
  TERRAIN_PETSC(VecScale(half, config.epsilon));
  core::OwnedVec lower, upper, y;
  TERRAIN_PETSC(VecDuplicate(half, upper.out()));
  TERRAIN_PETSC(VecCopy(half, upper));
  TERRAIN_PETSC(VecDuplicate(half, lower.out()));
  TERRAIN_PETSC(VecAXPBY(lower, -1.0, 0.0, half));
  TERRAIN_PETSC(VecDuplicate(half, y.out()));
  core::fill_random(y, core::Distribution::rademacher, config.seed, core::Stream::direction,
                    std::uint64_t(p) * std::uint64_t(n));
  TERRAIN_PETSC(VecPointwiseMult(y, y, half));
  TERRAIN_PETSC(VecScale(y, config.start));

  core::Progress progress(comm, "sharpness", config.max_it);
  problem.progress = &progress;
  OwnedTao tao(comm);
  TERRAIN_PETSC(TaoSetType(tao, TAOBQNLS));
  TERRAIN_PETSC(TaoSetOptionsPrefix(tao, "sharp_"));
  TERRAIN_PETSC(TaoSetSolution(tao, y));
  TERRAIN_PETSC(TaoSetVariableBounds(tao, lower, upper));
  TERRAIN_PETSC(TaoSetObjectiveAndGradient(tao, nullptr, objective_and_gradient, &problem));
  TERRAIN_PETSC(TaoSetMaximumIterations(tao, config.max_it));
  TERRAIN_PETSC(TaoSetMonitor(tao, monitor, &problem, nullptr));
  TERRAIN_PETSC(TaoSetFromOptions(tao));
  TERRAIN_PETSC(TaoSolve(tao));

  TaoConvergedReason reason;
  TERRAIN_PETSC(TaoGetConvergedReason(tao, &reason));
  TERRAIN_PETSC(TaoGetIterationNumber(tao, &report.iterations));
  report.reason = TaoConvergedReasons[reason];
  TaoType type = nullptr;
  TERRAIN_PETSC(TaoGetType(tao, &type));
  report.tao_type = type ? type : "";
  // The solution, projected onto the box in case a -sharp_tao_type ignored the bounds, and
  // its loss (one more evaluation: what TAO reports is the last trial point's).
  Vec solution = nullptr;
  TERRAIN_PETSC(TaoGetSolution(tao, &solution));
  TERRAIN_PETSC(VecMedian(lower, solution, upper, solution));
  problem.move_to(solution);
  report.max_loss = objective.loss(problem.z);
  report.loss_evaluations = problem.evaluations + 1;
  char buf[160];
  std::snprintf(buf, sizeof buf, "max loss %.10g after %d iterations, %s", report.max_loss,
                int(report.iterations), report.reason.c_str());
  progress.finish(buf);
}

void curvature(const SharpnessConfig& config, objective::Objective& objective, Vec theta,
               SharpnessReport& report) {
  const long before = objective.counters().curvature_vectors;
  objective::CurvatureOperator H(objective, theta, objective::Curvature::hessian);
  spectral::EigenSettings settings;
  settings.nev = 1;
  settings.tol = config.tol;
  settings.prefix = "sharp_";
  const spectral::Eigenpairs top =
      spectral::extreme_eigenpairs(H.mat(), spectral::End::largest, settings);
  TERRAIN_CHECK(!top.values.empty(),
                "sharpness: λ_max did not converge to -sharp_tol " << config.tol);
  report.lambda_max = top.values[0];
  report.lambda_max_residual = top.residuals[0];

  if (config.trace_probes > 0) {
    const spectral::TraceEstimate trace = spectral::estimate_trace(
        H.mat(), config.trace_probes, config.seed, std::min<PetscInt>(config.trace_probes, 16));
    report.trace = trace.hutchinson;
    report.trace_stderr = trace.hutchinson_stderr;
    report.trace_hutchpp = trace.hutchpp;
    report.trace_hutchpp_stderr = trace.hutchpp_stderr;
  }

  const core::OwnedVec d = filter_norms(objective.network().layout(), theta);
  const core::OwnedMat DHD = filter_scaled_operator(H.mat(), d);
  const spectral::Eigenpairs filtered =
      spectral::extreme_eigenpairs(DHD, spectral::End::largest, settings);
  TERRAIN_CHECK(
      !filtered.values.empty(),
      "sharpness: the filter-normalised λ_max did not converge to -sharp_tol " << config.tol);
  report.filter_lambda_max = filtered.values[0];
  report.filter_lambda_max_residual = filtered.residuals[0];
  report.n_matvec = static_cast<PetscInt>(objective.counters().curvature_vectors - before);
}

}  // namespace

SharpnessConfig SharpnessConfig::from_options() {
  SharpnessConfig c;
  TERRAIN_OPTIONS(read_options(&c));
  TERRAIN_CHECK(c.epsilon > 0 && std::isfinite(c.epsilon),
                "-sharp_eps must be positive, got " << c.epsilon);
  TERRAIN_CHECK(c.subspace >= 0, "-sharp_subspace must be non-negative, got " << c.subspace);
  TERRAIN_CHECK(c.max_it >= 0, "-sharp_max_it must be non-negative, got " << c.max_it);
  TERRAIN_CHECK(c.start >= 0 && c.start <= 1,
                "-sharp_start must be in [0, 1] (a fraction of the box), got " << c.start);
  TERRAIN_CHECK(c.trace_probes >= 0,
                "-sharp_trace_probes must be non-negative, got " << c.trace_probes);
  TERRAIN_CHECK(c.tol > 0, "-sharp_tol must be positive, got " << c.tol);
  return c;
}

SharpnessReport measure_sharpness(const SharpnessConfig& config, objective::Objective& objective,
                                  Vec theta) {
  // The checks of from_options again: a config may be built in code.
  TERRAIN_CHECK(config.epsilon > 0 && std::isfinite(config.epsilon),
                "-sharp_eps must be positive, got " << config.epsilon);
  TERRAIN_CHECK(config.subspace >= 0 && config.subspace <= objective.n_params(),
                "-sharp_subspace must be in [0, " << objective.n_params()
                                                  << "] (the number of parameters), got "
                                                  << config.subspace);
  TERRAIN_CHECK(config.max_it >= 0, "-sharp_max_it must be non-negative, got " << config.max_it);
  TERRAIN_CHECK(config.start >= 0 && config.start <= 1,
                "-sharp_start must be in [0, 1] (a fraction of the box), got " << config.start);
  const double start = MPI_Wtime();
  SharpnessReport report;
  report.epsilon = config.epsilon;
  report.subspace = config.subspace;
  report.loss = objective.loss(theta);
  maximise(config, objective, theta, report);
  report.sharpness = (report.max_loss - report.loss) / (1.0 + report.loss);
  if (config.curvature) curvature(config, objective, theta, report);
  report.seconds = MPI_Wtime() - start;
  return report;
}

void write_sharpness(io::RunFile& file, const std::string& group, const SharpnessReport& r) {
  file.create_group(group);
  file.write_attr(group, "epsilon", r.epsilon);
  file.write_attr(group, "subspace", r.subspace);
  file.write_attr(group, "loss", r.loss);
  file.write_attr(group, "max_loss", r.max_loss);
  file.write_attr(group, "sharpness", r.sharpness);
  file.write_attr(group, "iterations", r.iterations);
  file.write_attr(group, "loss_evaluations", r.loss_evaluations);
  file.write_attr(group, "reason", r.reason);
  file.write_attr(group, "tao_type", r.tao_type);
  file.write_attr(group, "lambda_max", r.lambda_max);
  file.write_attr(group, "lambda_max_residual", r.lambda_max_residual);
  file.write_attr(group, "trace", r.trace);
  file.write_attr(group, "trace_stderr", r.trace_stderr);
  file.write_attr(group, "trace_hutchpp", r.trace_hutchpp);
  file.write_attr(group, "trace_hutchpp_stderr", r.trace_hutchpp_stderr);
  file.write_attr(group, "filter_lambda_max", r.filter_lambda_max);
  file.write_attr(group, "filter_lambda_max_residual", r.filter_lambda_max_residual);
  file.write_attr(group, "n_matvec", r.n_matvec);
  file.write_attr(group, "seconds", r.seconds);
}

}  // namespace terrain::geometry
