// The run-file schema: header, model (read_model(write_model(a)) == a), data, trajectories,
// parameters from run files and plain h5py files, and an h5py read-back on rank 0.
#include <boost/test/unit_test.hpp>
#include <petscvec.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "io/run_file.hpp"
#include "io/run_schema.hpp"
#include "model/architecture.hpp"
#include "model/parameter_layout.hpp"
#include "scratch.hpp"
#include "spectral/spectrum_file.hpp"  // the h5py read-back writes a /spectrum too

using namespace terrain;
using io::RunFile;
using test::MessageHas;
using test::scratch;
using test::ScratchCleanup;

BOOST_TEST_GLOBAL_FIXTURE(ScratchCleanup);

namespace {

model::Architecture architecture(std::vector<PetscInt> widths) {
  model::Architecture a;
  a.widths = std::move(widths);
  return a;
}

core::OwnedVec make_vec(PetscInt n, double scale) {
  core::OwnedVec v;
  TERRAIN_PETSC(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, n, v.out()));
  PetscInt begin = 0, end = 0;
  TERRAIN_PETSC(VecGetOwnershipRange(v, &begin, &end));
  for (PetscInt i = begin; i < end; ++i) TERRAIN_PETSC(VecSetValue(v, i, scale * i, INSERT_VALUES));
  TERRAIN_PETSC(VecAssemblyBegin(v));
  TERRAIN_PETSC(VecAssemblyEnd(v));
  return v;
}

bool equal(const model::Architecture& a, const model::Architecture& b) {
  return a.widths == b.widths && a.activation == b.activation && a.loss == b.loss &&
         a.bias == b.bias && a.residual == b.residual && a.init_scale == b.init_scale &&
         a.init_gamma == b.init_gamma && a.init_bias == b.init_bias && a.seed == b.seed;
}

// Runs a Python snippet with h5py on rank 0 after every rank has finished writing; true on
// every rank when it exited 0 (or when h5py is not installed, which is reported).
bool has_h5py() {
  int ok = 0;
  if (test::world_rank() == 0)
    ok = std::system("/usr/bin/python3 -c 'import h5py' 2>/dev/null") == 0;
  MPI_Bcast(&ok, 1, MPI_INT, 0, PETSC_COMM_WORLD);
  if (!ok) BOOST_TEST_MESSAGE("h5py checks skipped: /usr/bin/python3 has no h5py");
  return ok;
}

// Runs a Python snippet on rank 0 after every rank has finished writing; true on every rank
// when it exited 0.
bool python_check(const std::string& script) {
  int ok = 1;
  MPI_Barrier(PETSC_COMM_WORLD);
  if (test::world_rank() == 0) {
    const std::string file = scratch("check.py");
    std::ofstream(file) << script;
    ok = std::system(("/usr/bin/python3 " + file).c_str()) == 0;
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, PETSC_COMM_WORLD);
  return ok;
}

// build/terrain-plot, next to build/tests/<this test>; empty when it is not there.
std::string plot_script() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const auto plot = exe.parent_path().parent_path() / "terrain-plot";
  return !ec && std::filesystem::exists(plot) ? plot.string() : std::string();
}

}  // namespace

BOOST_AUTO_TEST_CASE(header_records_provenance) {
  const std::string path = scratch("header.h5");
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
    io::write_header(f);
    f.commit();
  }
  RunFile f = RunFile::open_read(PETSC_COMM_WORLD, path);
  BOOST_TEST(f.read_attr<std::int64_t>("/", "schema_version") == io::kSchemaVersion);
  BOOST_TEST(f.read_attr<std::string>("/", "terrain_version") == TERRAIN_VERSION);
  BOOST_TEST(f.read_attr<std::int64_t>("/", "nranks") == test::world_size());
  const std::string created = f.read_attr<std::string>("/", "created");
  BOOST_TEST(created.size() == 20u);  // 2024-05-01T12:00:00Z
  BOOST_TEST(created[10] == 'T');
  BOOST_TEST(created.back() == 'Z');
  BOOST_TEST(f.has_attr("/", "command_line"));
  BOOST_TEST(f.has_attr("/", "options"));
  io::check_schema(f);
}

BOOST_AUTO_TEST_CASE(newer_schema_is_refused) {
  const std::string path = scratch("future.h5");
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
    io::write_header(f);
    f.write_attr("/", "schema_version", io::kSchemaVersion + 1);
    f.commit();
  }
  RunFile f = RunFile::open_read(PETSC_COMM_WORLD, path);
  BOOST_CHECK_EXCEPTION(io::check_schema(f), core::InputError,
                        (MessageHas{path, "schema_version 2"}));
}

