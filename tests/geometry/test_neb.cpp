// The nudged elastic band and AutoNEB (geometry/neb, geometry/autoneb) on the Müller–Brown
// surface, and on a small network through ObjectiveEnergy.
//
// Oracles: the saddle between the minima (−0.558, 1.442) and (−0.050, 0.467) by a Newton solve
// on the analytic gradient (the climbing image must reach it to 1e-8 with ‖∇V‖ ≤ 1e-8); the
// spring's balance (equal chords) without a climbing image; the improved tangent's cases by
// hand; one group against two groups (bitwise for Müller–Brown, to rounding for a network whose
// groups differ in size); a run stopped and continued from a copy of its state against an
// uninterrupted one (bitwise); AutoNEB's inserted images against the rise above the chord
// recomputed here.
#include <petscsys.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "geometry/autoneb.hpp"
#include "geometry/neb.hpp"
#include "geometry/path_support.hpp"

using namespace terrain;

namespace {

const std::vector<double>& minimum_a() {
  static const std::vector<double> m = test::mb_critical_point(-0.558, 1.442);
  return m;
}
const std::vector<double>& minimum_c() {
  static const std::vector<double> m = test::mb_critical_point(-0.050, 0.467);
  return m;
}
const std::vector<double>& saddle() {
  static const std::vector<double> s = test::mb_critical_point(-0.822, 0.624);
  return s;
}

geometry::NebSettings mb_settings() {
  geometry::NebSettings s;
  s.images = 8;
  s.spring = 20;
  s.step = 1e-3;
  s.climb_after = 50;
  s.max_steps = 6000;
  s.ftol = 1e-10;
  return s;
}

// Every rank agrees on a double (assertions on reduced values).
double agreed_max(double x) { return test::world_max(x); }

const auto never = [] { return false; };
const auto quiet = [](const geometry::NebRow&) {};

}  // namespace

BOOST_AUTO_TEST_CASE(mb_oracle_points_are_critical) {
  BOOST_TEST(test::mb_gradient_norm(minimum_a()) < 1e-10);
  BOOST_TEST(test::mb_gradient_norm(minimum_c()) < 1e-10);
  BOOST_TEST(test::mb_gradient_norm(saddle()) < 1e-10);
  double h[4];
  test::MullerBrown::eval(saddle()[0], saddle()[1], nullptr, h);
  BOOST_TEST(h[0] * h[3] - h[1] * h[2] < 0);  // one negative eigenvalue: a saddle
  BOOST_TEST(std::abs(saddle()[0] + 0.822) < 1e-3);
  BOOST_TEST(std::abs(saddle()[1] - 0.624) < 1e-3);
}

BOOST_AUTO_TEST_CASE(improved_tangent_follows_the_higher_neighbour) {
  geometry::BandState s;
  s.images = {{0, 0}, {1, 0}, {1, 2}};
  // Rising through i: the forward direction (x_{i+1} − x_i) = (0, 2) → (0, 1).
  s.energies = {0, 1, 2};
  std::vector<double> t = geometry::neb_tangent(s, 1);
  BOOST_TEST(std::abs(t[0]) < 1e-15);
  BOOST_TEST(std::abs(t[1] - 1) < 1e-15);
  // Falling through i: the backward direction (1, 0).
  s.energies = {2, 1, 0};
  t = geometry::neb_tangent(s, 1);
  BOOST_TEST(std::abs(t[0] - 1) < 1e-15);
  BOOST_TEST(std::abs(t[1]) < 1e-15);
  // A maximum at i (ΔV+ = |1 − 3| = 2, ΔV− = |0 − 3| = 3) whose next neighbour is the higher
  // one: the forward direction gets ΔV_max, τ ∝ 3·(0, 2) + 2·(1, 0) = (2, 6) → (1, 3)/√10.
  s.energies = {0, 3, 1};
  t = geometry::neb_tangent(s, 1);
  BOOST_TEST(std::abs(t[0] - 1 / std::sqrt(10.0)) < 1e-15);
  BOOST_TEST(std::abs(t[1] - 3 / std::sqrt(10.0)) < 1e-15);
  // Mirrored, the previous neighbour higher: the backward direction gets ΔV_max = 3,
  // τ ∝ 2·(0, 2) + 3·(1, 0) = (3, 4) → (0.6, 0.8).
  s.energies = {1, 3, 0};
  t = geometry::neb_tangent(s, 1);
  BOOST_TEST(std::abs(t[0] - 0.6) < 1e-15);
  BOOST_TEST(std::abs(t[1] - 0.8) < 1e-15);
}

