#include "io/run_schema.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>
#include <sstream>
#include <utility>

#include "core/error.hpp"
#include "core/options.hpp"
#include "core/petsc_handle.hpp"

namespace terrain::io {

namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

template <class T>
std::string join(const std::vector<T>& values) {
  std::ostringstream os;
  for (std::size_t i = 0; i < values.size(); ++i) os << (i ? "," : "") << values[i];
  return os.str();
}

// Throws the same InputError on every rank: schema checks see identical metadata everywhere.
[[noreturn]] void fail(const RunFile& file, const std::string& what) {
  throw core::InputError(file.path() + ": " + what);
}

}  // namespace

// ------------------------------------------------------------------------------------------

void write_header(RunFile& file) {
  int nranks = 1;
  MPI_Comm_size(file.comm(), &nranks);
  file.write_attr("/", "schema_version", kSchemaVersion);
  file.write_attr("/", "terrain_version", TERRAIN_VERSION);
  file.write_attr("/", "created", utc_now());
  file.write_attr("/", "nranks", nranks);
  file.write_attr("/", "command_line", core::command_line());
  file.write_attr("/", "options", core::options_as_text());
}

void check_schema(const RunFile& file) {
  if (!file.has_attr("/", "schema_version")) return;
  const auto version = file.read_attr<std::int64_t>("/", "schema_version");
  if (version > kSchemaVersion || version < 1)
    fail(file, "schema_version " + std::to_string(version) + " is not one this terrain reads (" +
                   std::to_string(kSchemaVersion) + ")");
}

// ------------------------------------------------------------------------------------------

void write_model(RunFile& file, const model::Architecture& arch,
                 const model::ParameterLayout& layout) {
  file.write_attr("/model", "widths", std::vector<std::int64_t>(arch.widths.begin(),
                                                                 arch.widths.end()));
  file.write_attr("/model", "activation", model::to_string(arch.activation));
  file.write_attr("/model", "loss", model::to_string(arch.loss));
  file.write_attr("/model", "bias", arch.bias ? 1 : 0);
  file.write_attr("/model", "residual", arch.residual ? 1 : 0);
  file.write_attr("/model", "init_scale", arch.init_scale);
  file.write_attr("/model", "init_gamma", arch.init_gamma);
  file.write_attr("/model", "init_bias", arch.init_bias);
  file.write_attr("/model", "seed", static_cast<std::int64_t>(arch.seed));
  file.write_attr("/model", "n_params", layout.size());

  std::vector<std::int64_t> weight_offset, bias_offset, fan_in, fan_out;
  for (int l = 0; l < layout.n_layers(); ++l) {
    const model::LayerBlock& b = layout.layer(l);
    weight_offset.push_back(b.weight_offset);
    bias_offset.push_back(b.bias_offset);
    fan_in.push_back(b.fan_in);
    fan_out.push_back(b.fan_out);
  }
  file.write_1d("/model/layout/weight_offset", weight_offset);
  file.write_1d("/model/layout/bias_offset", bias_offset);
  file.write_1d("/model/layout/fan_in", fan_in);
  file.write_1d("/model/layout/fan_out", fan_out);
  file.write_attr("/model/layout", "order",
                  "per layer: W [fan_out x fan_in] row-major, then b; "
                  "PyTorch nn.Sequential(nn.Linear...).parameters() order");
}

namespace {
template <class Enum, int N>
Enum parse_enum(const RunFile& file, const std::string& attr, const std::string& text) {
  std::string names;
  for (int i = 0; i < N; ++i) {
    const char* name = model::to_string(static_cast<Enum>(i));
    if (text == name) return static_cast<Enum>(i);
    names += (i ? ", " : "") + std::string(name);
  }
  fail(file, "/model attribute " + attr + " is '" + text + "', not one of " + names);
}
}  // namespace

