// A diverging run stops at the step where the loss or gradient stops being finite, with a message
// naming it, and its run file keeps the last good checkpoint (loadable, finite). In an ensemble
// the run file records the divergence instead.
#include <cmath>

#include "optim/checkpoint.hpp"
#include "training_support.hpp"

using namespace terrain;

using test::ScratchCleanup;
BOOST_TEST_GLOBAL_FIXTURE(ScratchCleanup);

namespace {

// Plain GD at a rate far beyond 2/λ_max: finite for a few steps, then overflow.
optim::RunSpec diverging(const std::string& path) {
  optim::RunSpec s = test::small_spec(optim::Method::gd, 0, path);
  s.arch.activation = model::Activation::relu;
  s.train.schedule.lr = 6.0;
  s.train.steps = 400;
  s.train.monitor_every = 1;
  s.train.monitor_lambda_max = false;
  s.train.checkpoint_every = 3;
  return s;
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_diverging_run_names_the_step_and_keeps_its_last_good_checkpoint) {
  const data::Data data = test::target_data(PETSC_COMM_WORLD);
  const std::string path = test::scratch("diverge.h5");
  PetscInt step = -1;
  std::string message;
  try {
    test::train(PETSC_COMM_WORLD, data, diverging(path));
  } catch (const optim::Diverged& d) {
    step = d.step();
    message = d.what();
  }
  BOOST_TEST_MESSAGE("message: " << message);
  BOOST_TEST_REQUIRE(step > 3,
                     "diverged at step " << step << ": the test needs a checkpoint first");
  BOOST_TEST(message.find("at step " + std::to_string(step)) != std::string::npos);
  BOOST_TEST(message.find("keeps the checkpoint of step") != std::string::npos);
  BOOST_TEST(message.find('\n') == std::string::npos);

  io::RunFile f = io::RunFile::open_read(PETSC_COMM_WORLD, path);
  const optim::CheckpointInfo info = optim::read_checkpoint_info(f);
  BOOST_TEST(info.step < step);
  BOOST_TEST(info.step >= step - 3);
  const std::vector<double> params = f.read_doubles("/params").values;
  const std::vector<double> loss = f.read_doubles("/trajectory/loss").values;
  f.close();
  bool finite = true;
  for (double p : params) finite = finite && std::isfinite(p);
  for (double l : loss) finite = finite && std::isfinite(l);
  BOOST_TEST(finite);
  BOOST_TEST(loss.size() == std::size_t(info.step + 1));
}

BOOST_AUTO_TEST_CASE(an_ensemble_run_records_its_divergence) {
  const data::Data data = test::target_data(PETSC_COMM_WORLD);
  const std::string path = test::scratch("diverge_recorded.h5");
  optim::RunSpec s = diverging(path);
  s.record_divergence = true;
  BOOST_TEST((test::train(PETSC_COMM_WORLD, data, s) == optim::RunResult::diverged));
  io::RunFile f = io::RunFile::open_read(PETSC_COMM_WORLD, path);
  const optim::CheckpointInfo info = optim::read_checkpoint_info(f);
  f.close();
  BOOST_TEST(optim::to_string(info.status) == std::string("diverged"));
  BOOST_TEST(info.diverged_step > info.step);
  BOOST_TEST(info.rows == info.diverged_step);  // every finite row, one per step
}
