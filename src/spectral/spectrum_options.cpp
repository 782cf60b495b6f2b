#include "spectral/spectrum_options.hpp"

#include "core/error.hpp"
#include "core/options.hpp"
#include "core/session.hpp"

namespace terrain::spectral {

namespace {
const char* const kSolvers[] = {"auto", "scalapack", "slepc"};

PetscErrorCode read_options(SpectrumOptions* o, PetscBool* input_set, PetscInt* seed_value) {
  PetscFunctionBeginUser;
  char input[PETSC_MAX_PATH_LEN] = "", output[PETSC_MAX_PATH_LEN] = "", name[256] = "";
  PetscBool output_set = PETSC_FALSE, name_set = PETSC_FALSE;
  PetscInt solver = static_cast<PetscInt>(o->dense_solver);
  PetscInt& seed = *seed_value;

  PetscOptionsBegin(PETSC_COMM_WORLD, nullptr, "Input and output", "terrain-spectrum");
  PetscCall(PetscOptionsString("-input",
                               "Run file (its /params, or a snapshot with -spectrum_step) "
                               "or parameter file (dataset params; needs -model_widths) (required)",
                               "", input, input, sizeof(input), input_set));
  PetscCall(PetscOptionsString("-output",
                               "File to write /spectrum/<name> into (default: -input, "
                               "updated atomically)",
                               "", output, output, sizeof(output), &output_set));
  PetscOptionsEnd();

  PetscOptionsBegin(PETSC_COMM_WORLD, "spectrum_", "Hessian spectrum analyses", "terrain-spectrum");
  PetscCall(PetscOptionsString("-name", "Results go to /spectrum/<name>", "", o->name.c_str(), name,
                               sizeof(name), &name_set));
  PetscCall(PetscOptionsInt("-step",
                            "Analyse the /trajectory/params snapshot of this training step "
                            "(-1: the final /params)",
                            "", o->step, &o->step, nullptr));
  PetscCall(core::options_flag(PetscOptionsObject, "-data_from_run",
                      "Without -data_source, use the -data_ options recorded in "
                      "the run file",
                      &o->data_from_run));
  PetscCall(core::options_flag(PetscOptionsObject, "-extreme",
                      "The -hess_nev largest and smallest eigenpairs (matrix-free; "
                      "off only with -spectrum_full, which then sets tau)",
                      &o->extreme));
  PetscCall(core::options_flag(PetscOptionsObject, "-full",
                      "All eigenvalues of the assembled Hessian (n_params <= -spectrum_full_max)",
                      &o->full));
  PetscCall(core::options_flag(PetscOptionsObject, "-inertia",
                      "Sylvester inertia at +-tau by LDL^T (MUMPS) of the assembled Hessian",
                      &o->inertia));
  PetscCall(core::options_flag(PetscOptionsObject, "-count",
                      "Matrix-free count of eigenvalues below -tau (growing nev; Hessian only)",
                      &o->count));
  PetscCall(core::options_flag(PetscOptionsObject, "-trace", "Trace by Hutchinson and Hutch++", &o->trace));
  PetscCall(core::options_flag(PetscOptionsObject, "-density",
                      "Spectral density by stochastic Lanczos quadrature", &o->density));
  PetscCall(core::options_flag(PetscOptionsObject, "-blocks", "Spectra of the per-layer diagonal blocks",
                      &o->blocks));
  PetscCall(core::options_flag(PetscOptionsObject, "-shards", "lambda_max of each rank's own data shard",
                      &o->shards));
  PetscCall(core::options_flag(PetscOptionsObject, "-all",
                      "Every analysis (full and inertia only up to -spectrum_full_max)", &o->all));
  PetscCall(PetscOptionsReal("-zero_tol",
                             "tau = max(zero_atol, zero_tol * max|lambda|) (zero_tol when H = 0): "
                             "|lambda| below tau counts as zero",
                             "", o->zero_tol, &o->zero_tol, nullptr));
  PetscCall(PetscOptionsReal("-zero_atol", "Absolute floor of tau", "", o->zero_atol, &o->zero_atol,
                             nullptr));
  PetscCall(PetscOptionsReal("-grad_tol",
                             "A point with |grad L| above this is not a critical point", "",
                             o->grad_tol, &o->grad_tol, nullptr));
  PetscCall(PetscOptionsInt("-full_max",
                            "Largest n_params for -spectrum_full/-spectrum_inertia "
                            "(the dense Hessian takes 8 n^2 bytes, the solvers 2-4 times that)",
                            "", o->full_max, &o->full_max, nullptr));
  PetscCall(PetscOptionsInt("-block", "Identity columns per product when assembling", "", o->block,
                            &o->block, nullptr));
  PetscCall(PetscOptionsEList("-dense_solver",
                              "All eigenvalues by: scalapack (eigenvalues only), "
                              "slepc (EPSLAPACK/EPSSCALAPACK, prefix -hess_full_), auto",
                              "", kSolvers, 3, kSolvers[solver], &solver, nullptr));
  PetscCall(PetscOptionsInt("-count_nev", "First nev of the negative count", "", o->count_nev,
                            &o->count_nev, nullptr));
  PetscCall(PetscOptionsInt("-count_max", "Largest nev of the negative count (then a lower bound)",
                            "", o->count_max, &o->count_max, nullptr));
  PetscCall(PetscOptionsInt("-seed", "Seed of the probe vectors", "", seed, &seed, nullptr));
  PetscCall(PetscOptionsInt("-trace_probes", "Hutchinson probes (Hutch++ uses as many products)",
                            "", o->trace_probes, &o->trace_probes, nullptr));
  PetscCall(PetscOptionsInt("-density_probes", "Lanczos runs of the density", "", o->density_probes,
                            &o->density_probes, nullptr));
  PetscCall(PetscOptionsInt("-density_steps", "Lanczos steps per run", "", o->density_steps,
                            &o->density_steps, nullptr));
  PetscCall(PetscOptionsInt("-density_points", "Grid points of the density", "", o->density_points,
                            &o->density_points, nullptr));
  PetscCall(PetscOptionsReal("-density_sigma",
                             "Gaussian broadening (0: 1% of the range of the "
                             "Ritz values)",
                             "", o->density_sigma, &o->density_sigma, nullptr));
  PetscOptionsEnd();

  PetscOptionsBegin(PETSC_COMM_WORLD, "hess_", "Eigenvectors (terrain-spectrum)",
                    "terrain-spectrum");
  PetscCall(core::options_flag(PetscOptionsObject, "-vectors",
                      "Store the eigenvectors of the extreme eigenpairs", &o->vectors));
  PetscOptionsEnd();

  o->input = input;
  if (output_set) o->output = output;
  if (name_set) o->name = name;
  o->dense_solver = static_cast<DenseSolver>(solver);
  PetscFunctionReturn(0);
}
}  // namespace

SpectrumOptions SpectrumOptions::from_options() {
  SpectrumOptions o;
  PetscBool input_set = PETSC_FALSE;
  PetscInt seed = 0;
  TERRAIN_OPTIONS(read_options(&o, &input_set, &seed));
  if (core::help_requested()) return o;
  core::require_option(input_set, "-input");
  TERRAIN_CHECK(!o.input.empty(), "-input must name a file");
  TERRAIN_CHECK(seed >= 0, "-spectrum_seed must be non-negative, got " << seed);
  o.seed = static_cast<std::uint64_t>(seed);
  if (o.output.empty()) o.output = o.input;
  TERRAIN_CHECK(
      !o.name.empty() && o.name.find('/') == std::string::npos && o.name != "." && o.name != "..",
      "-spectrum_name must be one non-empty word without '/', got '" << o.name << "'");
  TERRAIN_CHECK(o.step >= -1, "-spectrum_step must be a step number or -1 (final), got " << o.step);
  TERRAIN_CHECK(o.zero_tol >= 0, "-spectrum_zero_tol must be non-negative, got " << o.zero_tol);
  TERRAIN_CHECK(o.zero_atol >= 0, "-spectrum_zero_atol must be non-negative, got " << o.zero_atol);
  TERRAIN_CHECK(
      o.zero_tol > 0 || o.zero_atol > 0,
      "-spectrum_zero_tol and -spectrum_zero_atol cannot both be 0 (tau must be positive)");
  TERRAIN_CHECK(o.grad_tol >= 0, "-spectrum_grad_tol must be non-negative, got " << o.grad_tol);
  TERRAIN_CHECK(o.full_max >= 1, "-spectrum_full_max must be positive, got " << o.full_max);
  TERRAIN_CHECK(o.block >= 1, "-spectrum_block must be positive, got " << o.block);
  TERRAIN_CHECK(o.count_nev >= 1, "-spectrum_count_nev must be positive, got " << o.count_nev);
  TERRAIN_CHECK(o.count_max >= o.count_nev,
                "-spectrum_count_max (" << o.count_max << ") must be at least -spectrum_count_nev ("
                                        << o.count_nev << ")");
  TERRAIN_CHECK(o.trace_probes >= 3,
                "-spectrum_trace_probes must be at least 3, got " << o.trace_probes);
  TERRAIN_CHECK(o.density_probes >= 1,
                "-spectrum_density_probes must be positive, got " << o.density_probes);
  // One Lanczos step gives each probe a single node (its Rayleigh quotient): no density.
  TERRAIN_CHECK(o.density_steps >= 2,
                "-spectrum_density_steps must be at least 2 (one Lanczos step gives each probe a "
                "single node, not a density), got "
                    << o.density_steps);
  TERRAIN_CHECK(o.density_points >= 3,
                "-spectrum_density_points must be at least 3, got " << o.density_points);
  TERRAIN_CHECK(o.density_sigma >= 0,
                "-spectrum_density_sigma must be non-negative, got " << o.density_sigma);
  // -spectrum_all adds -spectrum_full and -spectrum_inertia only when the network is small
  // enough, which the analysis decides once it knows n_params.
  if (o.all) o.extreme = o.count = o.trace = o.density = o.blocks = o.shards = true;
  return o;
}

}  // namespace terrain::spectral