BOOST_AUTO_TEST_CASE(climbing_image_reaches_the_mb_saddle) {
  core::WorkGroups groups(PETSC_COMM_WORLD, 1);
  test::MullerBrown mb(groups.comm());
  const geometry::NebSettings s = mb_settings();
  geometry::BandState band = geometry::linear_band(groups, mb, minimum_a(), minimum_c(), s.images);
  BOOST_TEST(band.images.size() == 10u);
  BOOST_TEST(band.images[0] == minimum_a());
  BOOST_TEST(band.images[9] == minimum_c());
  long rows = 0;
  const geometry::NebOutcome out =
      geometry::run_neb(groups, mb, s, band, never, [&](const geometry::NebRow&) { ++rows; });
  BOOST_TEST_MESSAGE("climbing NEB: " << out.reason);
  BOOST_TEST(out.converged);
  BOOST_TEST(!out.stopped);
  BOOST_TEST(rows == band.step + 1);
  BOOST_TEST(static_cast<long>(out.history.size()) == rows);
  BOOST_REQUIRE(band.climbing >= 1);
  const std::vector<double>& top = band.images[band.climbing];
  BOOST_TEST(agreed_max(test::distance(top, saddle())) <= 1e-8);
  BOOST_TEST(agreed_max(test::mb_gradient_norm(top)) <= 1e-8);
  // The ends never move; the energies are those of the final images.
  BOOST_TEST(band.images[0] == minimum_a());
  BOOST_TEST(band.images[9] == minimum_c());
  for (std::size_t i = 0; i < band.images.size(); ++i)
    BOOST_TEST(band.energies[i] ==
               test::MullerBrown::eval(band.images[i][0], band.images[i][1], nullptr, nullptr));
  BOOST_TEST(out.history.back().max_force <= s.ftol);
}

BOOST_AUTO_TEST_CASE(without_climbing_the_springs_space_the_images_equally) {
  core::WorkGroups groups(PETSC_COMM_WORLD, 1);
  test::MullerBrown mb(groups.comm());
  geometry::NebSettings s = mb_settings();
  s.climb = false;
  s.ftol = 1e-7;
  geometry::BandState band = geometry::linear_band(groups, mb, minimum_a(), minimum_c(), s.images);
  const geometry::NebOutcome out = geometry::run_neb(groups, mb, s, band, never, quiet);
  BOOST_TEST_MESSAGE("plain NEB: " << out.reason);
  BOOST_TEST(out.converged);
  BOOST_TEST(band.climbing == -1);
  std::vector<double> chords;
  for (std::size_t i = 0; i + 1 < band.images.size(); ++i)
    chords.push_back(test::distance(band.images[i], band.images[i + 1]));
  const double lo = *std::min_element(chords.begin(), chords.end());
  const double hi = *std::max_element(chords.begin(), chords.end());
  // At convergence k (d_{i+1} − d_i) ≤ ftol along τ: equal to ftol/k per image.
  BOOST_TEST(agreed_max((hi - lo) / lo) < 1e-4);
  // And the band bends away from the straight line, towards the saddle.
  double nearest = 1e9;
  for (const auto& x : band.images) nearest = std::min(nearest, test::distance(x, saddle()));
  BOOST_TEST(nearest < 0.1);
}

BOOST_AUTO_TEST_CASE(one_group_and_two_groups_give_the_same_band) {
  const int two = test::two_group_size();
  if (two == 0) return;  // one rank: one group only
  int size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  geometry::NebSettings s = mb_settings();
  s.max_steps = 300;  // across the start of climbing
  std::vector<geometry::BandState> bands;
  std::vector<std::vector<geometry::NebRow>> histories;
  for (int group_size : {size, two}) {
    core::WorkGroups groups(PETSC_COMM_WORLD, group_size);
    BOOST_TEST(groups.count() == (group_size == size ? 1 : 2));
    test::MullerBrown mb(groups.comm());
    geometry::BandState band =
        geometry::linear_band(groups, mb, minimum_a(), minimum_c(), s.images);
    histories.push_back(geometry::run_neb(groups, mb, s, band, never, quiet).history);
    bands.push_back(band);
  }
  BOOST_TEST(agreed_max(test::max_difference(bands[0].images, bands[1].images)) == 0);
  BOOST_TEST(agreed_max(test::max_difference(bands[0].velocity, bands[1].velocity)) == 0);
  BOOST_TEST((bands[0].energies == bands[1].energies));
  BOOST_TEST(bands[0].climbing == bands[1].climbing);
  BOOST_TEST(histories[0].size() == histories[1].size());
}

