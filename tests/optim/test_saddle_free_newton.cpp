// Saddle-free Newton (optim/saddle_free_newton.hpp and -train_optimizer sfn), against oracles:
// the Newton step from a LAPACK solve of the dense Hessian on a convex quadratic (k = n, δ = 0),
// escape from a strict saddle whose index the dense Hessian confirms, and a training run that
// restarts bitwise and writes its trajectory.
#include <petscsys.h>
#include <petscblaslapack.h>

#include <array>
#include <cmath>
#include <vector>

#include "core/petsc_handle.hpp"
#include "data/load_data.hpp"
#include "objective/curvature_operator.hpp"
#include "objective/replicated.hpp"
#include "optim/newton_krylov.hpp"
#include "optim/saddle_free_newton.hpp"
#include "spectral/spectral_support.hpp"
#include "training_support.hpp"

using namespace terrain;
using test::ScratchCleanup;
BOOST_TEST_GLOBAL_FIXTURE(ScratchCleanup);

// L of one linear layer with MSE is a convex quadratic: with the whole Krylov space (k = n) and
// no damping, d = H⁻¹g, the Newton step, here from LAPACK's solve of the dense Hessian.
BOOST_AUTO_TEST_CASE(sfn_on_a_convex_quadratic_is_the_newton_step) {
  data::DataConfig c;
  c.source = data::Source::teacher;
  c.teacher_widths = {3, 4, 2};
  c.n = 30;
  c.seed = 2;
  const data::Data d = data::load_data(PETSC_COMM_WORLD, c);
  objective::Objective f(PETSC_COMM_WORLD,
                         test::network({3, 2}, model::Activation::linear, model::Loss::mse),
                         d.train);
  const PetscInt n = f.n_params();
  core::OwnedVec theta(f.create_vec()), g(f.create_vec()), dir(f.create_vec());
  f.initial_parameters(theta);
  f.gradient(theta, g);
  const optim::SaddleFreeDirection s = optim::saddle_free_direction(f, theta, g, {n, 0.0}, dir);
  BOOST_TEST(s.negative_ritz == 0);
  BOOST_TEST(s.n_matvec == s.krylov_size);

  objective::CurvatureOperator h(f, theta, objective::Curvature::hessian);
  std::vector<double> H = test::gathered_dense(h.mat()), x = objective::replicate(g);
  PetscBLASInt nn = PetscBLASInt(n), one = 1, info = 0;
  std::vector<PetscBLASInt> piv(n);
  LAPACKgesv_(&nn, &one, H.data(), &nn, piv.data(), x.data(), &nn, &info);
  BOOST_TEST_REQUIRE(info == 0);
  const std::vector<double> got = objective::replicate(dir);
  double diff = 0, scale = 0;
  for (PetscInt i = 0; i < n; ++i) {
    diff = std::max(diff, std::abs(got[i] - x[i]));
    scale = std::max(scale, std::abs(x[i]));
  }
  BOOST_TEST(test::world_max(diff) <= 1e-10 * scale);
}

