#include "geometry/path_state_file.hpp"

#include <filesystem>
#include <optional>

#include "core/error.hpp"
#include "io/file_maintenance.hpp"
#include "io/run_file.hpp"

namespace terrain::geometry {

namespace {
std::vector<double> flatten(const std::vector<std::vector<double>>& rows) {
  std::vector<double> out;
  for (const auto& r : rows) out.insert(out.end(), r.begin(), r.end());
  return out;
}

std::vector<std::vector<double>> rows_of(const io::Array<double>& a) {
  std::vector<std::vector<double>> rows(a.rows());
  const std::size_t cols = a.shape.size() < 2 ? 0 : a.cols();
  for (std::size_t r = 0; r < rows.size(); ++r)
    rows[r].assign(a.values.begin() + r * cols, a.values.begin() + (r + 1) * cols);
  return rows;
}

// An empty list (an optimiser that has not started) is no dataset.
void write_rows(io::RunFile& f, const std::string& name,
                const std::vector<std::vector<double>>& rows, std::size_t n) {
  if (!rows.empty()) f.write_2d(name, rows.size(), n, flatten(rows));
}

std::vector<std::vector<double>> read_rows(const io::RunFile& f, const std::string& name) {
  return f.has(name) ? rows_of(f.read_doubles(name)) : std::vector<std::vector<double>>{};
}

// Opens an existing state file and checks that it belongs to this run.
std::optional<io::RunFile> open_state(MPI_Comm comm, const std::string& path,
                                      const std::string& fingerprint, const char* kind) {
  if (!io::file_exists(comm, path)) return std::nullopt;
  io::RunFile file = io::RunFile::open_read(comm, path);
  TERRAIN_CHECK(file.has_attr("/", "fingerprint") && file.has_attr("/", "kind"),
                path << " is not a terrain-connect state file: remove it to start the path anew");
  TERRAIN_CHECK(file.read_attr<std::string>("/", "kind") == kind &&
                    file.read_attr<std::string>("/", "fingerprint") == fingerprint,
                path << " was written with other -path_ options ("
                     << file.read_attr<std::string>("/", "fingerprint")
                     << "): give the same options to continue, or remove it to start anew");
  return file;
}

void check_ends(const std::string& path, const std::vector<std::vector<double>>& points,
                const std::vector<double>& a, const std::vector<double>& b) {
  TERRAIN_CHECK(points.size() >= 2 && points.front() == a && points.back() == b,
                path << " holds a path between other minima: remove it to start anew");
}

void read_history(const io::RunFile& f, PathHistory& h) {
  h.step = f.read_doubles("/history_step").values;
  h.value = f.read_doubles("/history_value").values;
}

void write_history(io::RunFile& f, const PathHistory& h) {
  f.write_1d("/history_step", h.step);
  f.write_1d("/history_value", h.value);
}
}  // namespace

std::string path_state_path(const std::string& output, const std::string& name) {
  return std::filesystem::weakly_canonical(output).string() + ".path-" + name + ".state.h5";
}

void save_band_state(MPI_Comm comm, const std::string& path, const std::string& fingerprint,
                     const AutoNebState& state, const PathHistory& history) {
  const BandState& b = state.band;
  const std::size_t n = b.images.empty() ? 0 : b.images.front().size();
  io::RunFile f = io::RunFile::create(comm, path);
  f.write_attr("/", "fingerprint", fingerprint);
  f.write_attr("/", "kind", "band");
  write_rows(f, "/images", b.images, n);
  f.write_1d("/energies", b.energies);
  write_rows(f, "/velocity", b.velocity, n);
  f.write_attr("/", "dt", b.dt);
  f.write_attr("/", "alpha", b.alpha);
  f.write_attr("/", "n_positive", b.n_positive);
  f.write_attr("/", "least_force", b.least_force);
  f.write_attr("/", "quick_min", static_cast<std::int64_t>(b.quick_min));
  f.write_attr("/", "step", b.step);
  f.write_attr("/", "climbing", b.climbing);
  f.write_attr("/", "reported_step", b.reported_step);
  f.write_attr("/", "cycle", state.cycle);
  f.write_attr("/", "cycle_start", state.cycle_start);
  f.write_attr("/", "finished", static_cast<std::int64_t>(state.finished));
  write_history(f, history);
  f.commit();
}

bool load_band_state(MPI_Comm comm, const std::string& path, const std::string& fingerprint,
                     const std::vector<double>& a, const std::vector<double>& bv,
                     AutoNebState& state, PathHistory& history) {
  std::optional<io::RunFile> opened = open_state(comm, path, fingerprint, "band");
  if (!opened) return false;
  const io::RunFile& f = *opened;
  BandState& b = state.band;
  b.images = rows_of(f.read_doubles("/images"));
  check_ends(path, b.images, a, bv);
  b.energies = f.read_doubles("/energies").values;
  b.velocity = read_rows(f, "/velocity");
  b.dt = f.read_attr<double>("/", "dt");
  b.alpha = f.read_attr<double>("/", "alpha");
  b.n_positive = static_cast<PetscInt>(f.read_attr<std::int64_t>("/", "n_positive"));
  b.least_force = f.read_attr<double>("/", "least_force");
  b.quick_min = f.read_attr<std::int64_t>("/", "quick_min") != 0;
  b.step = static_cast<PetscInt>(f.read_attr<std::int64_t>("/", "step"));
  b.climbing = static_cast<PetscInt>(f.read_attr<std::int64_t>("/", "climbing"));
  b.reported_step = static_cast<PetscInt>(f.read_attr<std::int64_t>("/", "reported_step"));
  state.cycle = static_cast<PetscInt>(f.read_attr<std::int64_t>("/", "cycle"));
  state.cycle_start = static_cast<PetscInt>(f.read_attr<std::int64_t>("/", "cycle_start"));
  state.finished = f.read_attr<std::int64_t>("/", "finished") != 0;
  TERRAIN_CHECK(b.energies.size() == b.images.size() &&
                    (b.velocity.empty() || b.velocity.size() + 2 == b.images.size()),
                path << " is damaged (images, energies and velocities disagree): remove it");
  read_history(f, history);
  return true;
}

void save_curve_state(MPI_Comm comm, const std::string& path, const std::string& fingerprint,
                      const CurveState& state, const PathHistory& history) {
  const std::size_t n = state.curve.points.empty() ? 0 : state.curve.points.front().size();
  io::RunFile f = io::RunFile::create(comm, path);
  f.write_attr("/", "fingerprint", fingerprint);
  f.write_attr("/", "kind", "curve");
  write_rows(f, "/points", state.curve.points, n);
  write_rows(f, "/velocity", state.velocity, n);
  f.write_attr("/", "curve_kind", state.curve.kind == CurveKind::bezier ? "bezier" : "polychain");
  f.write_attr("/", "step", state.step);
  write_history(f, history);
  f.commit();
}

bool load_curve_state(MPI_Comm comm, const std::string& path, const std::string& fingerprint,
                      const std::vector<double>& a, const std::vector<double>& b, CurveState& state,
                      PathHistory& history) {
  std::optional<io::RunFile> opened = open_state(comm, path, fingerprint, "curve");
  if (!opened) return false;
  const io::RunFile& f = *opened;
  state.curve.points = rows_of(f.read_doubles("/points"));
  check_ends(path, state.curve.points, a, b);
  state.velocity = read_rows(f, "/velocity");
  state.curve.kind = f.read_attr<std::string>("/", "curve_kind") == "bezier" ? CurveKind::bezier
                                                                             : CurveKind::polychain;
  state.step = static_cast<PetscInt>(f.read_attr<std::int64_t>("/", "step"));
  TERRAIN_CHECK(state.velocity.empty() || state.velocity.size() + 2 == state.curve.points.size(),
                path << " is damaged (points and velocities disagree): remove it");
  read_history(f, history);
  return true;
}

void remove_path_state(MPI_Comm comm, const std::string& path) {
  io::remove_stale_temporaries(comm, path);  // of a writer killed while saving
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) std::filesystem::remove(path);
  MPI_Barrier(comm);
}

}  // namespace terrain::geometry
