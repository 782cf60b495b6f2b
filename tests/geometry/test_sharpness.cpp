// ε-sharpness and the curvature numbers beside it (geometry/sharpness, filter_scaled_operator).
//
// Oracles: on a one-layer linear MSE network over the four points (±a, ±b) the columns
// [x1, x2, 1] are orthogonal, so L(θ + δ) = L(θ) + gᵀδ + ½ Σ h_i δ_i² exactly with
// h = (a², b², 1): the box maximum is separable (per coordinate the better endpoint) in the
// full space, and over a subspace it sits at one of the box's 2^p corners (a convex function),
// found by brute force. λ_max and the filter-normalised λ_max against LAPACK on the dense
// Hessian (and D H D), the filter-normalised one unchanged by a ReLU rescaling.
#include <petscsys.h>
#include <petscblaslapack.h>

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/petsc_handle.hpp"
#include "core/random_vec.hpp"
#include "data/synthetic.hpp"
#include "geometry/filter_scaled_operator.hpp"
#include "geometry/sharpness.hpp"
#include "io/run_file.hpp"
#include "io/scratch.hpp"
#include "objective/curvature_operator.hpp"
#include "objective/replicated.hpp"
#include "spectral/spectral_support.hpp"

using namespace terrain;

using test::ScratchCleanup;
BOOST_TEST_GLOBAL_FIXTURE(ScratchCleanup);

