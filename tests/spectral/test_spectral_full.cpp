// The dense Hessian assembled from blocks of H·E products, its eigenvalues by ScaLAPACK and by
// SLEPc's dense solvers against LAPACK, inertia counts from the spectrum against Sylvester's law
// (MUMPS LDLᵀ at ±τ), on network Hessians and on matrices with known counts, and the same
// spectrum at every rank count.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "core/petsc_handle.hpp"
#include "data/synthetic.hpp"
#include "objective/curvature_operator.hpp"
#include "spectral/analysis.hpp"
#include "spectral/dense_eigenvalues.hpp"
#include "spectral/inertia.hpp"
#include "spectral_support.hpp"

using namespace terrain;
using objective::Curvature;

namespace {

struct Point {
  model::Activation activation;
  model::Loss loss;
  PetscInt steps;
};

std::ostream& operator<<(std::ostream& os, const Point& p) {
  return os << p.activation << "/" << p.loss << "/" << p.steps << " steps";
}

const std::vector<Point> kPoints = {
    {model::Activation::tanh, model::Loss::mse, 0},
    {model::Activation::tanh, model::Loss::cross_entropy, 400},
    {model::Activation::relu, model::Loss::mse, 400},
    {model::Activation::softplus, model::Loss::cross_entropy, 0},
    {model::Activation::sigmoid, model::Loss::mse, 400},
};

// A distributed dense symmetric matrix Q diag(d) Q with the Householder reflection
// Q = I − 2 u uᵀ/‖u‖², so the eigenvalues are exactly d but no entry shows them.
core::OwnedMat reflected_diagonal(const std::vector<double>& d) {
  const PetscInt N = static_cast<PetscInt>(d.size());
  std::vector<double> u(N);
  double uu = 0;
  for (PetscInt i = 0; i < N; ++i) uu += (u[i] = 1.0 + 0.37 * i) * u[i];
  core::OwnedMat A;
  TERRAIN_PETSC(MatCreateDense(PETSC_COMM_WORLD, PETSC_DECIDE, PETSC_DECIDE, N, N, nullptr, A.out()));
  PetscInt begin = 0, end = 0;
  TERRAIN_PETSC(MatGetOwnershipRange(A, &begin, &end));
  // (Q D Q)_ij = d_i δ_ij − 2u_i u_j (d_i + d_j)/uu + 4 u_i u_j (Σ_k d_k u_k²)/uu².
  double s = 0;
  for (PetscInt k = 0; k < N; ++k) s += d[k] * u[k] * u[k];
  for (PetscInt i = begin; i < end; ++i)
    for (PetscInt j = 0; j < N; ++j) {
      const double v = (i == j ? d[i] : 0.0) - 2 * u[i] * u[j] * (d[i] + d[j]) / uu +
                       4 * u[i] * u[j] * s / (uu * uu);
      TERRAIN_PETSC(MatSetValue(A, i, j, v, INSERT_VALUES));
    }
  TERRAIN_PETSC(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  TERRAIN_PETSC(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  return A;
}

bool same_counts(const spectral::Inertia& a, const spectral::Inertia& b) {
  return a.n_neg == b.n_neg && a.n_zero == b.n_zero && a.n_pos == b.n_pos;
}

}  // namespace

BOOST_DATA_TEST_CASE(dense_eigenvalues_and_both_inertias_agree,
                     boost::unit_test::data::xrange(kPoints.size()), which) {
  const Point p = kPoints[which];
  const model::Architecture arch = test::network({3, 8, 6, 3}, p.activation, p.loss);
  const data::Dataset train =
      data::synthetic_dataset(PETSC_COMM_WORLD, 30, 3, 3, p.loss == model::Loss::cross_entropy);
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec theta(f.create_vec());
  f.initial_parameters(theta);
  test::descend(f, theta, p.steps, 0.2);
  objective::CurvatureOperator H(f, theta, Curvature::hessian);
  const std::vector<double> lapack = test::dense_spectrum(H.mat());
  const double scale = test::max_abs(lapack);

  // Assembly block sizes do not matter, and the result is symmetric to rounding.
  core::OwnedMat dense(objective::assemble_dense(H.mat(), 7));
  const double asymmetry = objective::asymmetry(dense);
  BOOST_TEST(asymmetry <= 1e-13, p << ": asymmetry " << asymmetry);
  {
    core::OwnedMat one_block(objective::assemble_dense(H.mat(), 1000));
    const std::vector<double> a = testing::replicate_dense(dense),
                              b = testing::replicate_dense(one_block);
    double diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff = std::max(diff, std::abs(a[i] - b[i]));
    BOOST_TEST(diff <= 1e-14 * scale, p << ": block size changes the matrix by " << diff);
  }

  for (auto solver : {spectral::DenseSolver::scalapack, spectral::DenseSolver::slepc}) {
    std::string used;
    const std::vector<double> values = spectral::dense_eigenvalues(dense, solver, &used);
    BOOST_TEST_REQUIRE(values.size() == lapack.size());
    double worst = 0;
    for (std::size_t i = 0; i < values.size(); ++i)
      worst = std::max(worst, std::abs(values[i] - lapack[i]));
    BOOST_TEST(worst <= 1e-12 * scale, p << ": " << used << " differs from LAPACK by " << worst);
  }

  // Counts at τ = 1e-9 max|λ| (the driver's default) and at a τ inside the spectrum.
  for (double tol : {1e-9 * scale, 0.5 * std::abs(lapack[lapack.size() / 2]) + 1e-9 * scale}) {
    const spectral::Inertia from_values = spectral::inertia_from_eigenvalues(lapack, tol);
    const spectral::Inertia sylvester = spectral::sylvester_inertia(dense, tol);
    BOOST_TEST(same_counts(from_values, sylvester),
               p << " tau " << tol << ": eigenvalues give " << from_values.n_neg << "/"
                 << from_values.n_zero << "/" << from_values.n_pos << ", Sylvester "
                 << sylvester.n_neg << "/" << sylvester.n_zero << "/" << sylvester.n_pos);
    BOOST_TEST(from_values.n_neg + from_values.n_zero + from_values.n_pos == f.n_params());
  }
}

BOOST_AUTO_TEST_CASE(inertia_of_matrices_with_known_counts) {
  // 3 negative, 4 zero (two of them at ±1e-12, inside τ = 1e-6), 5 positive.
  const std::vector<double> d = {-2.0,   -1.0, -1e-3, 0.0, 0.0, 1e-12,
                                 -1e-12, 1e-3, 0.5,   1.0, 2.0, 7.0};
  core::OwnedMat A(reflected_diagonal(d));
  for (auto solver : {spectral::DenseSolver::scalapack, spectral::DenseSolver::slepc}) {
    const spectral::Inertia c =
        spectral::inertia_from_eigenvalues(spectral::dense_eigenvalues(A, solver), 1e-6);
    BOOST_TEST(c.n_neg == 3);
    BOOST_TEST(c.n_zero == 4);
    BOOST_TEST(c.n_pos == 5);
  }
  const spectral::Inertia s = spectral::sylvester_inertia(A, 1e-6);
  BOOST_TEST(s.n_neg == 3);
  BOOST_TEST(s.n_zero == 4);
  BOOST_TEST(s.n_pos == 5);
  // τ between 1e-3 and 0.5 moves ±1e-3 into the zero count.
  const spectral::Inertia wide = spectral::sylvester_inertia(A, 0.1);
  BOOST_TEST(wide.n_neg == 2);
  BOOST_TEST(wide.n_zero == 6);
  BOOST_TEST(wide.n_pos == 4);
}

BOOST_AUTO_TEST_CASE(full_spectrum_agrees_across_rank_counts) {
  const model::Architecture arch =
      test::network({2, 10, 10, 2}, model::Activation::tanh, model::Loss::mse);
  const data::Dataset shard = data::synthetic_dataset(PETSC_COMM_WORLD, 50, 2, 2, false);
  const data::Dataset whole = data::synthetic_dataset(PETSC_COMM_SELF, 50, 2, 2, false);
  auto spectrum = [&](MPI_Comm comm, const data::Dataset& d) {
    objective::Objective f(comm, arch, d);
    core::OwnedVec theta(f.create_vec());
    f.initial_parameters(theta);
    test::descend(f, theta, 200, 0.2);
    objective::CurvatureOperator H(f, theta, Curvature::hessian);
    core::OwnedMat dense(objective::assemble_dense(H.mat(), 16));
    const std::vector<double> values =
        spectral::dense_eigenvalues(dense, spectral::DenseSolver::automatic);
    return values;
  };
  const std::vector<double> distributed = spectrum(PETSC_COMM_WORLD, shard);
  const std::vector<double> serial = spectrum(PETSC_COMM_SELF, whole);
  BOOST_TEST_REQUIRE(distributed.size() == serial.size());
  double worst = 0;
  for (std::size_t i = 0; i < serial.size(); ++i)
    worst = std::max(worst, std::abs(distributed[i] - serial[i]));
  worst = test::world_max(worst / test::max_abs(serial));
  BOOST_TEST(worst <= 1e-12, "rank-count disagreement " << worst);
}

BOOST_AUTO_TEST_CASE(dense_hessian_above_the_limit_is_an_input_error_naming_the_option) {
  const model::Architecture arch =
      test::network({2, 10, 2}, model::Activation::tanh, model::Loss::mse);
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 20, 2, 2, false);
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec theta(f.create_vec());
  f.initial_parameters(theta);
  spectral::EigenOptions eigen;
  for (bool inertia : {false, true}) {
    spectral::SpectrumOptions options;
    (inertia ? options.inertia : options.full) = true;
    options.full_max = 10;
    spectral::Analysis analysis(f, train, theta, eigen, options);
    const std::string option = inertia ? "-spectrum_inertia" : "-spectrum_full";
    BOOST_CHECK_EXCEPTION(analysis.run(), core::InputError, [&](const core::InputError& e) {
      const std::string m = e.what();
      return m.find(option) != std::string::npos &&
             m.find("-spectrum_full_max 10") != std::string::npos &&
             m.find("52 parameters") != std::string::npos;
    });
  }
}
