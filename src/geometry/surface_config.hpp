#pragma once
// The options of terrain-surface: where the centre comes from and where the surface goes
// (-input, -output), the grid and what to measure at each point (-surf_*), the directions
// (geometry/directions.hpp) and the sharpness at the centre (geometry/sharpness.hpp).
#include <petscsys.h>

#include <string>

#include "geometry/directions.hpp"
#include "geometry/sharpness.hpp"
#include "geometry/surface_grid.hpp"

namespace terrain::geometry {

struct SurfaceConfig {
  std::string input;          // run file or parameter file: the centre θ (required)
  std::string output;         // default: the input, updated atomically
  std::string name = "loss";  // /surface/<name>
  PetscInt step = -1;         // a /trajectory/params snapshot as the centre; −1: /params
  bool data_from_run = true;
  std::string x_text, y_text;  // -surf_x, -surf_y ranges; y empty for 1-D
  PetscInt group_size = 0;     // ranks per work group; 0: one group of every rank
  PetscInt chunk = 8;          // points per work unit (restart and warm-start unit)
  bool test = true;            // test loss/accuracy when the data have a test set
  bool grad_norm = false;
  bool curvature = false;  // λ_min, λ_max with residuals and H·v counts
  bool trace = false;      // Hutchinson trace
  PetscInt trace_probes = 10;
  double eig_tol = 1e-6;  // absolute residual of the curvature solves
  double eig_rtol = 1e-4;  // λ_min may have a residual up to this fraction of |λ_max|
  PetscInt eig_max_it = 10000;
  bool warm_start = true;   // curvature solves start from the previous point's vectors
  bool plane_cache = true;  // the first layer's pre-activation kept per surface
  double save_every = 60;   // seconds between saves of a group's finished points

  DirectionConfig directions;
  SharpnessConfig sharpness;

  bool two_d() const { return !y_text.empty(); }
  SurfaceGrid grid() const;
  // Every option that changes a value of the surface, as text: a resumed surface must have
  // the same (the group size is not in it: another layout changes values only by rounding).
  std::string fingerprint() const;

  static SurfaceConfig from_options();
};

}  // namespace terrain::geometry
