// Extreme eigenpairs of the Hessian (and Gauss–Newton matrix) against LAPACK on the dense matrix,
// for every activation and loss, at the initial point and after gradient descent: eigenvalues to
// 1e-8, reported residuals equal to residuals recomputed from the returned eigenvectors, and the
// same eigenvalues at every rank count.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "core/petsc_handle.hpp"
#include "data/synthetic.hpp"
#include "objective/curvature_operator.hpp"
#include "spectral/extreme_eigenvalues.hpp"
#include "spectral_support.hpp"

using namespace terrain;
using objective::Curvature;

namespace {

struct Case {
  model::Activation activation;
  model::Loss loss;
  bool trained;
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  return os << c.activation << "/" << c.loss << (c.trained ? "/trained" : "/initial");
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (auto a : {model::Activation::linear, model::Activation::relu, model::Activation::tanh,
                 model::Activation::sigmoid, model::Activation::softplus})
    for (auto l : {model::Loss::mse, model::Loss::cross_entropy})
      for (bool trained : {false, true}) cases.push_back({a, l, trained});
  return cases;
}
const std::vector<Case> kCases = all_cases();

// ‖A v − λ v‖ with one MatMult, independent of the residuals extreme_eigenpairs reports.
double residual(Mat A, Vec v, double lambda) {
  core::OwnedVec av;
  TERRAIN_PETSC(VecDuplicate(v, av.out()));
  TERRAIN_PETSC(MatMult(A, v, av));
  TERRAIN_PETSC(VecAXPY(av, -lambda, v));
  double r = 0;
  TERRAIN_PETSC(VecNorm(av, NORM_2, &r));
  return r;
}

void check_against_lapack(Mat op, const std::string& what) {
  const std::vector<double> all = test::dense_spectrum(op);
  const PetscInt N = static_cast<PetscInt>(all.size());
  spectral::EigenSettings settings;
  settings.nev = 4;
  core::VecList top_vectors, bottom_vectors;
  const auto top = spectral::extreme_eigenpairs(op, spectral::End::largest, settings, &top_vectors);
  const auto bottom =
      spectral::extreme_eigenpairs(op, spectral::End::smallest, settings, &bottom_vectors);
  BOOST_TEST_REQUIRE(top.values.size() == 4u, what);
  BOOST_TEST_REQUIRE(bottom.values.size() == 4u, what);
  for (int i = 0; i < 4; ++i) {
    BOOST_TEST(std::abs(top.values[i] - all[N - 1 - i]) <= 1e-8,
               what << ": largest " << i << " " << top.values[i] << " vs " << all[N - 1 - i]);
    BOOST_TEST(std::abs(bottom.values[i] - all[i]) <= 1e-8,
               what << ": smallest " << i << " " << bottom.values[i] << " vs " << all[i]);
    for (auto [pairs, vectors] :
         {std::pair{&top, &top_vectors}, std::pair{&bottom, &bottom_vectors}}) {
      const double reported = pairs->residuals[i];
      const double recomputed = residual(op, (*vectors)[i], pairs->values[i]);
      BOOST_TEST(reported <= 1e-9, what << ": residual " << reported);
      BOOST_TEST(std::abs(reported - recomputed) <= 1e-12 + 1e-6 * recomputed,
                 what << ": reported residual " << reported << ", recomputed " << recomputed);
    }
  }
}

}  // namespace

BOOST_DATA_TEST_CASE(extreme_eigenpairs_match_lapack, boost::unit_test::data::xrange(kCases.size()),
                     which) {
  const Case c = kCases[which];
  const model::Architecture arch = test::network({3, 6, 5, 3}, c.activation, c.loss);
  const data::Dataset train =
      data::synthetic_dataset(PETSC_COMM_WORLD, 40, 3, 3, c.loss == model::Loss::cross_entropy);
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec theta(f.create_vec());
  f.initial_parameters(theta);
  if (c.trained) test::descend(f, theta, 300, 0.2);
  objective::CurvatureOperator H(f, theta, Curvature::hessian);
  std::ostringstream what;
  what << c;
  check_against_lapack(H.mat(), what.str());
}

BOOST_AUTO_TEST_CASE(gauss_newton_eigenpairs_match_lapack) {
  const model::Architecture arch =
      test::network({3, 6, 5, 3}, model::Activation::tanh, model::Loss::cross_entropy);
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 100, 3, 3, true);
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec theta(f.create_vec());
  f.initial_parameters(theta);
  objective::CurvatureOperator G(f, theta, Curvature::gauss_newton);
  const std::vector<double> all = test::dense_spectrum(G.mat());
  const PetscInt N = static_cast<PetscInt>(all.size());
  // Positive semi-definite, with the 1 + 5 exact zeros of softmax's shift invariance (output
  // bias and output weights moved together). Next to them the smallest end cannot converge to
  // an absolute 1e-10 (the next eigenvalue is 1e-8), so only the largest end is compared.
  BOOST_TEST(all.front() >= -1e-12 * test::max_abs(all));
  BOOST_TEST(std::abs(all[5]) <= 1e-12 * test::max_abs(all));
  spectral::EigenSettings settings;
  settings.nev = 4;
  const auto top = spectral::extreme_eigenpairs(G.mat(), spectral::End::largest, settings);
  BOOST_TEST_REQUIRE(top.values.size() == 4u);
  for (int i = 0; i < 4; ++i) {
    BOOST_TEST(std::abs(top.values[i] - all[N - 1 - i]) <= 1e-8);
    BOOST_TEST(top.residuals[i] <= 1e-9);
  }
}