BOOST_AUTO_TEST_CASE(model_round_trip) {
  std::vector<model::Architecture> cases;
  cases.push_back(architecture({4, 16, 3}));
  {
    model::Architecture a = architecture({784, 128, 128, 10});
    a.activation = model::Activation::relu;
    a.loss = model::Loss::cross_entropy;
    a.residual = true;
    a.init_scale = 0.25;
    a.init_gamma = 1.5;
    a.init_bias = -0.125;
    a.seed = (std::uint64_t{1} << 63) + 12345;  // beyond int64: stored by its bits
    cases.push_back(a);
  }
  {
    model::Architecture a = architecture({1, 1});
    a.bias = false;
    a.activation = model::Activation::softplus;
    cases.push_back(a);
  }
  const std::string path = scratch("model.h5");
  for (const model::Architecture& a : cases) {
    const model::ParameterLayout layout(a);
    {
      RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
      io::write_header(f);
      io::write_model(f, a, layout);
      f.commit();
    }
    const model::Architecture b = io::read_model(PETSC_COMM_WORLD, path);
    BOOST_TEST(equal(a, b));
    RunFile f = RunFile::open_read(PETSC_COMM_WORLD, path);
    BOOST_TEST(f.read_attr<std::int64_t>("/model", "n_params") == layout.size());
    const auto offsets = f.read_ints("/model/layout/weight_offset").values;
    const auto bias = f.read_ints("/model/layout/bias_offset").values;
    BOOST_TEST(offsets.size() == std::size_t(layout.n_layers()));
    for (int l = 0; l < layout.n_layers(); ++l) {
      BOOST_TEST(offsets[l] == layout.layer(l).weight_offset);
      BOOST_TEST(bias[l] == (a.bias ? layout.layer(l).bias_offset : -1));
    }
    BOOST_TEST(f.read_attr<std::string>("/model/layout", "order").find("row-major") !=
               std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(read_model_validates) {
  const std::string empty = scratch("no_model.h5");
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, empty);
    io::write_header(f);
    f.commit();
  }
  BOOST_CHECK_EXCEPTION(io::read_model(PETSC_COMM_WORLD, empty), core::InputError,
                        (MessageHas{empty, "no /model"}));

  const model::Architecture a = architecture({4, 16, 3});
  const std::string bad = scratch("bad_model.h5");
  auto write_then = [&](auto&& spoil) {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, bad);
    io::write_model(f, a, model::ParameterLayout(a));
    spoil(f);
    f.commit();
  };
  write_then([](RunFile& f) { f.write_attr("/model", "n_params", 7); });
  BOOST_CHECK_EXCEPTION(io::read_model(PETSC_COMM_WORLD, bad), core::InputError,
                        (MessageHas{bad, "n_params = 7", "131"}));
  write_then([](RunFile& f) { f.write_attr("/model", "activation", "swish"); });
  BOOST_CHECK_EXCEPTION(io::read_model(PETSC_COMM_WORLD, bad), core::InputError,
                        (MessageHas{bad, "swish"}));
  write_then([](RunFile& f) { f.write_attr("/model", "widths", std::vector<std::int64_t>{4}); });
  BOOST_CHECK_EXCEPTION(io::read_model(PETSC_COMM_WORLD, bad), core::InputError,
                        (MessageHas{bad, "/model", "at least 2"}));
  write_then([](RunFile& f) {
    f.write_1d("/model/layout/fan_in", std::vector<std::int64_t>{4, 15});
  });
  BOOST_CHECK_EXCEPTION(io::read_model(PETSC_COMM_WORLD, bad), core::InputError,
                        (MessageHas{bad, "/model/layout/fan_in", "[4,15]", "[4,16]"}));
  write_then([](RunFile& f) { f.write_attr("/model", "loss", 3.0); });
  BOOST_CHECK_EXCEPTION(io::read_model(PETSC_COMM_WORLD, bad), core::InputError,
                        (MessageHas{bad, "loss", "not a text"}));
}

BOOST_AUTO_TEST_CASE(data_info_round_trip) {
  const std::string path = scratch("data.h5");
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
    io::write_data_info(f, "iris", "inputs/data/iris.csv", 120, 30, 4, 3);
    f.commit();
  }
  RunFile f = RunFile::open_read(PETSC_COMM_WORLD, path);
  const io::DataInfo d = io::read_data_info(f);
  BOOST_TEST(d.name == "iris");
  BOOST_TEST(d.source == "inputs/data/iris.csv");
  BOOST_TEST(d.n_train == 120);
  BOOST_TEST(d.n_test == 30);
  BOOST_TEST(d.d_in == 4);
  BOOST_TEST(d.d_out == 3);
}

