#include "geometry/surface_point.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "objective/curvature_operator.hpp"
#include "objective/replicated.hpp"
#include "spectral/extreme_eigenvalues.hpp"
#include "spectral/trace.hpp"

namespace terrain::geometry {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const char* const kNames[n_columns] = {
    "train_loss",          "train_acc",    "test_loss",  "test_acc",
    "grad_norm",           "lambda_min",   "lambda_max", "lambda_min_residual",
    "lambda_max_residual", "lambda_ratio", "n_matvec",   "trace",
    "trace_stderr"};
}  // namespace

const char* column_name(int column) { return kNames[column]; }

std::vector<int> measured_columns(const SurfaceConfig& c, bool has_test) {
  std::vector<int> cols = {train_loss, train_acc};
  if (c.test && has_test) cols.insert(cols.end(), {test_loss, test_acc});
  if (c.grad_norm) cols.push_back(grad_norm);
  if (c.curvature)
    cols.insert(cols.end(),
                {lambda_min, lambda_max, lambda_min_residual, lambda_max_residual, lambda_ratio});
  if (c.trace) cols.insert(cols.end(), {trace, trace_stderr});
  if (c.curvature || c.trace) cols.push_back(n_matvec);
  return cols;
}

SurfaceMeasure::SurfaceMeasure(const SurfaceConfig& config, objective::Objective& objective,
                               const data::Dataset& train, const data::Dataset* test,
                               const std::vector<double>& centre, const std::vector<double>& dx,
                               const std::vector<double>& dy)
    : config_(config), objective_(objective), test_(test), centre_(centre), dx_(dx), dy_(dy) {
  const std::vector<double>* y = dy_.empty() ? nullptr : &dy_;
  if (config_.plane_cache) {
    train_plane_ = std::make_unique<PlaneEvaluator>(objective_.comm(), objective_.network(), train,
                                                    centre_, dx_, y);
    if (test_)
      test_plane_ = std::make_unique<PlaneEvaluator>(objective_.comm(), objective_.network(),
                                                     *test_, centre_, dx_, y);
  }
  theta_.reset(objective_.create_vec());
  if (config_.grad_norm) gradient_.reset(objective_.create_vec());
}

SurfaceMeasure::~SurfaceMeasure() = default;

void SurfaceMeasure::begin_chunk() { have_warm_ = false; }

void SurfaceMeasure::set_point(double x, double y) {
  point_ = centre_;
  for (std::size_t i = 0; i < point_.size(); ++i) point_[i] += x * dx_[i];
  if (!dy_.empty())
    for (std::size_t i = 0; i < point_.size(); ++i) point_[i] += y * dy_[i];
  objective::distribute(point_, theta_);
}

PointValues SurfaceMeasure::measure(double x, double y) {
  PointValues v;
  v.fill(kNaN);
  const bool needs_vec = !train_plane_ || config_.grad_norm || config_.curvature || config_.trace;
  if (needs_vec) set_point(x, y);

  if (train_plane_) {
    const objective::Evaluation e = train_plane_->at(x, y);
    v[train_loss] = e.loss;
    v[train_acc] = e.accuracy;
  } else {
    v[train_loss] = objective_.loss(theta_);
    v[train_acc] = objective_.accuracy(theta_);
  }
  if (test_ && config_.test) {
    const objective::Evaluation e =
        test_plane_ ? test_plane_->at(x, y) : objective_.evaluate(theta_, *test_);
    v[test_loss] = e.loss;
    v[test_acc] = e.accuracy;
  }
  if (config_.grad_norm) {
    objective_.gradient(theta_, gradient_);
    double norm = 0;
    TERRAIN_PETSC(VecNorm(gradient_, NORM_2, &norm));
    v[grad_norm] = norm;
  }
  if (!config_.curvature && !config_.trace) return v;

  objective::CurvatureOperator op(objective_, theta_, objective::Curvature::hessian);
  const std::int64_t before = objective::applied_products(op.mat());
  if (config_.curvature) {
    spectral::EigenSettings s;
    s.nev = 1;
    s.tol = config_.eig_tol;
    s.max_it = config_.eig_max_it;
    s.prefix = "surf_";
    const bool warm = config_.warm_start && have_warm_;
    core::VecList vmax, vmin;
    std::vector<Vec> start_max, start_min;
    if (warm) {
      start_max = {warm_max_.get()};
      start_min = {warm_min_.get()};
    }
    const spectral::Eigenpairs top = spectral::extreme_eigenpairs(
        op.mat(), spectral::End::largest, s, &vmax, warm ? &start_max : nullptr);
    // The left end converges slowly through the cluster of near-zero eigenvalues; for a map
    // its error need only be small next to λ_max (the error of λ is at most the residual).
    if (!top.values.empty())
      s.tol = std::max(config_.eig_tol, config_.eig_rtol * std::fabs(top.values[0]));
    const spectral::Eigenpairs bottom = spectral::extreme_eigenpairs(
        op.mat(), spectral::End::smallest, s, &vmin, warm ? &start_min : nullptr);
    if (!top.values.empty()) {
      v[lambda_max] = top.values[0];
      v[lambda_max_residual] = top.residuals[0];
    }
    if (!bottom.values.empty()) {
      v[lambda_min] = bottom.values[0];
      v[lambda_min_residual] = bottom.residuals[0];
    }
    v[lambda_ratio] = std::fabs(v[lambda_min] / v[lambda_max]);
    // The next point of the chunk starts from these (both ends must have converged).
    have_warm_ = !top.values.empty() && !bottom.values.empty();
    if (have_warm_) {
      if (!warm_max_.get()) {
        warm_max_.reset(objective_.create_vec());
        warm_min_.reset(objective_.create_vec());
      }
      TERRAIN_PETSC(VecCopy(vmax[0], warm_max_));
      TERRAIN_PETSC(VecCopy(vmin[0], warm_min_));
    }
  }
  if (config_.trace) {
    const spectral::TraceEstimate t = spectral::estimate_trace(
        op.mat(), config_.trace_probes, config_.directions.seed, config_.trace_probes, false);
    v[trace] = t.hutchinson;
    v[trace_stderr] = t.hutchinson_stderr;
  }
  v[n_matvec] = double(objective::applied_products(op.mat()) - before);
  return v;
}

}  // namespace terrain::geometry
