#include "study/path_optimisation.hpp"

#include <algorithm>
#include <cstdio>

#include "core/progress.hpp"
#include "core/signals.hpp"
#include "geometry/autoneb.hpp"
#include "geometry/neb.hpp"
#include "geometry/objective_energy.hpp"

namespace terrain::study {

namespace {

// Stops between steps on a signal; saves every -path_save_every seconds (rank 0's clock decides).
class Saver {
 public:
  Saver(MPI_Comm world, double every) : world_(world), every_(every), last_(MPI_Wtime()) {}
  bool stop() const { return core::StopSignals::received_anywhere(world_); }
  bool due() {
    int now = MPI_Wtime() - last_ >= every_;
    MPI_Bcast(&now, 1, MPI_INT, 0, world_);
    if (now) last_ = MPI_Wtime();
    return now != 0;
  }

 private:
  MPI_Comm world_;
  double every_, last_;
};

void band(core::WorkGroups& groups, geometry::PathEnergy& energy, const geometry::ConnectConfig& c,
          const std::string& file, const std::string& name, const std::vector<double>& a,
          const std::vector<double>& b, OptimisedPath& out) {
  const MPI_Comm world = groups.world();
  const std::string fingerprint = c.fingerprint();
  const geometry::AutoNebSettings s = c.autoneb_settings();
  geometry::AutoNebState state;
  if (geometry::load_band_state(world, file, fingerprint, a, b, state, out.history))
    PetscPrintf(world, "terrain-connect: resuming %s at step %d (%s)\n", name.c_str(),
                int(state.band.step), file.c_str());
  else
    state.band = geometry::linear_band(groups, energy, a, b, c.images);
  const bool neb = c.method == geometry::PathMethod::neb;
  const PetscInt total = neb ? c.steps : c.steps * c.cycles;
  core::Progress progress(world, geometry::to_string(c.method), total);
  Saver saver(world, c.save_every);
  auto on_step = [&](const geometry::NebRow& row) {
    out.history.step.push_back(double(row.step));
    out.history.value.push_back(row.max_force);
    char detail[160];
    std::snprintf(detail, sizeof detail, "max force %.3e  max loss %.8e  climbing %d",
                  row.max_force, row.max_energy, int(row.climbing));
    progress.update(std::min<PetscInt>(row.step, total), detail);
    if (saver.due()) geometry::save_band_state(world, file, fingerprint, state, out.history);
  };
  auto stop = [&] { return saver.stop(); };
  const geometry::NebOutcome o =
      neb ? geometry::run_neb(groups, energy, s.neb, state.band, stop, on_step)
          : geometry::run_autoneb(groups, energy, s, state, stop, on_step);
  progress.finish(o.reason);
  out.stopped = o.stopped;
  if (o.stopped) {
    geometry::save_band_state(world, file, fingerprint, state, out.history);
    return;
  }
  out.kind = "polyline";
  out.pivots = state.band.images;
  out.steps = state.band.step;
  out.converged = o.converged;
  out.reason = o.reason;
  out.climbing = state.band.climbing;
  if (out.climbing >= 0) out.climbing_tangent = geometry::neb_tangent(state.band, out.climbing);
}

void curve(core::WorkGroups& groups, geometry::PathEnergy& energy, const geometry::ConnectConfig& c,
           const std::string& file, const std::string& name, const std::vector<double>& a,
           const std::vector<double>& b, OptimisedPath& out) {
  const MPI_Comm world = groups.world();
  const std::string fingerprint = c.fingerprint();
  geometry::CurveState state;
  if (geometry::load_curve_state(world, file, fingerprint, a, b, state, out.history))
    PetscPrintf(world, "terrain-connect: resuming %s at step %d (%s)\n", name.c_str(),
                int(state.step), file.c_str());
  else
    state.curve = geometry::straight_curve(c.method == geometry::PathMethod::bezier
                                               ? geometry::CurveKind::bezier
                                               : geometry::CurveKind::polychain,
                                           a, b, c.bends);
  core::Progress progress(world, std::string(geometry::to_string(c.method)) + " curve", c.steps);
  Saver saver(world, c.save_every);
  auto on_step = [&](const geometry::CurveRow& row) {
    out.history.step.push_back(double(row.step));
    out.history.value.push_back(row.mean_loss);
    progress.update(row.step, "mean loss " + std::to_string(row.mean_loss));
    if (saver.due()) geometry::save_curve_state(world, file, fingerprint, state, out.history);
  };
  const geometry::NebOutcome o = geometry::train_curve(
      groups, energy, c.curve_settings(), state, [&] { return saver.stop(); }, on_step);
  progress.finish(o.reason);
  out.stopped = o.stopped;
  if (o.stopped) {
    geometry::save_curve_state(world, file, fingerprint, state, out.history);
    return;
  }
  out.kind = geometry::to_string(c.method);
  out.pivots = state.curve.points;
  out.curve = state.curve;
  out.steps = state.step;
  out.converged = o.converged;
  out.reason = o.reason;
}

}  // namespace

OptimisedPath optimise_path(core::WorkGroups& groups, objective::Objective& f,
                            const geometry::ConnectConfig& config, const std::string& state_file,
                            const std::string& name, const std::vector<double>& a,
                            const std::vector<double>& b) {
  OptimisedPath out;
  if (config.method == geometry::PathMethod::linear) {
    out.kind = "polyline";
    out.pivots = {a, b};
    out.reason = "straight line";
    return out;
  }
  geometry::ObjectiveEnergy energy(f);
  if (config.band())
    band(groups, energy, config, state_file, name, a, b, out);
  else
    curve(groups, energy, config, state_file, name, a, b, out);
  if (!out.stopped)
    PetscPrintf(groups.world(), "terrain-connect: %s: %s\n", geometry::to_string(config.method),
                out.reason.c_str());
  return out;
}

}  // namespace terrain::study
