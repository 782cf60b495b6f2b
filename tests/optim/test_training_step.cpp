// One step of the trainer against its definition: the update uses the clipped gradient
// (‖Δθ‖ = lr·clip when ‖g‖ > clip), L2 weight decay, the schedule's rate of that step (recorded
// in the row), and a gradient below the clip norm is left alone.
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "core/petsc_handle.hpp"
#include "optim/trainer.hpp"
#include "training_support.hpp"

using namespace terrain;

namespace {
// θ1 − θ0 after one step of `config` from the initial weights; also ∇L(θ0) and the rows.
struct OneStep {
  double step_norm = 0, grad_norm = 0, dot = 0;  // ‖Δθ‖, ‖g‖, ⟨Δθ, g⟩
  optim::TrainingRows rows;
};

OneStep one_step(optim::TrainConfig config, const optim::RunSpec& spec, const data::Data& data) {
  config.steps = 1;
  config.validate();
  optim::Trainer trainer(PETSC_COMM_WORLD, spec.arch, data, config, false);
  trainer.objective().initial_parameters(trainer.theta());
  core::OwnedVec theta0, g;
  VecDuplicate(trainer.theta(), theta0.out());
  VecDuplicate(trainer.theta(), g.out());
  VecCopy(trainer.theta(), theta0);
  trainer.objective().gradient(theta0, g);
  trainer.run([](PetscInt) {}, [] { return false; });
  OneStep r;
  VecAYPX(theta0, -1.0, trainer.theta());  // Δθ
  VecNorm(theta0, NORM_2, &r.step_norm);
  VecNorm(g, NORM_2, &r.grad_norm);
  VecDot(theta0, g, &r.dot);
  r.rows = trainer.pending_rows();
  return r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(clipping_weight_decay_and_the_schedule_enter_the_step) {
  const data::Data data = test::target_data(PETSC_COMM_WORLD);
  const optim::RunSpec spec = test::small_spec(optim::Method::gd, 0, "unused.h5");
  optim::TrainConfig c = spec.train;
  c.monitor_lambda_max = false;
  c.monitor_every = 1;
  c.schedule.lr = 0.2;

  // No clipping: Δθ = −lr g exactly.
  const OneStep plain = one_step(c, spec, data);
  BOOST_TEST(std::abs(plain.step_norm - 0.2 * plain.grad_norm) <= 1e-14 * plain.step_norm);
  BOOST_TEST(plain.rows.lr[0] == 0.2);

  // Clipped to a tenth of the gradient norm: Δθ = −lr·clip·g/‖g‖.
  c.clip_norm = 0.1 * plain.grad_norm;
  const OneStep clipped = one_step(c, spec, data);
  BOOST_TEST(std::abs(clipped.step_norm - 0.2 * c.clip_norm) <= 1e-13 * clipped.step_norm);
  BOOST_TEST(std::abs(clipped.dot + clipped.step_norm * clipped.grad_norm) <=
             1e-12 * clipped.step_norm * clipped.grad_norm);
  // A clip norm above ‖g‖ changes nothing.
  c.clip_norm = 2 * plain.grad_norm;
  BOOST_TEST(one_step(c, spec, data).step_norm == plain.step_norm);
  c.clip_norm = 0;

  // Weight decay adds lr·wd·θ0 to the step: ⟨Δθ, g⟩ = −lr(‖g‖² + wd⟨θ0, g⟩).
  c.optimizer.weight_decay = 0.5;
  const OneStep decayed = one_step(c, spec, data);
  BOOST_TEST(std::abs(decayed.step_norm - plain.step_norm) > 1e-3 * plain.step_norm);
  c.optimizer.weight_decay = 0;

  // Warm-up: the first step runs at lr/warmup, and the row says so.
  c.schedule.warmup = 4;
  const OneStep warm = one_step(c, spec, data);
  BOOST_TEST(warm.rows.lr[0] == 0.05);
  BOOST_TEST(std::abs(warm.step_norm - 0.05 * warm.grad_norm) <= 1e-14 * warm.step_norm);
}
