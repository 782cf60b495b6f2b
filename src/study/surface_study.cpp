#include "study/surface_study.hpp"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/error.hpp"
#include "core/signals.hpp"
#include "geometry/surface_file.hpp"
#include "geometry/surface_sweep.hpp"
#include "io/file_maintenance.hpp"
#include "objective/replicated.hpp"

namespace terrain::study {

namespace {
// FNV-1a over the bits of θ: a resumed surface must have the same centre.
std::string centre_hash(const std::vector<double>& theta) {
  std::uint64_t h = 1469598103934665603ULL;
  const auto* bytes = reinterpret_cast<const unsigned char*>(theta.data());
  for (std::size_t i = 0; i < theta.size() * sizeof(double); ++i) {
    h ^= bytes[i];
    h *= 1099511628211ULL;
  }
  char text[20];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

int world_size(MPI_Comm world) {
  int size = 1;
  MPI_Comm_size(world, &size);
  return size;
}
}  // namespace

SurfaceStudy::SurfaceStudy(geometry::SurfaceConfig config) : config_(std::move(config)) {}
SurfaceStudy::~SurfaceStudy() = default;

void SurfaceStudy::run() {
  core::StopSignals signals;  // SIGTERM/SIGUSR1: save the finished points, write, exit 0
  start_ = MPI_Wtime();
  setup();
  make_directions();
  measure_sharpness();
  sweep();
  output_results();
}

// The centre on the world communicator, the grid, and what a surface of this name left.
void SurfaceStudy::setup() {
  in_ = load_point_input(world_, config_.input, config_.step, config_.data_from_run);
  centre_ = objective::replicate(in_->theta);
  source_ = in_->point.source;
  has_test_ = in_->data.test.n_global > 0;
  grid_ = std::make_unique<geometry::SurfaceGrid>(config_.grid());
  const std::string fingerprint = config_.fingerprint() + " centre=" + centre_hash(centre_);
  // The directory of finished points sits by the output's canonical path, however it is
  // spelled on the command line, so a resubmission finds it.
  const std::string output = std::filesystem::weakly_canonical(config_.output).string();
  parts_ = std::make_unique<geometry::SurfaceParts>(world_, output, config_.name, fingerprint,
                                                    grid_->size());
  PetscPrintf(world_, "terrain-surface: %s\n", in_->describe().c_str());
  PetscPrintf(world_, "terrain-surface: %d-D surface, %s = %d points%s\n", grid_->dims(),
              grid_->dims() == 2
                  ? (std::to_string(grid_->nx()) + " x " + std::to_string(grid_->ny())).c_str()
                  : std::to_string(grid_->nx()).c_str(),
              int(grid_->size()),
              parts_->resumed() ? (", resuming: " + std::to_string(parts_->n_done()) + " done in " +
                                   parts_->directory())
                                      .c_str()
                                : "");
}

void SurfaceStudy::make_directions() {
  if (parts_->resumed()) {
    directions_ = parts_->directions();
  } else {
    const geometry::DirectionSet set = geometry::make_directions(
        config_.directions, *in_->objective, in_->arch, in_->theta, config_.input);
    directions_ = geometry::DirectionRecord::from(set);
    parts_->begin(directions_);
  }
  auto line = [&](const char* axis, const geometry::DirectionInfo& d) {
    PetscPrintf(world_, "terrain-surface: %s direction %s (%s, bias %s), norm %.6g%s%s\n", axis,
                d.kind.c_str(), d.normalisation.c_str(), d.bias_policy.c_str(), d.norm,
                d.source.empty() ? "" : ", from ", d.source.c_str());
  };
  line("x", directions_.x);
  if (directions_.two_d()) {
    line("y", directions_.y);
    PetscPrintf(world_, "terrain-surface: cos(x, y) = %.3e\n", directions_.cosine);
  }
  TERRAIN_CHECK(directions_.dx.size() == centre_.size() &&
                    (directions_.dy.empty() || directions_.dy.size() == centre_.size()),
                "the directions do not have the network's " << centre_.size() << " parameters");
}

void SurfaceStudy::measure_sharpness() {
  if (!config_.sharpness.enabled) return;
  sharpness_ = std::make_unique<geometry::SharpnessReport>(
      geometry::measure_sharpness(config_.sharpness, *in_->objective, in_->theta));
  PetscPrintf(
      world_, "terrain-surface: sharpness (eps %.3g%s) %.6e: max loss %.6e over loss %.6e\n",
      sharpness_->epsilon,
      sharpness_->subspace ? (", subspace " + std::to_string(sharpness_->subspace)).c_str() : "",
      sharpness_->sharpness, sharpness_->max_loss, sharpness_->loss);
}

// The work groups, each with the centre and data on its own ranks, and their chunks.
void SurfaceStudy::sweep() {
  const int size = world_size(world_);
  const int group_size =
      config_.group_size == 0 ? size : int(std::min<PetscInt>(config_.group_size, size));
  groups_ = std::make_unique<core::WorkGroups>(world_, group_size);
  if (groups_->count() > 1) {  // the world's copy of the data is not needed any more
    in_.reset();
    std::string problem;
    try {
      in_ = load_point_input(groups_->comm(), config_.input, config_.step, config_.data_from_run);
    } catch (const core::InputError& e) {
      problem = e.what();
    }
    core::check_all(world_, problem.empty(), problem);
  }
  std::vector<geometry::Chunk> todo;
  for (const geometry::Chunk& c : grid_->chunks(config_.chunk)) {
    bool done = true;
    for (PetscInt p : c.points) done = done && parts_->done()[p];
    if (!done) todo.push_back(c);
  }
  PetscPrintf(world_,
              "terrain-surface: %d chunks of up to %d points to do on %d group(s) of %d "
              "rank(s)\n",
              int(todo.size()), int(config_.chunk), groups_->count(), group_size);
  // Chunks are dealt by their number, so the same chunk goes to the same group whatever was
  // finished before.
  std::vector<geometry::Chunk> mine;
  for (const geometry::Chunk& c : todo)
    if (c.index % groups_->count() == groups_->index()) mine.push_back(c);

  std::string problem;
  geometry::SweepOutcome outcome;
  const double sweep_start = MPI_Wtime();
  try {
    geometry::SurfaceMeasure measure(config_, *in_->objective, in_->data.train,
                                     has_test_ ? &in_->data.test : nullptr, centre_, directions_.dx,
                                     directions_.dy);
    outcome = geometry::sweep_surface(groups_->comm(), groups_->index(), *grid_, mine, measure,
                                      *parts_, config_.save_every);
  } catch (const core::InputError& e) {
    problem = "group " + std::to_string(groups_->index()) + ": " + e.what();
  }
  groups_->wait_all();
  sweep_seconds_ = MPI_Wtime() - sweep_start;
  MPI_Bcast(&sweep_seconds_, 1, MPI_DOUBLE, 0, world_);
  core::check_all(world_, problem.empty(), problem);
  int stopped = outcome.stopped;
  MPI_Allreduce(MPI_IN_PLACE, &stopped, 1, MPI_INT, MPI_LOR, world_);
  stopped_ = stopped;
  long computed = groups_->leader() ? outcome.computed : 0;  // once per group
  MPI_Allreduce(MPI_IN_PLACE, &computed, 1, MPI_LONG, MPI_SUM, world_);
  computed_ = computed;
}

void SurfaceStudy::output_results() {
  parts_->collect();
  const PetscInt n_done = parts_->n_done();
  const bool complete = n_done == grid_->size();
  const bool in_place = io::same_file(config_.output, config_.input);
  io::RunFile file = in_place ? io::RunFile::open_update(world_, config_.input)
                              : io::RunFile::create(world_, config_.output);
  if (!in_place) {
    // A new, self-contained file: the header, /model, /data and the centre as /params. The
    // group's input has the same network and data as the world's.
    write_point_file(file, in_->data, in_->arch, centre_);
  }
  geometry::SurfaceSummary summary;
  summary.centre = source_;
  summary.fingerprint = config_.fingerprint();
  summary.group_size = world_size(groups_->comm());
  summary.n_groups = groups_->count();
  summary.chunk = config_.chunk;
  summary.seconds = MPI_Wtime() - start_;
  summary.sweep_seconds = sweep_seconds_;
  geometry::write_surface(file, config_.name, *grid_,
                          geometry::measured_columns(config_, has_test_), parts_->values(),
                          parts_->done(), directions_, summary, sharpness_.get());
  file.commit();
  if (complete) parts_->remove();
  PetscPrintf(world_, "wrote %s:/surface/%s (%d of %d points, %d computed now, %.1f s)\n",
              config_.output.c_str(), config_.name.c_str(), int(n_done), int(grid_->size()),
              int(computed_), summary.seconds);
  if (stopped_)
    PetscPrintf(world_,
                "terrain-surface: stopped by a signal; the finished points are in %s: run the "
                "same command again to continue\n",
                parts_->directory().c_str());
}

}  // namespace terrain::study
