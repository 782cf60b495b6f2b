// The Hessian as a PETSc operator: the dense matrix it defines is symmetric, its LAPACK
// eigenvalues are what SLEPc finds, MatMatMult equals column-wise MatMult, and every quantity
// agrees across rank counts (to rounding) and across repeated runs (bitwise).
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>

#include "core/petsc_handle.hpp"
#include "objective/curvature_operator.hpp"
#include "spectral/extreme_eigenvalues.hpp"
#include "support/dense.hpp"
#include "data/synthetic.hpp"

using namespace terrain;
using objective::Curvature;

namespace {

model::Architecture small_network(model::Activation activation, model::Loss loss) {
  model::Architecture a;
  a.widths = {3, 7, 7, 3};
  a.activation = activation;
  a.loss = loss;
  a.residual = true;
  a.init_bias = 0.2;
  a.seed = 5;
  return a;
}

// H applied to the identity, one MatMatMult: the dense Hessian (distributed, MATDENSE).
core::OwnedMat dense_operator(Mat op, PetscInt N) {
  core::OwnedMat identity, dense;
  PetscInt n = 0;
  MatGetLocalSize(op, &n, nullptr);
  MatCreateDense(PETSC_COMM_WORLD, n, PETSC_DECIDE, N, N, nullptr, identity.out());
  PetscInt begin = 0, end = 0;
  MatGetOwnershipRange(identity, &begin, &end);
  for (PetscInt i = begin; i < end; ++i) MatSetValue(identity, i, i, 1.0, INSERT_VALUES);
  MatAssemblyBegin(identity, MAT_FINAL_ASSEMBLY), MatAssemblyEnd(identity, MAT_FINAL_ASSEMBLY);
  MatMatMult(op, identity, MAT_INITIAL_MATRIX, PETSC_DEFAULT, dense.out());
  return dense;
}

double max_abs(const std::vector<double>& a) {
  double m = 0;
  for (double x : a) m = std::max(m, std::abs(x));
  return m;
}

const std::vector<std::pair<model::Activation, model::Loss>> kCases = {
    {model::Activation::tanh, model::Loss::mse},
    {model::Activation::tanh, model::Loss::cross_entropy},
    {model::Activation::relu, model::Loss::cross_entropy},
    {model::Activation::softplus, model::Loss::mse},
    {model::Activation::sigmoid, model::Loss::cross_entropy},
};

}  // namespace

