#include "io/point_reader.hpp"

#include <petscsys.h>

#include <algorithm>
#include <sstream>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "io/run_schema.hpp"

namespace terrain::io {

namespace {
[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw core::InputError(path + ": " + what);
}

std::string list_steps(const std::vector<std::int64_t>& steps) {
  std::ostringstream os;
  const std::size_t n = steps.size(), shown = 8;
  for (std::size_t i = 0; i < n; ++i) {
    if (n > shown && i == shown / 2) {
      os << ", ...";
      i = n - shown / 2;
    }
    os << (i ? ", " : "") << steps[i];
  }
  return os.str();
}

void check_widths(const RunFile& file, const model::Architecture& arch) {
  if (!file.has_attr("/model", "widths")) return;
  const auto widths = file.read_attr<std::vector<std::int64_t>>("/model", "widths");
  if (widths != std::vector<std::int64_t>(arch.widths.begin(), arch.widths.end())) {
    std::ostringstream os;
    for (std::size_t i = 0; i < widths.size(); ++i) os << (i ? "," : "") << widths[i];
    fail(file.path(), "written for -model_widths " + os.str() + ", not the network given");
  }
}
}  // namespace

void read_point(MPI_Comm comm, const std::string& path, const model::Architecture& arch,
                PetscInt step, Vec theta) {
  if (step < 0) return read_params(comm, path, arch, theta);
  RunFile file = RunFile::open_read(comm, path);
  check_schema(file);
  check_widths(file, arch);
  PetscInt N = 0;
  TERRAIN_PETSC(VecGetSize(theta, &N));
  const std::string data = "/trajectory/params", steps_path = "/trajectory/params_step";
  if (!file.has(data))
    fail(path, "no " + data + " (the run saved no parameter snapshots): -spectrum_step " +
                   std::to_string(step) + " needs them; -spectrum_step -1 analyses /params");
  const std::vector<std::size_t> shape = file.shape(data);
  if (shape.size() != 2 || shape[1] != static_cast<std::size_t>(N))
    fail(path, data + " has shape " + std::to_string(shape.size() ? shape[0] : 0) + " x " +
                   std::to_string(shape.size() > 1 ? shape[1] : 0) + ", expected [n_saved, " +
                   std::to_string(N) + "]");
  if (!file.has(steps_path)) fail(path, "no " + steps_path + " to say which step each snapshot is");
  const std::vector<std::int64_t> steps = file.read_ints(steps_path).values;
  if (steps.size() != shape[0])
    fail(path, steps_path + " has " + std::to_string(steps.size()) + " entries for " +
                   std::to_string(shape[0]) + " snapshots");
  const auto found = std::find(steps.begin(), steps.end(), static_cast<std::int64_t>(step));
  if (found == steps.end())
    fail(path, "no snapshot of step " + std::to_string(step) + " in " + data +
                   " (saved steps: " + list_steps(steps) + ")");
  const std::size_t row = static_cast<std::size_t>(found - steps.begin());
  std::vector<double> all(N);
  file.read_rows(data, row, 1, static_cast<std::size_t>(N), all.data());
  file.close();
  PetscInt begin = 0, end = 0;
  TERRAIN_PETSC(VecGetOwnershipRange(theta, &begin, &end));
  double* a = nullptr;
  TERRAIN_PETSC(VecGetArrayWrite(theta, &a));
  std::copy(all.begin() + begin, all.begin() + end, a);
  TERRAIN_PETSC(VecRestoreArrayWrite(theta, &a));
  if (const std::string bad = non_finite_entries(theta); !bad.empty())
    fail(path, data + " snapshot of step " + std::to_string(step) + ": " + bad);
}

std::vector<std::pair<std::string, std::string>> recorded_options(const RunFile& file,
                                                                  const std::string& prefix) {
  std::vector<std::pair<std::string, std::string>> result;
  if (!file.has_attr("/", "options")) return result;
  const std::string text = file.read_attr<std::string>("/", "options");
  // PETSc's own parser, on a private database, so quoting and negative numbers work as they
  // did on the command line.
  core::PetscHandle<PetscOptions> db;
  TERRAIN_PETSC(PetscOptionsCreate(db.out()));
  if (PetscOptionsInsertString(db, text.c_str()))
    fail(file.path(), "cannot parse the recorded options attribute");
  PetscInt n = 0;
  char **names = nullptr, **values = nullptr;
  TERRAIN_PETSC(PetscOptionsLeftGet(db, &n, &names, &values));
  const std::string bare = prefix.substr(prefix[0] == '-' ? 1 : 0);
  for (PetscInt i = 0; i < n; ++i)
    if (std::string(names[i]).compare(0, bare.size(), bare) == 0)
      result.emplace_back("-" + std::string(names[i]), values[i] ? values[i] : "");
  TERRAIN_PETSC(PetscOptionsLeftRestore(db, &n, &names, &values));
  return result;
}

}  // namespace terrain::io
