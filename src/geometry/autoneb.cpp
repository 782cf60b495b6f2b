#include "geometry/autoneb.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "geometry/group_evaluator.hpp"

namespace terrain::geometry {

namespace {

struct Rise {
  std::size_t segment;
  double s, rise, energy;
};

// The highest rise above the chord in each segment of the band.
std::vector<Rise> segment_rises(core::WorkGroups& groups, PathEnergy& energy, const BandState& band,
                                PetscInt samples) {
  const std::size_t segments = band.images.size() - 1, per = static_cast<std::size_t>(samples);
  const std::size_t n = band.images[0].size();
  GroupEvaluator evaluator(groups, energy);
  const auto where = [per](std::size_t p) { return double(p % per + 1) / double(per + 1); };
  evaluator.evaluate(
      segments * per,
      [&](std::size_t p, std::vector<double>& x) -> const std::vector<double>& {
        const std::vector<double>& a = band.images[p / per];
        const std::vector<double>& b = band.images[p / per + 1];
        const double s = where(p);
        x.resize(n);
        for (std::size_t j = 0; j < n; ++j) x[j] = a[j] + s * (b[j] - a[j]);
        return x;
      },
      false);
  std::vector<Rise> best(segments);
  for (std::size_t i = 0; i < segments; ++i) {
    best[i] = Rise{i, 0, -HUGE_VAL, 0};
    for (std::size_t m = 0; m < per; ++m) {
      const std::size_t p = i * per + m;
      const double s = where(p), e = evaluator.value(p);
      const double rise = e - ((1 - s) * band.energies[i] + s * band.energies[i + 1]);
      if (rise > best[i].rise) best[i] = Rise{i, s, rise, e};
    }
  }
  return best;
}

// Inserts images at the largest rises; returns how many.
PetscInt insert_images(const AutoNebSettings& settings, std::vector<Rise> rises, BandState& band) {
  const PetscInt interior = static_cast<PetscInt>(band.images.size()) - 2;
  double lo = *std::min_element(band.energies.begin(), band.energies.end());
  double hi = *std::max_element(band.energies.begin(), band.energies.end());
  for (const Rise& r : rises) hi = std::max(hi, r.energy);
  const double threshold = settings.rise_tolerance * (hi - lo);
  std::stable_sort(rises.begin(), rises.end(),
                   [](const Rise& a, const Rise& b) { return a.rise > b.rise; });
  const PetscInt room = std::min(settings.insert_per_cycle, settings.max_images - interior);
  std::vector<Rise> chosen;
  for (const Rise& r : rises)
    if (static_cast<PetscInt>(chosen.size()) < room && r.rise > threshold && r.rise > 0)
      chosen.push_back(r);
  // From the last segment back, so the earlier segments keep their indices.
  std::sort(chosen.begin(), chosen.end(),
            [](const Rise& a, const Rise& b) { return a.segment > b.segment; });
  const std::size_t n = band.images[0].size();
  for (const Rise& r : chosen) {
    const std::vector<double>& a = band.images[r.segment];
    const std::vector<double>& b = band.images[r.segment + 1];
    std::vector<double> x(n);
    for (std::size_t j = 0; j < n; ++j) x[j] = a[j] + r.s * (b[j] - a[j]);
    band.images.insert(band.images.begin() + static_cast<std::ptrdiff_t>(r.segment) + 1,
                       std::move(x));
    band.energies.insert(band.energies.begin() + static_cast<std::ptrdiff_t>(r.segment) + 1,
                         r.energy);
  }
  if (!chosen.empty()) {
    // A new band: FIRE starts afresh, and its first evaluation is a new row.
    band.velocity.assign(band.images.size() - 2, std::vector<double>(n, 0.0));
    band.dt = 0, band.alpha = 0, band.n_positive = 0;
    band.reported_step = -1;
  }
  return static_cast<PetscInt>(chosen.size());
}

}  // namespace

void AutoNebSettings::validate() const {
  neb.validate();
  TERRAIN_CHECK(cycles >= 1, "-path_cycles " << cycles << " must be at least 1");
  TERRAIN_CHECK(insert_per_cycle >= 0, "-path_insert " << insert_per_cycle << " must be >= 0");
  TERRAIN_CHECK(samples_per_segment >= 1,
                "-path_segment_samples " << samples_per_segment << " must be at least 1");
  TERRAIN_CHECK(max_images >= 1, "-path_max_images " << max_images << " must be at least 1");
  TERRAIN_CHECK(rise_tolerance >= 0 && std::isfinite(rise_tolerance),
                "the AutoNEB rise tolerance " << rise_tolerance << " must be >= 0");
}

NebOutcome run_autoneb(core::WorkGroups& groups, PathEnergy& group_energy,
                       const AutoNebSettings& settings, AutoNebState& state,
                       const std::function<bool()>& stop,
                       const std::function<void(const NebRow&)>& on_step) {
  settings.validate();
  std::vector<NebRow> history;
  for (;;) {
    // The cycle's budget and climbing delay count from its first step.
    NebSettings neb = settings.neb;
    neb.max_steps = state.cycle_start + settings.neb.max_steps;
    neb.climb_after = state.cycle_start + settings.neb.climb_after;
    NebOutcome outcome = run_neb(groups, group_energy, neb, state.band, stop, on_step);
    history.insert(history.end(), outcome.history.begin(), outcome.history.end());
    const PetscInt interior = static_cast<PetscInt>(state.band.images.size()) - 2;
    const auto finish = [&](const std::string& why) {
      state.finished = true;
      std::ostringstream os;
      os << outcome.reason << "; AutoNEB: " << why << " after " << state.cycle + 1 << " cycles, "
         << interior << " interior images";
      outcome.reason = os.str();
      outcome.history = std::move(history);
      return outcome;
    };
    if (outcome.stopped) {
      outcome.history = std::move(history);
      return outcome;
    }
    if (state.finished) return finish("finished");
    if (state.cycle + 1 >= settings.cycles) return finish("last cycle");
    if (interior >= settings.max_images) return finish("most images");
    const PetscInt inserted = insert_images(
        settings, segment_rises(groups, group_energy, state.band, settings.samples_per_segment),
        state.band);
    if (inserted == 0) return finish("no segment rises above its chord");
    ++state.cycle;
    state.cycle_start = state.band.step;
  }
}

}  // namespace terrain::geometry
