#include "optim/critical_search.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/error.hpp"
#include "io/file_maintenance.hpp"
#include "core/petsc_handle.hpp"
#include "core/options.hpp"
#include "core/progress.hpp"
#include "core/session.hpp"
#include "optim/trust_region_newton.hpp"

namespace terrain::optim {

namespace {
const char* const kMethods[] = {"newton", "sfn", "trust"};
}  // namespace

const char* to_string(CriticalMethod m) { return kMethods[static_cast<int>(m)]; }

namespace {

PetscErrorCode read_options(CriticalOptions* o, PetscBool* input_set, PetscBool* output_set) {
  PetscFunctionBeginUser;
  char input[PETSC_MAX_PATH_LEN] = "", output[PETSC_MAX_PATH_LEN] = "", name[256] = "";
  PetscBool name_set = PETSC_FALSE, store = o->store_start ? PETSC_TRUE : PETSC_FALSE;
  PetscInt method = static_cast<PetscInt>(o->method);
  PetscOptionsBegin(PETSC_COMM_WORLD, nullptr, "Input and output", "terrain-critical");
  PetscCall(PetscOptionsString("-input",
                               "Run file (its /params, or a snapshot with -critical_step) or "
                               "parameter file (dataset params; needs -model_widths) (required)",
                               "", input, input, sizeof(input), input_set));
  PetscCall(PetscOptionsString("-output",
                               "New run file with the critical point as /params (required, "
                               "not the input)",
                               "", output, output, sizeof(output), output_set));
  PetscOptionsEnd();
  PetscOptionsBegin(PETSC_COMM_WORLD, "critical_", "The search", "terrain-critical");
  PetscCall(PetscOptionsInt("-step",
                            "Start from the /trajectory/params snapshot of this step (-1: /params)",
                            "", o->step, &o->step, nullptr));
  PetscCall(PetscOptionsString("-name", "Results go to /critical/<name> and /spectrum/<name> "
                               "(default: the method)", "", name, name, sizeof(name), &name_set));
  PetscCall(PetscOptionsEList("-method",
                              "newton (to the nearest critical point), trust (trust-region "
                              "Newton on |grad L|^2: stays local) or sfn (saddle-free Newton "
                              "steps downhill, then trust)",
                              "", kMethods, 3, kMethods[method], &method, nullptr));
  PetscCall(PetscOptionsInt("-sfn_krylov", "sfn: Lanczos steps per saddle-free step", "",
                            o->sfn.krylov, &o->sfn.krylov, nullptr));
  PetscCall(PetscOptionsReal("-sfn_damping", "sfn: delta added to |Ritz values|", "",
                             o->sfn.damping, &o->sfn.damping, nullptr));
  PetscCall(PetscOptionsInt("-sfn_steps", "sfn: most saddle-free steps before Newton", "",
                            o->sfn_steps, &o->sfn_steps, nullptr));
  PetscCall(PetscOptionsReal("-sfn_switch", "sfn: Newton takes over once |grad L|_2 <= this", "",
                             o->sfn_switch, &o->sfn_switch, nullptr));
  PetscCall(PetscOptionsBool("-store_start", "Store the start point as start_params", "", store,
                             &store, nullptr));
  PetscOptionsEnd();
  o->method = static_cast<CriticalMethod>(method);
  o->store_start = store;
  if (*input_set) o->input = input;
  if (*output_set) o->output = output;
  o->name = name_set ? std::string(name) : std::string(to_string(o->method));
  PetscFunctionReturn(0);
}

double norm1(Vec v) {
  PetscReal n = 0;
  TERRAIN_PETSC(VecNorm(v, NORM_1, &n));
  return n;
}
double norm2(Vec v) {
  PetscReal n = 0;
  TERRAIN_PETSC(VecNorm(v, NORM_2, &n));
  return n;
}

// Saddle-free Newton steps with an Armijo backtracking line search on the loss. Appends rows
// to r.history; returns the number of steps taken.
PetscInt escape(objective::Objective& obj, Vec theta, const NewtonSettings& newton,
                const SaddleFreeSettings& sfn, PetscInt max_steps, double switch_norm,
                const CriticalReport& report, NewtonResult& r) {
  core::OwnedVec g, d, trial;
  TERRAIN_PETSC(VecDuplicate(theta, g.out()));
  TERRAIN_PETSC(VecDuplicate(theta, d.out()));
  TERRAIN_PETSC(VecDuplicate(theta, trial.out()));
  PetscInt it = 0;
  core::Progress progress(obj.comm(), "saddle-free Newton");
  const std::int64_t hv0 = obj.counters().curvature_vectors;
  auto detail = [&]() {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "step %d (at most %d), |grad L|_2 %.3e, loss %.8e, %lld H.v",
                  int(it), int(max_steps), r.history.back().grad_norm2, r.history.back().loss,
                  static_cast<long long>(obj.counters().curvature_vectors - hv0));
    return std::string(buf);
  };
  double loss = obj.gradient(theta, g);
  auto row = [&](PetscInt i, double step_norm, double length, PetscInt krylov) {
    NewtonIteration x;
    x.iteration = i;
    x.loss = loss;
    x.grad_norm1 = norm1(g);
    x.grad_norm2 = norm2(g);
    x.step_norm = step_norm;
    x.step_length = length;
    x.krylov_iterations = krylov;
    r.history.push_back(x);
    if (report) report(x, "sfn");
  };
  row(0, 0, 0, 0);
  while (it < max_steps && r.history.back().grad_norm1 > newton.gtol &&
         r.history.back().grad_norm2 > switch_norm && std::isfinite(loss)) {
    const SaddleFreeDirection s = saddle_free_direction(obj, theta, g, sfn, d);
    PetscReal slope = 0;
    TERRAIN_PETSC(VecDot(g, d, &slope));  // > 0: d is a descent direction for −d
    double t = 1, trial_loss = NAN;
    bool accepted = false;
    for (int k = 0; k < 40; ++k, t *= 0.5) {
      TERRAIN_PETSC(VecWAXPY(trial, -t, d, theta));
      trial_loss = obj.loss(trial);
      if (std::isfinite(trial_loss) && trial_loss <= loss - 1e-4 * t * slope) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;  // no decrease along the direction: let Newton take over
    TERRAIN_PETSC(VecCopy(trial, theta));
    loss = obj.gradient(theta, g);
    ++it;
    row(it, t * norm2(d), t, s.krylov_size);
    progress.update(0, detail());
  }
  progress.finish(detail());
  return it;
}
}  // namespace

spectral::SpectrumOptions critical_spectrum_options(PetscInt n_params) {
  spectral::SpectrumOptions s;
  const bool small = n_params <= kCriticalFullSpectrumMax;
  s.full = small;
  s.count = !small;
  return s;
}

CriticalOptions CriticalOptions::from_options() {
  CriticalOptions o;
  PetscBool input_set = PETSC_FALSE, output_set = PETSC_FALSE;
  TERRAIN_OPTIONS(read_options(&o, &input_set, &output_set));
  if (core::help_requested()) return o;
  core::require_option(input_set, "-input");
  core::require_option(output_set, "-output");
  TERRAIN_CHECK(!o.input.empty(), "-input must name a file");
  TERRAIN_CHECK(!o.output.empty(), "-output must name a file");
  TERRAIN_CHECK(!io::same_file(o.output, o.input),
                "-output must differ from -input: " << o.output << " is the file " << o.input
                                                   << " (terrain-critical writes a new run file)");
  TERRAIN_CHECK(o.step >= -1, "-critical_step must be a saved step or -1, got " << o.step);
  TERRAIN_CHECK(!o.name.empty() && o.name.find('/') == std::string::npos,
                "-critical_name must be a non-empty name without '/'");
  TERRAIN_CHECK(o.sfn.krylov >= 1, "-critical_sfn_krylov must be at least 1, got " << o.sfn.krylov);
  TERRAIN_CHECK(o.sfn.damping >= 0,
                "-critical_sfn_damping must be non-negative, got " << o.sfn.damping);
  TERRAIN_CHECK(o.sfn_switch >= 0,
                "-critical_sfn_switch must be non-negative, got " << o.sfn_switch);
  TERRAIN_CHECK(o.sfn_steps >= 0, "-critical_sfn_steps must be non-negative, got " << o.sfn_steps);
  return o;
}

CriticalSearch search_critical_point(objective::Objective& obj, Vec theta, CriticalMethod method,
                                     const NewtonSettings& newton, const SaddleFreeSettings& sfn,
                                     PetscInt sfn_steps, double switch_norm,
                                     const CriticalReport& report) {
  CriticalSearch out;
  NewtonSettings s = newton;
  s.on_iteration = nullptr;
  if (method != CriticalMethod::sfn) {
    const char* phase = to_string(method);
    if (report) s.on_iteration = [&](const NewtonIteration& x) { report(x, phase); };
    out.result = method == CriticalMethod::trust ? find_critical_point_trust(obj, theta, s)
                                                 : find_critical_point(obj, theta, s);
    return out;
  }
  const double t0 = MPI_Wtime();
  const std::int64_t hv0 = obj.counters().curvature_vectors;
  NewtonResult& r = out.result;
  out.sfn_iterations = escape(obj, theta, newton, sfn, sfn_steps, switch_norm, report, r);
  // The trust phase continues the numbering; its row 0 is the point the escape ended at (already
  // recorded), so it is neither printed nor stored twice.
  const PetscInt offset = out.sfn_iterations;
  s.on_iteration = [&](const NewtonIteration& x) {
    if (x.iteration == 0 || !report) return;
    NewtonIteration y = x;
    y.iteration += offset;
    report(y, to_string(CriticalMethod::trust));
  };
  NewtonResult n = find_critical_point_trust(obj, theta, s);
  for (std::size_t k = 1; k < n.history.size(); ++k) {
    r.history.push_back(n.history[k]);
    r.history.back().iteration += offset;
  }
  r.converged = n.converged;
  r.reason = n.reason;
  r.n_matvec = obj.counters().curvature_vectors - hv0;
  r.seconds = MPI_Wtime() - t0;
  return out;
}

}  // namespace terrain::optim
