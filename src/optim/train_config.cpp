#include "optim/train_config.hpp"

#include "core/error.hpp"
#include "core/options.hpp"

namespace terrain::optim {

namespace {
const char* const kMethods[] = {"gd", "sgd", "momentum", "nesterov", "adam", "sfn"};
const char* const kSchedules[] = {"constant", "step", "cosine"};

PetscErrorCode read_options(TrainConfig* c) {
  PetscFunctionBeginUser;
  char output[PETSC_MAX_PATH_LEN] = "", restart[PETSC_MAX_PATH_LEN] = "";
  PetscBool output_set = PETSC_FALSE, restart_set = PETSC_FALSE;
  PetscInt method = static_cast<PetscInt>(c->optimizer.method);
  PetscInt schedule = static_cast<PetscInt>(c->schedule.kind);
  PetscInt seed = static_cast<PetscInt>(c->seed);
  PetscBool curvature = c->monitor_curvature ? PETSC_TRUE : PETSC_FALSE;
  PetscBool lambda_max = c->monitor_lambda_max ? PETSC_TRUE : PETSC_FALSE;
  Schedule& s = c->schedule;
  OptimizerSettings& o = c->optimizer;
  PetscOptionsBegin(PETSC_COMM_WORLD, "train_", "Training", "terrain-train");
  PetscCall(PetscOptionsEList("-optimizer",
                              "gd (full batch), sgd (needs -train_batch), momentum, "
                              "nesterov, adam, sfn (saddle-free Newton, full batch)",
                              "", kMethods, 6, kMethods[method], &method, nullptr));
  PetscCall(PetscOptionsReal("-lr", "Learning rate (the schedule's base rate)", "", s.lr, &s.lr,
                             nullptr));
  PetscCall(PetscOptionsInt("-steps", "Parameter updates (0 only evaluates)", "", c->steps,
                            &c->steps, nullptr));
  PetscCall(PetscOptionsInt("-batch", "Minibatch size B (0: full batch)", "", c->batch, &c->batch,
                            nullptr));
  PetscCall(PetscOptionsInt("-seed",
                            "Seed of the minibatch order (each epoch a permutation from "
                            "(seed, epoch))",
                            "", seed, &seed, nullptr));
  PetscCall(PetscOptionsReal("-momentum", "Momentum mu of momentum and nesterov", "", o.momentum,
                             &o.momentum, nullptr));
  PetscCall(PetscOptionsReal("-adam_beta1", "Adam: decay of the first moment", "", o.beta1,
                             &o.beta1, nullptr));
  PetscCall(PetscOptionsReal("-adam_beta2", "Adam: decay of the second moment", "", o.beta2,
                             &o.beta2, nullptr));
  PetscCall(PetscOptionsReal("-adam_epsilon", "Adam: added to sqrt(v)", "", o.epsilon, &o.epsilon,
                             nullptr));
  PetscCall(PetscOptionsInt("-sfn_krylov",
                            "sfn: Lanczos steps of the Krylov space of H (one H.v each per step)",
                            "", o.sfn.krylov, &o.sfn.krylov, nullptr));
  PetscCall(PetscOptionsReal("-sfn_damping", "sfn: delta in the step -lr V Q (|Lambda| + delta)^-1 Q'V'g",
                             "", o.sfn.damping, &o.sfn.damping, nullptr));
  PetscCall(PetscOptionsReal("-weight_decay", "L2 weight decay (decoupled, AdamW-style, for adam)",
                             "", o.weight_decay, &o.weight_decay, nullptr));
  PetscCall(PetscOptionsReal("-clip_norm",
                             "Scale the gradient down to this global norm when larger "
                             "(0: no clipping)",
                             "", c->clip_norm, &c->clip_norm, nullptr));
  PetscCall(PetscOptionsEList("-schedule", "Learning-rate schedule", "", kSchedules, 3,
                              kSchedules[schedule], &schedule, nullptr));
  PetscCall(PetscOptionsInt("-schedule_step",
                            "step: multiply the rate by -train_schedule_gamma every "
                            "k steps",
                            "", s.step_size, &s.step_size, nullptr));
  PetscCall(
      PetscOptionsReal("-schedule_gamma", "step: decay factor", "", s.gamma, &s.gamma, nullptr));
  PetscCall(PetscOptionsReal("-schedule_lr_min", "cosine: final learning rate", "", s.lr_min,
                             &s.lr_min, nullptr));
  PetscBool horizon_set = PETSC_FALSE;
  PetscCall(PetscOptionsInt("-schedule_horizon",
                            "cosine: steps from -train_lr to -train_schedule_lr_min "
                            "(default: -train_steps)",
                            "", s.horizon, &s.horizon, &horizon_set));
  // 0 stands for "-train_steps" inside; given explicitly it would be a zero-length schedule.
  PetscCheck(!horizon_set || s.horizon >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "-train_schedule_horizon must be at least 1 (leave it out for -train_steps), got %d",
             static_cast<int>(s.horizon));
  PetscCall(PetscOptionsInt("-warmup", "Linear warm-up: rate lr*(t+1)/k for the first k steps", "",
                            s.warmup, &s.warmup, nullptr));
  PetscCall(PetscOptionsInt("-print_every", "Progress line every k steps (0: about ten per run)",
                            "", c->print_every, &c->print_every, nullptr));
  PetscCall(PetscOptionsInt("-monitor_every", "Record a /trajectory row every k steps", "",
                            c->monitor_every, &c->monitor_every, nullptr));
  PetscCall(PetscOptionsBool("-monitor_curvature",
                             "Record g'Hg and the predicted loss change (one H.v "
                             "per row)",
                             "", curvature, &curvature, nullptr));
  PetscCall(PetscOptionsBool("-monitor_lambda_max",
                             "Record lambda_max of the Hessian (warm-started "
                             "Lanczos, a few H.v per row)",
                             "", lambda_max, &lambda_max, nullptr));
  PetscCall(PetscOptionsReal("-lambda_max_tol", "Relative Ritz residual of lambda_max", "",
                             c->lambda_max.tol, &c->lambda_max.tol, nullptr));
  PetscCall(PetscOptionsInt("-lambda_max_budget", "Most H.v one lambda_max measurement may spend",
                            "", c->lambda_max.max_hv, &c->lambda_max.max_hv, nullptr));
  PetscCall(PetscOptionsInt("-lambda_max_krylov", "Lanczos basis size before a restart", "",
                            c->lambda_max.krylov, &c->lambda_max.krylov, nullptr));
  PetscCall(PetscOptionsInt("-save_every",
                            "Parameter snapshot into /trajectory/params every k steps "
                            "(0: none)",
                            "", c->save_every, &c->save_every, nullptr));
  PetscCall(PetscOptionsInt("-checkpoint_every", "Checkpoint every k steps (0: by time only)", "",
                            c->checkpoint_every, &c->checkpoint_every, nullptr));
  PetscCall(PetscOptionsReal("-checkpoint_interval",
                             "Checkpoint when this many seconds passed since "
                             "the last (0: never by time)",
                             "", c->checkpoint_interval, &c->checkpoint_interval, nullptr));
  PetscOptionsEnd();
  PetscOptionsBegin(PETSC_COMM_WORLD, nullptr, "Output and restart", "terrain-train");
  PetscCall(PetscOptionsString("-output",
                               "The run file to write (each checkpoint replaces it "
                               "atomically; default: run.h5; with -restart, the -restart file "
                               "unless -output is on the command line itself)",
                               "", c->output.c_str(), output, sizeof(output), &output_set));
  PetscCall(PetscOptionsString("-restart", "Continue the run in this run file from its /checkpoint",
                               "", restart, restart, sizeof(restart), &restart_set));
  PetscOptionsEnd();
  c->optimizer.method = static_cast<Method>(method);
  c->schedule.kind = static_cast<ScheduleKind>(schedule);
  c->seed = static_cast<std::uint64_t>(seed);
  c->monitor_curvature = curvature;
  c->monitor_lambda_max = lambda_max;
  if (restart_set) c->restart = restart;
  // A restart continues in its own file: an -output from an options file (the one the run
  // started with, typically) names another run's file. Only an -output on the command line
  // itself continues the run into a new file.
  c->output_set = output_set && (!restart_set || core::given_on_command_line("-output"));
  if (c->output_set)
    c->output = output;
  else if (restart_set)
    c->output = restart;
  PetscFunctionReturn(0);
}
}  // namespace

TrainConfig TrainConfig::from_options(const std::string& init_file) {
  TrainConfig c;
  c.init_file = init_file;
  TERRAIN_OPTIONS(read_options(&c));
  if (c.schedule.horizon == 0) c.schedule.horizon = std::max<PetscInt>(1, c.steps);
  c.validate();
  if (c.print_every == 0) c.print_every = std::max<PetscInt>(1, c.steps / 10);
  return c;
}

void TrainConfig::validate() const {
  const OptimizerSettings& o = optimizer;
  const Schedule& s = schedule;
  TERRAIN_CHECK(s.lr > 0, "-train_lr must be positive, got " << s.lr);
  TERRAIN_CHECK(steps >= 0, "-train_steps must be non-negative, got " << steps);
  TERRAIN_CHECK(batch >= 0, "-train_batch must be non-negative (0: full batch), got " << batch);
  TERRAIN_CHECK(
      o.method != Method::sgd || batch > 0,
      "-train_optimizer sgd needs -train_batch B > 0 (full batch is -train_optimizer gd)");
  TERRAIN_CHECK(o.method != Method::gd || batch == 0,
                "-train_optimizer gd is full-batch; with -train_batch use -train_optimizer sgd");
  TERRAIN_CHECK(o.method != Method::sfn || batch == 0,
                "-train_optimizer sfn is full-batch only; drop -train_batch");
  TERRAIN_CHECK(o.sfn.krylov >= 1, "-train_sfn_krylov must be at least 1, got " << o.sfn.krylov);
  TERRAIN_CHECK(o.sfn.damping >= 0,
                "-train_sfn_damping must be non-negative, got " << o.sfn.damping);
  TERRAIN_CHECK(o.momentum >= 0 && o.momentum < 1,
                "-train_momentum must lie in [0, 1), got " << o.momentum);
  TERRAIN_CHECK(o.beta1 >= 0 && o.beta1 < 1,
                "-train_adam_beta1 must lie in [0, 1), got " << o.beta1);
  TERRAIN_CHECK(o.beta2 >= 0 && o.beta2 < 1,
                "-train_adam_beta2 must lie in [0, 1), got " << o.beta2);
  TERRAIN_CHECK(o.epsilon > 0, "-train_adam_epsilon must be positive, got " << o.epsilon);
  TERRAIN_CHECK(o.weight_decay >= 0,
                "-train_weight_decay must be non-negative, got " << o.weight_decay);
  TERRAIN_CHECK(clip_norm >= 0,
                "-train_clip_norm must be non-negative (0: off), got " << clip_norm);
  TERRAIN_CHECK(s.kind != ScheduleKind::step || s.step_size >= 1,
                "-train_schedule step needs -train_schedule_step k >= 1, got " << s.step_size);
  TERRAIN_CHECK(s.gamma > 0, "-train_schedule_gamma must be positive, got " << s.gamma);
  TERRAIN_CHECK(s.lr_min >= 0 && s.lr_min <= s.lr,
                "-train_schedule_lr_min must lie in [0, -train_lr], got " << s.lr_min);
  TERRAIN_CHECK(s.horizon >= 1, "-train_schedule_horizon must be positive, got " << s.horizon);
  TERRAIN_CHECK(s.warmup >= 0, "-train_warmup must be non-negative, got " << s.warmup);
  TERRAIN_CHECK(print_every >= 0, "-train_print_every must be non-negative");
  TERRAIN_CHECK(monitor_every >= 1, "-train_monitor_every must be at least 1");
  TERRAIN_CHECK(lambda_max.tol > 0, "-train_lambda_max_tol must be positive");
  TERRAIN_CHECK(lambda_max.max_hv >= 1, "-train_lambda_max_budget must be at least 1");
  TERRAIN_CHECK(lambda_max.krylov >= 2, "-train_lambda_max_krylov must be at least 2");
  TERRAIN_CHECK(save_every >= 0, "-train_save_every must be non-negative (0: no snapshots)");
  TERRAIN_CHECK(checkpoint_every >= 0,
                "-train_checkpoint_every must be non-negative (0: by time only)");
  TERRAIN_CHECK(checkpoint_interval >= 0,
                "-train_checkpoint_interval must be non-negative (0: never by time)");
  TERRAIN_CHECK(!output.empty(), "-output must name a file");
  TERRAIN_CHECK(
      restart.empty() || init_file.empty(),
      "-restart continues a run from its checkpoint, -model_init_file starts a new one: give one");
}

std::vector<Setting> TrainConfig::identity() const {
  using I = std::int64_t;
  std::vector<Setting> s = {
      {"optimizer", std::string(to_string(optimizer.method))},
      {"lr", schedule.lr},
      {"batch", I(batch)},
      {"weight_decay", optimizer.weight_decay},
      {"clip_norm", clip_norm},
      {"schedule", std::string(to_string(schedule.kind))},
      {"warmup", I(schedule.warmup)},
      {"monitor_every", I(monitor_every)},
      {"monitor_curvature", I(monitor_curvature)},
      {"monitor_lambda_max", I(monitor_lambda_max)},
      {"save_every", I(save_every)},
  };
  if (minibatch()) s.push_back({"seed", I(seed)});
  if (optimizer.method == Method::momentum || optimizer.method == Method::nesterov)
    s.push_back({"momentum", optimizer.momentum});
  if (optimizer.method == Method::sfn) {
    s.push_back({"sfn_krylov", I(optimizer.sfn.krylov)});
    s.push_back({"sfn_damping", optimizer.sfn.damping});
  }
  if (optimizer.method == Method::adam) {
    s.push_back({"adam_beta1", optimizer.beta1});
    s.push_back({"adam_beta2", optimizer.beta2});
    s.push_back({"adam_epsilon", optimizer.epsilon});
  }
  if (schedule.kind == ScheduleKind::step) {
    s.push_back({"schedule_step", I(schedule.step_size)});
    s.push_back({"schedule_gamma", schedule.gamma});
  }
  if (schedule.kind == ScheduleKind::cosine) {
    s.push_back({"schedule_lr_min", schedule.lr_min});
    s.push_back({"schedule_horizon", I(schedule.horizon)});
  }
  if (monitor_lambda_max) {
    s.push_back({"lambda_max_tol", lambda_max.tol});
    s.push_back({"lambda_max_budget", I(lambda_max.max_hv)});
    s.push_back({"lambda_max_krylov", I(lambda_max.krylov)});
  }
  return s;
}

}  // namespace terrain::optim
