// The stochastic estimators against the dense Hessian:
//   - trace: Hutchinson and Hutch++ within 3 standard errors of tr(H) = Σλ;
//   - density (stochastic Lanczos quadrature): per probe the Gauss quadrature reproduces the
//     moments zᵀHʲz/N exactly for j ≤ 2·steps − 1 (checked for j = 1..4 against explicit
//     products), so the density integrates to 1 and its first two moments are unbiased estimates
//     of tr(H)/N and tr(H²)/N: checked within 3 standard errors of the probe average (the grid
//     integrals equal the quadrature moments to 1e-9, plus σ² from the broadening in the second);
//   - with as many Lanczos steps as parameters the nodes are eigenvalues;
//   - the same probes, hence the same estimates, at every rank count.
// The probes are fixed (seeded), so every check passes or fails deterministically.
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/petsc_handle.hpp"
#include "core/random_vec.hpp"
#include "data/synthetic.hpp"
#include "objective/curvature_operator.hpp"
#include "spectral/columns.hpp"
#include "spectral/density.hpp"
#include "spectral/lanczos.hpp"
#include "spectral/probes.hpp"
#include "spectral/trace.hpp"
#include "spectral_support.hpp"

using namespace terrain;

namespace {

struct Problem {
  data::Dataset train;
  std::unique_ptr<objective::Objective> f;
  core::OwnedVec theta;
  std::unique_ptr<objective::CurvatureOperator> H;
  Problem(MPI_Comm comm, std::vector<PetscInt> widths, PetscInt n, PetscInt steps) {
    const model::Architecture arch =
        test::network(widths, model::Activation::tanh, model::Loss::cross_entropy);
    train = data::synthetic_dataset(comm, n, widths.front(), widths.back(), true);
    f = std::make_unique<objective::Objective>(comm, arch, train);
    theta.reset(f->create_vec());
    f->initial_parameters(theta);
    test::descend(*f, theta, steps, 0.3);
    H = std::make_unique<objective::CurvatureOperator>(*f, theta, objective::Curvature::hessian);
  }
  Mat op() const { return H->mat(); }
};

double trapezoid(const std::vector<double>& x, const std::vector<double>& y) {
  double s = 0;
  for (std::size_t i = 1; i < x.size(); ++i) s += 0.5 * (x[i] - x[i - 1]) * (y[i] + y[i - 1]);
  return s;
}

// Mean and standard error of per-probe values.
std::pair<double, double> mean_stderr(const std::vector<double>& v) {
  const double m = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return {m, std::sqrt(ss / double(v.size() - 1) / double(v.size()))};
}

}  // namespace

BOOST_AUTO_TEST_CASE(trace_estimates_are_within_three_standard_errors) {
  Problem p(PETSC_COMM_WORLD, {4, 10, 8, 3}, 60, 200);
  const std::vector<double> lambda = test::dense_spectrum(p.op());
  const double trace = std::accumulate(lambda.begin(), lambda.end(), 0.0);
  const spectral::TraceEstimate t = spectral::estimate_trace(p.op(), 60, 5, 16);
  BOOST_TEST(t.samples.size() == 60u);
  BOOST_TEST(std::abs(t.hutchinson - trace) <= 3 * t.hutchinson_stderr,
             "Hutchinson " << t.hutchinson << " +- " << t.hutchinson_stderr << " vs " << trace);
  BOOST_TEST(std::abs(t.hutchpp - trace) <= 3 * t.hutchpp_stderr,
             "Hutch++ " << t.hutchpp << " +- " << t.hutchpp_stderr << " vs " << trace);
  // The samples are zᵀHz of the documented probes (ids 0, 1, …), and the estimate is their mean.
  const core::OwnedMat Z = spectral::rademacher_probes(p.op(), 60, 5, 0);
  core::OwnedMat HZ;
  TERRAIN_PETSC(MatMatMult(p.op(), Z, MAT_INITIAL_MATRIX, PETSC_DEFAULT, HZ.out()));
  const std::vector<double> samples = spectral::column_dots(Z, HZ);
  for (std::size_t i = 0; i < samples.size(); ++i)
    BOOST_TEST(std::abs(samples[i] - t.samples[i]) <= 1e-12 * std::abs(trace), "sample " << i);
  BOOST_TEST(std::abs(t.hutchinson - std::accumulate(samples.begin(), samples.end(), 0.0) / 60) <=
             1e-12 * std::abs(trace));
  // With a few dominant eigenvalues Hutch++ is the sharper estimator for the same products.
  BOOST_TEST(t.hutchpp_stderr < t.hutchinson_stderr);
  // And the standard errors are honest: not absurdly larger than the actual error spread.
  BOOST_TEST(t.hutchinson_stderr < 0.5 * std::abs(trace));
}

