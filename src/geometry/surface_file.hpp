#pragma once
// /surface/<name> of a run file (the names of loss-landscape's files where it has them, so its
// h5py scripts read ours):
//
//   /surface/<name>           attrs dims, nx, ny, x_range, y_range, centre (where θ came from),
//                             complete (1 when every point is done), n_done, n_points,
//                             group_size, n_groups, chunk, seconds, sweep_seconds,
//                             fingerprint, columns
//     xcoordinates            float64[nx]
//     ycoordinates            float64[ny]                       (2-D)
//     train_loss, train_acc   float64[nx] (1-D) or [nx, ny] (2-D): value[i, j] is the point
//     test_loss, test_acc       (xcoordinates[i], ycoordinates[j]), x the first index; NaN
//     grad_norm, lambda_min,    where not done. Only what was measured: test_* with a test
//     lambda_max, ...           set, grad_norm with -surf_grad_norm, lambda_* and n_matvec
//                               with -surf_curvature, trace* with -surf_trace
//     done                    int64, same shape: 1 finished
//     xdirection, ydirection, landmarks/, pca/   geometry/direction_record.hpp
//     sharpness/              attrs of geometry/sharpness.hpp, with -surf_sharpness
#include <string>
#include <vector>

#include "geometry/direction_record.hpp"
#include "geometry/sharpness.hpp"
#include "geometry/surface_grid.hpp"
#include "geometry/surface_point.hpp"
#include "io/run_file.hpp"

namespace terrain::geometry {

struct SurfaceSummary {
  std::string centre;  // "run.h5:/params"
  std::string fingerprint;
  PetscInt group_size = 1, n_groups = 1, chunk = 1;
  double seconds = 0;        // this session's
  double sweep_seconds = 0;  // of which measuring the points
};

// Collective on the file's communicator; rank 0's values are written. Replaces an existing
// /surface/<name>.
void write_surface(io::RunFile& file, const std::string& name, const SurfaceGrid& grid,
                   const std::vector<int>& columns, const std::vector<PointValues>& values,
                   const std::vector<int>& done, const DirectionRecord& directions,
                   const SurfaceSummary& summary, const SharpnessReport* sharpness);

}  // namespace terrain::geometry