BOOST_AUTO_TEST_CASE(a_stopped_band_continues_bitwise_from_a_copy) {
  const int two = test::two_group_size();
  core::WorkGroups groups(PETSC_COMM_WORLD, two == 0 ? 1 : two);
  test::MullerBrown mb(groups.comm());
  geometry::NebSettings s = mb_settings();
  s.max_steps = 120;  // climbing starts at 50, between the stop and the end
  const geometry::BandState start =
      geometry::linear_band(groups, mb, minimum_a(), minimum_c(), s.images);

  geometry::BandState whole = start;
  const geometry::NebOutcome uninterrupted = geometry::run_neb(groups, mb, s, whole, never, quiet);

  geometry::BandState first = start;
  const geometry::NebOutcome stopped = geometry::run_neb(
      groups, mb, s, first, [&] { return first.step >= 37; }, quiet);
  BOOST_TEST(stopped.stopped);
  BOOST_TEST(first.step == 37);
  geometry::BandState second = first;  // deep copy: the restart's state
  first.images[1][0] = 1e9;            // the copy must not share storage
  const geometry::NebOutcome continued = geometry::run_neb(groups, mb, s, second, never, quiet);

  BOOST_TEST(agreed_max(test::max_difference(whole.images, second.images)) == 0);
  BOOST_TEST(agreed_max(test::max_difference(whole.velocity, second.velocity)) == 0);
  BOOST_TEST((whole.energies == second.energies));
  BOOST_TEST(whole.dt == second.dt);
  BOOST_TEST(whole.alpha == second.alpha);
  BOOST_TEST(whole.step == second.step);
  BOOST_TEST(whole.climbing == second.climbing);
  // The rows of the two parts are the rows of the whole run, none repeated.
  std::vector<geometry::NebRow> joined = stopped.history;
  joined.insert(joined.end(), continued.history.begin(), continued.history.end());
  BOOST_REQUIRE(joined.size() == uninterrupted.history.size());
  bool same = true;
  for (std::size_t r = 0; r < joined.size(); ++r)
    same = same && joined[r].step == uninterrupted.history[r].step &&
           joined[r].max_force == uninterrupted.history[r].max_force &&
           joined[r].max_energy == uninterrupted.history[r].max_energy &&
           joined[r].climbing == uninterrupted.history[r].climbing;
  BOOST_TEST(same);
}