BOOST_AUTO_TEST_CASE(quadrature_reproduces_the_probe_moments_exactly) {
  Problem p(PETSC_COMM_WORLD, {4, 10, 8, 3}, 60, 200);
  const PetscInt probes = 4, steps = 12;
  PetscInt N = 0;
  TERRAIN_PETSC(MatGetSize(p.op(), &N, nullptr));
  const core::OwnedMat Z = spectral::density_probes(p.op(), probes, 9);
  const std::vector<spectral::Tridiagonal> t = spectral::lanczos(p.op(), Z, steps);
  // zᵀHʲz for j = 1..4 by explicit products.
  std::vector<std::vector<double>> explicit_moments;
  core::OwnedMat V, W;
  TERRAIN_PETSC(MatDuplicate(Z, MAT_COPY_VALUES, V.out()));
  for (int j = 1; j <= 4; ++j) {
    TERRAIN_PETSC(MatMatMult(p.op(), V, MAT_INITIAL_MATRIX, PETSC_DEFAULT, W.out()));
    // zᵀHʲz = (H^⌈j/2⌉z)ᵀ(H^⌊j/2⌋z): use z·(Hʲz) directly, it is exact enough for 1e-10.
    explicit_moments.push_back(spectral::column_dots(Z, W));
    V = std::move(W);
  }
  for (PetscInt k = 0; k < probes; ++k) {
    const spectral::Quadrature q = spectral::gauss_quadrature(t[k]);
    BOOST_TEST(std::abs(std::accumulate(q.weights.begin(), q.weights.end(), 0.0) - 1.0) <= 1e-13);
    for (int j = 1; j <= 4; ++j) {
      double quadrature = 0;
      for (std::size_t i = 0; i < q.nodes.size(); ++i)
        quadrature += q.weights[i] * std::pow(q.nodes[i], j);
      const double expected = explicit_moments[j - 1][k] / double(N);
      BOOST_TEST(std::abs(quadrature - expected) <= 1e-10 * std::abs(expected),
                 "probe " << k << " moment " << j << ": " << quadrature << " vs " << expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(density_integrates_to_one_and_its_moments_estimate_trace_and_trace_of_square) {
  Problem p(PETSC_COMM_WORLD, {4, 10, 8, 3}, 60, 200);
  const std::vector<double> lambda = test::dense_spectrum(p.op());
  const double N = double(lambda.size());
  double trace = 0, trace2 = 0;
  for (double l : lambda) trace += l, trace2 += l * l;

  spectral::DensitySettings s;
  s.probes = 16;
  s.steps = 20;
  s.points = 2001;
  s.seed = 2;
  s.zero_tol = 1e-9 * test::max_abs(lambda);
  const spectral::Density d = spectral::estimate_density(p.op(), s);
  BOOST_TEST(std::abs(trapezoid(d.grid, d.values) - 1.0) <= 1e-9);
  std::vector<double> t_phi(d.grid.size()), t2_phi(d.grid.size());
  for (std::size_t i = 0; i < d.grid.size(); ++i) {
    t_phi[i] = d.grid[i] * d.values[i];
    t2_phi[i] = d.grid[i] * d.grid[i] * d.values[i];
  }
  const double scale = test::max_abs(lambda);
  BOOST_TEST(std::abs(trapezoid(d.grid, t_phi) - d.moment1) <= 1e-9 * scale);
  BOOST_TEST(std::abs(trapezoid(d.grid, t2_phi) - (d.moment2 + d.sigma * d.sigma)) <=
             1e-9 * scale * scale);
  // Per probe: first moment α₁, second α₁² + β₁²; their spread is the standard error.
  std::vector<double> m1, m2;
  for (std::size_t k = 0; k < d.alpha.size(); ++k) {
    m1.push_back(d.alpha[k][0]);
    m2.push_back(d.alpha[k][0] * d.alpha[k][0] + d.beta[k][0] * d.beta[k][0]);
  }
  const auto [mean1, se1] = mean_stderr(m1);
  const auto [mean2, se2] = mean_stderr(m2);
  BOOST_TEST(std::abs(mean1 - d.moment1) <= 1e-12 * scale);
  BOOST_TEST(std::abs(mean2 - d.moment2) <= 1e-12 * scale * scale);
  BOOST_TEST(std::abs(d.moment1 - trace / N) <= 3 * se1,
             "moment 1 " << d.moment1 << " +- " << se1 << " vs " << trace / N);
  BOOST_TEST(std::abs(d.moment2 - trace2 / N) <= 3 * se2,
             "moment 2 " << d.moment2 << " +- " << se2 << " vs " << trace2 / N);
}

BOOST_AUTO_TEST_CASE(full_length_lanczos_finds_eigenvalues_and_counts_negatives) {
  Problem p(PETSC_COMM_WORLD, {2, 4, 3}, 30, 50);
  const std::vector<double> lambda = test::dense_spectrum(p.op());
  const PetscInt N = static_cast<PetscInt>(lambda.size());
  const double scale = test::max_abs(lambda), tol = 1e-9 * scale;
  spectral::DensitySettings s;
  s.probes = 24;
  s.steps = N;
  s.seed = 4;
  s.zero_tol = tol;
  const spectral::Density d = spectral::estimate_density(p.op(), s);
  for (std::size_t k = 0; k < d.alpha.size(); ++k) {
    const spectral::Quadrature q = spectral::gauss_quadrature({d.alpha[k], d.beta[k]});
    for (std::size_t i = 0; i < q.nodes.size(); ++i) {
      if (q.weights[i] < 1e-10) continue;  // a node of negligible weight need not be converged
      double nearest = INFINITY;
      for (double l : lambda) nearest = std::min(nearest, std::abs(q.nodes[i] - l));
      BOOST_TEST(nearest <= 1e-8 * scale,
                 "probe " << k << " node " << q.nodes[i] << " is no eigenvalue");
    }
  }
  const double n_neg =
      double(std::count_if(lambda.begin(), lambda.end(), [&](double l) { return l < -tol; }));
  BOOST_TEST(std::abs(d.n_neg - n_neg) <= 3 * d.n_neg_stderr + 1e-9,
             "density count " << d.n_neg << " +- " << d.n_neg_stderr << " vs " << n_neg);
}

BOOST_AUTO_TEST_CASE(estimates_agree_across_rank_counts) {
  auto estimates = [](MPI_Comm comm) {
    Problem p(comm, {4, 10, 8, 3}, 60, 100);
    const spectral::TraceEstimate t = spectral::estimate_trace(p.op(), 12, 1, 5);
    spectral::DensitySettings s;
    s.probes = 3;
    s.steps = 15;
    const spectral::Density d = spectral::estimate_density(p.op(), s);
    return std::vector<double>{t.hutchinson, t.hutchpp, d.moment1, d.moment2, d.values[500]};
  };
  const std::vector<double> distributed = estimates(PETSC_COMM_WORLD),
                            serial = estimates(PETSC_COMM_SELF);
  double worst = 0;
  for (std::size_t i = 0; i < serial.size(); ++i)
    worst = std::max(worst, std::abs(distributed[i] - serial[i]) / std::abs(serial[i]));
  BOOST_TEST(test::world_max(worst) <= 1e-9, "rank-count disagreement " << worst);
}

namespace {
double vec_dot(Vec a, Vec b) {
  double r = 0;
  TERRAIN_PETSC(VecDot(a, b, &r));
  return r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(lanczos_on_a_diagonal_operator_is_exact_and_orthonormal) {
  // A = diag(1, …, n): n steps give T with exactly A's eigenvalues, and V is orthonormal.
  const PetscInt n = 12;
  core::OwnedVec start;
  TERRAIN_PETSC(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, n, start.out()));
  core::fill_random(start, core::Distribution::normal, 3, core::Stream::probe);
  PetscInt begin = 0, end = 0;
  TERRAIN_PETSC(VecGetOwnershipRange(start, &begin, &end));
  const spectral::Apply diagonal = [&](Vec x, Vec y) {
    TERRAIN_PETSC(VecCopy(x, y));
    double* a = nullptr;
    TERRAIN_PETSC(VecGetArray(y, &a));
    for (PetscInt i = begin; i < end; ++i) a[i - begin] *= double(i + 1);
    TERRAIN_PETSC(VecRestoreArray(y, &a));
  };
  spectral::LanczosSettings settings;
  settings.max_steps = n;
  spectral::LanczosRun run = spectral::lanczos(diagonal, start, settings);
  BOOST_TEST_REQUIRE(run.t.alpha.size() == std::size_t(n));
  BOOST_TEST(run.t.beta.size() == std::size_t(n - 1));
  BOOST_TEST_REQUIRE(run.basis.size() == std::size_t(n));
  double worst = 0;
  for (PetscInt i = 0; i < n; ++i)
    for (PetscInt j = 0; j <= i; ++j)
      worst = std::max(worst, std::abs(vec_dot(run.basis[i], run.basis[j]) - (i == j ? 1.0 : 0.0)));
  BOOST_TEST(worst <= 1e-13);
  const spectral::Quadrature q = spectral::gauss_quadrature(run.t);
  for (PetscInt k = 0; k < n; ++k) BOOST_TEST(std::abs(q.nodes[k] - double(k + 1)) <= 1e-10);

  // The stopping test ends the run where it says.
  settings.stop = [](const spectral::Tridiagonal& t, double) { return t.alpha.size() == 3; };
  const spectral::LanczosRun short_run = spectral::lanczos(diagonal, start, settings);
  BOOST_TEST(short_run.t.alpha.size() == 3u);
  BOOST_TEST(short_run.t.beta.size() == 2u);
  BOOST_TEST(short_run.basis.size() == 3u);
  for (std::size_t k = 0; k < 3; ++k) BOOST_TEST(short_run.t.alpha[k] == run.t.alpha[k]);

  // A zero start is an error, not a NaN.
  TERRAIN_PETSC(VecSet(start, 0.0));
  BOOST_CHECK_THROW(spectral::lanczos(diagonal, start, settings), core::Error);
}
