#include "geometry/surface_parts.hpp"

#include <filesystem>
#include <limits>
#include <sstream>

#include "core/error.hpp"
#include "io/run_file.hpp"

namespace terrain::geometry {

namespace fs = std::filesystem;

namespace {
std::string column_list() {
  std::string s;
  for (int c = 0; c < n_columns; ++c) s += std::string(c ? "," : "") + column_name(c);
  return s;
}

// "part_s0003_g0012.h5" → session 3; −1 for any other name.
long part_session(const std::string& name) {
  if (name.size() != 19 || name.compare(0, 6, "part_s") != 0 || name.compare(10, 2, "_g") != 0 ||
      name.compare(16, 3, ".h5") != 0)
    return -1;
  const std::string digits = name.substr(6, 4) + name.substr(12, 4);
  if (digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stol(name.substr(6, 4));
}

std::string part_name(PetscInt session, int group) {
  char name[32];
  std::snprintf(name, sizeof name, "part_s%04d_g%04d.h5", int(session), group);
  return name;
}

void write_plan(const std::string& path, const std::string& fingerprint, PetscInt n_points,
                const DirectionRecord& directions) {
  io::RunFile plan = io::RunFile::create(PETSC_COMM_SELF, path);
  plan.write_attr("/", "fingerprint", fingerprint);
  plan.write_attr("/", "n_points", n_points);
  plan.write_attr("/", "columns", column_list());
  directions.write(plan, "/directions");
  plan.commit();
}

// Empty when the plan at `path` describes this surface (and then its directions are read);
// else what differs.
std::string read_plan(const std::string& path, const std::string& fingerprint, PetscInt n_points,
                      DirectionRecord* directions) {
  io::RunFile plan = io::RunFile::open_read(PETSC_COMM_SELF, path);
  const std::string recorded = plan.read_attr<std::string>("/", "fingerprint");
  if (recorded != fingerprint) {
    // Name the first option that differs.
    std::istringstream a(recorded), b(fingerprint);
    std::string wa, wb;
    while (a >> wa && b >> wb)
      if (wa != wb)
        return wa.compare(0, 7, "centre=") == 0 ? "the centre (the point of -input) differs"
                                                : "it was begun with " + wa + ", now " + wb;
    return "it was begun with other options";
  }
  if (plan.read_attr<std::int64_t>("/", "n_points") != n_points) return "the grid differs";
  if (plan.read_attr<std::string>("/", "columns") != column_list())
    return "it was written by another version of terrain";
  *directions = DirectionRecord::read(plan, "/directions");
  return {};
}

void broadcast(std::vector<double>& v, MPI_Comm comm) {
  long n = static_cast<long>(v.size());
  MPI_Bcast(&n, 1, MPI_LONG, 0, comm);
  v.resize(n);
  MPI_Bcast(v.data(), int(n), MPI_DOUBLE, 0, comm);
}
}  // namespace

SurfaceParts::SurfaceParts(MPI_Comm world, const std::string& output, const std::string& name,
                           const std::string& fingerprint, PetscInt n_points)
    : world_(world),
      directory_(output + ".surface-" + name),
      fingerprint_(fingerprint),
      n_points_(n_points),
      done_(n_points, 0) {
  int rank = 0;
  MPI_Comm_rank(world_, &rank);
  std::string problem;
  int resumed = 0;
  long session = 0;
  if (rank == 0) {
    try {
      const std::string plan = directory_ + "/plan.h5";
      std::error_code ec;
      // A start killed between creating the directory and renaming plan.h5 into it leaves the
      // directory empty or with temporaries only; no point can be finished before the plan, so
      // that start is simply begun again.
      if (fs::is_directory(directory_, ec) && !fs::exists(plan, ec)) {
        bool debris_only = true;
        for (const auto& entry : fs::directory_iterator(directory_, ec))
          debris_only = debris_only && entry.path().filename().string().find(".tmp.") !=
                                           std::string::npos;
        TERRAIN_CHECK(debris_only,
                      directory_ << " has no plan.h5: not the record of a surface (remove it)");
        fs::remove_all(directory_, ec);
      }
      if (fs::is_directory(directory_, ec)) {
        resumed = 1;
        const std::string why = read_plan(plan, fingerprint, n_points, &directions_);
        TERRAIN_CHECK(why.empty(), "cannot resume the surface in " << directory_ << ": " << why
                                                                   << " (give the same options, "
                                                                      "or remove the directory)");
        for (const auto& entry : fs::directory_iterator(directory_, ec)) {
          const std::string file = entry.path().filename().string();
          if (file.find(".tmp.") != std::string::npos) fs::remove(entry.path(), ec);  // debris
          session = std::max(session, part_session(file));
        }
        ++session;
      }
    } catch (const core::InputError& e) {
      problem = e.what();
    }
  }
  core::check_all(world_, problem.empty(), problem);
  MPI_Bcast(&resumed, 1, MPI_INT, 0, world_);
  MPI_Bcast(&session, 1, MPI_LONG, 0, world_);
  resumed_ = resumed;
  session_ = session;
  if (!resumed_) return;
  broadcast(directions_.dx, world_);
  broadcast(directions_.dy, world_);
  collect();
}

void SurfaceParts::begin(const DirectionRecord& directions) {
  int rank = 0;
  MPI_Comm_rank(world_, &rank);
  std::string problem;
  if (rank == 0) {
    try {
      std::error_code ec;
      fs::create_directory(directory_, ec);  // not its parents: a typo in -output fails here
      TERRAIN_CHECK(!ec, "cannot create " << directory_ << " (" << ec.message() << ")");
      write_plan(directory_ + "/plan.h5", fingerprint_, n_points_, directions);
    } catch (const core::InputError& e) {
      problem = e.what();
    }
  }
  core::check_all(world_, problem.empty(), problem);
  directions_ = directions;
}

PetscInt SurfaceParts::n_done() const {
  PetscInt n = 0;
  for (int d : done_) n += d;
  return n;
}

void SurfaceParts::read_parts() {
  values_.assign(n_points_, PointValues{});
  for (PointValues& v : values_) v.fill(std::numeric_limits<double>::quiet_NaN());
  done_.assign(n_points_, 0);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory_, ec)) {
    const std::string file = entry.path().filename().string();
    if (part_session(file) < 0) continue;
    io::RunFile part = io::RunFile::open_read(PETSC_COMM_SELF, entry.path().string());
    TERRAIN_CHECK(part.read_attr<std::string>("/", "fingerprint") == fingerprint_,
                  entry.path().string() << " belongs to another surface (remove it)");
    const io::Array<std::int64_t> points = part.read_ints("/point");
    const io::Array<double> values = part.read_doubles("/values");
    TERRAIN_CHECK(values.rows() == points.values.size() && values.cols() == n_columns,
                  entry.path().string()
                      << ": /values is not [" << points.values.size() << ", " << n_columns << "]");
    for (std::size_t k = 0; k < points.values.size(); ++k) {
      const std::int64_t p = points.values[k];
      TERRAIN_CHECK(p >= 0 && p < n_points_, entry.path().string()
                                                 << ": point " << p << " is outside the grid");
      done_[p] = 1;
      for (int c = 0; c < n_columns; ++c) values_[p][c] = values.values[k * n_columns + c];
    }
  }
}