// The distributed operator and a one-rank copy of the whole problem give the same extreme
// eigenvalues, and so do the tuned defaults and SLEPc's own (-hess_eps_ncv given).
BOOST_AUTO_TEST_CASE(extreme_eigenvalues_agree_across_rank_counts_and_settings) {
  const model::Architecture arch =
      test::network({4, 12, 12, 3}, model::Activation::tanh, model::Loss::cross_entropy);
  const data::Dataset shard = data::synthetic_dataset(PETSC_COMM_WORLD, 90, 4, 3, true);
  const data::Dataset whole = data::synthetic_dataset(PETSC_COMM_SELF, 90, 4, 3, true);
  spectral::EigenSettings settings;
  settings.nev = 6;
  auto solve = [&](MPI_Comm comm, const data::Dataset& d) {
    objective::Objective f(comm, arch, d);
    core::OwnedVec theta(f.create_vec());
    f.initial_parameters(theta);
    test::descend(f, theta, 100, 0.3);
    objective::CurvatureOperator H(f, theta, Curvature::hessian);
    auto top = spectral::extreme_eigenpairs(H.mat(), spectral::End::largest, settings);
    auto bottom = spectral::extreme_eigenpairs(H.mat(), spectral::End::smallest, settings);
    top.values.insert(top.values.end(), bottom.values.begin(), bottom.values.end());
    return top.values;
  };
  const std::vector<double> distributed = solve(PETSC_COMM_WORLD, shard);
  const std::vector<double> serial = solve(PETSC_COMM_SELF, whole);
  TERRAIN_PETSC(PetscOptionsSetValue(nullptr, "-hess_eps_ncv", "14"));
  const std::vector<double> untuned = solve(PETSC_COMM_WORLD, shard);
  TERRAIN_PETSC(PetscOptionsClearValue(nullptr, "-hess_eps_ncv"));
  BOOST_TEST_REQUIRE(distributed.size() == 12u);
  BOOST_TEST_REQUIRE(serial.size() == 12u);
  BOOST_TEST_REQUIRE(untuned.size() == 12u);
  const double scale = test::max_abs(serial);
  double worst = 0, worst_untuned = 0;
  for (std::size_t i = 0; i < serial.size(); ++i) {
    worst = std::max(worst, std::abs(distributed[i] - serial[i]) / scale);
    worst_untuned = std::max(worst_untuned, std::abs(untuned[i] - serial[i]) / scale);
  }
  BOOST_TEST(test::world_max(worst) <= 1e-9, "rank-count disagreement " << worst);
  BOOST_TEST(test::world_max(worst_untuned) <= 1e-9, "tuned vs SLEPc defaults " << worst_untuned);
}

namespace {
// y = diag(1, 2, …, N) x: a shell with MatMult only (no MatMatMult).
PetscErrorCode diagonal_mult(Mat A, Vec x, Vec y) {
  PetscFunctionBeginUser;
  PetscInt begin = 0, end = 0;
  PetscCall(VecGetOwnershipRange(x, &begin, &end));
  const double* a = nullptr;
  double* b = nullptr;
  PetscCall(VecGetArrayRead(x, &a));
  PetscCall(VecGetArrayWrite(y, &b));
  for (PetscInt i = begin; i < end; ++i) b[i - begin] = double(i + 1) * a[i - begin];
  PetscCall(VecRestoreArrayWrite(y, &b));
  PetscCall(VecRestoreArrayRead(x, &a));
  PetscFunctionReturn(0);
}
}  // namespace

BOOST_AUTO_TEST_CASE(operators_without_matmatmult_get_residuals_column_by_column) {
  core::OwnedMat A;
  TERRAIN_PETSC(MatCreateShell(PETSC_COMM_WORLD, PETSC_DECIDE, PETSC_DECIDE, 50, 50, nullptr, A.out()));
  TERRAIN_PETSC(MatShellSetOperation(A, MATOP_MULT, reinterpret_cast<void (*)(void)>(diagonal_mult)));
  TERRAIN_PETSC(MatSetOption(A, MAT_SYMMETRIC, PETSC_TRUE));
  spectral::EigenSettings settings;
  settings.nev = 3;
  const auto top = spectral::extreme_eigenpairs(A, spectral::End::largest, settings);
  BOOST_TEST_REQUIRE(top.values.size() == 3u);
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(std::abs(top.values[i] - (50 - i)) <= 1e-9);
    BOOST_TEST(top.residuals[i] <= 1e-9);
  }
}
