#include "study/connect_study.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <sstream>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/signals.hpp"
#include "geometry/minimum_spanning_tree.hpp"
#include "geometry/path_state_file.hpp"
#include "geometry/rescaling_normal_form.hpp"
#include "geometry/symmetry_alignment.hpp"
#include "geometry/symmetry_canonical.hpp"
#include "io/file_maintenance.hpp"
#include "io/point_reader.hpp"
#include "io/run_schema.hpp"
#include "objective/replicated.hpp"
#include "optim/saddle_refinement.hpp"
#include "spectral/point_index.hpp"
#include "study/path_optimisation.hpp"

namespace terrain::study {

namespace {

int world_size(MPI_Comm world) {
  int size = 1;
  MPI_Comm_size(world, &size);
  return size;
}

// The world agrees on a problem found by some group (or rank) before anyone goes on.
template <class F>
void on_every_group(MPI_Comm world, F&& work) {
  std::string problem;
  try {
    work();
  } catch (const core::InputError& e) {
    problem = e.what();
  }
  core::check_all(world, problem.empty(), problem);
}

double norm(const std::vector<double>& v) {
  return std::sqrt(std::inner_product(v.begin(), v.end(), v.begin(), 0.0));
}

void broadcast(std::vector<double>& v, int root, MPI_Comm comm) {
  long n = static_cast<long>(v.size());
  MPI_Bcast(&n, 1, MPI_LONG, root, comm);
  v.resize(n);
  MPI_Bcast(v.data(), int(n), MPI_DOUBLE, root, comm);
}

}  // namespace

ConnectStudy::ConnectStudy(geometry::ConnectConfig config, optim::NewtonSettings newton,
                           spectral::EigenOptions eigen)
    : config_(std::move(config)),
      newton_(std::move(newton)),
      eigen_(std::move(eigen)),
      world_(PETSC_COMM_WORLD) {}

ConnectStudy::~ConnectStudy() = default;

void ConnectStudy::run() {
  core::StopSignals signals;  // SIGTERM/SIGUSR1: save the optimiser's state and leave
  start_ = MPI_Wtime();
  setup();
  connect_all();
  if (stopped_) {
    PetscPrintf(world_,
                "terrain-connect: stopped by %s; the path's state is in %s: run the same command "
                "again to continue\n",
                core::signal_name(core::StopSignals::received_on_any_rank(world_)),
                geometry::path_state_path(config_.output, config_.name).c_str());
    return;
  }
  build_tree();
  output_results();
}

// The groups, the first minimum's network and data on every group, and every minimum whole on
// every rank.
void ConnectStudy::setup() {
  for (const std::string& input : config_.inputs)
    TERRAIN_CHECK(!io::same_file(config_.output, input),
                  "-output must differ from every -input: " << config_.output << " is the file "
                                                            << input
                                                            << " (terrain-connect writes a new "
                                                               "file)");
  const int size = world_size(world_);
  const int group_size =
      config_.group_size == 0 ? size : int(std::min<PetscInt>(config_.group_size, size));
  groups_ = std::make_unique<core::WorkGroups>(world_, group_size);
  on_every_group(world_, [&] {
    in_ = load_point_input(groups_->comm(), config_.inputs[0], -1);
    minima_.push_back(objective::replicate(in_->theta));
    sources_.push_back(in_->point.source);
    for (std::size_t i = 1; i < config_.inputs.size(); ++i) {
      const std::string& path = config_.inputs[i];
      io::RunFile file = io::RunFile::open_read(groups_->comm(), path);
      io::check_schema(file);
      if (file.has("/model")) {
        const model::Architecture arch = io::read_model(file);
        TERRAIN_CHECK(model::same_network(arch, in_->arch),
                      path << " is a " << model::describe(arch) << " network, " << config_.inputs[0]
                           << " a " << model::describe(in_->arch)
                           << ": a path joins two points of one network");
      }
      file.close();
      core::OwnedVec theta;
      theta.reset(in_->objective->create_vec());
      io::read_point(groups_->comm(), path, in_->arch, -1, theta);
      minima_.push_back(objective::replicate(theta));
      sources_.push_back(path + ":/params");
    }
  });
  if (config_.rescale) rescale_minima();
  for (std::size_t i = 0; i < minima_.size(); ++i)
    for (std::size_t j = i + 1; j < minima_.size(); ++j) {
      TERRAIN_CHECK(minima_[i] != minima_[j], sources_[i] << " and " << sources_[j]
                                                          << " are the same point: a path needs "
                                                             "two different ends");
      pairs_.emplace_back(i, j);
    }
  for (const std::vector<double>& m : minima_)
    for (double x : m)
      TERRAIN_CHECK(std::isfinite(x),
                    "a minimum has a non-finite parameter: " << sources_[&m - &minima_[0]]);
  PetscPrintf(world_, "terrain-connect: %s\n", in_->describe().c_str());
  PetscPrintf(world_,
              "terrain-connect: %d minima, %d path(s) by %s%s, on %d group(s) of %d rank(s)\n",
              int(minima_.size()), int(pairs_.size()), geometry::to_string(config_.method),
              config_.align == geometry::AlignMethod::none
                  ? ""
                  : (std::string(", aligned by ") + geometry::to_string(config_.align)).c_str(),
              groups_->count(), group_size);
}

std::string ConnectStudy::path_name(std::size_t p) const {
  if (pairs_.size() == 1) return config_.name;
  return config_.name + "_" + std::to_string(pairs_[p].first) + "_" +
         std::to_string(pairs_[p].second);
}

// -path_rescale: every minimum replaced by its rescaling normal form (geometry/
// rescaling_normal_form.hpp), which computes the same function; the loss is checked to agree.
void ConnectStudy::rescale_minima() {
  TERRAIN_CHECK(geometry::positively_homogeneous(in_->arch.activation),
                "-path_rescale needs a positively homogeneous activation (relu, linear), not "
                    << in_->arch.activation);
  core::OwnedVec theta;
  theta.reset(in_->objective->create_vec());
  for (std::size_t i = 0; i < minima_.size(); ++i) {
    objective::distribute(minima_[i], theta);
    const double before = in_->objective->loss(theta);
    const geometry::RescalingNormalForm form =
        geometry::rescaling_normal_form(in_->arch, minima_[i]);
    objective::distribute(form.theta, theta);
    const double after = in_->objective->loss(theta);
    PetscPrintf(world_,
                "terrain-connect: %s rescaled to its normal form (%d sweeps, imbalance %.1e): "
                "|theta| %.6e -> %.6e, loss %.15e -> %.15e\n",
                sources_[i].c_str(), form.sweeps, form.imbalance, norm(minima_[i]),
                norm(form.theta), before, after);
    minima_[i] = form.theta;
  }
}

void ConnectStudy::connect_all() {
  for (const auto& [a, b] : pairs_) {
    geometry::PathRecord record;
    if (pairs_.size() > 1)
      PetscPrintf(world_, "terrain-connect: path %d -> %d (%s -> %s)\n", int(a), int(b),
                  sources_[a].c_str(), sources_[b].c_str());
    if (!connect(a, b, record)) {
      stopped_ = true;
      return;
    }
    records_.push_back(std::move(record));
  }
}

bool ConnectStudy::connect(std::size_t a, std::size_t b, geometry::PathRecord& record) {
  const double t0 = MPI_Wtime();
  record.method = geometry::to_string(config_.method);
  record.align = geometry::to_string(config_.align);
  record.source_a = sources_[a];
  record.source_b = sources_[b];
  record.group_size = world_size(groups_->comm());
  record.n_groups = groups_->count();
  std::vector<double> theta_b = minima_[b];
  align(minima_[a], theta_b, record);
  record.end_distance = geometry::relative_max_distance(minima_[a], theta_b);
  const std::string state_name = path_name(records_.size());
  if (!optimise(state_name, minima_[a], theta_b, record)) return false;
  profile(record);
  if (config_.curvature) curvature_along(record);
  if (config_.saddle) refine_saddle(record);
  record.seconds = MPI_Wtime() - t0;
  const geometry::Barrier& tb = record.train;
  PetscPrintf(world_,
              "barrier (train): %.6e above the higher end at t = %.4f, %.6e above the chord at "
              "t = %.4f, height %.6e\n",
              tb.rise, tb.t_rise, tb.chord, tb.t_chord, tb.height);
  if (!record.profile.test_loss.empty())
    PetscPrintf(world_,
                "barrier (test):  %.6e above the higher end at t = %.4f, %.6e above the chord "
                "at t = %.4f\n",
                record.test.rise, record.test.t_rise, record.test.chord, record.test.t_chord);
  return true;
}

// B's copy aligned to A; the element found is recorded. The alignment is computed on group 0
// and broadcast, so every group joins the same two points.
void ConnectStudy::align(const std::vector<double>& theta_a, std::vector<double>& theta_b,
                         geometry::PathRecord& record) {
  if (config_.align == geometry::AlignMethod::none) return;
  geometry::AlignmentResult result;
  on_every_group(world_, [&] {
    if (groups_->index() != 0) return;
    if (config_.align == geometry::AlignMethod::weights)
      result = geometry::align_by_weights(in_->arch, theta_a, theta_b, config_.align_sweeps,
                                          config_.seed);
    else
      result = geometry::align_by_activations(groups_->comm(), in_->arch, in_->data.train, theta_a,
                                              theta_b);
  });
  std::vector<double> aligned = result.aligned;
  broadcast(aligned, 0, world_);
  MPI_Bcast(&result.objective_before, 1, MPI_DOUBLE, 0, world_);
  MPI_Bcast(&result.objective_after, 1, MPI_DOUBLE, 0, world_);
  // The symmetry's tables, for the file (rank 0 writes them; the other ranks get the shapes).
  const std::size_t hidden = in_->arch.widths.size() - 2;
  record.permutation.assign(hidden, {});
  record.sign.assign(hidden, {});
  for (std::size_t l = 0; l < hidden; ++l) {
    const std::size_t w = static_cast<std::size_t>(in_->arch.widths[l + 1]);
    std::vector<std::int64_t> perm(w, 0), sign(w, 1);
    if (groups_->index() == 0)
      for (std::size_t j = 0; j < w; ++j) {
        perm[j] = result.symmetry.perm[l][j];
        sign[j] = result.symmetry.sign[l][j];
      }
    MPI_Bcast(perm.data(), int(w), MPI_INT64_T, 0, world_);
    MPI_Bcast(sign.data(), int(w), MPI_INT64_T, 0, world_);
    record.permutation[l] = std::move(perm);
    record.sign[l] = std::move(sign);
  }
  record.align_before = result.objective_before;
  record.align_after = result.objective_after;
  PetscPrintf(world_,
              "terrain-connect: aligned by %s: matching objective %.6e -> %.6e, |A - B| %.6e -> "
              "%.6e\n",
              geometry::to_string(config_.align), result.objective_before, result.objective_after,
              geometry::distance(theta_a, theta_b), geometry::distance(theta_a, aligned));
  theta_b = std::move(aligned);
}

bool ConnectStudy::optimise(const std::string& state_name, const std::vector<double>& theta_a,
                            const std::vector<double>& theta_b, geometry::PathRecord& record) {
  OptimisedPath path = optimise_path(*groups_, *in_->objective, config_,
                                     geometry::path_state_path(config_.output, state_name),
                                     state_name, theta_a, theta_b);
  if (path.stopped) return false;
  record.kind = path.kind;
  record.pivots = std::move(path.pivots);
  record.steps = path.steps;
  record.converged = path.converged;
  record.reason = path.reason;
  record.history_step = std::move(path.history.step);
  record.history_value = std::move(path.history.value);
  record.saddle.pivot = path.climbing;
  saddle_tangent_ = std::move(path.climbing_tangent);
  curve_ = std::move(path.curve);
  return true;
}

void ConnectStudy::profile(geometry::PathRecord& record) {
  const data::Dataset* test =
      config_.test && in_->data.test.n_global > 0 ? &in_->data.test : nullptr;
  geometry::PathPoint point;
  std::vector<double> extra;
  if (curve_) {
    const geometry::Curve& c = *curve_;
    point = [&c](double t) { return c.at(t); };
    if (c.kind == geometry::CurveKind::polychain)
      for (std::size_t i = 1; i + 1 < c.points.size(); ++i)
        extra.push_back(double(i) / double(c.points.size() - 1));
  } else {
    record.pivot_t = geometry::arc_positions(record.pivots);
    extra = record.pivot_t;
    point = [&record](double t) {
      return geometry::polyline_point(record.pivots, record.pivot_t, t);
    };
  }
  const std::vector<double> t = geometry::profile_grid(config_.samples, extra);
  record.profile =
      geometry::sample_profile(*groups_, *in_->objective, in_->data.train, test, t, point);
  // The pivots' own losses (for a polyline they are grid points; a curve's bends are not on
  // the curve).
  std::vector<double> k;
  for (std::size_t i = 0; i < record.pivots.size(); ++i) k.push_back(double(i));
  const geometry::PathProfile at_pivots = geometry::sample_profile(
      *groups_, *in_->objective, in_->data.train, nullptr, k,
      [&record](double i) { return record.pivots[static_cast<std::size_t>(i)]; });
  record.pivot_loss = at_pivots.train_loss;
  record.train = geometry::barrier_of(record.profile.t, record.profile.train_loss);
  if (!record.profile.test_loss.empty())
    record.test = geometry::barrier_of(record.profile.t, record.profile.test_loss);
}

// λ_min and the index at every pivot, each pivot on one group (spectral/point_index.hpp).
void ConnectStudy::curvature_along(geometry::PathRecord& record) {
  const std::size_t k = record.pivots.size();
  core::Progress progress(groups_->comm(), "curvature along the path",
                          PetscInt((k + groups_->count() - 1) / groups_->count()));
  core::OwnedVec theta;
  theta.reset(in_->objective->create_vec());
  PetscInt done = 0;
  // Rows of (λ_min, its residual, index, capped).
  const std::vector<double> values = groups_->share_rows(k, 4, [&](std::size_t p, double* row) {
    objective::distribute(record.pivots[p], theta);
    const spectral::PointIndex r =
        spectral::point_index(*in_->objective, in_->data.train, theta, eigen_);
    row[0] = r.lambda_min;
    row[1] = r.residual;
    row[2] = double(r.index);
    row[3] = double(r.capped);
    ++done;
    if (groups_->index() == 0) progress.update(done, "lambda_min " + std::to_string(r.lambda_min));
  });
  if (groups_->index() == 0) progress.finish();
  for (std::size_t p = 0; p < k; ++p) {
    record.lambda_min.push_back(values[4 * p]);
    record.lambda_min_residual.push_back(values[4 * p + 1]);
    record.index.push_back(static_cast<std::int64_t>(values[4 * p + 2]));
    record.index_capped.push_back(static_cast<std::int64_t>(values[4 * p + 3]));
  }
}

// The saddle from the climbing image (NEB), else the highest interior point of the profile,
// refined on group 0 (optim/saddle_refinement.hpp) and broadcast to the world.
void ConnectStudy::refine_saddle(geometry::PathRecord& record) {
  geometry::SaddleRecord& s = record.saddle;
  s.refined = true;
  std::vector<double> start, tangent;
  if (s.pivot >= 0) {
    start = record.pivots[s.pivot];
    s.t = record.pivot_t.empty() ? 0.0 : record.pivot_t[s.pivot];
    tangent = saddle_tangent_;
  } else {
    const std::vector<double>& t = record.profile.t;
    std::size_t best = 1;
    for (std::size_t i = 1; i + 1 < t.size(); ++i)
      if (record.profile.train_loss[i] > record.profile.train_loss[best]) best = i;
    s.t = t[best];
    auto at = [&](double x) {
      return curve_ ? curve_->at(x) : geometry::polyline_point(record.pivots, record.pivot_t, x);
    };
    start = at(s.t);
    // The path's direction there, by a central difference (exact inside a straight segment).
    const double h = 1e-4;
    const std::vector<double> lo = at(std::max(0.0, s.t - h)), hi = at(std::min(1.0, s.t + h));
    tangent.resize(start.size());
    for (std::size_t i = 0; i < start.size(); ++i) tangent[i] = hi[i] - lo[i];
  }
  optim::SaddleRefinement r;
  on_every_group(world_, [&] {
    if (groups_->index() != 0) return;
    const MPI_Comm comm = groups_->comm();
    optim::NewtonSettings newton = newton_;
    newton.gtol = config_.saddle_gtol;
    PetscPrintf(comm,
                "terrain-connect: refining the saddle from t = %.4f (trust-region Newton to "
                "|grad L|_1 <= %.1e)\n",
                s.t, newton.gtol);
    auto print = [comm](const optim::NewtonIteration& x, const char*) {
      PetscPrintf(comm, "  saddle %3d  loss %.10e  |g|_1 %.3e  |step| %.3e  radius %.2e\n",
                  int(x.iteration), x.loss, x.grad_norm1, x.step_norm, x.radius);
    };
    r = optim::refine_saddle(*in_->objective, in_->data.train, start, tangent, newton, eigen_,
                             print);
  });
  // Group 0 holds the result (world rank 0 is its rank 0): broadcast it.
  double numbers[14] = {double(r.converged),
                        r.loss,
                        r.grad_norm1,
                        r.grad_norm2,
                        double(r.iterations),
                        double(r.n_matvec),
                        double(r.index.index),
                        double(r.index.inertia.n_neg),
                        double(r.index.inertia.n_zero),
                        double(r.index.inertia.n_pos),
                        r.index.tau,
                        r.index.lambda_min,
                        r.cosine_tangent,
                        r.distance};
  MPI_Bcast(numbers, 14, MPI_DOUBLE, 0, world_);
  std::vector<double> params = r.params;
  broadcast(params, 0, world_);
  std::string reason = r.reason;
  int length = int(reason.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, world_);
  reason.resize(length);
  MPI_Bcast(reason.data(), length, MPI_CHAR, 0, world_);
  s.converged = numbers[0] != 0;
  s.loss = numbers[1];
  s.grad_norm1 = numbers[2];
  s.grad_norm2 = numbers[3];
  s.iterations = static_cast<std::int64_t>(numbers[4]);
  s.n_matvec = static_cast<std::int64_t>(numbers[5]);
  s.index = static_cast<std::int64_t>(numbers[6]);
  s.n_neg = static_cast<std::int64_t>(numbers[7]);
  s.n_zero = static_cast<std::int64_t>(numbers[8]);
  s.n_pos = static_cast<std::int64_t>(numbers[9]);
  s.tau = numbers[10];
  s.lambda_min = numbers[11];
  s.cosine_tangent = numbers[12];
  s.distance = numbers[13];
  s.reason = reason;
  s.params = std::move(params);
  PetscPrintf(world_,
              "saddle: %s (%s), loss %.10e, |grad L|_1 %.3e, index %lld (n- %lld, n0 %lld, n+ "
              "%lld at tau %.2e), lambda_min %.6e, |cos(v_min, tangent)| %.4f, %.3e from the "
              "start\n",
              s.converged ? "converged" : "not converged", s.reason.c_str(), s.loss, s.grad_norm1,
              static_cast<long long>(s.index), static_cast<long long>(s.n_neg),
              static_cast<long long>(s.n_zero), static_cast<long long>(s.n_pos), s.tau,
              s.lambda_min, s.cosine_tangent, s.distance);
}

// With more than two minima: the barrier matrices and the minimum spanning tree by height.
void ConnectStudy::build_tree() {
  if (minima_.size() <= 2) return;
  const std::size_t k = minima_.size();
  connectivity_.inputs = sources_;
  connectivity_.method = geometry::to_string(config_.method);
  connectivity_.align = geometry::to_string(config_.align);
  connectivity_.rise.assign(k * k, 0.0);
  connectivity_.chord.assign(k * k, 0.0);
  connectivity_.height.assign(k * k, 0.0);
  for (std::size_t p = 0; p < pairs_.size(); ++p) {
    const auto [a, b] = pairs_[p];
    const geometry::Barrier& br = records_[p].train;
    for (auto [i, j] : {std::pair{a, b}, std::pair{b, a}}) {
      connectivity_.rise[i * k + j] = br.rise;
      connectivity_.chord[i * k + j] = br.chord;
      connectivity_.height[i * k + j] = br.height;
    }
    // The diagonal of the heights: each minimum's own loss.
    connectivity_.height[a * k + a] = records_[p].profile.train_loss.front();
    connectivity_.height[b * k + b] = records_[p].profile.train_loss.back();
  }
  // Minima that alignment maps onto each other (within -path_distinct_tol) are one minimum:
  // classes by union-find over the close pairs, numbered by their first member.
  connectivity_.distance.assign(k * k, 0.0);
  connectivity_.distinct_tol = config_.distinct_tol;
  std::vector<std::size_t> parent(k);
  std::iota(parent.begin(), parent.end(), 0);
  auto root = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i];
    return i;
  };
  for (std::size_t p = 0; p < pairs_.size(); ++p) {
    const auto [a, b] = pairs_[p];
    connectivity_.distance[a * k + b] = connectivity_.distance[b * k + a] =
        records_[p].end_distance;
    if (records_[p].end_distance <= config_.distinct_tol) {
      const std::size_t ra = root(a), rb = root(b);
      parent[std::max(ra, rb)] = std::min(ra, rb);
    }
  }
  std::vector<std::int64_t> number(k, -1);
  std::int64_t classes = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const std::size_t r = root(i);
    if (number[r] < 0) number[r] = classes++;
    connectivity_.minimum_class.push_back(number[r]);
  }
  PetscPrintf(world_,
              "terrain-connect: %lld distinct minim%s among %d (after %s alignment, tol %.1e)\n",
              static_cast<long long>(classes), classes == 1 ? "um" : "a", int(k),
              geometry::to_string(config_.align), config_.distinct_tol);
  const geometry::SpanningTree tree = geometry::minimum_spanning_tree(connectivity_.height, k);
  connectivity_.tree_edges = tree.edges;
  connectivity_.tree_weights = tree.weights;
  PetscPrintf(world_, "minimum spanning tree by barrier height (%d edges):\n", int(k - 1));
  for (std::size_t e = 0; e < tree.weights.size(); ++e)
    PetscPrintf(world_, "  %lld - %lld  height %.6e\n", static_cast<long long>(tree.edges[2 * e]),
                static_cast<long long>(tree.edges[2 * e + 1]), tree.weights[e]);
}

void ConnectStudy::output_results() {
  groups_->wait_all();
  io::RunFile file = io::RunFile::create(world_, config_.output);
  write_point_file(file, in_->data, in_->arch, minima_[0]);
  for (std::size_t p = 0; p < records_.size(); ++p) {
    geometry::write_path(file, path_name(p), records_[p]);
  }
  if (minima_.size() > 2) geometry::write_connectivity(file, connectivity_);
  file.commit();
  for (std::size_t p = 0; p < records_.size(); ++p) {
    geometry::remove_path_state(world_, geometry::path_state_path(config_.output, path_name(p)));
  }
  PetscPrintf(world_, "wrote %s:/path/%s%s (%.1f s)\n", config_.output.c_str(),
              config_.name.c_str(), pairs_.size() > 1 ? "_<i>_<j> and /connectivity" : "",
              MPI_Wtime() - start_);
}

}  // namespace terrain::study