namespace {

constexpr double kA = 2.0, kB = 0.5;  // the inputs (±a, ±b): h = (4, 0.25, 1)

// The four points (±a, ±b) with targets t, sharded like the loaders (PETSc's split).
data::Dataset four_points(const std::vector<double>& t) {
  const double x[4][2] = {{kA, kB}, {kA, -kB}, {-kA, kB}, {-kA, -kB}};
  int rank = 0, size = 1;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  data::Dataset d;
  d.n_global = 4, d.d_in = 2, d.d_out = 1;
  data::local_rows(4, rank, size, &d.first_row, &d.n_local);
  for (PetscInt i = d.first_row; i < d.first_row + d.n_local; ++i) {
    d.X.insert(d.X.end(), {x[i][0], x[i][1]});
    d.Y.push_back(t[i]);
  }
  return d;
}

const std::vector<double> kTargets = {1.0, -2.0, 0.5, 3.0};

model::Architecture linear_net() {
  return test::network({2, 1}, model::Activation::linear, model::Loss::mse, true);
}

// The exact quadratic model of the linear net: loss, gradient, diagonal Hessian at θ.
struct Quadratic {
  double loss = 0;
  std::vector<double> g = std::vector<double>(3, 0.0), h = {kA * kA, kB * kB, 1.0};
  explicit Quadratic(const std::vector<double>& theta) {
    const double x[4][3] = {{kA, kB, 1}, {kA, -kB, 1}, {-kA, kB, 1}, {-kA, -kB, 1}};
    for (int k = 0; k < 4; ++k) {
      const double r = theta[0] * x[k][0] + theta[1] * x[k][1] + theta[2] - kTargets[k];
      loss += 0.125 * r * r;
      for (int i = 0; i < 3; ++i) g[i] += 0.25 * r * x[k][i];
    }
  }
  double at(const std::vector<double>& delta) const {
    double v = loss;
    for (int i = 0; i < 3; ++i) v += g[i] * delta[i] + 0.5 * h[i] * delta[i] * delta[i];
    return v;
  }
};

core::OwnedVec parameters(objective::Objective& f, const std::vector<double>& values) {
  core::OwnedVec theta(f.create_vec());
  objective::distribute(values, theta);
  return theta;
}

double relative(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

// The same value on every rank (bitwise): the report is a collective's result.
bool same_on_all_ranks(double x) {
  double lo = x, hi = x;
  MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_DOUBLE, MPI_MIN, PETSC_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  return lo == hi;
}

geometry::SharpnessConfig quadratic_config(double epsilon, PetscInt p) {
  geometry::SharpnessConfig c;
  c.enabled = true;
  c.epsilon = epsilon;
  c.subspace = p;
  c.seed = 11;
  c.max_it = 100;
  c.curvature = false;
  return c;
}

// The closed-form full-space box maximum: Σ |g_i| r_i + ½ h_i r_i², r_i = ε(|θ_i| + 1).
double full_space_maximum(const std::vector<double>& theta, double epsilon) {
  const Quadratic q(theta);
  std::vector<double> delta(3);
  for (int i = 0; i < 3; ++i) {
    const double r = epsilon * (std::abs(theta[i]) + 1);
    delta[i] = q.g[i] >= 0 ? r : -r;
  }
  return q.at(delta);
}

// The largest loss over the 2^p corners of the subspace box, A drawn as measure_sharpness
// documents it: column j from (seed, Stream::direction, j·n), A⁺θ by the normal equations.
double subspace_corner_maximum(const std::vector<double>& theta, double epsilon, PetscInt p,
                               std::uint64_t seed) {
  const PetscInt n = 3;
  std::vector<double> A(std::size_t(n) * p);  // column-major n × p
  for (PetscInt j = 0; j < p; ++j)
    core::fill_random(&A[std::size_t(j) * n], 0, n, core::Distribution::normal, seed,
                      core::Stream::direction, std::uint64_t(j) * n);
  std::vector<double> gram(std::size_t(p) * p), c(p);
  for (PetscInt i = 0; i < p; ++i) {
    for (PetscInt j = 0; j < p; ++j)
      for (PetscInt k = 0; k < n; ++k) gram[i + j * p] += A[k + i * n] * A[k + j * n];
    for (PetscInt k = 0; k < n; ++k) c[i] += A[k + i * n] * theta[k];
  }
  PetscBLASInt pn = PetscBLASInt(p), one = 1, info = 0;
  std::vector<PetscBLASInt> pivots(p);
  LAPACKgesv_(&pn, &one, gram.data(), &pn, pivots.data(), c.data(), &pn, &info);
  BOOST_TEST_REQUIRE(info == 0);
  const Quadratic q(theta);
  double best = -1e300;
  for (unsigned corner = 0; corner < (1u << p); ++corner) {
    std::vector<double> delta(n, 0.0);
    for (PetscInt j = 0; j < p; ++j) {
      const double y = ((corner >> j) & 1 ? 1 : -1) * epsilon * (std::abs(c[j]) + 1);
      for (PetscInt k = 0; k < n; ++k) delta[k] += A[k + j * n] * y;
    }
    best = std::max(best, q.at(delta));
  }
  return best;
}

// The least-squares minimum of the linear net (the columns are orthogonal).
std::vector<double> minimum() {
  const double x[4][3] = {{kA, kB, 1}, {kA, -kB, 1}, {-kA, kB, 1}, {-kA, -kB, 1}};
  std::vector<double> theta(3, 0.0);
  const double norms[3] = {4 * kA * kA, 4 * kB * kB, 4};
  for (int i = 0; i < 3; ++i) {
    for (int k = 0; k < 4; ++k) theta[i] += kTargets[k] * x[k][i];
    theta[i] /= norms[i];
  }
  return theta;
}

void check_report(const geometry::SharpnessReport& r, double expected_max, const char* what) {
  BOOST_TEST(relative(r.max_loss, expected_max) <= 1e-12,
             what << ": max loss " << r.max_loss << " vs the box maximum " << expected_max);
  BOOST_TEST(relative(r.sharpness, (expected_max - r.loss) / (1 + r.loss)) <= 1e-9,
             what << ": sharpness " << r.sharpness);
  BOOST_TEST(r.iterations <= 100);
  BOOST_TEST(r.loss_evaluations >= r.iterations + 1);
  BOOST_TEST(same_on_all_ranks(r.max_loss));
  BOOST_TEST(same_on_all_ranks(double(r.loss_evaluations)));
  BOOST_TEST_MESSAGE(what << ": sharpness " << r.sharpness << " in " << r.iterations
                          << " iterations, " << r.loss_evaluations << " loss evaluations, "
                          << r.reason);
}

}  // namespace

BOOST_AUTO_TEST_CASE(full_space_sharpness_is_the_closed_form_box_maximum) {
  const data::Dataset train = four_points(kTargets);
  objective::Objective f(PETSC_COMM_WORLD, linear_net(), train);
  for (const auto& point : {std::vector<double>{0.3, -0.7, 0.2}, minimum()}) {
    core::OwnedVec theta = parameters(f, point);
    for (double epsilon : {1e-3, 5e-2}) {
      const auto report = geometry::measure_sharpness(quadratic_config(epsilon, 0), f, theta);
      BOOST_TEST(relative(report.loss, Quadratic(point).loss) <= 1e-14);
      check_report(report, full_space_maximum(point, epsilon), "full space");
    }
  }
}

BOOST_AUTO_TEST_CASE(subspace_sharpness_is_the_best_corner) {
  const data::Dataset train = four_points(kTargets);
  objective::Objective f(PETSC_COMM_WORLD, linear_net(), train);
  for (const auto& point : {std::vector<double>{0.3, -0.7, 0.2}, minimum()}) {
    core::OwnedVec theta = parameters(f, point);
    const std::vector<double> before = objective::replicate(theta);
    for (PetscInt p : {1, 2, 3}) {
      const double epsilon = 5e-2;
      const auto config = quadratic_config(epsilon, p);
      const auto report = geometry::measure_sharpness(config, f, theta);
      check_report(report, subspace_corner_maximum(point, epsilon, p, config.seed), "subspace");
      BOOST_TEST(report.subspace == p);
    }
    BOOST_TEST(objective::replicate(theta) == before, "θ must not change");
  }
}

BOOST_AUTO_TEST_CASE(tao_options_and_iteration_limit_reach_the_solver) {
  const data::Dataset train = four_points(kTargets);
  objective::Objective f(PETSC_COMM_WORLD, linear_net(), train);
  const std::vector<double> point = {0.3, -0.7, 0.2};
  core::OwnedVec theta = parameters(f, point);
  {
    PetscOptionsSetValue(nullptr, "-sharp_tao_type", "blmvm");
    const auto report = geometry::measure_sharpness(quadratic_config(5e-2, 0), f, theta);
    PetscOptionsClearValue(nullptr, "-sharp_tao_type");
    check_report(report, full_space_maximum(point, 5e-2), "blmvm");
    BOOST_TEST(report.tao_type == "blmvm");
  }
  auto config = quadratic_config(5e-2, 2);
  config.max_it = 0;  // the start point only: one evaluation by TAO, one at its solution
  const auto report = geometry::measure_sharpness(config, f, theta);
  BOOST_TEST(report.iterations == 0);
  BOOST_TEST(report.loss_evaluations == 2);
  BOOST_TEST(report.reason == "DIVERGED_MAXITS");
  BOOST_TEST(report.tao_type == "bqnls");
  BOOST_TEST(report.max_loss < subspace_corner_maximum(point, 5e-2, 2, config.seed));
}

namespace {

// A small ReLU net on synthetic regression data, trained a little (a point near a minimum).
struct SmallNet {
  data::Dataset train;
  objective::Objective f;
  core::OwnedVec theta;
  explicit SmallNet(bool bias)
      : train(data::synthetic_dataset(PETSC_COMM_WORLD, 40, 3, 2, false)),
        f(PETSC_COMM_WORLD,
          test::network({3, 6, 5, 2}, model::Activation::relu, model::Loss::mse, bias), train),
        theta(f.create_vec()) {
    f.initial_parameters(theta);
    test::descend(f, theta, 200, 0.1);
  }
};

geometry::SharpnessConfig curvature_config() {
  geometry::SharpnessConfig c;
  c.enabled = true;
  c.epsilon = 1e-3;
  c.seed = 5;
  c.max_it = 10;
  c.tol = 1e-9;
  c.trace_probes = 32;
  return c;
}

// The largest eigenvalue of D H D from the dense Hessian and LAPACK.
double dense_filter_lambda_max(objective::Objective& f, Vec theta) {
  objective::CurvatureOperator H(f, theta, objective::Curvature::hessian);
  std::vector<double> h = test::gathered_dense(H.mat());
  const core::OwnedVec dv = geometry::filter_norms(f.network().layout(), theta);
  const std::vector<double> d = objective::replicate(dv);
  const PetscInt n = static_cast<PetscInt>(d.size());
  for (PetscInt j = 0; j < n; ++j)
    for (PetscInt i = 0; i < n; ++i) h[i + j * n] *= d[i] * d[j];
  return testing::lapack_eigenvalues(h, n).back();
}

// Layer l × c, layer l + 1's weights × 1/c (its biases stay): the same function for ReLU.
void rescale(const model::ParameterLayout& layout, int l, double c, Vec theta) {
  std::vector<double> all = objective::replicate(theta);
  const model::LayerBlock& a = layout.layer(l);
  const model::LayerBlock& b = layout.layer(l + 1);
  for (PetscInt i = 0; i < a.fan_in * a.fan_out; ++i) all[a.weight_offset + i] *= c;
  if (a.bias_offset >= 0)
    for (PetscInt i = 0; i < a.fan_out; ++i) all[a.bias_offset + i] *= c;
  for (PetscInt i = 0; i < b.fan_in * b.fan_out; ++i) all[b.weight_offset + i] /= c;
  objective::distribute(all, theta);
}

}  // namespace

BOOST_AUTO_TEST_CASE(filter_norms_are_the_rows_of_theta) {
  // 2-2-1 with biases: W1 = [[3, 4], [0, 1]], b1 = (7, 8), W2 = [[1, 2]], b2 = 9.
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 6, 2, 1, false);
  objective::Objective f(
      PETSC_COMM_WORLD, test::network({2, 2, 1}, model::Activation::relu, model::Loss::mse), train);
  core::OwnedVec theta = parameters(f, {3, 4, 0, 1, 7, 8, 1, 2, 9});
  const core::OwnedVec d = geometry::filter_norms(f.network().layout(), theta);
  const double r5 = std::sqrt(5.0);
  const std::vector<double> expected = {5, 5, 1, 1, 5, 1, r5, r5, r5};
  BOOST_TEST(objective::replicate(d) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(curvature_numbers_match_the_dense_hessian) {
  SmallNet net(true);
  const auto config = curvature_config();
  const long products_before = net.f.counters().curvature_vectors;
  const auto r = geometry::measure_sharpness(config, net.f, net.theta);
  const long products = net.f.counters().curvature_vectors - products_before;

  objective::CurvatureOperator H(net.f, net.theta, objective::Curvature::hessian);
  const std::vector<double> dense = test::dense_spectrum(H.mat());
  double trace = 0;
  for (double v : dense) trace += v;
  BOOST_TEST(std::abs(r.lambda_max - dense.back()) <= 1e-8,
             "λ_max " << r.lambda_max << " vs LAPACK " << dense.back());
  BOOST_TEST(r.lambda_max_residual <= config.tol);
  const double filtered = dense_filter_lambda_max(net.f, net.theta);
  BOOST_TEST(std::abs(r.filter_lambda_max - filtered) <= 1e-8 * std::max(1.0, filtered),
             "filter λ_max " << r.filter_lambda_max << " vs LAPACK " << filtered);
  BOOST_TEST(r.filter_lambda_max_residual <= config.tol);
  // Hutchinson is unbiased: within 4 standard errors of the exact trace (the probes are fixed
  // by the seed, so this is deterministic; a wrong operator or scale misses by far more).
  BOOST_TEST(r.trace_stderr > 0);
  BOOST_TEST(std::abs(r.trace - trace) <= 4 * r.trace_stderr,
             "trace " << r.trace << " ± " << r.trace_stderr << " vs " << trace);
  BOOST_TEST(r.trace_hutchpp_stderr > 0);
  BOOST_TEST(std::abs(r.trace_hutchpp - trace) <= 4 * r.trace_hutchpp_stderr,
             "Hutch++ " << r.trace_hutchpp << " ± " << r.trace_hutchpp_stderr << " vs " << trace);
  // The products counted are the curvature ones only: the maximisation uses gradients.
  BOOST_TEST(r.n_matvec == products);
  BOOST_TEST(r.n_matvec > config.trace_probes);
  BOOST_TEST(same_on_all_ranks(double(r.n_matvec)));
  BOOST_TEST(same_on_all_ranks(r.lambda_max));
  BOOST_TEST(same_on_all_ranks(r.filter_lambda_max));
  BOOST_TEST(r.sharpness >= 0);
  BOOST_TEST_MESSAGE("small net: sharpness " << r.sharpness << ", λ_max " << r.lambda_max
                                             << ", trace " << r.trace << " ± " << r.trace_stderr
                                             << " (exact " << trace << "), Hutch++ "
                                             << r.trace_hutchpp
                                             << " ± " << r.trace_hutchpp_stderr
                                             << ", filter λ_max "
                                             << r.filter_lambda_max << ", " << r.n_matvec
                                             << " H.v, " << r.loss_evaluations
                                             << " loss evaluations");
}

BOOST_AUTO_TEST_CASE(filter_lambda_max_is_invariant_under_relu_rescaling) {
  SmallNet net(false);
  auto config = curvature_config();
  config.trace_probes = 0;
  config.max_it = 2;
  const auto before = geometry::measure_sharpness(config, net.f, net.theta);
  const double loss = net.f.loss(net.theta);
  rescale(net.f.network().layout(), 0, 3.0, net.theta);
  BOOST_TEST(relative(net.f.loss(net.theta), loss) <= 1e-13, "the rescaling keeps the loss");
  const auto after = geometry::measure_sharpness(config, net.f, net.theta);
  BOOST_TEST(relative(after.filter_lambda_max, before.filter_lambda_max) <= 1e-10,
             "filter λ_max " << before.filter_lambda_max << " → " << after.filter_lambda_max);
  BOOST_TEST(relative(after.lambda_max, before.lambda_max) >= 1e-2,
             "plain λ_max " << before.lambda_max << " → " << after.lambda_max);
  BOOST_TEST(relative(dense_filter_lambda_max(net.f, net.theta), after.filter_lambda_max) <=
             1e-10);
  BOOST_TEST_MESSAGE("no bias: λ_max " << before.lambda_max << " → " << after.lambda_max
                                       << ", filter λ_max " << before.filter_lambda_max << " → "
                                       << after.filter_lambda_max);

  // With biases the next layer's bias does not scale while its row norm does: measured only.
  SmallNet biased(true);
  const double with_bias = dense_filter_lambda_max(biased.f, biased.theta);
  rescale(biased.f.network().layout(), 0, 3.0, biased.theta);
  BOOST_TEST_MESSAGE("with biases: filter λ_max " << with_bias << " → "
                                                  << dense_filter_lambda_max(biased.f,
                                                                             biased.theta));
}

BOOST_AUTO_TEST_CASE(sharpness_report_round_trip) {
  geometry::SharpnessReport r;
  r.epsilon = 1e-3, r.subspace = 4, r.loss = 0.5, r.max_loss = 0.75, r.sharpness = 0.25 / 1.5;
  r.iterations = 7, r.loss_evaluations = 9, r.reason = "CONVERGED_GATOL", r.tao_type = "bqnls";
  r.lambda_max = 3.5, r.lambda_max_residual = 1e-9, r.trace = 12, r.trace_stderr = 0.5;
  r.trace_hutchpp = 12.25, r.trace_hutchpp_stderr = 0.125;
  r.filter_lambda_max = 0.7, r.filter_lambda_max_residual = 2e-9, r.n_matvec = 88;
  r.seconds = 1.25;
  const std::string path = test::scratch("sharpness.h5");
  {
    io::RunFile file = io::RunFile::create(PETSC_COMM_WORLD, path);
    geometry::write_sharpness(file, "/surface/loss/sharpness", r);
    file.commit();
  }
  io::RunFile file = io::RunFile::open_read(PETSC_COMM_WORLD, path);
  const std::string g = "/surface/loss/sharpness";
  BOOST_TEST(file.read_attr<double>(g, "epsilon") == r.epsilon);
  BOOST_TEST(file.read_attr<std::int64_t>(g, "subspace") == 4);
  BOOST_TEST(file.read_attr<double>(g, "loss") == r.loss);
  BOOST_TEST(file.read_attr<double>(g, "max_loss") == r.max_loss);
  BOOST_TEST(file.read_attr<double>(g, "sharpness") == r.sharpness);
  BOOST_TEST(file.read_attr<std::int64_t>(g, "iterations") == 7);
  BOOST_TEST(file.read_attr<std::int64_t>(g, "loss_evaluations") == 9);
  BOOST_TEST(file.read_attr<std::string>(g, "reason") == r.reason);
  BOOST_TEST(file.read_attr<std::string>(g, "tao_type") == r.tao_type);
  BOOST_TEST(file.read_attr<double>(g, "lambda_max") == r.lambda_max);
  BOOST_TEST(file.read_attr<double>(g, "lambda_max_residual") == r.lambda_max_residual);
  BOOST_TEST(file.read_attr<double>(g, "trace") == r.trace);
  BOOST_TEST(file.read_attr<double>(g, "trace_stderr") == r.trace_stderr);
  BOOST_TEST(file.read_attr<double>(g, "trace_hutchpp") == r.trace_hutchpp);
  BOOST_TEST(file.read_attr<double>(g, "trace_hutchpp_stderr") == r.trace_hutchpp_stderr);
  BOOST_TEST(file.read_attr<double>(g, "filter_lambda_max") == r.filter_lambda_max);
  BOOST_TEST(file.read_attr<double>(g, "filter_lambda_max_residual") ==
             r.filter_lambda_max_residual);
  BOOST_TEST(file.read_attr<std::int64_t>(g, "n_matvec") == 88);
  BOOST_TEST(file.read_attr<double>(g, "seconds") == r.seconds);
  file.close();
}

namespace {
// Sets `-name value` for the scope of one check.
struct ScopedOption {
  std::string name;
  ScopedOption(std::string n, const char* value) : name(std::move(n)) {
    PetscOptionsSetValue(nullptr, name.c_str(), value);
  }
  ~ScopedOption() { PetscOptionsClearValue(nullptr, name.c_str()); }
};
}  // namespace

BOOST_AUTO_TEST_CASE(bad_options_name_the_option) {
  {
    ScopedOption o("-sharp_eps", "-0.01");
    BOOST_CHECK_EXCEPTION(geometry::SharpnessConfig::from_options(), core::InputError,
                          (test::MessageHas{"-sharp_eps", "-0.01"}));
  }
  {
    ScopedOption o("-sharp_subspace", "-2");
    BOOST_CHECK_EXCEPTION(geometry::SharpnessConfig::from_options(), core::InputError,
                          (test::MessageHas{"-sharp_subspace"}));
  }
  {
    ScopedOption o("-sharp_eps", "abc");
    BOOST_CHECK_THROW(geometry::SharpnessConfig::from_options(), core::InputError);
  }
  {
    ScopedOption a("-sharp_eps", "0.02"), b("-sharp_subspace", "3"), c("-surf_sharpness", "1");
    const auto config = geometry::SharpnessConfig::from_options();
    BOOST_TEST(config.epsilon == 0.02);
    BOOST_TEST(config.subspace == 3);
    BOOST_TEST(config.enabled);
  }
  const data::Dataset train = four_points(kTargets);
  objective::Objective f(PETSC_COMM_WORLD, linear_net(), train);
  core::OwnedVec theta = parameters(f, {0.3, -0.7, 0.2});
  auto config = quadratic_config(1e-2, 4);  // n = 3
  BOOST_CHECK_EXCEPTION(geometry::measure_sharpness(config, f, theta), core::InputError,
                        (test::MessageHas{"-sharp_subspace", "3", "4"}));
  config = quadratic_config(-1e-2, 0);
  BOOST_CHECK_EXCEPTION(geometry::measure_sharpness(config, f, theta), core::InputError,
                        (test::MessageHas{"-sharp_eps"}));
}
