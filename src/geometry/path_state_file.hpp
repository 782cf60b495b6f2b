#pragma once
// The restart file of a path optimiser, <output>.path-<name>.state.h5 (by the output's
// canonical path, however it is spelled): the whole state of a NEB/AutoNEB band or a curve and
// the optimiser's history so far, written atomically (io::RunFile's temporary + rename) every
// -path_save_every seconds and when a stop signal arrives, removed once the path is written.
//
//   /            attrs  fingerprint (ConnectConfig::fingerprint), kind ("band" | "curve")
//   band:        images [k, n], energies [k], velocity [k−2, n] (absent before the first
//                step), dt, alpha, n_positive, least_force, quick_min, step, climbing, reported_step, cycle,
//                cycle_start, finished
//   curve:       points [m, n], velocity [m−2, n], curve_kind, step
//   history_step, history_value   float64[rows]
//
// A state file made with other options (fingerprint) or for other minima (the ends differ) is an
// InputError naming the file, never silently used.
#include <mpi.h>

#include <string>
#include <vector>

#include "geometry/autoneb.hpp"
#include "geometry/path_curve.hpp"

namespace terrain::geometry {

struct PathHistory {
  std::vector<double> step, value;
};

std::string path_state_path(const std::string& output, const std::string& name);

// Collective. The loads return false when there is no state file.
void save_band_state(MPI_Comm comm, const std::string& path, const std::string& fingerprint,
                     const AutoNebState& state, const PathHistory& history);
bool load_band_state(MPI_Comm comm, const std::string& path, const std::string& fingerprint,
                     const std::vector<double>& a, const std::vector<double>& b,
                     AutoNebState& state, PathHistory& history);
void save_curve_state(MPI_Comm comm, const std::string& path, const std::string& fingerprint,
                      const CurveState& state, const PathHistory& history);
bool load_curve_state(MPI_Comm comm, const std::string& path, const std::string& fingerprint,
                      const std::vector<double>& a, const std::vector<double>& b, CurveState& state,
                      PathHistory& history);
// Removes the state file (and nothing else) when it exists.
void remove_path_state(MPI_Comm comm, const std::string& path);

}  // namespace terrain::geometry