BOOST_AUTO_TEST_CASE(trajectory_write_append_read) {
  const std::string path = scratch("trajectory.h5");
  io::Trajectory t;
  t.step = {0, 10, 20};
  t.loss = {1.0, 0.5, 0.25};
  t.test_loss = {1.1, 0.6, 0.3};
  t.grad_norm = {3, 2, 1};
  t.lr = {0.1, 0.1, 0.1};
  t.wall_time = {0, 0.5, 1.0};
  io::Trajectory more;
  more.step = {30};
  more.loss = {0.125};
  more.test_loss = {0.2};
  more.grad_norm = {0.5};
  more.lr = {0.05};
  more.wall_time = {1.5};
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
    io::write_trajectory(f, t);
    io::append_trajectory(f, more);
    io::Trajectory wrong = more;
    wrong.accuracy = {0.9};  // not a column of this run
    BOOST_CHECK_EXCEPTION(io::append_trajectory(f, wrong), core::InputError,
                          (MessageHas{path, "accuracy", "not in the file"}));
    wrong = more;
    wrong.lr.clear();
    BOOST_CHECK_EXCEPTION(io::append_trajectory(f, wrong), core::InputError,
                          (MessageHas{path, "lr", "missing"}));
    wrong = more;
    wrong.loss = {1, 2};
    BOOST_CHECK_EXCEPTION(io::append_trajectory(f, wrong), core::InputError,
                          (MessageHas{path, "loss", "2 entries", "1 steps"}));
    f.commit();
  }
  RunFile f = RunFile::open_read(PETSC_COMM_WORLD, path);
  const io::Trajectory r = io::read_trajectory(f);
  BOOST_TEST(r.step == (std::vector<std::int64_t>{0, 10, 20, 30}));
  BOOST_TEST(r.loss == (std::vector<double>{1.0, 0.5, 0.25, 0.125}));
  BOOST_TEST(r.test_loss == (std::vector<double>{1.1, 0.6, 0.3, 0.2}));
  BOOST_TEST(r.lr.size() == 4u);
  BOOST_TEST(r.accuracy.empty());
  BOOST_TEST(!f.has("/trajectory/accuracy"));  // regression: no accuracy column at all
  BOOST_TEST(!f.has("/trajectory/gHg"));
}

BOOST_AUTO_TEST_CASE(params_from_run_files_and_plain_files) {
  const model::Architecture a = architecture({4, 16, 3});  // 131 parameters
  const model::ParameterLayout layout(a);
  BOOST_TEST(layout.size() == 131);
  core::OwnedVec theta(make_vec(131, 0.5));
  core::OwnedVec back(make_vec(131, 0.0));

  const std::string run = scratch("run.h5");
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, run);
    io::write_header(f);
    io::write_model(f, a, layout);
    io::write_params(f, theta);
    f.commit();
  }
  io::read_params(PETSC_COMM_WORLD, run, a, back);
  PetscBool same = PETSC_FALSE;
  TERRAIN_PETSC(VecEqual(theta, back, &same));
  BOOST_TEST(same == PETSC_TRUE);

  // A plain file, as h5py would write it from PyTorch: just a 1-D dataset "params".
  const std::string plain = scratch("plain.h5");
  core::OwnedVec doubled(make_vec(131, 1.0));
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, plain);
    f.write_vec("params", doubled);
    f.commit();
  }
  io::read_params(PETSC_COMM_WORLD, plain, a, back);
  TERRAIN_PETSC(VecEqual(doubled, back, &same));
  BOOST_TEST(same == PETSC_TRUE);
  io::read_params(PETSC_COMM_WORLD, plain, back);  // no architecture to compare with

  const std::string short_file = scratch("params.h5");
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, short_file);
    f.write_1d("/params", std::vector<double>(123, 1.0));
    f.commit();
  }
  BOOST_CHECK_EXCEPTION(io::read_params(PETSC_COMM_WORLD, short_file, a, back), core::InputError,
                        (MessageHas{short_file + ": dataset params has 123 entries, the network "
                                                 "-model_widths 4,16,3 has 131 parameters"}));
  BOOST_CHECK_EXCEPTION(io::read_params(PETSC_COMM_WORLD, short_file, back), core::InputError,
                        (MessageHas{short_file, "123", "131"}));

  // Same length, different network: a run file knows which network it was written for.
  model::Architecture other = a;
  other.bias = false;
  core::OwnedVec smaller(make_vec(model::ParameterLayout(other).size(), 1.0));
  BOOST_CHECK_EXCEPTION(io::read_params(PETSC_COMM_WORLD, run, other, smaller), core::InputError,
                        (MessageHas{run, "-model_bias 1, not 0"}));
  other = architecture({4, 15, 3});
  BOOST_CHECK_EXCEPTION(io::read_params(PETSC_COMM_WORLD, run, other, back), core::InputError,
                        (MessageHas{run, "4,16,3, not 4,15,3"}));

  const std::string none = scratch("none.h5");
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, none);
    f.write_2d("/params", 1, 131, std::vector<double>(131, 1.0));
    f.write_1d("/weights", std::vector<double>(131, 1.0));
    f.commit();
  }
  BOOST_CHECK_EXCEPTION(io::read_params(PETSC_COMM_WORLD, none, a, back), core::InputError,
                        (MessageHas{none, "2 dimensions", "131"}));
}

