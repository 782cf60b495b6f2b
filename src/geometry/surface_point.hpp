#pragma once
// What terrain-surface measures at one point θ + x·d_x + y·d_y, on one work group: the loss and
// accuracy on the training set (and the test set), and on request ‖∇L‖, λ_min and λ_max with
// their residuals and H·v counts, and the Hutchinson trace.
//
// Loss and accuracy come from a PlaneEvaluator per dataset (the first layer's pre-activation
// kept for the whole surface) or, with -surf_plane_cache 0, from a forward pass at the point.
// The curvature solves of a chunk are warm-started: each starts from the previous point's
// eigenvector (SLEPc's own start at the chunk's first point), so a chunk's numbers depend only
// on the chunk.
#include <mpi.h>
#include <petscvec.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "core/petsc_handle.hpp"
#include "data/dataset.hpp"
#include "geometry/plane_evaluator.hpp"
#include "geometry/surface_config.hpp"
#include "objective/objective.hpp"

namespace terrain::geometry {

// The per-point quantities, in the column order of the partial files.
enum Column : int {
  train_loss,
  train_acc,
  test_loss,
  test_acc,
  grad_norm,
  lambda_min,
  lambda_max,
  lambda_min_residual,
  lambda_max_residual,
  lambda_ratio,
  n_matvec,
  trace,
  trace_stderr,
  n_columns
};
// The dataset name of each column ("train_loss", ...: loss-landscape's names where it has them).
const char* column_name(int column);
// The columns this configuration measures (the file has only these).
std::vector<int> measured_columns(const SurfaceConfig& config, bool has_test);

using PointValues = std::array<double, n_columns>;  // NaN where not measured

class SurfaceMeasure {
 public:
  // Collective on the objective's communicator. centre, dx, dy: whole parameter vectors on every
  // rank (dy empty for 1-D). `train` is the objective's training set; `test` may be null.
  // Everything referenced must outlive this.
  SurfaceMeasure(const SurfaceConfig& config, objective::Objective& objective,
                 const data::Dataset& train, const data::Dataset* test,
                 const std::vector<double>& centre, const std::vector<double>& dx,
                 const std::vector<double>& dy);
  ~SurfaceMeasure();

  // Forgets the warm starts: the next point is the first of a chunk.
  void begin_chunk();
  // Collective: every quantity asked for at θ + x·dx + y·dy.
  PointValues measure(double x, double y);

 private:
  void set_point(double x, double y);

  const SurfaceConfig& config_;
  objective::Objective& objective_;
  const data::Dataset* test_;
  const std::vector<double>& centre_;
  const std::vector<double>& dx_;
  const std::vector<double>& dy_;
  std::unique_ptr<PlaneEvaluator> train_plane_, test_plane_;
  core::OwnedVec theta_;                // the current point, on the objective's communicator
  core::OwnedVec warm_min_, warm_max_;  // the previous point's eigenvectors
  core::OwnedVec gradient_;             // -surf_grad_norm: reused at every point
  bool have_warm_ = false;
  std::vector<double> point_;  // replicated θ of the current point
};

}  // namespace terrain::geometry