BOOST_AUTO_TEST_CASE(autoneb_inserts_where_the_loss_rises_and_ends_at_the_saddle) {
  const int two = test::two_group_size();
  core::WorkGroups groups(PETSC_COMM_WORLD, two == 0 ? 1 : two);
  test::MullerBrown mb(groups.comm());
  geometry::AutoNebSettings s;
  s.neb = mb_settings();
  s.neb.images = 2;
  s.neb.max_steps = 3000;
  s.cycles = 5;
  s.insert_per_cycle = 2;
  s.samples_per_segment = 8;
  s.max_images = 12;
  s.rise_tolerance = 0.02;
  geometry::AutoNebState state;
  state.band = geometry::linear_band(groups, mb, minimum_a(), minimum_c(), s.neb.images);

  // The first cycle alone, then its insertion recomputed here.
  geometry::AutoNebSettings one = s;
  one.cycles = 1;
  geometry::AutoNebState first = state;
  geometry::run_autoneb(groups, mb, one, first, never, quiet);
  BOOST_TEST(first.finished);
  BOOST_TEST(first.band.images.size() == 4u);

  const geometry::NebOutcome out = geometry::run_autoneb(groups, mb, s, state, never, quiet);
  BOOST_TEST_MESSAGE("AutoNEB: " << out.reason);
  BOOST_TEST(state.finished);
  BOOST_TEST(out.converged);
  const std::size_t images = state.band.images.size() - 2;
  BOOST_TEST(images > 2u);
  BOOST_TEST(images <= 12u);
  BOOST_TEST(state.cycle >= 1);
  BOOST_REQUIRE(state.band.climbing >= 1);
  const std::vector<double>& top = state.band.images[state.band.climbing];
  BOOST_TEST(agreed_max(test::distance(top, saddle())) <= 1e-8);
  BOOST_TEST(agreed_max(test::mb_gradient_norm(top)) <= 1e-8);

  // The second cycle's band holds the first cycle's images plus the inserted ones, at the
  // largest rises above the chord of the first cycle's final band.
  struct Rise {
    std::size_t segment;
    double s, rise;
  };
  const geometry::BandState& b = first.band;
  std::vector<Rise> rises;
  double lo = 1e300, hi = -1e300;
  for (double e : b.energies) lo = std::min(lo, e), hi = std::max(hi, e);
  for (std::size_t i = 0; i + 1 < b.images.size(); ++i) {
    Rise best{i, 0, -1e300};
    for (int j = 1; j <= 8; ++j) {
      const double t = j / 9.0;
      const double x = b.images[i][0] + t * (b.images[i + 1][0] - b.images[i][0]);
      const double y = b.images[i][1] + t * (b.images[i + 1][1] - b.images[i][1]);
      const double e = test::MullerBrown::eval(x, y, nullptr, nullptr);
      hi = std::max(hi, e);
      const double r = e - ((1 - t) * b.energies[i] + t * b.energies[i + 1]);
      if (r > best.rise) best = Rise{i, t, r};
    }
    rises.push_back(best);
  }
  std::sort(rises.begin(), rises.end(),
            [](const Rise& p, const Rise& q) { return p.rise > q.rise; });
  BOOST_TEST(rises[0].rise > 0.02 * (hi - lo));
  BOOST_TEST_MESSAGE("largest rises " << rises[0].rise << ", " << rises[1].rise << " of range "
                                      << hi - lo);
  // Run the two-cycle AutoNEB only up to its insertion: its band right after it.
  geometry::AutoNebSettings two_cycles = s;
  two_cycles.cycles = 2;
  geometry::AutoNebState inserted = geometry::AutoNebState{};
  inserted.band = geometry::linear_band(groups, mb, minimum_a(), minimum_c(), s.neb.images);
  geometry::run_autoneb(
      groups, mb, two_cycles, inserted, [&] { return inserted.cycle == 1; }, quiet);
  BOOST_TEST(inserted.cycle == 1);
  const std::size_t expect = 2 + std::size_t(rises[1].rise > 0.02 * (hi - lo) ? 2 : 1);
  BOOST_REQUIRE(inserted.band.images.size() == expect + 2);
  // Every old image is still there, and each new one lies at its segment's largest rise.
  double worst = 0;
  std::size_t found = 0;
  for (const auto& x : inserted.band.images) {
    bool old = false;
    for (const auto& y : b.images) old = old || x == y;
    if (old) continue;
    double best = 1e300;
    for (std::size_t r = 0; r < expect - 2; ++r) {
      const auto& p = b.images[rises[r].segment];
      const auto& q = b.images[rises[r].segment + 1];
      const std::vector<double> z = {p[0] + rises[r].s * (q[0] - p[0]),
                                     p[1] + rises[r].s * (q[1] - p[1])};
      best = std::min(best, test::distance(x, z));
    }
    worst = std::max(worst, best);
    ++found;
  }
  BOOST_TEST(found == expect - 2);
  BOOST_TEST(agreed_max(worst) == 0);
}

BOOST_AUTO_TEST_CASE(a_network_band_agrees_across_group_counts) {
  const std::vector<double> a = test::small_net_minimum(11), b = test::small_net_minimum(12);
  int size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  const int two = test::two_group_size();
  geometry::NebSettings s;
  s.images = 4;
  s.spring = 1;
  s.step = 0.05;
  s.max_steps = 40;
  s.climb_after = 20;
  std::vector<geometry::BandState> bands;
  for (int group_size : {size, two == 0 ? size : two}) {
    core::WorkGroups groups(PETSC_COMM_WORLD, group_size);
    test::GroupNetwork net(groups.comm());
    geometry::BandState band = geometry::linear_band(groups, *net.energy, a, b, s.images);
    const double start = *std::max_element(band.energies.begin(), band.energies.end());
    geometry::run_neb(groups, *net.energy, s, band, never, quiet);
    const double end = *std::max_element(band.energies.begin(), band.energies.end());
    BOOST_TEST_MESSAGE("network band: highest energy " << start << " -> " << end);
    BOOST_TEST(end < start);
    BOOST_TEST(band.images.front() == a);
    BOOST_TEST(band.images.back() == b);
    bands.push_back(band);
  }
  double scale = 0;
  for (const auto& x : bands[0].images)
    for (double v : x) scale = std::max(scale, std::abs(v));
  const double diff = agreed_max(test::max_difference(bands[0].images, bands[1].images));
  BOOST_TEST(diff >= 0);  // same shapes
  BOOST_TEST(diff / scale < 1e-12);
}

