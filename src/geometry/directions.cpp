// make_directions: each axis's direction by its kind, then the optional orthogonalisation, the
// landmarks of the plane, the cosine and (pca) the projected trajectory.
#include "geometry/directions.hpp"

#include <cmath>
#include <memory>
#include <optional>

#include "core/error.hpp"
#include "core/random_vec.hpp"
#include "geometry/trajectory_pca.hpp"
#include "io/point_reader.hpp"
#include "io/run_file.hpp"
#include "objective/curvature_operator.hpp"
#include "objective/replicated.hpp"
#include "spectral/extreme_eigenvalues.hpp"

namespace terrain::geometry {

namespace {

enum class Axis { x, y };

// "file.h5", "file.h5:<step>" (a trailing ":<integer>" is the step), or "file.h5:/dataset[:row]"
// (a row of a 2-D dataset [rows, n_params] or a 1-D dataset, e.g. a bend of terrain-connect's
// /path/<name>/pivots).
struct TargetSpec {
  std::string path;
  PetscInt step = -1;
  std::string dataset;
  PetscInt row = -1;
};

TargetSpec parse_target(const std::string& spec, const char* option) {
  TargetSpec t{spec, -1, "", -1};
  const std::size_t slash = spec.find(":/");
  if (slash != std::string::npos) {
    t.path = spec.substr(0, slash);
    t.dataset = spec.substr(slash + 1);
    const std::size_t colon = t.dataset.rfind(':');
    if (colon != std::string::npos) {
      const std::string tail = t.dataset.substr(colon + 1);
      TERRAIN_CHECK(!tail.empty() && tail.find_first_not_of("0123456789") == std::string::npos,
                    option << " '" << spec << "': the row after the dataset must be a number >= 0");
      t.row = static_cast<PetscInt>(std::stoll(tail));
      t.dataset = t.dataset.substr(0, colon);
    }
    TERRAIN_CHECK(!t.path.empty(), option << " '" << spec << "' names no file before the dataset");
    return t;
  }
  const std::size_t colon = spec.rfind(':');
  if (colon == std::string::npos) return t;
  const std::string tail = spec.substr(colon + 1);
  const std::size_t digits = tail.find_first_not_of("0123456789", tail[0] == '-' ? 1 : 0);
  if (tail.empty() || tail == "-" || digits != std::string::npos) return t;
  t.path = spec.substr(0, colon);
  t.step = static_cast<PetscInt>(std::stoll(tail));
  TERRAIN_CHECK(!t.path.empty(), option << " '" << spec << "' names no file before the step");
  TERRAIN_CHECK(t.step >= -1,
                option << " '" << spec << "': the step must be >= 0 (or -1 for /params)");
  return t;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

class Builder {
 public:
  Builder(const DirectionConfig& c, objective::Objective& f, const model::Architecture& arch,
          Vec theta, const std::string& input)
      : c_(c), f_(f), arch_(arch), theta_(theta), input_(input) {}

  DirectionSet run() {
    PetscInt n = 0;
    TERRAIN_PETSC(VecGetSize(theta_, &n));
    TERRAIN_CHECK(n == f_.n_params(),
                  "theta has " << n << " entries, the network " << f_.n_params() << " parameters");
    TERRAIN_CHECK(c_.x != DirectionKind::none, "-surf_xdir cannot be none (a surface needs x)");
    prepare_pca();
    prepare_eigen();
    set_.x = make(Axis::x);
    if (c_.y != DirectionKind::none) set_.y = make(Axis::y);
    finish();
    return std::move(set_);
  }

 private:
  DirectionKind kind(Axis a) const { return a == Axis::x ? c_.x : c_.y; }
  const char* dir_option(Axis a) const { return a == Axis::x ? "-surf_xdir" : "-surf_ydir"; }
  // y takes the next component when x has the same kind.
  int component(Axis a) const {
    if (a == Axis::x) return 0;
    const bool same_end =
        (c_.x == c_.y) && (c_.x == DirectionKind::pca || c_.x == DirectionKind::eigen_top ||
                           c_.x == DirectionKind::eigen_bottom);
    return same_end ? 1 : 0;
  }
  int count(DirectionKind k) const { return (c_.x == k ? 1 : 0) + (c_.y == k ? 1 : 0); }

  void prepare_pca() {
    const int n = count(DirectionKind::pca);
    if (n == 0) return;
    trajectory_ = c_.trajectory.empty() ? input_ : c_.trajectory;
    try {
      pca_ = std::make_unique<TrajectoryPca>(trajectory_, arch_, theta_, n);
    } catch (const core::InputError& e) {  // every rank has it: name the option behind the file
      if (c_.trajectory.empty()) throw;
      throw core::InputError(std::string("-surf_trajectory: ") + e.what());
    }
  }

  void prepare_eigen() {
    if (count(DirectionKind::eigen_top) + count(DirectionKind::eigen_bottom) == 0) return;
    objective::CurvatureOperator H(f_, theta_, objective::Curvature::hessian);
    for (DirectionKind k : {DirectionKind::eigen_top, DirectionKind::eigen_bottom}) {
      const int n = count(k);
      if (n == 0) continue;
      spectral::EigenSettings s;
      s.nev = n;
      s.tol = c_.eigen_tol;
      s.prefix = "surf_";  // -surf_eps_type, -surf_eps_max_it, ... pass to SLEPc
      const bool top = k == DirectionKind::eigen_top;
      EigenEnd& e = top ? top_ : bottom_;
      e.pairs = spectral::extreme_eigenpairs(
          H.mat(), top ? spectral::End::largest : spectral::End::smallest, s, &e.vectors);
      TERRAIN_CHECK(static_cast<int>(e.pairs.values.size()) >= n &&
                        e.vectors.size() >= static_cast<std::size_t>(n),
                    "-surf_eigen_tol "
                        << c_.eigen_tol << ": SLEPc converged " << e.pairs.values.size()
                        << " of the " << n << " " << (top ? "largest" : "smallest")
                        << " Hessian eigenpairs (raise -surf_eigen_tol or -surf_eps_max_it)");
      for (int i = 0; i < n; ++i) fix_sign(e.vectors[static_cast<std::size_t>(i)]);
    }
  }

  Direction make(Axis a) {
    Direction d;
    d.kind = kind(a);
    d.v.reset(f_.create_vec());
    switch (d.kind) {
      case DirectionKind::random:
        random(a, d);
        break;
      case DirectionKind::target:
        target(a, d);
        break;
      case DirectionKind::pca: {
        d.component = component(a);
        TERRAIN_PETSC(VecCopy(pca_->component(static_cast<int>(d.component)), d.v));
        d.explained_variance_ratio =
            pca_->explained_variance_ratio()[static_cast<std::size_t>(d.component)];
        d.source = trajectory_ + ":/trajectory/params";
        break;
      }
      case DirectionKind::eigen_top:
      case DirectionKind::eigen_bottom: {
        const EigenEnd& e = d.kind == DirectionKind::eigen_top ? top_ : bottom_;
        d.component = component(a);
        const std::size_t k = static_cast<std::size_t>(d.component);
        TERRAIN_PETSC(VecCopy(e.vectors[k], d.v));
        d.eigenvalue = e.pairs.values[k];
        d.residual = e.pairs.residuals[k];
        d.source = "Hessian at theta";
        break;
      }
      case DirectionKind::none:
        break;
    }
    TERRAIN_PETSC(VecNorm(d.v, NORM_2, &d.norm));
    TERRAIN_CHECK(d.norm > 0,
                  dir_option(a) << " " << to_string(d.kind) << ": the "
                                << (a == Axis::x ? "x" : "y") << " direction is zero"
                                << (d.kind == DirectionKind::random
                                        ? " after -surf_norm (theta is zero where it is normalised)"
                                        : ""));
    return d;
  }

  void random(Axis a, Direction& d) {
    d.normalisation = c_.normalisation;
    d.bias = c_.bias;
    d.seed = static_cast<std::int64_t>(c_.seed);
    const std::uint64_t offset = a == Axis::x ? 0 : static_cast<std::uint64_t>(f_.n_params());
    core::fill_random(d.v, core::Distribution::normal, c_.seed, core::Stream::direction, offset);
    normalise(f_.network().layout(), c_.normalisation, c_.bias, theta_, d.v);
  }

  // A row of a 2-D dataset [rows, n_params] (or a whole 1-D dataset) into v, checked.
  void read_row(const TargetSpec& t, Vec v) {
    const io::RunFile file = io::RunFile::open_read(f_.comm(), t.path);
    TERRAIN_CHECK(file.has(t.dataset), t.path << ": no dataset " << t.dataset);
    const std::vector<std::size_t> shape = file.shape(t.dataset);
    const std::size_t n = static_cast<std::size_t>(f_.n_params());
    const bool table = shape.size() == 2;
    TERRAIN_CHECK((table && shape[1] == n) || (shape.size() == 1 && shape[0] == n),
                  t.path << ":" << t.dataset
                         << " is not a point (or rows of points) of the network's " << n
                         << " parameters");
    TERRAIN_CHECK(table || t.row <= 0,
                  t.path << ":" << t.dataset << " is one point: no row " << t.row);
    const std::size_t row = t.row < 0 ? 0 : static_cast<std::size_t>(t.row);
    TERRAIN_CHECK(!table || row < shape[0],
                  t.path << ":" << t.dataset << " has " << shape[0] << " rows, not row " << row);
    std::vector<double> all(n);
    if (table)
      file.read_rows(t.dataset, row, 1, n, all.data());
    else
      all = file.read_doubles(t.dataset).values;
    for (std::size_t i = 0; i < n; ++i)
      TERRAIN_CHECK(std::isfinite(all[i]),
                    t.path << ":" << t.dataset << ": entry " << i << " is not finite");
    objective::distribute(all, v);
  }

  void target(Axis a, Direction& d) {
    const char* option = a == Axis::x ? "-surf_xtarget" : "-surf_ytarget";
    const std::string& spec = a == Axis::x ? c_.x_target : c_.y_target;
    const TargetSpec t = parse_target(spec, option);
    try {
      if (!t.dataset.empty()) {
        read_row(t, d.v);
      } else if (t.step >= 0) {
        // read_point's own message for this names terrain-spectrum's option.
        const io::RunFile file = io::RunFile::open_read(f_.comm(), t.path);
        TERRAIN_CHECK(file.has("/trajectory/params"),
                      t.path << ": no /trajectory/params (the run saved no parameter snapshots) "
                                "for step "
                             << t.step << "; without ':<step>' the target is its /params");
      }
      if (t.dataset.empty()) io::read_point(f_.comm(), t.path, arch_, t.step, d.v);
    } catch (const core::InputError& e) {
      // Every rank has the same error (the readers agree before they throw).
      throw core::InputError(std::string(option) + ": " + e.what());
    }
    TERRAIN_PETSC(VecAXPY(d.v, -1.0, theta_));
    d.source =
        !t.dataset.empty()
            ? t.path + ":" + t.dataset + (t.row >= 0 ? " (row " + std::to_string(t.row) + ")" : "")
            : t.path + (t.step < 0 ? ":/params"
                                   : ":/trajectory/params (step " + std::to_string(t.step) + ")");
    double norm = 0;
    TERRAIN_PETSC(VecNorm(d.v, NORM_2, &norm));
    TERRAIN_CHECK(norm > 0, option << ": " << spec
                                   << ": the target equals the centre theta, so the "
                                   << (a == Axis::x ? "x" : "y") << " direction is zero");
  }

  void finish() {
    const bool plane = c_.x == DirectionKind::target && c_.y == DirectionKind::target;
    set_.landmarks.push_back({"centre", 0, 0});
    if (c_.x == DirectionKind::target) set_.landmarks.push_back({"x_target", 1, 0});
    if (c_.y == DirectionKind::none) {
      projections();
      return;
    }
    // On whole vectors, so the result is the same at every rank count.
    const std::vector<double> x = objective::replicate(set_.x.v);
    std::vector<double> y = objective::replicate(set_.y.v);
    const std::vector<double> y_drawn = y;  // the target's C − θ, for its landmark
    if (plane || c_.orthogonalize) {
      const double before = std::sqrt(dot(y, y)), along = dot(x, y) / dot(x, x);
      for (std::size_t i = 0; i < y.size(); ++i) y[i] -= along * x[i];
      const double after = std::sqrt(dot(y, y));
      // Rounding leaves ~1e-16 of a y parallel to x: that is no direction either.
      TERRAIN_CHECK(after > 1e-12 * before,
                    (plane ? "-surf_ytarget: " + c_.y_target +
                                 ": theta_C - theta is parallel to theta_B - theta (the three "
                                 "points are on a line), so they span no plane"
                           : std::string("-surf_orthogonalize: the y direction is parallel to x, "
                                         "nothing is left of it")));
      if (!plane)
        for (double& v : y) v *= before / after;
      set_.orthogonalized = true;
      objective::distribute(y, set_.y.v);
      set_.y.norm = std::sqrt(dot(y, y));
    }
    set_.cosine = dot(x, y) / (std::sqrt(dot(x, x)) * std::sqrt(dot(y, y)));
    if (c_.y == DirectionKind::target) {
      // C − θ = a·x + b·y: the 2×2 normal equations of the basis {x, y}.
      const double xx = dot(x, x), xy = dot(x, y), yy = dot(y, y);
      const double xc = dot(x, y_drawn), yc = dot(y, y_drawn), det = xx * yy - xy * xy;
      set_.landmarks.push_back({"y_target", (yy * xc - xy * yc) / det, (xx * yc - xy * xc) / det});
    }
    projections();
  }

  void projections() {
    if (!pca_) return;
    set_.explained_variance_ratio = pca_->explained_variance_ratio();
    set_.proj_step = pca_->steps();
    set_.proj_x = pca_->project(set_.x.v);
    if (c_.y != DirectionKind::none) set_.proj_y = pca_->project(set_.y.v);
  }

  struct EigenEnd {
    spectral::Eigenpairs pairs;
    core::VecList vectors;
  };

  const DirectionConfig& c_;
  objective::Objective& f_;
  const model::Architecture& arch_;
  Vec theta_;
  const std::string& input_;
  std::string trajectory_;
  std::unique_ptr<TrajectoryPca> pca_;
  EigenEnd top_, bottom_;
  DirectionSet set_;
};

}  // namespace

DirectionSet make_directions(const DirectionConfig& config, objective::Objective& objective,
                             const model::Architecture& arch, Vec theta, const std::string& input) {
  return Builder(config, objective, arch, theta, input).run();
}

}  // namespace terrain::geometry