void SurfaceParts::collect() {
  int rank = 0;
  MPI_Comm_rank(world_, &rank);
  std::string problem;
  if (rank == 0) {
    try {
      read_parts();
    } catch (const core::InputError& e) {
      problem = e.what();
    }
  }
  core::check_all(world_, problem.empty(), problem);
  MPI_Bcast(done_.data(), int(done_.size()), MPI_INT, 0, world_);
  if (rank != 0) {  // the writers store rank 0's values; the others only need the shape
    values_.assign(n_points_, PointValues{});
    for (PointValues& v : values_) v.fill(std::numeric_limits<double>::quiet_NaN());
  }
}

void SurfaceParts::record(PetscInt point, const PointValues& v) {
  mine_points_.push_back(point);
  mine_values_.insert(mine_values_.end(), v.begin(), v.end());
}

void SurfaceParts::save(MPI_Comm group, int group_index) {
  int rank = 0;
  MPI_Comm_rank(group, &rank);
  std::string problem;
  if (rank == 0 && !mine_points_.empty()) {
    try {
      io::RunFile part =
          io::RunFile::create(PETSC_COMM_SELF, directory_ + "/" + part_name(session_, group_index));
      part.write_attr("/", "fingerprint", fingerprint_);
      part.write_attr("/", "columns", column_list());
      part.write_1d("/point", mine_points_);
      part.write_2d("/values", mine_points_.size(), n_columns, mine_values_);
      part.commit();
    } catch (const core::InputError& e) {
      problem = e.what();
    }
  }
  core::check_all(group, problem.empty(), problem);
}

void SurfaceParts::remove() {
  int rank = 0;
  MPI_Comm_rank(world_, &rank);
  std::string problem;
  if (rank == 0) {
    std::error_code ec;
    fs::remove_all(directory_, ec);
    if (ec) problem = "cannot remove " + directory_ + " (" + ec.message() + ")";
  }
  core::check_all(world_, problem.empty(), problem);
}

}  // namespace terrain::geometry
