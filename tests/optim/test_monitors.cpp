// The curvature monitors against the dense Hessian of a small network: gᵀHg of the row equals
// gᵀ(H)g from the matrix, the predicted change is ½lr²gᵀHg − lr‖g‖², and λ_max from the
// warm-started Lanczos equals LAPACK's largest eigenvalue — with fewer H·v once warm.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>

#include "core/petsc_handle.hpp"
#include "data/synthetic.hpp"
#include "objective/curvature_operator.hpp"
#include "optim/monitor.hpp"
#include "support/dense.hpp"

using namespace terrain;

namespace {
// H as a dense matrix on every rank (column-major), from MatMatMult with the identity.
std::vector<double> dense_hessian(objective::Objective& f, Vec theta) {
  objective::CurvatureOperator H(f, theta, objective::Curvature::hessian);
  const PetscInt N = f.n_params();
  PetscInt n = 0;
  VecGetLocalSize(theta, &n);
  core::OwnedMat identity, dense;
  MatCreateDense(PETSC_COMM_WORLD, n, PETSC_DECIDE, N, N, nullptr, identity.out());
  PetscInt begin = 0, end = 0;
  MatGetOwnershipRange(identity, &begin, &end);
  for (PetscInt i = begin; i < end; ++i) MatSetValue(identity, i, i, 1.0, INSERT_VALUES);
  MatAssemblyBegin(identity, MAT_FINAL_ASSEMBLY), MatAssemblyEnd(identity, MAT_FINAL_ASSEMBLY);
  MatMatMult(H.mat(), identity, MAT_INITIAL_MATRIX, PETSC_DEFAULT, dense.out());
  std::vector<double> h = testing::replicate_dense(dense);
  return h;
}

std::vector<double> replicate(Vec x) {
  core::OwnedVec all;
  core::PetscHandle<VecScatter> to_all;
  VecScatterCreateToAll(x, to_all.out(), all.out());
  VecScatterBegin(to_all, x, all, INSERT_VALUES, SCATTER_FORWARD);
  VecScatterEnd(to_all, x, all, INSERT_VALUES, SCATTER_FORWARD);
  PetscInt n = 0;
  VecGetSize(all, &n);
  const double* a;
  VecGetArrayRead(all, &a);
  std::vector<double> v(a, a + n);
  VecRestoreArrayRead(all, &a);
  return v;
}

struct Problem {
  model::Architecture arch;
  data::Data data;
  Problem() {
    arch.widths = {3, 6, 5, 3};
    arch.activation = model::Activation::tanh;
    arch.loss = model::Loss::cross_entropy;
    arch.init_bias = 0.1;
    arch.seed = 11;
    data.train = data::synthetic_dataset(PETSC_COMM_WORLD, 37, 3, 3, true);
    data.name = "synthetic";
  }
};
}  // namespace

BOOST_AUTO_TEST_CASE(gHg_and_the_predicted_change_match_the_dense_hessian) {
  Problem p;
  objective::Objective f(PETSC_COMM_WORLD, p.arch, p.data.train);
  optim::TrainConfig config;
  config.monitor_lambda_max = true;
  config.lambda_max.tol = 1e-10;
  optim::Monitor monitor(f, p.data, config, p.arch.seed);
  core::OwnedVec theta(f.create_vec()), g;
  VecDuplicate(theta, g.out());
  f.initial_parameters(theta);
  optim::StepState s;
  s.lr = 0.3;
  s.loss = f.gradient(theta, g);
  VecDot(g, g, &s.grad_sq);
  s.grad = g;
  optim::TrainingRows rows;
  monitor.measure(s, theta, rows);

  const PetscInt N = f.n_params();
  const std::vector<double> h = dense_hessian(f, theta), gv = replicate(g);
  double ghg = 0, scale = 0;
  for (PetscInt i = 0; i < N; ++i)
    for (PetscInt j = 0; j < N; ++j)
      ghg += gv[i] * h[i + j * N] * gv[j], scale += std::abs(gv[i] * h[i + j * N] * gv[j]);
  BOOST_TEST_REQUIRE(rows.gHg.size() == 1u);
  BOOST_TEST(std::abs(rows.gHg[0] - ghg) <= 1e-12 * scale, rows.gHg[0] << " vs dense " << ghg);
  BOOST_TEST(std::abs(rows.predicted_change[0] - (0.5 * 0.09 * ghg - 0.3 * s.grad_sq)) <=
             1e-12 * scale);
  BOOST_TEST(rows.grad_norm[0] == std::sqrt(s.grad_sq));
  BOOST_TEST(std::abs(rows.accuracy[0] - f.accuracy(theta)) == 0.0);

  // λ_max of the symmetrised matrix.
  std::vector<double> sym(h);
  for (PetscInt i = 0; i < N; ++i)
    for (PetscInt j = 0; j < N; ++j) sym[i + j * N] = 0.5 * (h[i + j * N] + h[j + i * N]);
  const double top = testing::lapack_eigenvalues(sym, N).back();
  BOOST_TEST(std::abs(rows.lambda_max[0] - top) <= 1e-9 * std::abs(top),
             rows.lambda_max[0] << " vs " << top);
  BOOST_TEST(rows.lambda_max_residual[0] <= 1e-10 * std::abs(top));
  BOOST_TEST(rows.two_over_lr[0] == 2.0 / 0.3);
}

