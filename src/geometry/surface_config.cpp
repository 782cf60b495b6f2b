#include "geometry/surface_config.hpp"

#include <sstream>

#include "core/error.hpp"
#include "core/options.hpp"
#include "core/session.hpp"

namespace terrain::geometry {

namespace {
PetscErrorCode read_options(SurfaceConfig* c, PetscBool* input_set, PetscBool* x_set) {
  PetscFunctionBeginUser;
  char input[PETSC_MAX_PATH_LEN] = "", output[PETSC_MAX_PATH_LEN] = "", name[256] = "";
  char x[256] = "", y[256] = "";
  PetscBool output_set = PETSC_FALSE, name_set = PETSC_FALSE, y_set = PETSC_FALSE;

  PetscOptionsBegin(PETSC_COMM_WORLD, nullptr, "Input and output", "terrain-surface");
  PetscCall(PetscOptionsString("-input",
                               "Run file (its /params, or a snapshot with -surf_step) or "
                               "parameter file: the centre of the surface (required)",
                               "", input, input, sizeof(input), input_set));
  PetscCall(PetscOptionsString("-output",
                               "File to write /surface/<name> into (default: -input, updated "
                               "atomically)",
                               "", output, output, sizeof(output), &output_set));
  PetscOptionsEnd();

  PetscOptionsBegin(PETSC_COMM_WORLD, "surf_", "Loss surfaces", "terrain-surface");
  PetscCall(PetscOptionsString("-name", "Results go to /surface/<name>", "", c->name.c_str(), name,
                               sizeof(name), &name_set));
  PetscCall(PetscOptionsInt("-step", "Centre at this /trajectory/params step (-1: /params)", "",
                            c->step, &c->step, nullptr));
  PetscCall(core::options_flag(
      PetscOptionsObject, "-data_from_run",
      "Without -data_source, use the -data_ options recorded in the run file", &c->data_from_run));
  PetscCall(PetscOptionsString("-x", "x range lo:hi:n, e.g. -1:1:51 (required)", "", x, x,
                               sizeof(x), x_set));
  PetscCall(PetscOptionsString("-y", "y range lo:hi:n: a 2-D surface (default: 1-D)", "", y, y,
                               sizeof(y), &y_set));
  PetscCall(PetscOptionsInt("-group_size",
                            "Ranks per work group, each data-parallel over its ranks (0: one "
                            "group of all ranks)",
                            "", c->group_size, &c->group_size, nullptr));
  PetscCall(PetscOptionsInt("-chunk",
                            "Consecutive points per work unit (the unit of restarts and warm "
                            "starts)",
                            "", c->chunk, &c->chunk, nullptr));
  PetscCall(core::options_flag(PetscOptionsObject, "-test",
                               "Test loss and accuracy when there is a test set", &c->test));
  PetscCall(core::options_flag(PetscOptionsObject, "-grad_norm", "|grad L| at every point",
                               &c->grad_norm));
  PetscCall(core::options_flag(PetscOptionsObject, "-curvature",
                               "lambda_min and lambda_max at every point (the curvature map)",
                               &c->curvature));
  PetscCall(core::options_flag(PetscOptionsObject, "-trace", "Hutchinson trace at every point",
                               &c->trace));
  PetscCall(PetscOptionsInt("-trace_probes", "Rademacher probes of the trace", "", c->trace_probes,
                            &c->trace_probes, nullptr));
  PetscCall(PetscOptionsReal("-eig_tol", "Absolute residual of the curvature solves", "",
                             c->eig_tol, &c->eig_tol, nullptr));
  PetscCall(PetscOptionsReal("-eig_rtol",
                             "lambda_min's residual bound relative to |lambda_max| (the larger of "
                             "the two bounds counts; 0: -surf_eig_tol alone)",
                             "", c->eig_rtol, &c->eig_rtol, nullptr));
  PetscCall(PetscOptionsInt("-eig_max_it", "Iteration limit of the curvature solves", "",
                            c->eig_max_it, &c->eig_max_it, nullptr));
  PetscCall(core::options_flag(PetscOptionsObject, "-warm_start",
                               "Start each curvature solve from the previous point's eigenvectors",
                               &c->warm_start));
  PetscCall(
      core::options_flag(PetscOptionsObject, "-plane_cache",
                         "Keep the first layer's pre-activation on the plane (3 n x h doubles "
                         "per dataset; a point then skips the first layer's GEMM)",
                         &c->plane_cache));
  PetscCall(PetscOptionsReal("-save_every",
                             "Seconds between saves of the finished points (0: after every "
                             "chunk)",
                             "", c->save_every, &c->save_every, nullptr));
  PetscOptionsEnd();

  c->input = input;
  if (output_set) c->output = output;
  if (name_set) c->name = name;
  c->x_text = x;
  if (y_set) c->y_text = y;
  PetscFunctionReturn(0);
}
}  // namespace

SurfaceConfig SurfaceConfig::from_options() {
  SurfaceConfig c;
  PetscBool input_set = PETSC_FALSE, x_set = PETSC_FALSE;
  TERRAIN_OPTIONS(read_options(&c, &input_set, &x_set));
  c.directions = DirectionConfig::from_options();
  c.sharpness = SharpnessConfig::from_options();
  if (core::help_requested()) return c;
  core::require_option(input_set, "-input");
  core::require_option(x_set, "-surf_x");
  TERRAIN_CHECK(!c.input.empty(), "-input must name a file");
  if (c.output.empty()) c.output = c.input;
  TERRAIN_CHECK(
      !c.name.empty() && c.name.find('/') == std::string::npos && c.name != "." && c.name != "..",
      "-surf_name must be one non-empty word without '/', got '" << c.name << "'");
  TERRAIN_CHECK(c.step >= -1, "-surf_step must be a step number or -1 (final), got " << c.step);
  TERRAIN_CHECK(c.group_size >= 0,
                "-surf_group_size must be 0 (all ranks) or positive, got " << c.group_size);
  TERRAIN_CHECK(c.chunk >= 1, "-surf_chunk must be at least 1, got " << c.chunk);
  TERRAIN_CHECK(c.trace_probes >= 1,
                "-surf_trace_probes must be at least 1, got " << c.trace_probes);
  TERRAIN_CHECK(c.eig_tol > 0, "-surf_eig_tol must be positive, got " << c.eig_tol);
  TERRAIN_CHECK(c.eig_rtol >= 0 && c.eig_rtol < 1,
                "-surf_eig_rtol must be in [0, 1), got " << c.eig_rtol);
  TERRAIN_CHECK(c.eig_max_it >= 1, "-surf_eig_max_it must be at least 1, got " << c.eig_max_it);
  TERRAIN_CHECK(c.save_every >= 0, "-surf_save_every must be non-negative, got " << c.save_every);
  // A y range makes the surface 2-D: its direction defaults to a random one.
  if (c.two_d() && c.directions.y == DirectionKind::none) c.directions.y = DirectionKind::random;
  TERRAIN_CHECK(
      c.two_d() || c.directions.y == DirectionKind::none,
      "-surf_ydir " << to_string(c.directions.y) << " needs a y range: give -surf_y lo:hi:n");
  (void)c.grid();  // the ranges' own errors, now
  return c;
}

SurfaceGrid SurfaceConfig::grid() const {
  return SurfaceGrid(Range::parse(x_text, "-surf_x"), two_d(),
                     two_d() ? Range::parse(y_text, "-surf_y") : Range{});
}

std::string SurfaceConfig::fingerprint() const {
  const DirectionConfig& d = directions;
  std::ostringstream s;
  s.precision(17);
  // Keyed by the option that sets each value, so a refused resume can name it.
  s << "-surf_step=" << step << " -surf_x=" << x_text << " -surf_y=" << y_text
    << " -surf_chunk=" << chunk << " -surf_test=" << test << " -surf_grad_norm=" << grad_norm
    << " -surf_curvature=" << curvature << " -surf_trace=" << trace
    << " -surf_trace_probes=" << trace_probes << " -surf_eig_tol=" << eig_tol
    << " -surf_eig_rtol=" << eig_rtol << " -surf_eig_max_it=" << eig_max_it
    << " -surf_warm_start=" << warm_start << " -surf_plane_cache=" << plane_cache
    << " -surf_xdir=" << to_string(d.x) << " -surf_ydir=" << to_string(d.y)
    << " -surf_norm=" << to_string(d.normalisation) << " -surf_bias=" << to_string(d.bias)
    << " -surf_seed=" << d.seed << " -surf_xtarget=" << d.x_target
    << " -surf_ytarget=" << d.y_target << " -surf_trajectory=" << d.trajectory
    << " -surf_orthogonalize=" << d.orthogonalize << " -surf_eigen_tol=" << d.eigen_tol;
  return s.str();
}

}  // namespace terrain::geometry
