// The trust-region Newton (optim/trust_region_newton.hpp) and its Krylov subproblem
// (optim/krylov_trust_step.hpp), against oracles: the subproblem's step solves the dense
// Levenberg–Marquardt normal equations of T̄ = [T; β_k e_kᵀ] at its shift and no feasible point
// of the ball models lower; the O(1) MINRES residual equals the dense least-squares residual
// after every Lanczos step; quadratic convergence near a non-degenerate minimum, with LAPACK's
// inertia there; the same point on one rank and on all; the known strict saddle at the origin
// of a linear network; staying put at degenerate ReLU critical points where GD stalled; and the
// distance bound on the 1-D tanh valley, where no critical point is near (the loss falls toward
// an infimum at infinite weights).
#include <petscsys.h>  // before petscblaslapack.h, which needs its types

#include <petscblaslapack.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/petsc_handle.hpp"
#include "core/rng.hpp"
#include "objective/replicated.hpp"
#include "optim/critical_support.hpp"
#include "optim/krylov_trust_step.hpp"
#include "optim/trust_region_newton.hpp"

using namespace terrain;
using test::dense_inertia;
using test::SmallTanh;
using test::target_data;

namespace {

// A reproducible tridiagonal with entries of both signs (an indefinite T), one near-zero α.
spectral::Tridiagonal sample_tridiagonal(int k, std::uint64_t seed) {
  spectral::Tridiagonal t;
  for (int i = 0; i < k; ++i) {
    t.alpha.push_back(4 * core::uniform(seed, core::Stream::test_vector, 2 * i) - 2);
    if (i + 1 < k)
      t.beta.push_back(0.1 + core::uniform(seed, core::Stream::test_vector, 2 * i + 1));
  }
  t.alpha[k / 2] = 1e-9;
  return t;
}

// T̄ = [T; β_k e_kᵀ], (k + 1) × k column-major.
std::vector<double> t_bar(const spectral::Tridiagonal& t, double beta_k) {
  const int k = int(t.alpha.size());
  std::vector<double> a(std::size_t(k + 1) * k, 0.0);
  for (int j = 0; j < k; ++j) {
    a[j + j * (k + 1)] = t.alpha[j];
    if (j + 1 < k) a[j + (j + 1) * (k + 1)] = a[(j + 1) + j * (k + 1)] = t.beta[j];
  }
  a[k + (k - 1) * (k + 1)] = beta_k;
  return a;
}

// ‖β₀e₁ + T̄ y‖² directly.
double model_value(const std::vector<double>& a, int k, double beta0,
                   const std::vector<double>& y) {
  double m = 0;
  for (int i = 0; i <= k; ++i) {
    double r = i == 0 ? beta0 : 0.0;
    for (int j = 0; j < k; ++j) r += a[i + j * (k + 1)] * y[j];
    m += r * r;
  }
  return m;
}

double norm(const std::vector<double>& y) {
  double s = 0;
  for (double x : y) s += x * x;
  return std::sqrt(s);
}

double distance(Vec a, Vec b) {
  core::OwnedVec d;
  TERRAIN_PETSC(VecDuplicate(a, d.out()));
  TERRAIN_PETSC(VecWAXPY(d, -1.0, b, a));
  PetscReal n = 0;
  TERRAIN_PETSC(VecNorm(d, NORM_2, &n));
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(subproblem_solves_the_damped_normal_equations) {
  const int k = 9;
  const double beta0 = 0.7, beta_k = 0.3;
  const spectral::Tridiagonal t = sample_tridiagonal(k, 11);
  const std::vector<double> a = t_bar(t, beta_k);
  const optim::KrylovTrustModel m(t, beta0, beta_k);
  BOOST_TEST(m.residual_norm2() == beta0 * beta0);
  for (double radius : {1e-3, 0.05, 0.5, 1e3}) {
    const optim::KrylovTrustModel::Step s = m.solve(radius);
    BOOST_TEST_REQUIRE(s.y.size() == std::size_t(k));
    BOOST_TEST(s.norm <= radius * (1 + 1e-12));
    BOOST_TEST(std::abs(norm(s.y) - s.norm) <= 1e-12 * (1 + s.norm));
    BOOST_TEST(std::abs(model_value(a, k, beta0, s.y) - s.model) <= 1e-10 * beta0 * beta0);
    // The dense normal equations (T̄ᵀT̄ + μI) y = −β₀ T̄ᵀe₁ at the step's μ, by LAPACK.
    std::vector<double> n(std::size_t(k) * k, 0.0), rhs(k);
    for (int p = 0; p < k; ++p) {
      rhs[p] = -beta0 * a[0 + p * (k + 1)];
      for (int q = 0; q < k; ++q)
        for (int i = 0; i <= k; ++i) n[p + q * k] += a[i + p * (k + 1)] * a[i + q * (k + 1)];
      n[p + p * k] += s.mu;
    }
    PetscBLASInt nn = k, one = 1, info = 0;
    std::vector<PetscBLASInt> piv(k);
    LAPACKgesv_(&nn, &one, n.data(), &nn, piv.data(), rhs.data(), &nn, &info);
    BOOST_TEST_REQUIRE(info == 0);
    double diff = 0;
    for (int p = 0; p < k; ++p) diff = std::max(diff, std::abs(rhs[p] - s.y[p]));
    BOOST_TEST(diff <= 1e-8 * (1 + s.norm), "radius " << radius << ": " << diff);
    // When the radius binds, the step is on (within 1e-3 of) the boundary.
    if (s.mu > 1e-20) BOOST_TEST(s.norm >= radius * (1 - 1.1e-3), "radius " << radius);
    // No point of the ball models lower: 2000 reproducible feasible trials.
    double best = 1e300;
    for (int trial = 0; trial < 2000; ++trial) {
      std::vector<double> y(k);
      for (int j = 0; j < k; ++j)
        y[j] = core::normal(17, core::Stream::test_vector, std::uint64_t(trial) * k + j);
      const double scale = radius * core::uniform(19, core::Stream::test_vector, trial) / norm(y);
      for (double& v : y) v *= scale;
      best = std::min(best, model_value(a, k, beta0, y));
    }
    BOOST_TEST(s.model <= best * (1 + 1e-9), "radius " << radius);
  }
  // A radius that holds the undamped step: that step is the least-squares solution itself,
  // whose residual is orthogonal to T̄'s columns.
  const optim::KrylovTrustModel::Step full = m.solve(1e6);
  std::vector<double> r(k + 1, 0.0);
  for (int i = 0; i <= k; ++i) {
    r[i] = i == 0 ? beta0 : 0.0;
    for (int j = 0; j < k; ++j) r[i] += a[i + j * (k + 1)] * full.y[j];
  }
  for (int j = 0; j < k; ++j) {
    double c = 0;
    for (int i = 0; i <= k; ++i) c += a[i + j * (k + 1)] * r[i];
    BOOST_TEST(std::abs(c) <= 1e-8, "column " << j);
  }
}

BOOST_AUTO_TEST_CASE(minres_residual_is_the_least_squares_residual) {
  const int k = 12;
  const double beta0 = 1.3;
  const spectral::Tridiagonal t = sample_tridiagonal(k, 23);
  optim::MinresResidual r(beta0);
  for (int j = 0; j < k; ++j) {
    const double below = j + 1 < k ? t.beta[j] : 0.2;
    const double got = r.add(j > 0 ? t.beta[j - 1] : 0.0, t.alpha[j], below);
    // Dense least squares min ‖β₀e₁ + T̄_j y‖ over the first j + 1 columns (LAPACK gels).
    spectral::Tridiagonal tj;
    tj.alpha.assign(t.alpha.begin(), t.alpha.begin() + j + 1);
    tj.beta.assign(t.beta.begin(), t.beta.begin() + j);
    std::vector<double> a = t_bar(tj, below), b(j + 2, 0.0);
    b[0] = -beta0;
    PetscBLASInt m = j + 2, n = j + 1, one = 1, lwork = 256, info = 0;
    std::vector<double> work(lwork);
    LAPACKgels_("N", &m, &n, &one, a.data(), &m, b.data(), &m, work.data(), &lwork, &info);
    BOOST_TEST_REQUIRE(info == 0);
    const double want = std::abs(b[j + 1]);  // gels leaves the residual in the last m − n rows
    BOOST_TEST(std::abs(got - want) <= 1e-12 * beta0,
               "step " << j << ": " << got << " vs " << want);
  }
}

BOOST_AUTO_TEST_CASE(quadratic_convergence_near_a_minimum) {
  SmallTanh p(PETSC_COMM_WORLD);
  core::OwnedVec start;
  TERRAIN_PETSC(VecDuplicate(p.theta, start.out()));
  TERRAIN_PETSC(VecCopy(p.theta, start));
  optim::NewtonSettings s;
  s.max_distance = 0.5;
  const optim::NewtonResult r = optim::find_critical_point_trust(*p.f, p.theta, s);
  BOOST_TEST_REQUIRE(r.converged, r.reason);
  const auto& h = r.history;
  BOOST_TEST(h.back().grad_norm1 <= 1e-12);
  // Quadratic convergence as for the newton method: e_{k+1} ≤ C e_k² (C = 1e4) on the last two
  // steps that end above the rounding floor. Measured (2 ranks): 6.4e-5 → 1.6e-7 (C ≈ 39) →
  // 8.7e-12 (C ≈ 340) → 4.4e-14.
  std::vector<std::size_t> steps;
  for (std::size_t k = 0; k + 1 < h.size(); ++k)
    if (h[k + 1].grad_norm2 >= 1e-13) steps.push_back(k);
  BOOST_TEST_REQUIRE(steps.size() >= 2u);
  for (std::size_t k : {steps[steps.size() - 2], steps.back()}) {
    const double e0 = h[k].grad_norm2, e1 = h[k + 1].grad_norm2;
    BOOST_TEST(e1 <= 1e4 * e0 * e0, "step " << k << ": " << e0 << " -> " << e1);
  }
  BOOST_TEST(r.n_matvec > 0);
  BOOST_TEST(distance(p.theta, start) <= 0.5);
  // The same minimum the newton method finds (a strict one: LAPACK's inertia is (0, 0, 14)).
  core::OwnedVec newton;
  TERRAIN_PETSC(VecDuplicate(start, newton.out()));
  TERRAIN_PETSC(VecCopy(start, newton));
  BOOST_TEST_REQUIRE(optim::find_critical_point(*p.f, newton, {}).converged);
  BOOST_TEST(distance(p.theta, newton) <= 1e-9);
  const auto c = dense_inertia(*p.f, p.theta, 1e-9);
  BOOST_TEST(c[0] == 0);
  BOOST_TEST(c[1] == 0);
  BOOST_TEST(c[2] == p.f->n_params());
}

BOOST_AUTO_TEST_CASE(same_point_on_one_rank_and_on_all) {
  const double diff = test::one_rank_against_all(
      [](objective::Objective& f, Vec theta) { return optim::find_critical_point_trust(f, theta, {}); });
  BOOST_TEST(diff >= 0, "not converged");
  BOOST_TEST(diff <= 1e-10);
}

// The strict saddle at the origin of a linear network (test::linear_saddle): from nearby the
// search converges to it.
BOOST_AUTO_TEST_CASE(converges_to_a_nearby_saddle) {
  const test::LinearSaddle r = test::linear_saddle(
      [](objective::Objective& f, Vec theta) { return optim::find_critical_point_trust(f, theta, {}); });
  BOOST_TEST_REQUIRE(r.result.converged, r.result.reason);
  BOOST_TEST(r.distance_to_origin <= 1e-10);
  BOOST_TEST(r.inertia[0] == 2);
  BOOST_TEST(r.inertia[2] == 2);
}

// Degenerate ReLU critical points (rescalings make H singular) where GD stalled: the step is
// damped along the null directions, so the method finishes where it starts.
BOOST_AUTO_TEST_CASE(stays_at_a_degenerate_critical_point) {
  for (std::uint64_t seed : {1, 9}) {  // test::StalledRelu
    test::StalledRelu p(PETSC_COMM_WORLD, seed);
    objective::Objective& f = *p.f;
    Vec theta = p.theta;
    core::OwnedVec start(f.create_vec());
    const double g0 = p.grad_norm;
    BOOST_TEST_REQUIRE(g0 <= 1e-8, "seed " << seed);
    TERRAIN_PETSC(VecCopy(theta, start));
    const double loss0 = f.loss(start);
    optim::NewtonSettings s;
    s.max_it = 20;
    const optim::NewtonResult r = optim::find_critical_point_trust(f, theta, s);
    BOOST_TEST_REQUIRE(r.converged, "seed " << seed << ": " << r.reason);
    for (const auto& row : r.history)
      BOOST_TEST(row.grad_norm2 <= g0 * (1 + 1e-12), "seed " << seed << " row " << row.iteration);
    BOOST_TEST(distance(theta, start) <= 1e-6, "seed " << seed);
    BOOST_TEST(std::abs(f.loss(theta) - loss0) <= 1e-12 * loss0, "seed " << seed);
  }
}

// The 1-D target with tanh (the embedding study's smooth case, shrunk): after GD the loss keeps
// falling along a valley whose curvature vanishes as the output weights grow, so no critical
// point is near. The trust method stops at -critical_max_distance without leaving the ball, and
// every accepted step lowered ‖∇L‖; the newton method from the same start goes further.
BOOST_AUTO_TEST_CASE(distance_bound_on_a_valley_without_critical_point) {
  const data::Data d = target_data(PETSC_COMM_WORLD, 100, data::Sampling::grid);
  model::Architecture arch = test::network({1, 2, 1}, model::Activation::tanh, model::Loss::mse);
  arch.seed = 0;
  objective::Objective f(PETSC_COMM_WORLD, arch, d.train);
  core::OwnedVec theta(f.create_vec()), start(f.create_vec());
  f.initial_parameters(theta);
  test::descend(f, theta, 5000, 0.05);
  TERRAIN_PETSC(VecCopy(theta, start));
  optim::NewtonSettings s;
  s.max_distance = 0.05;
  s.max_it = 2000;
  const optim::NewtonResult r = optim::find_critical_point_trust(f, theta, s);
  BOOST_TEST(!r.converged);
  BOOST_TEST(r.reason.find("-critical_max_distance") != std::string::npos, r.reason);
  BOOST_TEST(distance(theta, start) <= 0.05);
  for (std::size_t k = 1; k < r.history.size(); ++k)
    BOOST_TEST(r.history[k].grad_norm2 < r.history[k - 1].grad_norm2, "row " << k);
  core::OwnedVec newton(f.create_vec());
  TERRAIN_PETSC(VecCopy(start, newton));
  optim::NewtonSettings n;
  n.max_it = 50;
  optim::find_critical_point(f, newton, n);
  BOOST_TEST(distance(newton, start) > 0.05);
}
