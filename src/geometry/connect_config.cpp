#include "geometry/connect_config.hpp"

#include <sstream>

#include "core/error.hpp"
#include "core/options.hpp"
#include "core/session.hpp"

namespace terrain::geometry {

namespace {
const char* const kPathMethods[] = {"linear", "neb", "autoneb", "bezier", "polychain"};
const char* const kAlignMethods[] = {"none", "weights", "activations"};

PetscErrorCode read_options(ConnectConfig* c, PetscBool* input_set, PetscBool* output_set,
                            PetscBool* saddle_set, PetscBool* curvature_set) {
  PetscFunctionBeginUser;
  char input[4 * PETSC_MAX_PATH_LEN] = "", output[PETSC_MAX_PATH_LEN] = "", name[256] = "";
  PetscBool name_set = PETSC_FALSE;
  PetscInt method = static_cast<PetscInt>(c->method), align = static_cast<PetscInt>(c->align);
  PetscInt seed = static_cast<PetscInt>(c->seed);

  PetscOptionsBegin(PETSC_COMM_WORLD, nullptr, "Input and output", "terrain-connect");
  PetscCall(PetscOptionsString("-input",
                               "Comma-separated run or parameter files, the /params of each: the "
                               "minima to connect (two: one path; more: every pair and the tree)",
                               "", input, input, sizeof(input), input_set));
  PetscCall(PetscOptionsString("-output", "New file for /path/<name> (required, not an input)", "",
                               output, output, sizeof(output), output_set));
  PetscOptionsEnd();

  PetscOptionsBegin(PETSC_COMM_WORLD, "path_", "Paths between minima", "terrain-connect");
  PetscCall(PetscOptionsString("-name", "Results go to /path/<name> (default: the method)", "",
                               name, name, sizeof(name), &name_set));
  PetscCall(PetscOptionsEList("-method",
                              "linear (the straight line), neb (nudged elastic band with a "
                              "climbing image), autoneb (NEB cycles inserting images where the "
                              "loss rises), bezier or polychain (a curve with trained bends)",
                              "", kPathMethods, 5, kPathMethods[method], &method, nullptr));
  PetscCall(PetscOptionsEList("-align",
                              "Align each later minimum to the first by the hidden-unit "
                              "symmetries: none, weights (weight matching) or activations "
                              "(activation matching on the training data)",
                              "", kAlignMethods, 3, kAlignMethods[align], &align, nullptr));
  PetscCall(core::options_flag(PetscOptionsObject, "-rescale",
                               "ReLU (and linear) nets: replace every minimum by its rescaling "
                               "normal form (equal incoming and outgoing norms per unit; the same "
                               "function and loss) before aligning and joining them",
                               &c->rescale));
  PetscCall(PetscOptionsInt("-align_sweeps", "Weight matching: most sweeps over the hidden layers",
                            "", c->align_sweeps, &c->align_sweeps, nullptr));
  PetscCall(PetscOptionsInt("-samples",
                            "Points of the dense t grid of the loss profile (the images are "
                            "added)",
                            "", c->samples, &c->samples, nullptr));
  PetscCall(core::options_flag(PetscOptionsObject, "-test",
                               "Test loss and accuracy along the path when there is a test set",
                               &c->test));
  PetscCall(PetscOptionsInt("-images", "NEB: interior images of the band (AutoNEB: at the start)",
                            "", c->images, &c->images, nullptr));
  PetscCall(PetscOptionsReal("-spring", "NEB: spring constant between images", "", c->spring,
                             &c->spring, nullptr));
  PetscCall(core::options_flag(PetscOptionsObject, "-climb",
                               "NEB: the highest image climbs to the saddle", &c->climb));
  PetscCall(PetscOptionsInt("-climb_after", "NEB: steps before the highest image climbs", "",
                            c->climb_after, &c->climb_after, nullptr));
  PetscCall(PetscOptionsInt("-steps", "NEB steps (per AutoNEB cycle), or curve training steps", "",
                            c->steps, &c->steps, nullptr));
  PetscCall(PetscOptionsReal("-step", "NEB: optimiser step (FIRE's initial time step)", "", c->step,
                             &c->step, nullptr));
  PetscCall(PetscOptionsReal("-ftol",
                             "NEB: converged when every image's force has max norm <= this", "",
                             c->ftol, &c->ftol, nullptr));
  PetscCall(PetscOptionsInt("-cycles", "AutoNEB: most cycles of NEB and insertion", "", c->cycles,
                            &c->cycles, nullptr));
  PetscCall(PetscOptionsInt("-insert", "AutoNEB: most images inserted per cycle", "", c->insert,
                            &c->insert, nullptr));
  PetscCall(PetscOptionsInt("-segment_samples",
                            "AutoNEB: loss samples inside each segment to find where to insert", "",
                            c->segment_samples, &c->segment_samples, nullptr));
  PetscCall(PetscOptionsInt("-max_images", "AutoNEB: most interior images", "", c->max_images,
                            &c->max_images, nullptr));
  PetscCall(PetscOptionsInt("-bends", "Curves: number of bends (trained points)", "", c->bends,
                            &c->bends, nullptr));
  PetscCall(
      PetscOptionsReal("-lr", "Curves: learning rate of the bends", "", c->lr, &c->lr, nullptr));
  PetscCall(PetscOptionsReal("-momentum", "Curves: momentum of the bends' SGD", "", c->momentum,
                             &c->momentum, nullptr));
  PetscCall(PetscOptionsInt("-curve_samples",
                            "Curves: values of t ~ U(0,1) per training step, drawn from (seed, "
                            "step)",
                            "", c->curve_samples, &c->curve_samples, nullptr));
  PetscCall(PetscOptionsInt("-seed", "Seed of the curves' t draws and of minibatches", "", seed,
                            &seed, nullptr));
  PetscCall(PetscOptionsInt("-batch",
                            "Minibatch size of the path optimisers (0: full batch, "
                            "deterministic)",
                            "", c->batch, &c->batch, nullptr));
  PetscCall(core::options_flag(PetscOptionsObject, "-saddle",
                               "Refine the highest image to a critical point (Newton-Krylov, the "
                               "-critical_ options) and measure its index (default: on for neb "
                               "and autoneb)",
                               &c->saddle));
  PetscCall(PetscOptionsHasName(nullptr, nullptr, "-path_saddle", saddle_set));
  PetscCall(PetscOptionsReal("-saddle_gtol", "The refined saddle's |grad L|_1 bound", "",
                             c->saddle_gtol, &c->saddle_gtol, nullptr));
  PetscCall(core::options_flag(PetscOptionsObject, "-curvature",
                               "lambda_min and the index at every image (default: on for neb and "
                               "autoneb)",
                               &c->curvature));
  PetscCall(PetscOptionsHasName(nullptr, nullptr, "-path_curvature", curvature_set));
  PetscCall(PetscOptionsReal("-distinct_tol",
                             "Several minima: two are one minimum when, after the alignment, max "
                             "|A - B| / max(1, |A|_inf, |B|_inf) <= this",
                             "", c->distinct_tol, &c->distinct_tol, nullptr));
  PetscCall(PetscOptionsInt("-group_size",
                            "Ranks per work group, each data-parallel (0: one group of all ranks)",
                            "", c->group_size, &c->group_size, nullptr));
  PetscCall(PetscOptionsReal("-save_every",
                             "Seconds between saves of the optimiser's state (restart file)", "",
                             c->save_every, &c->save_every, nullptr));
  PetscOptionsEnd();

  c->inputs = core::split_list(input);
  c->output = output;
  c->method = static_cast<PathMethod>(method);
  c->align = static_cast<AlignMethod>(align);
  c->seed = static_cast<std::uint64_t>(seed);
  c->name = name_set ? std::string(name) : std::string(kPathMethods[method]);
  PetscFunctionReturn(0);
}
}  // namespace

const char* to_string(PathMethod m) { return kPathMethods[static_cast<int>(m)]; }
const char* to_string(AlignMethod m) { return kAlignMethods[static_cast<int>(m)]; }

ConnectConfig ConnectConfig::from_options() {
  ConnectConfig c;
  PetscBool input_set = PETSC_FALSE, output_set = PETSC_FALSE, saddle_set = PETSC_FALSE,
            curvature_set = PETSC_FALSE;
  TERRAIN_OPTIONS(read_options(&c, &input_set, &output_set, &saddle_set, &curvature_set));
  if (core::help_requested()) return c;
  core::require_option(input_set, "-input");
  core::require_option(output_set, "-output");
  TERRAIN_CHECK(c.inputs.size() >= 2,
                "-input must name at least two files (comma-separated), got " << c.inputs.size());
  TERRAIN_CHECK(!c.output.empty(), "-output must name a file");
  TERRAIN_CHECK(
      !c.name.empty() && c.name.find('/') == std::string::npos && c.name != "." && c.name != "..",
      "-path_name must be one non-empty word without '/', got '" << c.name << "'");
  if (!saddle_set) c.saddle = c.band();
  if (!curvature_set) c.curvature = c.band();
  TERRAIN_CHECK(c.align_sweeps >= 1,
                "-path_align_sweeps must be at least 1, got " << c.align_sweeps);
  TERRAIN_CHECK(c.samples >= 2, "-path_samples must be at least 2, got " << c.samples);
  TERRAIN_CHECK(c.images >= 1,
                "-path_images must be at least 1 (an interior image), got " << c.images);
  TERRAIN_CHECK(c.spring > 0, "-path_spring must be positive, got " << c.spring);
  TERRAIN_CHECK(c.climb_after >= 0,
                "-path_climb_after must be non-negative, got " << c.climb_after);
  TERRAIN_CHECK(c.steps >= 0, "-path_steps must be non-negative, got " << c.steps);
  TERRAIN_CHECK(c.step > 0, "-path_step must be positive, got " << c.step);
  TERRAIN_CHECK(c.ftol > 0, "-path_ftol must be positive, got " << c.ftol);
  TERRAIN_CHECK(c.cycles >= 1, "-path_cycles must be at least 1, got " << c.cycles);
  TERRAIN_CHECK(c.insert >= 1, "-path_insert must be at least 1, got " << c.insert);
  TERRAIN_CHECK(c.segment_samples >= 1,
                "-path_segment_samples must be at least 1, got " << c.segment_samples);
  TERRAIN_CHECK(c.max_images >= c.images, "-path_max_images ("
                                              << c.max_images << ") must be at least -path_images ("
                                              << c.images << ")");
  TERRAIN_CHECK(c.bends >= 1, "-path_bends must be at least 1, got " << c.bends);
  TERRAIN_CHECK(c.lr > 0, "-path_lr must be positive, got " << c.lr);
  TERRAIN_CHECK(c.momentum >= 0 && c.momentum < 1,
                "-path_momentum must be in [0, 1), got " << c.momentum);
  TERRAIN_CHECK(c.curve_samples >= 1,
                "-path_curve_samples must be at least 1, got " << c.curve_samples);
  TERRAIN_CHECK(c.batch >= 0, "-path_batch must be 0 (full batch) or positive, got " << c.batch);
  TERRAIN_CHECK(c.saddle_gtol > 0, "-path_saddle_gtol must be positive, got " << c.saddle_gtol);
  TERRAIN_CHECK(c.distinct_tol >= 0,
                "-path_distinct_tol must be non-negative, got " << c.distinct_tol);
  TERRAIN_CHECK(c.group_size >= 0,
                "-path_group_size must be 0 (all ranks) or positive, got " << c.group_size);
  TERRAIN_CHECK(c.save_every >= 0, "-path_save_every must be non-negative, got " << c.save_every);
  return c;
}

AutoNebSettings ConnectConfig::autoneb_settings() const {
  AutoNebSettings s;
  s.neb.images = images;
  s.neb.spring = spring;
  s.neb.climb = climb;
  s.neb.climb_after = climb_after;
  s.neb.max_steps = steps;
  s.neb.step = step;
  s.neb.ftol = ftol;
  s.neb.seed = seed;
  s.neb.batch = batch;
  s.cycles = cycles;
  s.insert_per_cycle = insert;
  s.samples_per_segment = segment_samples;
  s.max_images = max_images;
  return s;
}

CurveSettings ConnectConfig::curve_settings() const {
  CurveSettings s;
  s.steps = steps;
  s.lr = lr;
  s.momentum = momentum;
  s.samples = curve_samples;
  s.seed = seed;
  s.batch = batch;
  return s;
}

std::string ConnectConfig::fingerprint() const {
  std::ostringstream s;
  s.precision(17);
  s << "-path_method=" << to_string(method) << " -path_align=" << to_string(align)
    << " -path_align_sweeps=" << align_sweeps << " -path_rescale=" << rescale
    << " -path_images=" << images << " -path_spring=" << spring << " -path_climb=" << climb
    << " -path_climb_after=" << climb_after << " -path_steps=" << steps << " -path_step=" << step
    << " -path_ftol=" << ftol << " -path_cycles=" << cycles << " -path_insert=" << insert
    << " -path_segment_samples=" << segment_samples << " -path_max_images=" << max_images
    << " -path_bends=" << bends << " -path_lr=" << lr << " -path_momentum=" << momentum
    << " -path_curve_samples=" << curve_samples << " -path_seed=" << seed
    << " -path_batch=" << batch;
  return s.str();
}

}  // namespace terrain::geometry