BOOST_AUTO_TEST_CASE(lambda_max_warm_starts_cost_fewer_products) {
  Problem p;
  objective::Objective f(PETSC_COMM_WORLD, p.arch, p.data.train);
  optim::LambdaMaxSettings settings;
  settings.tol = 1e-8;
  optim::LambdaMaxTracker tracker(f, settings, 5);
  core::OwnedVec theta(f.create_vec()), g;
  VecDuplicate(theta, g.out());
  f.initial_parameters(theta);
  const optim::LambdaMaxEstimate cold = tracker.estimate(theta);
  // A small gradient step moves the top eigenvector a little.
  f.gradient(theta, g);
  VecAXPY(theta, -0.01, g);
  const optim::LambdaMaxEstimate warm = tracker.estimate(theta);
  const PetscInt N = f.n_params();
  std::vector<double> h = dense_hessian(f, theta);
  for (PetscInt i = 0; i < N; ++i)
    for (PetscInt j = 0; j < i; ++j)
      h[i + j * N] = h[j + i * N] = 0.5 * (h[i + j * N] + h[j + i * N]);
  const double top = testing::lapack_eigenvalues(h, N).back();
  BOOST_TEST(cold.converged);
  BOOST_TEST(warm.converged);
  BOOST_TEST(std::abs(warm.value - top) <= 1e-9 * std::abs(top));
  BOOST_TEST(warm.hv < cold.hv, "warm " << warm.hv << " H.v, cold " << cold.hv);
  BOOST_TEST_MESSAGE("lambda_max: cold " << cold.hv << " H.v, warm " << warm.hv << " H.v");
}

BOOST_AUTO_TEST_CASE(minibatch_rows_measure_the_full_training_set) {
  Problem p;
  objective::Objective full(PETSC_COMM_WORLD, p.arch, p.data.train);
  objective::Objective batch(PETSC_COMM_WORLD, p.arch, p.data.train);
  optim::TrainConfig config;
  config.batch = 5;
  optim::Monitor monitor(full, p.data, config, p.arch.seed);
  core::OwnedVec theta(full.create_vec()), g;
  VecDuplicate(theta, g.out());
  full.initial_parameters(theta);
  batch.use_batch({0, 7, 9, 21, 36});
  optim::StepState s;
  s.lr = 0.2;
  s.loss = batch.gradient(theta, g);
  s.grad = nullptr;
  optim::TrainingRows rows;
  monitor.measure(s, theta, rows);
  objective::Objective reference(PETSC_COMM_WORLD, p.arch, p.data.train);
  const double loss = reference.gradient(theta, g);
  double norm = 0;
  VecNorm(g, NORM_2, &norm);
  BOOST_TEST(rows.loss[0] == loss);
  BOOST_TEST(rows.batch_loss[0] == s.loss);
  BOOST_TEST(std::abs(rows.grad_norm[0] - norm) <= 1e-14 * norm);
  BOOST_TEST(rows.temperature[0] == 0.2 / 10.0);
}
