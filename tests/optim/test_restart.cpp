// Restart: a run interrupted after k steps and continued (-restart) is bitwise the run done in one
// go at the same rank count — parameters, optimizer state, sampler position, λ_max warm start and
// every trajectory column — for GD, SGD with momentum and Adam; interrupted by a stop signal it
// checkpoints and continues the same way; at another rank count it continues to rounding.
#include <csignal>

#include "core/signals.hpp"
#include "optim/checkpoint.hpp"
#include "training_support.hpp"

using namespace terrain;
using optim::Method;

using test::ScratchCleanup;
BOOST_TEST_GLOBAL_FIXTURE(ScratchCleanup);

namespace {

struct Case {
  const char* name;
  Method method;
  PetscInt batch;
};
const Case kCases[] = {
    {"gd", Method::gd, 0}, {"sgd_momentum", Method::momentum, 16}, {"adam", Method::adam, 16}};

optim::CheckpointInfo checkpoint_of(const std::string& path) {
  io::RunFile f = io::RunFile::open_read(PETSC_COMM_WORLD, path);
  optim::CheckpointInfo info = optim::read_checkpoint_info(f);
  f.close();
  return info;
}
}  // namespace

BOOST_AUTO_TEST_CASE(interrupted_and_continued_runs_are_bitwise_the_uninterrupted_run) {
  const data::Data data = test::target_data(PETSC_COMM_WORLD);
  for (const Case& c : kCases) {
    const std::string full = test::scratch(std::string(c.name) + "_full.h5");
    const std::string part = test::scratch(std::string(c.name) + "_part.h5");
    optim::RunSpec spec = test::small_spec(c.method, c.batch, full);
    spec.train.clip_norm = 0.5;  // active in the first steps
    spec.train.optimizer.weight_decay = 1e-3;
    spec.eigen.settings.nev = c.method == Method::gd ? 2 : 0;  // also the "trained" state
    BOOST_TEST_REQUIRE((test::train(PETSC_COMM_WORLD, data, spec) == optim::RunResult::finished));

    // Stop after 30 steps (a run of 30 steps), continue to 60 with checkpoints in between.
    optim::RunSpec first = spec;
    first.train.output = part;
    first.train.steps = 30;
    test::train(PETSC_COMM_WORLD, data, first);
    optim::RunSpec second = spec;
    second.train.output = second.train.restart = part;
    second.train.checkpoint_every = 7;
    BOOST_TEST_REQUIRE((test::train(PETSC_COMM_WORLD, data, second) == optim::RunResult::finished));
    BOOST_TEST(test::result_difference(PETSC_COMM_WORLD, full, part) == 0.0,
               c.name << ": not bitwise");

    // A finished run is not redone.
    BOOST_TEST((test::train(PETSC_COMM_WORLD, data, second) == optim::RunResult::already_finished));
  }
}

BOOST_AUTO_TEST_CASE(a_stop_signal_checkpoints_at_a_step_boundary_and_the_run_continues) {
  const data::Data data = test::target_data(PETSC_COMM_WORLD);
  const std::string full = test::scratch("signal_full.h5"), part = test::scratch("signal_part.h5");
  optim::RunSpec spec = test::small_spec(Method::nesterov, 8, full);
  test::train(PETSC_COMM_WORLD, data, spec);

  optim::RunSpec first = spec;
  first.train.output = part;
  first.train.steps = 20;
  test::train(PETSC_COMM_WORLD, data, first);
  // The signal arrives on rank 0 only: the per-step reduction makes every rank stop.
  optim::RunSpec resumed = spec;
  resumed.train.output = resumed.train.restart = part;
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  core::StopSignals handlers;
  if (rank == 0) std::raise(SIGUSR1);
  BOOST_TEST((test::train(PETSC_COMM_WORLD, data, resumed) == optim::RunResult::stopped));
  core::StopSignals::clear();
  const optim::CheckpointInfo info = checkpoint_of(part);
  BOOST_TEST(info.step == 20);
  BOOST_TEST(optim::to_string(info.status) == std::string("running"));
  BOOST_TEST((test::train(PETSC_COMM_WORLD, data, resumed) == optim::RunResult::finished));
  BOOST_TEST(test::result_difference(PETSC_COMM_WORLD, full, part) == 0.0);
}

BOOST_AUTO_TEST_CASE(a_run_continued_at_another_rank_count_agrees_to_rounding) {
  int size = 1, rank = 0;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  const data::Data data = test::target_data(PETSC_COMM_WORLD);
  const std::string full = test::scratch("ranks_full.h5"), part = test::scratch("ranks_part.h5");
  optim::RunSpec spec = test::small_spec(Method::adam, 16, full);
  test::train(PETSC_COMM_WORLD, data, spec);
  optim::RunSpec first = spec;
  first.train.output = part;
  first.train.steps = 30;
  test::train(PETSC_COMM_WORLD, data, first);
  // Continue on one rank (rank 0 alone), or on all ranks when there is only one.
  MPI_Comm comm = size > 1 ? PETSC_COMM_SELF : PETSC_COMM_WORLD;
  if (rank == 0 || size == 1) {
    const data::Data alone = test::target_data(comm);
    optim::RunSpec rest = spec;
    rest.train.output = rest.train.restart = part;
    test::train(comm, alone, rest);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  const double difference = test::result_difference(PETSC_COMM_WORLD, full, part);
  BOOST_TEST(difference >= 0.0);
  BOOST_TEST(difference <= 1e-10, "relative difference " << difference);
}

BOOST_AUTO_TEST_CASE(a_restart_with_different_options_is_refused_with_one_line) {
  const data::Data data = test::target_data(PETSC_COMM_WORLD);
  const std::string path = test::scratch("refuse.h5");
  optim::RunSpec spec = test::small_spec(Method::momentum, 16, path);
  spec.train.steps = 10;
  test::train(PETSC_COMM_WORLD, data, spec);
  optim::RunSpec other = spec;
  other.train.restart = path;
  other.train.steps = 20;
  other.train.optimizer.method = Method::adam;
  BOOST_CHECK_EXCEPTION(test::train(PETSC_COMM_WORLD, data, other), core::InputError,
                        test::MessageHas({"refuse.h5", "-train_optimizer momentum", "adam"}));
  other = spec;
  other.train.restart = path;
  other.train.steps = 20;
  other.arch.widths = {1, 8, 1};
  BOOST_CHECK_EXCEPTION(test::train(PETSC_COMM_WORLD, data, other), core::InputError,
                        test::MessageHas({"-model_widths 1,8,8,1", "1,8,1"}));
  other = spec;
  other.train.restart = path;
  other.train.steps = 5;
  BOOST_CHECK_EXCEPTION(test::train(PETSC_COMM_WORLD, data, other), core::InputError,
                        test::MessageHas({"at step 10", "beyond -train_steps 5"}));
}
