// Curves between minima (geometry/path_curve) and the network loss as a path energy
// (geometry/objective_energy).
//
// Oracles: Bernstein and polygonal weights summing to 1 with θ(0) = A, θ(1) = B bitwise and the
// straight curve equal to the line; ObjectiveEnergy's gradient against central differences of
// its value and its minibatch of all samples against the full loss; training on a small network
// lowers the mean loss along the curve (on a fixed t grid, not the training samples) and never
// moves the ends; one group against two (to rounding: the groups differ in size); a training
// stopped and continued from a copy of its state against an uninterrupted one (bitwise).
#include <petscsys.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "geometry/path_curve.hpp"
#include "geometry/path_support.hpp"

using namespace terrain;

namespace {

const auto never = [] { return false; };
const auto quiet = [](const geometry::CurveRow&) {};

// The mean loss at t = 0, 1/20, …, 1 (on the whole training set, with the world's energy).
double grid_mean_loss(geometry::PathEnergy& energy, const geometry::Curve& c) {
  double sum = 0;
  for (int i = 0; i <= 20; ++i) sum += energy.value(c.at(i / 20.0));
  return sum / 21;
}

const std::vector<double>& net_a() {
  static const std::vector<double> m = test::small_net_minimum(11);
  return m;
}
const std::vector<double>& net_b() {
  static const std::vector<double> m = test::small_net_minimum(12);
  return m;
}

geometry::CurveSettings net_settings() {
  geometry::CurveSettings s;
  s.steps = 200;
  s.lr = 0.05;
  s.momentum = 0.9;
  s.samples = 4;
  s.seed = 7;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(curve_weights_sum_to_one_and_the_ends_are_exact) {
  const std::vector<double> a = {0.3, -1.7, 2.2}, b = {-0.9, 0.4, 1.1};
  for (auto kind : {geometry::CurveKind::bezier, geometry::CurveKind::polychain}) {
    for (PetscInt bends = 1; bends <= 4; ++bends) {
      geometry::Curve c = geometry::straight_curve(kind, a, b, bends);
      BOOST_TEST(c.points.size() == std::size_t(bends + 2));
      // Bends off the line, so θ(t) is no longer linear.
      for (std::size_t i = 1; i + 1 < c.points.size(); ++i)
        for (std::size_t j = 0; j < 3; ++j) c.points[i][j] += 0.37 * double(i) - 0.21 * double(j);
      BOOST_TEST(c.at(0) == a);
      BOOST_TEST(c.at(1) == b);
      double worst = 0;
      for (int k = 0; k <= 97; ++k) {
        const std::vector<double> w = c.coefficients(k / 97.0);
        double sum = 0;
        for (double x : w) {
          sum += x;
          BOOST_TEST(x >= 0);
        }
        worst = std::max(worst, std::abs(sum - 1));
      }
      BOOST_TEST(worst < 1e-14);
    }
  }
  // The straight curve is the line a + t (b − a), for both kinds.
  for (auto kind : {geometry::CurveKind::bezier, geometry::CurveKind::polychain}) {
    const geometry::Curve c = geometry::straight_curve(kind, a, b, 3);
    double worst = 0;
    for (int k = 0; k <= 10; ++k) {
      const double t = k / 10.0;
      const std::vector<double> x = c.at(t);
      for (std::size_t j = 0; j < 3; ++j)
        worst = std::max(worst, std::abs(x[j] - (a[j] + t * (b[j] - a[j]))));
    }
    BOOST_TEST(worst < 1e-14);
  }
  // Quadratic Bezier with one bend p: θ(t) = (1−t)² a + 2t(1−t) p + t² b.
  geometry::Curve q = geometry::straight_curve(geometry::CurveKind::bezier, a, b, 1);
  q.points[1] = {5, 6, 7};
  const std::vector<double> mid = q.at(0.25);
  BOOST_TEST(std::abs(mid[0] - (0.5625 * a[0] + 0.375 * 5 + 0.0625 * b[0])) < 1e-14);
  // A polygonal chain passes through its corners at t = i/N.
  geometry::Curve chain = geometry::straight_curve(geometry::CurveKind::polychain, a, b, 1);
  chain.points[1] = {5, 6, 7};
  BOOST_TEST(test::distance(chain.at(0.5), chain.points[1]) < 1e-15);
  BOOST_CHECK_THROW(geometry::straight_curve(geometry::CurveKind::bezier, a, b, 0),
                    core::InputError);
}

BOOST_AUTO_TEST_CASE(objective_energy_gradient_matches_finite_differences) {
  core::WorkGroups groups(PETSC_COMM_WORLD, 1);
  test::GroupNetwork net(groups.comm());
  geometry::ObjectiveEnergy& e = *net.energy;
  std::vector<double> x = net_a(), g, g2;
  for (std::size_t j = 0; j < x.size(); ++j) x[j] += 0.1 * std::sin(double(j));
  const double value = e.value_and_gradient(x, g);
  BOOST_TEST(g.size() == x.size());
  BOOST_TEST(std::abs(e.value(x) - value) <= 1e-14 * std::abs(value));
  double worst = 0, scale = 0;
  const double h = 1e-5;
  for (std::size_t j = 0; j < x.size(); ++j) {
    std::vector<double> p = x, m = x;
    p[j] += h, m[j] -= h;
    const double fd = (e.value(p) - e.value(m)) / (2 * h);
    worst = std::max(worst, std::abs(fd - g[j]));
    scale = std::max(scale, std::abs(g[j]));
  }
  BOOST_TEST_MESSAGE("ObjectiveEnergy gradient vs central differences: " << worst << " of "
                                                                         << scale);
  BOOST_TEST(test::world_max(worst) <= 1e-7 * test::world_max(scale));
  // The same gradient again reuses the buffers and gives bitwise the same.
  e.value_and_gradient(x, g2);
  BOOST_TEST((g == g2));
  // A minibatch of every sample is the full loss (in another order); a bad size names the option.
  const double full = e.value(x);
  e.use_batch(3, 0, net.f->n_samples());
  BOOST_TEST(std::abs(e.value(x) - full) <= 1e-14 * full);
  e.use_batch(3, 0, 5);
  BOOST_TEST(net.f->n_samples() == 5);
  e.use_all();
  BOOST_TEST(net.f->n_samples() == 30);
  BOOST_CHECK_THROW(e.use_batch(3, 0, 31), core::InputError);
}

BOOST_AUTO_TEST_CASE(training_lowers_the_mean_loss_and_keeps_the_ends) {
  core::WorkGroups world(PETSC_COMM_WORLD, 1);  // the oracle's energy on all ranks
  test::GroupNetwork oracle(world.comm());
  const int two = test::two_group_size();
  core::WorkGroups groups(PETSC_COMM_WORLD, two == 0 ? 1 : two);
  test::GroupNetwork net(groups.comm());
  for (auto kind : {geometry::CurveKind::bezier, geometry::CurveKind::polychain}) {
    geometry::CurveState state;
    state.curve = geometry::straight_curve(kind, net_a(), net_b(), 1);
    const double before = grid_mean_loss(*oracle.energy, state.curve);
    std::vector<double> losses;
    const geometry::NebOutcome out =
        geometry::train_curve(groups, *net.energy, net_settings(), state, never,
                              [&](const geometry::CurveRow& r) { losses.push_back(r.mean_loss); });
    const double after = grid_mean_loss(*oracle.energy, state.curve);
    BOOST_TEST_MESSAGE((kind == geometry::CurveKind::bezier ? "bezier" : "polychain")
                       << ": mean loss on the grid " << before << " -> " << after);
    BOOST_TEST(out.converged);
    BOOST_TEST(state.step == 200);
    BOOST_TEST(losses.size() == 200u);
    BOOST_TEST(after < 0.5 * before);
    BOOST_TEST(state.curve.points.front() == net_a());
    BOOST_TEST(state.curve.points.back() == net_b());
    // The endpoints' losses are the minima's: far below the straight line's mean.
    BOOST_TEST(oracle.energy->value(net_a()) < before);
  }
}

BOOST_AUTO_TEST_CASE(a_curve_agrees_across_group_counts) {
  const int two = test::two_group_size();
  if (two == 0) return;
  int size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  geometry::CurveSettings s = net_settings();
  s.steps = 30;
  std::vector<geometry::CurveState> states;
  for (int group_size : {size, two}) {
    core::WorkGroups groups(PETSC_COMM_WORLD, group_size);
    test::GroupNetwork net(groups.comm());
    geometry::CurveState state;
    state.curve = geometry::straight_curve(geometry::CurveKind::bezier, net_a(), net_b(), 2);
    geometry::train_curve(groups, *net.energy, s, state, never, quiet);
    states.push_back(state);
  }
  double scale = 0;
  for (const auto& p : states[0].curve.points)
    for (double v : p) scale = std::max(scale, std::abs(v));
  const double diff = test::max_difference(states[0].curve.points, states[1].curve.points);
  BOOST_TEST_MESSAGE("curve, 1 vs 2 groups: " << diff / scale);
  BOOST_TEST(test::world_max(diff) / scale < 1e-12);
  BOOST_TEST(test::world_max(diff) >= 0);
}

BOOST_AUTO_TEST_CASE(a_stopped_curve_continues_bitwise_from_a_copy) {
  const int two = test::two_group_size();
  core::WorkGroups groups(PETSC_COMM_WORLD, two == 0 ? 1 : two);
  test::GroupNetwork net(groups.comm());
  geometry::CurveSettings s = net_settings();
  s.steps = 40;
  s.batch = 10;  // minibatches drawn from the step: a restart must pick up the same ones
  geometry::CurveState start;
  start.curve = geometry::straight_curve(geometry::CurveKind::polychain, net_a(), net_b(), 2);
  geometry::CurveState whole = start;
  std::vector<double> rows_whole, rows_parts;
  geometry::train_curve(groups, *net.energy, s, whole, never,
                        [&](const geometry::CurveRow& r) { rows_whole.push_back(r.mean_loss); });
  geometry::CurveState first = start;
  const auto record = [&](const geometry::CurveRow& r) { rows_parts.push_back(r.mean_loss); };
  const geometry::NebOutcome stopped = geometry::train_curve(
      groups, *net.energy, s, first, [&] { return first.step >= 15; }, record);
  BOOST_TEST(stopped.stopped);
  BOOST_TEST(first.step == 15);
  geometry::CurveState second = first;
  first.curve.points[1][0] = 1e9;
  geometry::train_curve(groups, *net.energy, s, second, never, record);
  BOOST_TEST(test::world_max(test::max_difference(whole.curve.points, second.curve.points)) == 0);
  BOOST_TEST(test::world_max(test::max_difference(whole.velocity, second.velocity)) == 0);
  BOOST_TEST((rows_whole == rows_parts));
  BOOST_TEST(net.f->n_samples() == 30);  // back to the full batch
}
