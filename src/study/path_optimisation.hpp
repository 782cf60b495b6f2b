#pragma once
// terrain-connect's path optimisers behind one call: the straight line as it is, or a NEB /
// AutoNEB band (geometry/neb.hpp, autoneb.hpp) or a trained curve (geometry/path_curve.hpp) over
// the work groups, with a progress line, and restartable: the optimiser's whole state goes to
// the state file (geometry/path_state_file.hpp) every -path_save_every seconds and when a stop
// signal arrives, and a state file left by an earlier run of the same options is continued.
#include <optional>
#include <string>
#include <vector>

#include "core/work_groups.hpp"
#include "geometry/connect_config.hpp"
#include "geometry/path_curve.hpp"
#include "geometry/path_state_file.hpp"
#include "geometry/polyline.hpp"
#include "objective/objective.hpp"

namespace terrain::study {

struct OptimisedPath {
  bool stopped = false;  // a stop signal: the state is saved, nothing else is valid
  std::string kind;      // polyline (line, NEB, AutoNEB), bezier, polychain
  geometry::Images pivots;
  std::optional<geometry::Curve> curve;  // for the curves
  PetscInt steps = 0;
  PetscInt climbing = -1;                // NEB's climbing image at the end, or −1
  std::vector<double> climbing_tangent;  // the band's tangent there
  bool converged = true;
  std::string reason;
  geometry::PathHistory history;
};

// Collective on groups.world(); `f` is this rank's group objective.
OptimisedPath optimise_path(core::WorkGroups& groups, objective::Objective& f,
                            const geometry::ConnectConfig& config, const std::string& state_file,
                            const std::string& name, const std::vector<double>& a,
                            const std::vector<double>& b);

}  // namespace terrain::study