model::Architecture read_model(const RunFile& file) {
  check_schema(file);
  if (!file.has("/model")) fail(file, "no /model (not a terrain run file?)");
  model::Architecture a;
  const auto widths = file.read_attr<std::vector<std::int64_t>>("/model", "widths");
  for (std::int64_t w : widths)
    if (w < 1 || w > 2147483647)
      fail(file, "/model attribute widths has an impossible width " + std::to_string(w));
  a.widths.assign(widths.begin(), widths.end());
  a.activation = parse_enum<model::Activation, 5>(
      file, "activation", file.read_attr<std::string>("/model", "activation"));
  a.loss = parse_enum<model::Loss, 2>(file, "loss", file.read_attr<std::string>("/model", "loss"));
  a.bias = file.read_attr<std::int64_t>("/model", "bias") != 0;
  a.residual = file.read_attr<std::int64_t>("/model", "residual") != 0;
  a.init_scale = file.read_attr<double>("/model", "init_scale");
  a.init_gamma = file.read_attr<double>("/model", "init_gamma");
  a.init_bias = file.read_attr<double>("/model", "init_bias");
  a.seed = static_cast<std::uint64_t>(file.read_attr<std::int64_t>("/model", "seed"));
  try {
    a.validate();
  } catch (const core::InputError& e) {
    fail(file, std::string("/model: ") + e.what());
  }

  // The stored sizes must be the ones this build derives, or the parameters mean something else.
  const model::ParameterLayout layout(a);
  const auto n_params = file.read_attr<std::int64_t>("/model", "n_params");
  if (n_params != layout.size())
    fail(file, "/model says n_params = " + std::to_string(n_params) + " but -model_widths " +
                   join(a.widths) + " gives " + std::to_string(layout.size()));
  if (file.has("/model/layout/weight_offset")) {
    const char* names[] = {"weight_offset", "bias_offset", "fan_in", "fan_out"};
    for (int k = 0; k < 4; ++k) {
      const auto stored = file.read_ints(std::string("/model/layout/") + names[k]).values;
      std::vector<std::int64_t> expected;
      for (int l = 0; l < layout.n_layers(); ++l) {
        const model::LayerBlock& b = layout.layer(l);
        const PetscInt v[] = {b.weight_offset, b.bias_offset, b.fan_in, b.fan_out};
        expected.push_back(v[k]);
      }
      if (stored != expected)
        fail(file, std::string("/model/layout/") + names[k] + " is [" + join(stored) +
                       "], the architecture in /model gives [" + join(expected) + "]");
    }
  }
  return a;
}

model::Architecture read_model(MPI_Comm comm, const std::string& path) {
  RunFile file = RunFile::open_read(comm, path);
  model::Architecture a = read_model(file);
  file.close();
  return a;
}

// ------------------------------------------------------------------------------------------

void write_data_info(RunFile& file, const std::string& name, const std::string& source,
                     std::int64_t n_train, std::int64_t n_test, std::int64_t d_in,
                     std::int64_t d_out) {
  file.write_attr("/data", "name", name);
  file.write_attr("/data", "source", source);
  file.write_attr("/data", "n_train", n_train);
  file.write_attr("/data", "n_test", n_test);
  file.write_attr("/data", "d_in", d_in);
  file.write_attr("/data", "d_out", d_out);
}

DataInfo read_data_info(const RunFile& file) {
  check_schema(file);
  if (!file.has("/data")) fail(file, "no /data");
  DataInfo d;
  d.name = file.read_attr<std::string>("/data", "name");
  d.source = file.read_attr<std::string>("/data", "source");
  d.n_train = file.read_attr<std::int64_t>("/data", "n_train");
  d.n_test = file.read_attr<std::int64_t>("/data", "n_test");
  d.d_in = file.read_attr<std::int64_t>("/data", "d_in");
  d.d_out = file.read_attr<std::int64_t>("/data", "d_out");
  return d;
}

// ------------------------------------------------------------------------------------------

namespace {
using Column = std::vector<double> Trajectory::*;
const std::pair<const char*, Column> kColumns[] = {
    {"epoch", &Trajectory::epoch},         {"loss", &Trajectory::loss},
    {"accuracy", &Trajectory::accuracy},   {"test_loss", &Trajectory::test_loss},
    {"test_accuracy", &Trajectory::test_accuracy}, {"grad_norm", &Trajectory::grad_norm},
    {"gHg", &Trajectory::gHg},             {"lr", &Trajectory::lr},
    {"lambda_max", &Trajectory::lambda_max}, {"wall_time", &Trajectory::wall_time},
};

void check_columns(const RunFile& file, const Trajectory& t) {
  for (const auto& [name, column] : kColumns) {
    const std::size_t n = (t.*column).size();
    TERRAIN_CHECK(n == 0 || n == t.step.size(),
                  file.path() << ": trajectory column " << name << " has " << n
                              << " entries for " << t.step.size() << " steps");
  }
}
}  // namespace

void write_trajectory(RunFile& file, const Trajectory& t) {
  check_columns(file, t);
  file.write_1d("/trajectory/step", t.step, Extent::extendible);
  for (const auto& [name, column] : kColumns) {
    const std::string path = std::string("/trajectory/") + name;
    if ((t.*column).empty())
      file.remove(path);  // a column of an earlier trajectory would be out of step
    else
      file.write_1d(path, t.*column, Extent::extendible);
  }
}

void append_trajectory(RunFile& file, const Trajectory& t) {
  if (!file.has("/trajectory/step")) return write_trajectory(file, t);
  check_columns(file, t);
  if (t.step.empty()) return;
  // Columns stay aligned with step only if the rows carry exactly the stored columns.
  for (const auto& [name, column] : kColumns) {
    const bool stored = file.has(std::string("/trajectory/") + name);
    if (stored != !(t.*column).empty())
      fail(file, std::string("trajectory column ") + name +
                     (stored ? " is missing from the rows to append" : " is not in the file"));
  }
  file.append_1d("/trajectory/step", t.step);
  for (const auto& [name, column] : kColumns)
    if (!(t.*column).empty()) file.append_1d(std::string("/trajectory/") + name, t.*column);
}

