// Oracles for every derivative the objective computes: central differences of the loss and
// of the gradient, for every activation × loss × bias × residual combination.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "core/petsc_handle.hpp"
#include "model/predict.hpp"
#include "objective/finite_differences.hpp"
#include "core/rng.hpp"
#include "data/synthetic.hpp"
#include "support/network_cases.hpp"

using namespace terrain;

namespace {

using Case = testing::NetworkCase;

model::Architecture architecture(const Case& c) {
  model::Architecture a;
  a.widths = {3, 6, 6, 4};  // the 6→6 layer carries the skip when residual
  a.activation = c.activation;
  a.loss = c.loss;
  a.bias = c.bias;
  a.residual = c.residual;
  a.init_scale = 1.0;
  a.init_bias = 0.1;
  a.seed = 11;
  return a;
}

void random_direction(Vec v, std::uint64_t seed) {
  PetscInt begin = 0, end = 0;
  VecGetOwnershipRange(v, &begin, &end);
  double* a = nullptr;
  VecGetArrayWrite(v, &a);
  for (PetscInt i = begin; i < end; ++i) a[i - begin] = core::normal(seed, core::Stream::test_vector, i);
  VecRestoreArrayWrite(v, &a);
}

// θ ± h·e_i for every i: the full central-difference gradient.
void fd_gradient(objective::Objective& f, Vec theta, Vec fd, double h) {
  core::OwnedVec t;
  VecDuplicate(theta, t.out());
  PetscInt begin = 0, end = 0;
  VecGetOwnershipRange(theta, &begin, &end);
  for (PetscInt i = 0; i < f.n_params(); ++i) {
    VecCopy(theta, t);
    if (i >= begin && i < end) VecSetValue(t, i, h, ADD_VALUES);
    VecAssemblyBegin(t), VecAssemblyEnd(t);
    const double plus = f.loss(t);
    VecCopy(theta, t);
    if (i >= begin && i < end) VecSetValue(t, i, -h, ADD_VALUES);
    VecAssemblyBegin(t), VecAssemblyEnd(t);
    const double minus = f.loss(t);
    if (i >= begin && i < end) VecSetValue(fd, i, (plus - minus) / (2 * h), INSERT_VALUES);
  }
  VecAssemblyBegin(fd), VecAssemblyEnd(fd);
}

}  // namespace

BOOST_DATA_TEST_CASE(gradient_and_hessian_match_central_differences,
                     boost::unit_test::data::make(testing::all_network_cases()), c) {
  const model::Architecture arch = architecture(c);
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 17, 3, 4,
                                                         c.loss == model::Loss::cross_entropy);
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec theta(f.create_vec()), g, fd, v, hv;
  f.initial_parameters(theta);
  VecDuplicate(theta, g.out()), VecDuplicate(theta, fd.out()), VecDuplicate(theta, v.out()), VecDuplicate(theta, hv.out());

  f.gradient(theta, g);
  fd_gradient(f, theta, fd, 1e-5);
  BOOST_TEST(objective::relative_difference(fd, g) <= 1e-6, c << ": gradient vs central differences");

  random_direction(v, 3);
  f.curvature_product(objective::Curvature::hessian, theta, v, hv);
  objective::central_difference_hessian_product(f, theta, v, 1e-5, fd);
  BOOST_TEST(objective::relative_difference(fd, hv) <= 1e-6, c << ": H·v vs central differences of ∇L");

}

// For the mean squared error the Gauss–Newton product is Jᵀ(Jv)/N, and Jᵀu/N is the gradient
// of the loss with targets f(θ) − u: an oracle built from predictions and gradients alone.
BOOST_DATA_TEST_CASE(gauss_newton_matches_jacobian_oracle,
                     boost::unit_test::data::make(std::vector<model::Activation>{
                         model::Activation::relu, model::Activation::tanh, model::Activation::softplus}),
                     activation) {
  model::Architecture arch = architecture({activation, model::Loss::mse, true, true});
  data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 17, 3, 4, false);
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec theta(f.create_vec()), v, gv, oracle, shifted;
  f.initial_parameters(theta);
  VecDuplicate(theta, v.out()), VecDuplicate(theta, gv.out()), VecDuplicate(theta, oracle.out()), VecDuplicate(theta, shifted.out());
  random_direction(v, 5);
  f.curvature_product(objective::Curvature::gauss_newton, theta, v, gv);

  // J v by central differences of the local predictions.
  const double h = 1e-5;
  std::vector<double> all(f.n_params());
  auto replicated = [&](Vec x) {
    core::OwnedVec seq;
    core::PetscHandle<VecScatter> scatter;
    VecScatterCreateToAll(x, scatter.out(), seq.out());
    VecScatterBegin(scatter, x, seq, INSERT_VALUES, SCATTER_FORWARD);
    VecScatterEnd(scatter, x, seq, INSERT_VALUES, SCATTER_FORWARD);
    const double* a;
    VecGetArrayRead(seq, &a);
    std::vector<double> r(a, a + f.n_params());
    VecRestoreArrayRead(seq, &a);
    return r;
  };
  const PetscInt n = train.n_local, k = 4;
  std::vector<double> fp(n * k), fm(n * k), f0(n * k);
  VecWAXPY(shifted, h, v, theta);
  model::predict(arch, replicated(shifted).data(), train.X.data(), n, fp.data());
  VecWAXPY(shifted, -h, v, theta);
  model::predict(arch, replicated(shifted).data(), train.X.data(), n, fm.data());
  model::predict(arch, replicated(theta).data(), train.X.data(), n, f0.data());
  for (PetscInt i = 0; i < n * k; ++i) train.Y[i] = f0[i] - (fp[i] - fm[i]) / (2 * h);
  objective::Objective g(PETSC_COMM_WORLD, arch, train);
  g.gradient(theta, oracle);
  BOOST_TEST(objective::relative_difference(gv, oracle) <= 1e-6, model::to_string(activation));
}
