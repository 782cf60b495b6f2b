#pragma once
// terrain-connect's phases: the minima and their data (the first input's network and data, the
// others' /params, all checked to be the same network and distinct points), the work groups,
// then for every pair (A, B): B aligned to A by the hidden-unit symmetries (optional), the path
// (the line, NEB, AutoNEB, or a trained curve, geometry/neb.hpp, autoneb.hpp, path_curve.hpp),
// its dense loss profile and barriers (geometry/path_profile.hpp), λ_min and the index at every
// pivot, and the saddle refined from the highest pivot with terrain-critical's trust-region
// Newton and classified by its exact inertia; with more than two minima, the minimum spanning
// tree of the pairwise barrier heights. Writes /path/<name> (one pair) or /path/<name>_<i>_<j>
// and /connectivity (several) into a new file.
//
// Restarts: the state of a path optimiser (the band, or the curve, and the optimiser's
// velocities) is saved to <output>.path-<name>.state.h5 every -path_save_every seconds and when
// a stop signal (SIGTERM, SIGUSR1) arrives; the same command continues bitwise from it.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/work_groups.hpp"
#include "geometry/connect_config.hpp"
#include "geometry/path_curve.hpp"
#include "geometry/path_file.hpp"
#include "optim/newton_krylov.hpp"
#include "spectral/eigen_options.hpp"
#include "study/point_input.hpp"

namespace terrain::study {

class ConnectStudy {
 public:
  ConnectStudy(geometry::ConnectConfig config, optim::NewtonSettings newton,
               spectral::EigenOptions eigen);
  ~ConnectStudy();
  void run();

 private:
  void setup();
  void rescale_minima();
  void connect_all();
  // /path/<name> for one pair, /path/<name>_<i>_<j> for pair p of several.
  std::string path_name(std::size_t p) const;
  // The path from minimum a to minimum b; false when a stop signal ended it early (its state
  // is saved).
  bool connect(std::size_t a, std::size_t b, geometry::PathRecord& record);
  void align(const std::vector<double>& theta_a, std::vector<double>& theta_b,
             geometry::PathRecord& record);
  // The optimised pivots of the path; false when stopped.
  bool optimise(const std::string& state_name, const std::vector<double>& theta_a,
                const std::vector<double>& theta_b, geometry::PathRecord& record);
  void profile(geometry::PathRecord& record);
  void curvature_along(geometry::PathRecord& record);
  void refine_saddle(geometry::PathRecord& record);
  void build_tree();
  void output_results();

  geometry::ConnectConfig config_;
  optim::NewtonSettings newton_;
  spectral::EigenOptions eigen_;
  MPI_Comm world_;
  double start_ = 0;
  std::unique_ptr<core::WorkGroups> groups_;
  std::unique_ptr<PointInput> in_;  // the first input, on this rank's group
  std::vector<std::vector<double>> minima_;
  std::vector<std::string> sources_;
  std::vector<std::pair<std::size_t, std::size_t>> pairs_;
  std::vector<geometry::PathRecord> records_;
  geometry::ConnectivityRecord connectivity_;
  bool stopped_ = false;
  // The curve of the pair in flight, for profile() and the saddle's tangent (empty: polyline).
  std::optional<geometry::Curve> curve_;
  std::vector<double> saddle_tangent_;  // NEB: the band's tangent at the climbing image
};

}  // namespace terrain::study