BOOST_DATA_TEST_CASE(dense_hessian_is_symmetric_and_slepc_finds_its_extreme_eigenvalues,
                     boost::unit_test::data::xrange(kCases.size()), which) {
  const auto [activation, loss] = kCases[which];
  const model::Architecture arch = small_network(activation, loss);
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 23, 3, 3,
                                                         loss == model::Loss::cross_entropy);
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec theta(f.create_vec());
  f.initial_parameters(theta);
  objective::CurvatureOperator H(f, theta, Curvature::hessian);
  const PetscInt N = f.n_params();

  core::OwnedMat dense(dense_operator(H.mat(), N));
  const std::vector<double> h = testing::replicate_dense(dense);
  double asym = 0;
  for (PetscInt i = 0; i < N; ++i)
    for (PetscInt j = 0; j < N; ++j) asym = std::max(asym, std::abs(h[i + j * N] - h[j + i * N]));
  BOOST_TEST(asym <= 1e-10 * max_abs(h), activation << "/" << loss << ": asymmetry " << asym);

  // MatMatMult equals column-wise MatMult.
  core::OwnedVec e, column;
  MatCreateVecs(H.mat(), e.out(), column.out());
  double worst = 0;
  for (PetscInt j = 0; j < N; j += 5) {
    VecSet(e, 0.0);
    VecSetValue(e, j, 1.0, INSERT_VALUES);
    VecAssemblyBegin(e), VecAssemblyEnd(e);
    MatMult(H.mat(), e, column);
    PetscInt begin = 0, end = 0;
    VecGetOwnershipRange(column, &begin, &end);
    for (PetscInt i = begin; i < end; ++i) {
      double c = 0;
      VecGetValues(column, 1, &i, &c);
      worst = std::max(worst, std::abs(c - h[i + j * N]));
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, &worst, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  BOOST_TEST(worst <= 1e-13 * max_abs(h), "MatMatMult vs MatMult differ by " << worst);

  // SLEPc's extreme eigenvalues against LAPACK on the symmetrised dense matrix.
  std::vector<double> sym(h);
  for (PetscInt i = 0; i < N; ++i)
    for (PetscInt j = 0; j < N; ++j) sym[i + j * N] = 0.5 * (h[i + j * N] + h[j + i * N]);
  const std::vector<double> all = testing::lapack_eigenvalues(sym, N);
  spectral::EigenSettings settings;
  settings.nev = 4;
  const auto top = spectral::extreme_eigenpairs(H.mat(), spectral::End::largest, settings);
  const auto bottom = spectral::extreme_eigenpairs(H.mat(), spectral::End::smallest, settings);
  BOOST_TEST_REQUIRE(top.values.size() == 4u);
  BOOST_TEST_REQUIRE(bottom.values.size() == 4u);
  for (int i = 0; i < 4; ++i) {
    BOOST_TEST(std::abs(top.values[i] - all[N - 1 - i]) <= 1e-8, "largest " << i);
    BOOST_TEST(std::abs(bottom.values[i] - all[i]) <= 1e-8, "smallest " << i);
    BOOST_TEST(top.residuals[i] <= 1e-9);
    BOOST_TEST(bottom.residuals[i] <= 1e-9);
  }
}

// The distributed results equal a one-rank computation of the same problem to rounding, and a
// second run at the same rank count reproduces every bit.
BOOST_AUTO_TEST_CASE(results_agree_across_rank_counts_and_repeat_bitwise) {
  const model::Architecture arch = small_network(model::Activation::tanh, model::Loss::cross_entropy);
  const data::Dataset shard = data::synthetic_dataset(PETSC_COMM_WORLD, 101, 3, 3, true);
  const data::Dataset whole = data::synthetic_dataset(PETSC_COMM_SELF, 101, 3, 3, true);

  auto run = [&](MPI_Comm comm, const data::Dataset& d) {
    objective::Objective f(comm, arch, d);
    core::OwnedVec theta(f.create_vec()), g, v, hv;
    VecDuplicate(theta, g.out()), VecDuplicate(theta, v.out()), VecDuplicate(theta, hv.out());
    f.initial_parameters(theta);
    VecCopy(theta, v);  // any fixed direction will do
    const double loss = f.gradient(theta, g);
    f.curvature_product(Curvature::hessian, theta, v, hv);
    std::vector<double> out{loss};
    for (Vec x : {g.get(), hv.get()}) {
      core::OwnedMat wrap;  // gather through a one-column dense matrix
      PetscInt n = 0;
      VecGetLocalSize(x, &n);
      const double* a;
      VecGetArrayRead(x, &a);
      MatCreateDense(comm, n, PETSC_DECIDE, f.n_params(), 1, const_cast<double*>(a), wrap.out());
      const std::vector<double> all = testing::replicate_dense(wrap);
      out.insert(out.end(), all.begin(), all.end());
      VecRestoreArrayRead(x, &a);
    }
    return out;
  };
  const std::vector<double> distributed = run(PETSC_COMM_WORLD, shard);
  const std::vector<double> again = run(PETSC_COMM_WORLD, shard);
  const std::vector<double> serial = run(PETSC_COMM_SELF, whole);
  BOOST_TEST(std::equal(distributed.begin(), distributed.end(), again.begin()),
             "same rank count must be bitwise reproducible");
  double worst = 0;
  for (std::size_t i = 0; i < serial.size(); ++i)
    worst = std::max(worst, std::abs(distributed[i] - serial[i]) / (std::abs(serial[i]) + 1e-3 * max_abs(serial)));
  MPI_Allreduce(MPI_IN_PLACE, &worst, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  BOOST_TEST(worst <= 1e-12, "rank-count disagreement " << worst);
}