BOOST_AUTO_TEST_CASE(h5py_reads_what_we_write) {
  const std::string path = scratch("for_h5py.h5");
  model::Architecture a = architecture({4, 16, 3});
  a.activation = model::Activation::relu;
  core::OwnedVec theta(make_vec(131, 0.25));
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
    io::write_header(f);
    io::write_model(f, a, model::ParameterLayout(a));
    io::write_data_info(f, "iris", "iris.csv", 120, 30, 4, 3);
    io::Trajectory t;
    t.step = {0, 1, 2};
    t.loss = {3, 2, 1};
    io::write_trajectory(f, t);
    spectral::Spectrum s;
    s.largest = {1, 3};
    s.smallest = {-1};
    spectral::write_spectrum(f, "final", s);
    io::write_params(f, theta);
    f.append_vec("/trajectory/params", theta);
    f.append_vec("/trajectory/params", theta);
    f.commit();
  }
  const std::string script = R"(
import sys
import h5py
import numpy as np
f = h5py.File(sys.argv[1] if len(sys.argv) > 1 else ")" + path + R"(", "r")
assert f.attrs["schema_version"] == 1 and f.attrs["schema_version"].dtype == np.int64
assert isinstance(f.attrs["created"], str) and f.attrs["created"].endswith("Z")
assert isinstance(f.attrs["terrain_version"], str)
assert f.attrs["nranks"] == )" + std::to_string(test::world_size()) + R"(
m = f["model"]
assert list(m.attrs["widths"]) == [4, 16, 3], m.attrs["widths"]
assert m.attrs["activation"] == "relu" and m.attrs["loss"] == "mse"
assert m.attrs["bias"] == 1 and m.attrs["n_params"] == 131
assert list(m["layout/weight_offset"][:]) == [0, 80]
assert list(m["layout/bias_offset"][:]) == [64, 128]
assert "row-major" in m["layout"].attrs["order"]
assert f["data"].attrs["name"] == "iris" and f["data"].attrs["n_train"] == 120
assert f["trajectory/step"].dtype == np.int64 and list(f["trajectory/step"]) == [0, 1, 2]
assert f["trajectory/loss"].maxshape == (None,) and f["trajectory/loss"].chunks is not None
assert "accuracy" not in f["trajectory"]
assert list(f["spectrum/final/largest"]) == [3, 1]
assert list(f["spectrum/final/eigenvalues"]) == [3, 1, -1]
p = f["params"][:]
assert p.dtype == np.float64 and p.shape == (131,)
assert np.array_equal(p, 0.25 * np.arange(131))
assert f["trajectory/params"].shape == (2, 131) and f["trajectory/params"].maxshape == (None, 131)
assert np.array_equal(f["trajectory/params"][1], p)
)";
  if (!has_h5py()) return;
  BOOST_TEST(python_check(script));

  // The plotting script draws what the C++ writes.
  const std::string plot = plot_script();
  if (plot.empty()) return;
  const std::string png = scratch("for_h5py.png");
  int ok = 1;
  if (test::world_rank() == 0)
    ok = std::system((plot + " " + path + " -o " + png + " > /dev/null").c_str()) == 0 &&
         std::filesystem::file_size(png) > 1000;
  MPI_Bcast(&ok, 1, MPI_INT, 0, PETSC_COMM_WORLD);
  BOOST_TEST(ok);
}

BOOST_AUTO_TEST_CASE(params_exported_by_h5py) {
  if (!has_h5py()) return;
  // What a PyTorch user would do: torch.cat([p.flatten() for p in net.parameters()]).
  const std::string f64 = scratch("torch64.h5"), f32 = scratch("torch32.h5");
  BOOST_TEST(python_check(R"(
import h5py, numpy as np
p = 0.5 * np.arange(131)
with h5py.File(")" + f64 + R"(", "w") as f:
    f["params"] = p
with h5py.File(")" + f32 + R"(", "w") as f:
    f["params"] = p.astype(np.float32)
)"));
  const model::Architecture a = architecture({4, 16, 3});
  core::OwnedVec expected(make_vec(131, 0.5));
  for (const std::string& path : {f64, f32}) {
    core::OwnedVec back(make_vec(131, 0.0));
    io::read_params(PETSC_COMM_WORLD, path, a, back);
    PetscBool same = PETSC_FALSE;
    TERRAIN_PETSC(VecEqual(expected, back, &same));  // multiples of 0.5 are exact in float32
    BOOST_TEST(same == PETSC_TRUE, path);
  }
}