// The origin of a 1-2-1 linear network without biases is a strict saddle of index 2 (the dense
// Hessian says so). Newton from a nearby start converges to it (test_newton_krylov); saddle-free
// Newton from the same start goes downhill every step and ends far from it, below its loss.
BOOST_AUTO_TEST_CASE(sfn_leaves_a_saddle_that_newton_converges_to) {
  data::DataConfig c;
  c.source = data::Source::target1d;
  c.n = 50;
  c.seed = 5;
  const data::Data d = data::load_data(PETSC_COMM_WORLD, c);
  objective::Objective f(
      PETSC_COMM_WORLD, test::network({1, 2, 1}, model::Activation::linear, model::Loss::mse, false),
      d.train);
  core::OwnedVec theta(f.create_vec()), g(f.create_vec()), dir(f.create_vec());
  TERRAIN_PETSC(VecSet(theta, 0.0));
  const double saddle_loss = f.loss(theta);
  {
    objective::CurvatureOperator h(f, theta, objective::Curvature::hessian);
    int n_neg = 0;
    for (double l : test::dense_spectrum(h.mat())) n_neg += l < -1e-9;
    BOOST_TEST(n_neg == 2);
  }
  const PetscInt idx[4] = {0, 1, 2, 3};
  const double start[4] = {0.01, -0.02, 0.015, 0.005};
  TERRAIN_PETSC(VecSetValues(theta, 4, idx, start, INSERT_VALUES));
  TERRAIN_PETSC(VecAssemblyBegin(theta));
  TERRAIN_PETSC(VecAssemblyEnd(theta));
  double loss = f.gradient(theta, g);
  BOOST_TEST(std::abs(loss - saddle_loss) < 1e-3);
  bool negative_seen = false;
  PetscReal gnorm = 1;
  for (int k = 0; k < 20 && gnorm > 1e-9; ++k) {
    const optim::SaddleFreeDirection s = optim::saddle_free_direction(f, theta, g, {4, 1e-3}, dir);
    negative_seen = negative_seen || s.negative_ritz > 0;
    // Backtracking on the loss, as terrain-critical's escape phase does.
    double t = 1;
    TERRAIN_PETSC(VecAXPY(theta, -t, dir));
    for (int b = 0; b < 30 && f.loss(theta) >= loss; ++b, t *= 0.5)
      TERRAIN_PETSC(VecAXPY(theta, 0.5 * t, dir));
    const double next = f.gradient(theta, g);
    TERRAIN_PETSC(VecNorm(g, NORM_2, &gnorm));
    BOOST_TEST(next <= loss, "step " << k << ": " << loss << " -> " << next);
    loss = next;
  }
  BOOST_TEST(negative_seen);
  PetscReal norm = 0;
  TERRAIN_PETSC(VecNorm(theta, NORM_2, &norm));
  BOOST_TEST(norm > 0.5);
  BOOST_TEST(loss < 0.9 * saddle_loss, loss << " vs the saddle's " << saddle_loss);
}

// -train_optimizer sfn: the run interrupted after 10 steps and continued is bitwise the run
// done in one go, and the trajectory has its rows and snapshots.
BOOST_AUTO_TEST_CASE(sfn_training_restarts_bitwise_and_writes_the_trajectory) {
  const data::Data data = test::target_data(PETSC_COMM_WORLD);
  const std::string full = test::scratch("sfn_full.h5"), part = test::scratch("sfn_part.h5");
  optim::RunSpec spec = test::small_spec(optim::Method::sfn, 0, full);
  spec.train.steps = 20;
  spec.train.schedule.horizon = 20;
  spec.train.schedule.lr = 0.5;
  spec.train.optimizer.sfn = {8, 1e-3};
  BOOST_TEST_REQUIRE((test::train(PETSC_COMM_WORLD, data, spec) == optim::RunResult::finished));
  const std::vector<double> loss = test::read_all(PETSC_COMM_WORLD, full, "/trajectory/loss");
  BOOST_TEST_REQUIRE(loss.size() == 5u);  // steps 0, 5, 10, 15, 20
  BOOST_TEST(loss.back() < 0.5 * loss.front());
  // The saddle-free steps are really taken: GD at the same rate gets nowhere near.
  optim::RunSpec gd = spec;
  gd.train.optimizer.method = optim::Method::gd;
  gd.train.output = test::scratch("gd.h5");
  test::train(PETSC_COMM_WORLD, data, gd);
  const double gd_loss = test::read_all(PETSC_COMM_WORLD, gd.train.output, "/trajectory/loss").back();
  BOOST_TEST(loss.back() < 0.1 * gd_loss, loss.back() << " vs GD's " << gd_loss);
  BOOST_TEST(test::read_all(PETSC_COMM_WORLD, full, "/trajectory/params").size() ==
             3u * std::size_t(test::read_all(PETSC_COMM_WORLD, full, "/params").size()));

  optim::RunSpec first = spec;
  first.train.output = part;
  first.train.steps = 10;
  test::train(PETSC_COMM_WORLD, data, first);
  optim::RunSpec second = spec;
  second.train.output = second.train.restart = part;
  second.train.checkpoint_every = 3;
  BOOST_TEST_REQUIRE((test::train(PETSC_COMM_WORLD, data, second) == optim::RunResult::finished));
  BOOST_TEST(test::result_difference(PETSC_COMM_WORLD, full, part) == 0.0);
}
