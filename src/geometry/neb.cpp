#include "geometry/neb.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "geometry/group_evaluator.hpp"
#include "geometry/polyline.hpp"

namespace terrain::geometry {

namespace {

// FIRE's constants (Bitzek et al. 2006, as ASE uses them).
constexpr PetscInt kFireMinDownhill = 5;
constexpr double kFireGrow = 1.1, kFireShrink = 0.5, kFireAlpha = 0.1, kFireAlphaDecay = 0.99;
constexpr double kFireMaxDtFactor = 10, kFireMinDtFactor = 0.1;
// The growth guard: ‖F‖₂ this many times its least value since the last restart, with P > 0.
constexpr double kGrowthGuard = 10;
// dt ≤ kSpringDtMargin / √k: half the stability bound 1/√k of the springs' fastest mode.
constexpr double kSpringDtMargin = 0.5;
// The climbing image changes only to an image higher by this fraction of the band's range.
constexpr double kClimbHysteresis = 0.05;

// τ_i into tau (n entries).
void tangent_into(const BandState& state, std::size_t i, double* tau) {
  const std::vector<double>& prev = state.images[i - 1];
  const std::vector<double>& here = state.images[i];
  const std::vector<double>& next = state.images[i + 1];
  const double e_prev = state.energies[i - 1], e = state.energies[i],
               e_next = state.energies[i + 1];
  const std::size_t n = here.size();
  // τ = w_plus (x_{i+1} − x_i) + w_minus (x_i − x_{i−1}).
  double w_plus = 0, w_minus = 0;
  if (e_next > e && e > e_prev) {
    w_plus = 1;
  } else if (e_next < e && e < e_prev) {
    w_minus = 1;
  } else {
    const double up = std::abs(e_next - e), down = std::abs(e_prev - e);
    const double big = std::max(up, down), small = std::min(up, down);
    if (e_next > e_prev) {
      w_plus = big, w_minus = small;
    } else {
      w_plus = small, w_minus = big;
    }
    // A flat triple (all energies equal) has no preferred side: the mean direction.
    if (big == 0) w_plus = w_minus = 1;
  }
  double norm = 0;
  for (std::size_t j = 0; j < n; ++j) {
    tau[j] = w_plus * (next[j] - here[j]) + w_minus * (here[j] - prev[j]);
    norm += tau[j] * tau[j];
  }
  norm = std::sqrt(norm);
  const double scale = norm > 0 ? 1 / norm : 0;
  for (std::size_t j = 0; j < n; ++j) tau[j] *= scale;
}

void check_state(const BandState& s) {
  TERRAIN_CHECK(s.images.size() >= 3, "internal: a band needs at least one interior image");
  const std::size_t n = s.images[0].size(), k = s.images.size() - 2;
  for (const auto& x : s.images)
    TERRAIN_CHECK(x.size() == n, "internal: the images of a band differ in dimension");
  TERRAIN_CHECK(s.energies.size() == k + 2, "internal: a band needs one energy per image");
  TERRAIN_CHECK(s.velocity.size() == k, "internal: a band needs one velocity per interior image");
  for (const auto& v : s.velocity)
    TERRAIN_CHECK(v.size() == n, "internal: a band velocity differs in dimension");
}

}  // namespace

void NebSettings::validate() const {
  TERRAIN_CHECK(images >= 1, "-path_images " << images << " must be at least 1");
  TERRAIN_CHECK(spring >= 0 && std::isfinite(spring),
                "-path_spring " << spring << " must be a finite number >= 0");
  TERRAIN_CHECK(climb_after >= 0, "-path_climb_after " << climb_after << " must be >= 0");
  TERRAIN_CHECK(max_steps >= 0, "-path_steps " << max_steps << " must be >= 0");
  TERRAIN_CHECK(step > 0 && std::isfinite(step), "-path_step " << step << " must be > 0");
  TERRAIN_CHECK(ftol >= 0 && std::isfinite(ftol), "-path_ftol " << ftol << " must be >= 0");
  TERRAIN_CHECK(batch >= 0, "-path_batch " << batch << " must be >= 0 (0: full batch)");
  TERRAIN_CHECK(max_move > 0 && std::isfinite(max_move),
                "the largest NEB move " << max_move << " must be > 0");
}

BandState linear_band(core::WorkGroups& groups, PathEnergy& group_energy,
                      const std::vector<double>& a, const std::vector<double>& b, PetscInt images) {
  TERRAIN_CHECK(images >= 1, "-path_images " << images << " must be at least 1");
  TERRAIN_CHECK(a.size() == b.size() && static_cast<PetscInt>(a.size()) == group_energy.dim(),
                "internal: the ends of a band (" << a.size() << " and " << b.size()
                                                 << " entries) do not fit the energy of dimension "
                                                 << group_energy.dim());
  const std::size_t k = static_cast<std::size_t>(images), n = a.size();
  BandState s;
  s.images.resize(k + 2);
  s.images[0] = a;
  s.images[k + 1] = b;
  for (std::size_t i = 1; i <= k; ++i) {
    const double t = double(i) / double(k + 1);
    s.images[i].resize(n);
    for (std::size_t j = 0; j < n; ++j) s.images[i][j] = a[j] + t * (b[j] - a[j]);
  }
  s.velocity.assign(k, std::vector<double>(n, 0.0));
  GroupEvaluator evaluator(groups, group_energy);
  // With gradients, as every step evaluates the interior images: the ends' energies then come
  // from the same computation (for a network, the full forward pass).
  evaluator.evaluate(
      k + 2,
      [&](std::size_t p, std::vector<double>&) -> const std::vector<double>& {
        return s.images[p];
      },
      true);
  s.energies.resize(k + 2);
  for (std::size_t i = 0; i < k + 2; ++i) s.energies[i] = evaluator.value(i);
  return s;
}

std::vector<double> neb_tangent(const BandState& state, PetscInt i) {
  TERRAIN_CHECK(i >= 1 && static_cast<std::size_t>(i) + 1 < state.images.size() &&
                    state.energies.size() == state.images.size(),
                "internal: no interior image " << i << " in a band of " << state.images.size());
  std::vector<double> tau(state.images[0].size());
  tangent_into(state, static_cast<std::size_t>(i), tau.data());
  return tau;
}

NebOutcome run_neb(core::WorkGroups& groups, PathEnergy& group_energy, const NebSettings& settings,
                   BandState& state, const std::function<bool()>& stop,
                   const std::function<void(const NebRow&)>& on_step) {
  settings.validate();
  check_state(state);
  const std::size_t k = state.images.size() - 2, n = state.images[0].size();
  TERRAIN_CHECK(static_cast<PetscInt>(n) == group_energy.dim(),
                "internal: a band of dimension " << n << " for an energy of dimension "
                                                 << group_energy.dim());
  GroupEvaluator evaluator(groups, group_energy);
  // The springs alone make a chain of unit masses whose fastest mode has ω = 2√k; semi-implicit
  // Euler is stable for dt·ω < 2, so dt stays below half that bound whatever -path_step says
  // (measured on the teacher pair: AutoNEB at -path_step 0.03, k = 10 (dt up to 0.3) blew up).
  const double dt_max = settings.spring > 0 ? std::min(kFireMaxDtFactor * settings.step,
                                                       kSpringDtMargin / std::sqrt(settings.spring))
                                            : kFireMaxDtFactor * settings.step;
  const double dt_min = std::min(kFireMinDtFactor * settings.step, dt_max);
  if (state.dt == 0) {
    state.dt = std::min(settings.step, dt_max);
    state.alpha = kFireAlpha;
    state.n_positive = 0;
    state.least_force = 0;
    state.quick_min = false;
  }
  const double move_cap =
      settings.max_move * distance(state.images[0], state.images[k + 1]) / double(k + 1);
  TERRAIN_CHECK(move_cap > 0, "the two ends of the band coincide: nothing to connect");
  std::vector<double> force(k * n), tau(n);
  NebOutcome outcome;
  const auto point = [&](std::size_t p, std::vector<double>&) -> const std::vector<double>& {
    return state.images[p + 1];
  };
  for (;;) {
    // 1. Energies and gradients of the interior images, on every rank.
    if (settings.batch > 0) group_energy.use_batch(settings.seed, state.step, settings.batch);
    evaluator.evaluate(k, point, true);
    for (std::size_t i = 1; i <= k; ++i) state.energies[i] = evaluator.value(i - 1);
    const PetscInt climbed = state.climbing;
    state.climbing = -1;
    if (settings.climb && state.step >= settings.climb_after) {
      std::size_t top = 1;
      for (std::size_t i = 2; i <= k; ++i)
        if (state.energies[i] > state.energies[top]) top = i;
      // Hysteresis: the climber stays unless another image is clearly higher. A neighbour that
      // reaches the saddle's energy too would otherwise take turns with it, the force jumping
      // between the two roles at every switch (measured on the teacher pair: a 6-step cycle
      // at max force 0.06, never converging). At 1e-3 of the range the role still passed to a
      // neighbour on the steep far side of the saddle (|∇L| 1.2 against 1e-3: a climber's force
      // is |∇L|), and Newton from the climber found an index-3 point; at 5% an index-1 saddle.
      if (climbed >= 1 && static_cast<std::size_t>(climbed) <= k) {
        const double lo = *std::min_element(state.energies.begin(), state.energies.end());
        const double margin = kClimbHysteresis * (state.energies[top] - lo);
        if (state.energies[top] <= state.energies[climbed] + margin)
          top = static_cast<std::size_t>(climbed);
      }
      state.climbing = static_cast<PetscInt>(top);
    }

    // 2. NEB forces.
    double max_force = 0;
    bool finite = true;
    for (std::size_t i = 1; i <= k; ++i) {
      tangent_into(state, i, tau.data());
      const double* g = evaluator.gradient(i - 1);
      double* f = &force[(i - 1) * n];
      double g_tau = 0;
      for (std::size_t j = 0; j < n; ++j) g_tau += g[j] * tau[j];
      if (static_cast<PetscInt>(i) == state.climbing) {
        for (std::size_t j = 0; j < n; ++j) f[j] = -g[j] + 2 * g_tau * tau[j];
      } else {
        const double stretch = settings.spring * (distance(state.images[i + 1], state.images[i]) -
                                                  distance(state.images[i], state.images[i - 1]));
        const double along = g_tau + stretch;
        for (std::size_t j = 0; j < n; ++j) f[j] = -g[j] + along * tau[j];
      }
      for (std::size_t j = 0; j < n; ++j) {
        max_force = std::max(max_force, std::abs(f[j]));
        finite = finite && std::isfinite(f[j]);
      }
    }
    const NebRow row{state.step, max_force,
                     *std::max_element(state.energies.begin(), state.energies.end()),
                     state.climbing};
    if (state.reported_step != state.step) {
      state.reported_step = state.step;
      outcome.history.push_back(row);
      if (on_step) on_step(row);
    }

    // 3. Done?
    if (!finite) {
      outcome.reason = "the force is not finite (diverged: lower -path_step)";
      break;
    }
    if (max_force <= settings.ftol && (!settings.climb || state.climbing >= 0)) {
      outcome.converged = true;
      std::ostringstream os;
      os << "converged: max force " << max_force << " <= " << settings.ftol << " after "
         << state.step << " steps";
      outcome.reason = os.str();
      break;
    }
    if (state.step >= settings.max_steps) {
      std::ostringstream os;
      os << "not converged: max force " << max_force << " after " << state.step
         << " steps (-path_steps)";
      outcome.reason = os.str();
      break;
    }
    if (stop && stop()) {
      outcome.stopped = true;
      outcome.reason = "stopped";
      break;
    }

    // 4. One FIRE step.
    double power = 0, v_norm = 0, f_norm = 0;
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        const double v = state.velocity[i][j], f = force[i * n + j];
        power += f * v, v_norm += v * v, f_norm += f * f;
      }
    v_norm = std::sqrt(v_norm), f_norm = std::sqrt(f_norm);
    bool pumped = false;
    if (power > 0 && state.least_force > 0 && f_norm > kGrowthGuard * state.least_force) {
      pumped = true;
      state.quick_min = true;
    }
    state.least_force = state.least_force > 0 ? std::min(state.least_force, f_norm) : f_norm;
    if (power > 0 && !pumped && state.quick_min) {
      const double along = power / (f_norm * f_norm);
      for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < n; ++j) state.velocity[i][j] = along * force[i * n + j];
      if (state.n_positive > kFireMinDownhill) state.dt = std::min(state.dt * kFireGrow, dt_max);
      ++state.n_positive;
    } else if (power > 0 && !pumped) {
      const double mix = f_norm > 0 ? state.alpha * v_norm / f_norm : 0;
      for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < n; ++j)
          state.velocity[i][j] = (1 - state.alpha) * state.velocity[i][j] + mix * force[i * n + j];
      if (state.n_positive > kFireMinDownhill) {
        state.dt = std::min(state.dt * kFireGrow, dt_max);
        state.alpha *= kFireAlphaDecay;
      }
      ++state.n_positive;
    } else if (pumped || v_norm > 0 || power < 0) {
      // Uphill (or pumped): stop, brake, and start mixing afresh. (At rest nothing to brake.)
      for (auto& v : state.velocity) std::fill(v.begin(), v.end(), 0.0);
      state.alpha = kFireAlpha;
      state.dt = std::max(state.dt * kFireShrink, dt_min);
      state.n_positive = 0;
      state.least_force = f_norm;
    }
    double largest = 0;
    for (std::size_t i = 0; i < k; ++i) {
      double move = 0;
      for (std::size_t j = 0; j < n; ++j) {
        state.velocity[i][j] += state.dt * force[i * n + j];
        const double d = state.dt * state.velocity[i][j];
        move += d * d;
      }
      largest = std::max(largest, std::sqrt(move));
    }
    const double scale = largest > move_cap ? move_cap / largest : 1.0;
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < n; ++j)
        state.images[i + 1][j] += scale * (state.dt * state.velocity[i][j]);
    ++state.step;
  }
  if (settings.batch > 0) group_energy.use_all();
  return outcome;
}

std::string describe(const NebRow& row) {
  std::ostringstream os;
  os << "max force " << row.max_force << "  max energy " << row.max_energy;
  if (row.climbing >= 0) os << "  climbing image " << row.climbing;
  return os.str();
}

}  // namespace terrain::geometry