Trajectory read_trajectory(const RunFile& file) {
  check_schema(file);
  if (!file.has("/trajectory/step")) fail(file, "no /trajectory/step");
  Trajectory t;
  t.step = file.read_ints("/trajectory/step").values;
  for (const auto& [name, column] : kColumns) {
    const std::string path = std::string("/trajectory/") + name;
    if (!file.has(path)) continue;
    t.*column = file.read_doubles(path).values;
    if (!(t.*column).empty() && (t.*column).size() != t.step.size())
      fail(file, path + " has " + std::to_string((t.*column).size()) + " entries, " +
                     "/trajectory/step has " + std::to_string(t.step.size()));
  }
  return t;
}

// ------------------------------------------------------------------------------------------

void write_params(RunFile& file, Vec params) { file.write_vec("/params", params); }

namespace {
void read_params_checked(MPI_Comm comm, const std::string& path, const model::Architecture* arch,
                         Vec params) {
  RunFile file = RunFile::open_read(comm, path);
  check_schema(file);
  PetscInt n = 0;
  TERRAIN_PETSC(VecGetSize(params, &n));
  const std::string network =
      arch ? "the network -model_widths " + join(arch->widths) + " has " + std::to_string(n) +
                 " parameters"
           : "the parameter vector has " + std::to_string(n) + " entries";
  if (arch && file.has_attr("/model", "widths")) {
    // Equal lengths can still be different networks (4,16,3 vs 3,16,4 without bias...).
    const auto widths = file.read_attr<std::vector<std::int64_t>>("/model", "widths");
    const bool bias = !file.has_attr("/model", "bias") ||
                      file.read_attr<std::int64_t>("/model", "bias") != 0;
    if (widths != std::vector<std::int64_t>(arch->widths.begin(), arch->widths.end()))
      fail(file, "written for -model_widths " + join(widths) + ", not " + join(arch->widths));
    if (bias != arch->bias)
      fail(file, std::string("written with -model_bias ") + (bias ? "1" : "0") + ", not " +
                     (arch->bias ? "1" : "0"));
  }
  if (!file.has("/params")) fail(file, "no dataset params (" + network + ")");
  const std::vector<std::size_t> shape = file.shape("/params");
  if (shape.size() != 1)
    fail(file, "dataset params has " + std::to_string(shape.size()) +
                   " dimensions, it must be a 1-D list (" + network + ")");
  if (shape[0] != static_cast<std::size_t>(n))
    fail(file, "dataset params has " + std::to_string(shape[0]) + " entries, " + network);
  file.read_vec("/params", params);
  file.close();
  if (const std::string bad = non_finite_entries(params); !bad.empty())
    fail(file, "dataset params: " + bad);
}
}  // namespace

std::string non_finite_entries(Vec v) {
  PetscInt begin = 0, end = 0;
  TERRAIN_PETSC(VecGetOwnershipRange(v, &begin, &end));
  const double* a = nullptr;
  TERRAIN_PETSC(VecGetArrayRead(v, &a));
  long count = 0, first = std::numeric_limits<long>::max();
  for (PetscInt i = begin; i < end; ++i)
    if (!std::isfinite(a[i - begin])) {
      ++count;
      first = std::min<long>(first, i);
    }
  TERRAIN_PETSC(VecRestoreArrayRead(v, &a));
  MPI_Comm comm = core::comm_of(v);
  MPI_Allreduce(MPI_IN_PLACE, &count, 1, MPI_LONG, MPI_SUM, comm);
  MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_LONG, MPI_MIN, comm);
  if (count == 0) return {};
  // The owner of the first bad entry says what it is (as a code: MPI_MAX ignores NaN unreliably).
  int kind = -1;  // 0 nan, 1 inf, 2 -inf
  if (first >= begin && first < end) {
    TERRAIN_PETSC(VecGetArrayRead(v, &a));
    const double value = a[first - begin];
    TERRAIN_PETSC(VecRestoreArrayRead(v, &a));
    kind = std::isnan(value) ? 0 : value > 0 ? 1 : 2;
  }
  MPI_Allreduce(MPI_IN_PLACE, &kind, 1, MPI_INT, MPI_MAX, comm);
  const char* const names[] = {"nan", "inf", "-inf"};
  std::ostringstream os;
  os << count << (count == 1 ? " entry is" : " entries are")
     << " not a finite number, the first is entry " << first << " (" << names[kind] << ")";
  return os.str();
}

void read_params(MPI_Comm comm, const std::string& path, Vec params) {
  read_params_checked(comm, path, nullptr, params);
}

void read_params(MPI_Comm comm, const std::string& path, const model::Architecture& arch,
                 Vec params) {
  read_params_checked(comm, path, &arch, params);
}

}  // namespace terrain::io