BOOST_AUTO_TEST_CASE(a_stopped_autoneb_continues_bitwise_from_a_copy) {
  const int two = test::two_group_size();
  core::WorkGroups groups(PETSC_COMM_WORLD, two == 0 ? 1 : two);
  test::MullerBrown mb(groups.comm());
  geometry::AutoNebSettings s;
  s.neb = mb_settings();
  s.neb.images = 2;
  s.neb.max_steps = 150;  // per cycle: the stop falls inside the second cycle
  s.cycles = 3;
  geometry::AutoNebState start;
  start.band = geometry::linear_band(groups, mb, minimum_a(), minimum_c(), s.neb.images);
  geometry::AutoNebState whole = start;
  const geometry::NebOutcome all = geometry::run_autoneb(groups, mb, s, whole, never, quiet);
  geometry::AutoNebState first = start;
  const geometry::NebOutcome part = geometry::run_autoneb(
      groups, mb, s, first, [&] { return first.cycle == 1 && first.band.step >= 200; }, quiet);
  BOOST_TEST(part.stopped);
  BOOST_TEST(first.cycle == 1);
  BOOST_TEST(first.band.step == 200);
  geometry::AutoNebState second = first;
  const geometry::NebOutcome rest = geometry::run_autoneb(groups, mb, s, second, never, quiet);
  BOOST_TEST(whole.cycle == second.cycle);
  BOOST_TEST(whole.finished);
  BOOST_TEST(second.finished);
  BOOST_TEST(agreed_max(test::max_difference(whole.band.images, second.band.images)) == 0);
  BOOST_TEST((whole.band.energies == second.band.energies));
  BOOST_TEST(part.history.size() + rest.history.size() == all.history.size());
  BOOST_TEST(all.reason == rest.reason);
}

BOOST_AUTO_TEST_CASE(bad_band_inputs_are_input_errors) {
  core::WorkGroups groups(PETSC_COMM_WORLD, 1);
  test::MullerBrown mb(groups.comm());
  geometry::NebSettings s = mb_settings();
  geometry::BandState same = geometry::linear_band(groups, mb, minimum_a(), minimum_a(), 3);
  BOOST_CHECK_THROW(geometry::run_neb(groups, mb, s, same, never, quiet), core::InputError);
  geometry::BandState band = geometry::linear_band(groups, mb, minimum_a(), minimum_c(), 3);
  s.step = 0;
  BOOST_CHECK_THROW(geometry::run_neb(groups, mb, s, band, never, quiet), core::InputError);
  BOOST_CHECK_THROW(geometry::linear_band(groups, mb, minimum_a(), minimum_c(), 0),
                    core::InputError);
  const geometry::NebRow row{3, 0.5, -40.0, 4};
  BOOST_TEST(geometry::describe(row) == "max force 0.5  max energy -40  climbing image 4");
}

// Issue 11: between two symmetric copies of the teacher (both at loss 0), plain FIRE's mixing α
// decayed geometrically to ~0 over thousands of downhill steps, leaving undamped inertia on the
// NEB force, which is not a gradient: a mode with P = F·v > 0 grew exponentially (the uphill
// reset never fired) and the band blew up from max loss ~2e-3 to ~1e2. The band must stay below
// the straight line's highest loss at every step and end close to converged.
BOOST_AUTO_TEST_CASE(a_band_between_symmetric_teacher_copies_stays_bounded) {
  const std::vector<double> a = test::teacher_minimum(), b = test::teacher_symmetric_copy(a);
  core::WorkGroups groups(PETSC_COMM_WORLD, 1);
  test::GroupNetwork net(groups.comm());
  geometry::NebSettings s;
  s.images = 10;
  s.spring = 10;
  s.step = 0.01;
  s.climb = false;
  s.max_steps = 20000;
  s.ftol = 1e-7;
  geometry::BandState band = geometry::linear_band(groups, *net.energy, a, b, s.images);
  BOOST_TEST(agreed_max(std::max(band.energies.front(), band.energies.back())) < 1e-20);
  const double line = *std::max_element(band.energies.begin(), band.energies.end());
  double worst = 0;
  const geometry::NebOutcome out = geometry::run_neb(
      groups, *net.energy, s, band, never,
      [&](const geometry::NebRow& row) { worst = std::max(worst, row.max_energy); });
  BOOST_TEST_MESSAGE("teacher copies: straight line " << line << ", highest band loss " << worst
                                                      << ", " << out.reason);
  BOOST_TEST(agreed_max(worst) <= line);
  BOOST_TEST(agreed_max(out.history.back().max_force) < 1e-3);
  BOOST_TEST(agreed_max(out.history.back().max_energy) < 0.1 * line);
}
