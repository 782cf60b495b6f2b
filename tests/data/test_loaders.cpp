// Loaders: exact round trips of files the tests write, the generators' closed forms, real data
// sets when installed, and the rule that the union of the shards is bitwise what one rank
// alone loads.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "core/rng.hpp"
#include "data/load_data.hpp"
#include "data/loaders.hpp"
#include "data_test_support.hpp"
#include "model/parameter_layout.hpp"
#include "model/predict.hpp"

using namespace terrain;
using namespace terrain::test;
using data::DataConfig;
using data::Source;

namespace {

bool same_set(const data::Dataset& a, const data::Dataset& b) {
  const Gathered ga = gather(a);
  const Gathered gb = gather(b, MPI_COMM_SELF);
  return a.n_global == b.n_global && a.d_in == b.d_in && a.d_out == b.d_out &&
         a.classification == b.classification && ga.X == gb.X && ga.Y == gb.Y &&
         ga.labels == gb.labels;
}

// The union of the shards over PETSC_COMM_WORLD equals, bitwise, what MPI_COMM_SELF loads.
void check_matches_serial(const data::Data& d, const DataConfig& c) {
  const data::Data serial = data::load_data(MPI_COMM_SELF, c);
  BOOST_TEST(all_ranks(same_set(d.train, serial.train)), "training shards = serial load");
  BOOST_TEST(all_ranks(same_set(d.test, serial.test)), "test shards = serial load");
}

// Exactly one rank holds global row `row`; `check` runs there. True on every rank when it held.
template <class Check>
bool on_owner(const data::Dataset& ds, PetscInt row, Check&& check) {
  int ok = 0;
  if (row >= ds.first_row && row < ds.first_row + ds.n_local) ok = check(row - ds.first_row) ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_SUM, PETSC_COMM_WORLD);
  return ok == 1;
}

DataConfig csv_config(const std::string& file, PetscInt target_columns = 1) {
  DataConfig c;
  c.source = Source::csv;
  c.file = file;
  c.target_columns = target_columns;
  return c;
}

std::string format17(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%.17g", v);
  return buffer;
}

}  // namespace

BOOST_AUTO_TEST_CASE(iris_from_options) {
  const std::string file = inputs_dir() + "/data/iris.csv";
  DataOptions options({{"-data_source", "csv"}, {"-data_file", file}});
  const DataConfig c = DataConfig::from_options();
  const data::Data d = data::load_data(PETSC_COMM_WORLD, c);
  BOOST_TEST(d.name == "iris");
  BOOST_TEST(d.source == file);
  BOOST_TEST(d.train.n_global == 150);
  BOOST_TEST(d.test.n_global == 0);
  BOOST_TEST(d.train.d_in == 4);
  BOOST_TEST(d.train.d_out == 3);
  BOOST_TEST(d.train.classification);
  BOOST_TEST((d.class_names == std::vector<std::string>{"setosa", "versicolor", "virginica"}));

  long long per_class[3] = {0, 0, 0};
  for (PetscInt l : d.train.labels) ++per_class[l];
  MPI_Allreduce(MPI_IN_PLACE, per_class, 3, MPI_LONG_LONG, MPI_SUM, PETSC_COMM_WORLD);
  for (long long count : per_class) BOOST_TEST(count == 50);

  BOOST_TEST(on_owner(d.train, 0, [&](PetscInt i) {
    const double* x = &d.train.X[4 * i];
    const double* y = &d.train.Y[3 * i];
    return x[0] == 5.1 && x[1] == 3.5 && x[2] == 1.4 && x[3] == 0.2 && d.train.labels[i] == 0 &&
           y[0] == 1 && y[1] == 0 && y[2] == 0;
  }));
  BOOST_TEST(on_owner(d.train, 149, [&](PetscInt i) { return d.train.labels[i] == 2; }));

  // Σ (row+1)·x over the shards against the same sum over the whole file read here, serially.
  double checksum = 0;
  for (PetscInt i = 0; i < d.train.n_local; ++i)
    for (int j = 0; j < 4; ++j) checksum += double(d.train.first_row + i + 1) * d.train.X[4 * i + j];
  MPI_Allreduce(MPI_IN_PLACE, &checksum, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  double serial = 0;
  if (comm_rank() == 0) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    for (int row = 0; std::getline(in, line); ++row) {
      double v[4];
      if (std::sscanf(line.c_str(), "%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3]) == 4)
        for (double x : v) serial += double(row + 1) * x;
    }
  }
  MPI_Bcast(&serial, 1, MPI_DOUBLE, 0, PETSC_COMM_WORLD);
  BOOST_TEST(checksum == serial, boost::test_tools::tolerance(1e-13));
  check_matches_serial(d, c);
}

BOOST_AUTO_TEST_CASE(csv_regression_round_trip) {
  TempDir dir;
  const PetscInt n = 23, d_in = 3, k = 2;
  std::vector<double> x(n * d_in), y(n * k);
  std::ostringstream text;
  text << "a, b ,c,t1,t2\n";
  for (PetscInt i = 0; i < n; ++i) {
    for (PetscInt j = 0; j < d_in + k; ++j) {
      const double v = core::normal(11, core::Stream::test_vector, i * 5 + j) * std::pow(10.0, j - 2);
      (j < d_in ? x[i * d_in + j] : y[i * k + j - d_in]) = v;
      text << (j ? "," : "") << (j == 1 ? " " : "") << format17(v);
    }
    text << (i % 5 == 0 ? "\r\n" : "\n");
  }
  write_text(dir.file("reg.csv"), text.str() + "\n");
  const DataConfig c = csv_config(dir.file("reg.csv"), k);
  const data::Data d = data::load_data(PETSC_COMM_WORLD, c);
  BOOST_TEST(d.name == "reg");
  BOOST_TEST(d.train.n_global == n);
  BOOST_TEST(d.train.d_in == d_in);
  BOOST_TEST(d.train.d_out == k);
  BOOST_TEST(!d.train.classification);
  BOOST_TEST(d.train.labels.empty());
  const Gathered g = gather(d.train);
  BOOST_TEST(all_ranks(g.X == x && g.Y == y), "values round-trip bitwise");
  check_matches_serial(d, c);

  DataConfig first = c;
  first.n = 10;
  const data::Data part = data::load_data(PETSC_COMM_WORLD, first);
  BOOST_TEST(part.train.n_global == 10);
  const Gathered gp = gather(part.train);
  BOOST_TEST(all_ranks(std::equal(gp.X.begin(), gp.X.end(), x.begin())), "-data_n keeps the first rows");
}

BOOST_AUTO_TEST_CASE(csv_classes_are_sorted_names) {
  TempDir dir;
  write_text(dir.file("pets.csv"), "w,\"kind\"\n1,\"dog\"\n2,cat\n3, emu \n4,dog\n");
  const data::Data d = data::load_data(PETSC_COMM_WORLD, csv_config(dir.file("pets.csv")));
  BOOST_TEST((d.class_names == std::vector<std::string>{"cat", "dog", "emu"}));
  BOOST_TEST(d.train.d_out == 3);
  const Gathered g = gather(d.train);
  BOOST_TEST(all_ranks((g.labels == std::vector<PetscInt>{1, 0, 2, 1})));
  BOOST_TEST(all_ranks((g.Y == std::vector<double>{0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0})));
}

BOOST_AUTO_TEST_CASE(idx_round_trip_raw_and_gzip) {
  TempDir dir;
  const std::uint32_t n = 11, n_test = 5, rows = 3, cols = 4, d = rows * cols;
  std::vector<unsigned char> images(n * d), labels(n), test_images(n_test * d), test_labels(n_test);
  for (std::uint32_t i = 0; i < n * d; ++i) images[i] = static_cast<unsigned char>((i * 37 + 5) % 256);
  for (std::uint32_t i = 0; i < n_test * d; ++i) test_images[i] = static_cast<unsigned char>((i * 91) % 256);
  for (std::uint32_t i = 0; i < n; ++i) labels[i] = static_cast<unsigned char>(i % 4);
  for (std::uint32_t i = 0; i < n_test; ++i) test_labels[i] = static_cast<unsigned char>((i + 1) % 4);

  for (bool gz : {false, true}) {
    const std::string suffix = gz ? ".idx.gz" : ".idx";
    write_idx(dir.file("img" + suffix), {n, rows, cols}, images, gz);
    write_idx(dir.file("lab" + suffix), {n}, labels, gz);
    write_idx(dir.file("timg" + suffix), {n_test, rows, cols}, test_images, gz);
    write_idx(dir.file("tlab" + suffix), {n_test}, test_labels, gz);
    DataConfig c;
    c.source = Source::idx;
    c.file = dir.file("img" + suffix);
    c.labels_file = dir.file("lab" + suffix);
    c.test_file = dir.file("timg" + suffix);
    c.test_labels_file = dir.file("tlab" + suffix);
    c.normalize = data::Normalize::none;
    const data::Data data = data::load_data(PETSC_COMM_WORLD, c);
    BOOST_TEST(data.name == "img");
    BOOST_TEST(data.train.n_global == PetscInt(n));
    BOOST_TEST(data.test.n_global == PetscInt(n_test));
    BOOST_TEST(data.train.d_in == PetscInt(d));
    BOOST_TEST(data.train.d_out == 4);
    BOOST_TEST(data.test.d_out == 4);
    const Gathered g = gather(data.train), gt = gather(data.test);
    BOOST_TEST(all_ranks(std::equal(images.begin(), images.end(), g.X.begin(), g.X.end())),
               "pixels round-trip (gz " << gz << ")");
    BOOST_TEST(all_ranks(std::equal(labels.begin(), labels.end(), g.labels.begin(), g.labels.end())));
    BOOST_TEST(all_ranks(std::equal(test_images.begin(), test_images.end(), gt.X.begin(), gt.X.end())));
    BOOST_TEST(all_ranks(std::equal(test_labels.begin(), test_labels.end(), gt.labels.begin(),
                                    gt.labels.end())));
    bool one_hot = true;
    for (std::uint32_t i = 0; i < n; ++i)
      for (int j = 0; j < 4; ++j) one_hot = one_hot && g.Y[i * 4 + j] == (j == labels[i] ? 1.0 : 0.0);
    BOOST_TEST(all_ranks(one_hot));
    check_matches_serial(data, c);

    // unit scaling, and the first rows only
    c.normalize = data::Normalize::unit;
    c.n = 6;
    c.n_test = 2;
    const data::Data unit = data::load_data(PETSC_COMM_WORLD, c);
    BOOST_TEST(unit.train.n_global == 6);
    BOOST_TEST(unit.test.n_global == 2);
    const Gathered gu = gather(unit.train);
    bool scaled = gu.X.size() == 6 * d;
    for (std::size_t i = 0; i < gu.X.size() && scaled; ++i) scaled = gu.X[i] == images[i] / 255.0;
    BOOST_TEST(all_ranks(scaled));

    // standard: one mean and std over the training pixels, applied to both sets
    c.normalize = data::Normalize::standard;
    const data::Data standard = data::load_data(PETSC_COMM_WORLD, c);
    double mean = 0, var = 0;
    for (std::size_t i = 0; i < 6 * d; ++i) mean += images[i] / 255.0;
    mean /= 6 * d;
    for (std::size_t i = 0; i < 6 * d; ++i) var += std::pow(images[i] / 255.0 - mean, 2);
    const double sd = std::sqrt(var / (6 * d));
    const Gathered gs = gather(standard.train), gst = gather(standard.test);
    double error = 0, train_mean = 0;
    for (std::size_t i = 0; i < gs.X.size(); ++i) {
      error = std::max(error, std::abs(gs.X[i] - (images[i] / 255.0 - mean) / sd));
      train_mean += gs.X[i] / gs.X.size();
    }
    for (std::size_t i = 0; i < gst.X.size(); ++i)
      error = std::max(error, std::abs(gst.X[i] - (test_images[i] / 255.0 - mean) / sd));
    BOOST_TEST(error < 1e-12);
    BOOST_TEST(std::abs(train_mean) < 1e-12);
    check_matches_serial(standard, c);
  }
}

BOOST_AUTO_TEST_CASE(idx_name_from_canonical_file_names) {
  TempDir dir;
  write_idx(dir.file("train-images-idx3-ubyte"), {2, 1, 1}, {7, 8}, false);
  write_idx(dir.file("train-labels-idx1-ubyte"), {2}, {0, 1}, false);
  DataConfig c;
  c.source = Source::idx;
  c.file = dir.file("train-images-idx3-ubyte");
  c.labels_file = dir.file("train-labels-idx1-ubyte");
  const data::Data d = data::load_data(PETSC_COMM_WORLD, c);
  const std::string dir_name = std::filesystem::path(dir.file("")).parent_path().filename();
  BOOST_TEST(d.name == dir_name);
  BOOST_TEST(d.test.n_global == 0);
}

BOOST_AUTO_TEST_CASE(hdf5_regression_round_trip) {
  TempDir dir;
  const hsize_t n = 13, d_in = 3, k = 2;
  std::vector<double> x(n * d_in), y(n * k);
  for (hsize_t i = 0; i < x.size(); ++i) x[i] = core::normal(3, core::Stream::test_vector, i);
  for (hsize_t i = 0; i < y.size(); ++i) y[i] = core::normal(4, core::Stream::test_vector, i);
  const std::string file = dir.file("reg.h5");
  write_h5(file, "X", {n, d_in}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, x.data(), false);
  write_h5(file, "Y", {n, k}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, y.data(), true);
  DataConfig c;
  c.source = Source::hdf5;
  c.file = file;
  const data::Data d = data::load_data(PETSC_COMM_WORLD, c);
  BOOST_TEST(d.name == "reg");
  BOOST_TEST(d.train.n_global == PetscInt(n));
  BOOST_TEST(d.train.d_in == PetscInt(d_in));
  BOOST_TEST(d.train.d_out == PetscInt(k));
  BOOST_TEST(!d.train.classification);
  const Gathered g = gather(d.train);
  BOOST_TEST(all_ranks(g.X == x && g.Y == y), "values round-trip bitwise");
  check_matches_serial(d, c);

  // A 1-D Y is one target column; -data_n keeps the first rows.
  const std::string file1 = dir.file("reg1.h5");
  write_h5(file1, "X", {n, d_in}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, x.data(), false);
  write_h5(file1, "Y", {n}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, y.data(), true);
  c.file = file1;
  c.n = 7;
  const data::Data d1 = data::load_data(PETSC_COMM_WORLD, c);
  BOOST_TEST(d1.train.n_global == 7);
  BOOST_TEST(d1.train.d_out == 1);
  const Gathered g1 = gather(d1.train);
  BOOST_TEST(all_ranks(std::equal(g1.Y.begin(), g1.Y.end(), y.begin()) &&
                       std::equal(g1.X.begin(), g1.X.end(), x.begin())));

  // Fewer rows than ranks: a rank with nothing to read still joins the collective reads.
  c.n = 2;
  c.test_fraction = 0.4;  // round(0.8) = 1 test row
  const data::Data d2 = data::load_data(PETSC_COMM_WORLD, c);
  BOOST_TEST(d2.train.n_global == 1);
  BOOST_TEST(d2.test.n_global == 1);
  check_matches_serial(d2, c);
}

BOOST_AUTO_TEST_CASE(hdf5_classification_round_trip) {
  TempDir dir;
  const hsize_t n = 13, d_in = 2;
  std::vector<float> x(n * d_in);
  std::vector<int> labels(n);
  for (hsize_t i = 0; i < x.size(); ++i) x[i] = float(i) / 8.0f - 1.0f;
  for (hsize_t i = 0; i < n; ++i) labels[i] = int(i % 3);
  const std::string file = dir.file("cls.h5");
  write_h5(file, "X", {n, d_in}, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, x.data(), false);
  write_h5(file, "labels", {n}, H5T_STD_I32LE, H5T_NATIVE_INT, labels.data(), true);
  DataConfig c;
  c.source = Source::hdf5;
  c.file = file;
  const data::Data d = data::load_data(PETSC_COMM_WORLD, c);
  BOOST_TEST(d.train.classification);
  BOOST_TEST(d.train.d_out == 3);
  const Gathered g = gather(d.train);
  BOOST_TEST(all_ranks(std::equal(x.begin(), x.end(), g.X.begin(), g.X.end())));
  BOOST_TEST(all_ranks(std::equal(labels.begin(), labels.end(), g.labels.begin(), g.labels.end())));
  check_matches_serial(d, c);

  write_h5_attribute(file, "labels", "n_classes", 5);
  const data::Data d5 = data::load_data(PETSC_COMM_WORLD, c);
  BOOST_TEST(d5.train.d_out == 5);
  BOOST_TEST(all_ranks(d5.train.Y.size() == std::size_t(d5.train.n_local) * 5));
}

BOOST_AUTO_TEST_CASE(target1d_closed_form) {
  BOOST_TEST(data::target1d(0.0) == 0.6);
  BOOST_TEST(data::target1d(1.0) == 0.8, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(data::target1d(-1.0) == 0.0);
  BOOST_TEST(data::target1d(0.5) == 1.6 - 0.5 + 0.0 - 0.15, boost::test_tools::tolerance(1e-15));

  DataConfig c;
  c.source = Source::target1d;
  c.n = 50;
  c.n_test = 20;
  c.seed = 7;
  c.interval[0] = -2;
  c.interval[1] = 3;
  const data::Data d = data::load_data(PETSC_COMM_WORLD, c);
  BOOST_TEST(d.train.n_global == 50);
  BOOST_TEST(d.test.n_global == 20);
  bool ok = d.train.d_in == 1 && d.train.d_out == 1;
  for (const auto* ds : {&d.train, &d.test})
    for (PetscInt i = 0; i < ds->n_local; ++i) {
      const PetscInt index = ds->first_row + i + (ds == &d.test ? 50 : 0);
      const double x = -2 + 5 * core::uniform(7, core::Stream::data_inputs, index);
      ok = ok && ds->X[i] == x && ds->Y[i] == data::target1d(x) && x > -2 && x < 3;
    }
  BOOST_TEST(all_ranks(ok));
  check_matches_serial(d, c);

  DataConfig grid = c;
  grid.sampling = data::Sampling::grid;
  grid.n = 21;
  grid.interval[0] = -0.7;
  grid.interval[1] = 1.3;
  const Gathered g = gather(data::load_data(PETSC_COMM_WORLD, grid).train);
  bool even = g.X.front() == -0.7 && g.X.back() == 1.3;
  for (int i = 1; i < 21; ++i) even = even && std::abs(g.X[i] - g.X[i - 1] - 0.1) < 1e-15;
  BOOST_TEST(all_ranks(even), "grid hits both ends, evenly spaced");

  DataOptions options({{"-data_source", "target1d"}});
  const data::Data defaults = data::load_data(PETSC_COMM_WORLD, DataConfig::from_options());
  BOOST_TEST(defaults.name == "target1d");
  BOOST_TEST(defaults.train.n_global == 100);
  BOOST_TEST(defaults.test.n_global == 0);
}

BOOST_AUTO_TEST_CASE(teacher_targets_are_the_teacher_network) {
  DataOptions options({{"-data_source", "teacher"},
                       {"-data_teacher_widths", "3,8,2"},
                       {"-data_n", "40"},
                       {"-data_n_test", "10"},
                       {"-data_seed", "5"}});
  const DataConfig c = DataConfig::from_options();
  BOOST_TEST(c.teacher_activation == model::Activation::tanh);
  const data::Data d = data::load_data(PETSC_COMM_WORLD, c);
  BOOST_TEST(d.name == "teacher");
  BOOST_TEST(d.train.n_global == 40);
  BOOST_TEST(d.test.n_global == 10);
  BOOST_TEST(d.train.d_in == 3);
  BOOST_TEST(d.train.d_out == 2);

  const model::Architecture arch = data::teacher_architecture(c);
  const std::vector<double> theta = data::teacher_parameters(c);
  const model::ParameterLayout layout(arch);
  bool biased = false;
  for (int l = 0; l < layout.n_layers(); ++l) biased = biased || theta[layout.layer(l).bias_offset] != 0;
  BOOST_TEST(biased, "teacher biases are not zero");
  for (const auto* ds : {&d.train, &d.test}) {
    const Gathered g = gather(*ds);
    const PetscInt n = ds->n_global, offset = ds == &d.test ? 40 : 0;
    bool inputs = true;
    for (PetscInt i = 0; i < n * 3; ++i)
      inputs = inputs && g.X[i] == core::normal(5, core::Stream::data_inputs, offset * 3 + i);
    BOOST_TEST(all_ranks(inputs), "inputs are N(0,1) draws by global element index");
    std::vector<double> reference(n * 2);
    model::predict(arch, theta.data(), g.X.data(), n, reference.data());
    double error = 0;
    for (PetscInt i = 0; i < n * 2; ++i) error = std::max(error, std::abs(reference[i] - g.Y[i]));
    BOOST_TEST(all_ranks(error < 1e-13));
  }
  check_matches_serial(d, c);
}

BOOST_AUTO_TEST_CASE(fashion_mnist_when_installed) {
  const std::string dir = "/usr/share/datasets/fashion-mnist/";
  const std::string files[4] = {dir + "train-images-idx3-ubyte.gz", dir + "train-labels-idx1-ubyte.gz",
                                dir + "t10k-images-idx3-ubyte.gz", dir + "t10k-labels-idx1-ubyte.gz"};
  bool present = true;
  for (const auto& f : files) present = present && std::filesystem::exists(f);
  if (!all_ranks(present)) {
    BOOST_TEST_MESSAGE("Fashion-MNIST not installed (Debian: dataset-fashion-mnist); skipped");
    return;
  }
  DataOptions options({{"-data_source", "idx"},
                       {"-data_file", files[0]},
                       {"-data_labels_file", files[1]},
                       {"-data_test_file", files[2]},
                       {"-data_test_labels_file", files[3]},
                       {"-data_n", "1000"}});
  const DataConfig c = DataConfig::from_options();
  const data::Data d = data::load_data(PETSC_COMM_WORLD, c);
  BOOST_TEST(d.name == "fashion-mnist");
  BOOST_TEST(d.train.n_global == 1000);
  BOOST_TEST(d.test.n_global == 10000);
  BOOST_TEST(d.train.d_in == 784);
  BOOST_TEST(d.train.d_out == 10);
  BOOST_TEST(on_owner(d.train, 0, [&](PetscInt i) { return d.train.labels[i] == 9; }));
  BOOST_TEST(on_owner(d.test, 0, [&](PetscInt i) { return d.test.labels[i] == 9; }));
  double lo = 1e300, hi = -1e300;
  for (const auto* ds : {&d.train, &d.test})
    for (double v : ds->X) lo = std::min(lo, v), hi = std::max(hi, v);
  MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_DOUBLE, MPI_MIN, PETSC_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  BOOST_TEST(lo == 0.0);
  BOOST_TEST(hi == 1.0);

  // The files hold 60000 and 10000 samples: one more is refused, naming the count.
  DataConfig more = c;
  more.n = 60001;
  expect_input_error([&] { data::load_data(PETSC_COMM_WORLD, more); }, {"-data_n", "60000"});
  more.n = 1000;
  more.n_test = 10001;
  expect_input_error([&] { data::load_data(PETSC_COMM_WORLD, more); }, {"-data_n_test", "10000"});
}

BOOST_AUTO_TEST_CASE(split_is_exact_disjoint_and_rank_independent) {
  TempDir dir;
  const PetscInt n = 97;
  std::ostringstream text;
  text << "id,x,t\n";
  for (PetscInt i = 0; i < n; ++i) text << i << "," << 0.5 * i << "," << 2 * i << "\n";
  write_text(dir.file("rows.csv"), text.str());
  DataOptions options({{"-data_source", "csv"},
                       {"-data_file", dir.file("rows.csv")},
                       {"-data_test_fraction", "0.3"},
                       {"-data_seed", "3"}});
  const DataConfig c = DataConfig::from_options();
  const data::Data d = data::load_data(PETSC_COMM_WORLD, c);
  BOOST_TEST(d.test.n_global == 29);  // round(0.3 · 97)
  BOOST_TEST(d.train.n_global == 68);
  const Gathered train = gather(d.train), test = gather(d.test);
  std::vector<PetscInt> train_ids, test_ids;
  for (PetscInt i = 0; i < 68; ++i) train_ids.push_back(PetscInt(train.X[2 * i]));
  for (PetscInt i = 0; i < 29; ++i) test_ids.push_back(PetscInt(test.X[2 * i]));
  BOOST_TEST(all_ranks(std::is_sorted(train_ids.begin(), train_ids.end()) &&
                       std::is_sorted(test_ids.begin(), test_ids.end())), "file order kept");
  std::set<PetscInt> all(train_ids.begin(), train_ids.end());
  all.insert(test_ids.begin(), test_ids.end());
  BOOST_TEST(all_ranks(all.size() == std::size_t(n) && *all.rbegin() == n - 1), "disjoint, complete");
  // The test rows are those with the 29 smallest split hashes.
  std::vector<std::pair<double, PetscInt>> keys;
  for (PetscInt r = 0; r < n; ++r) keys.push_back({core::uniform(3, core::Stream::data_split, r), r});
  std::sort(keys.begin(), keys.end());
  std::vector<PetscInt> expected;
  for (int i = 0; i < 29; ++i) expected.push_back(keys[i].second);
  std::sort(expected.begin(), expected.end());
  BOOST_TEST(all_ranks(expected == test_ids));
  bool targets = true;
  for (PetscInt i = 0; i < 68; ++i) targets = targets && train.Y[i] == 2.0 * train_ids[i];
  BOOST_TEST(all_ranks(targets), "rows keep their targets");
  check_matches_serial(d, c);

  // The same rows in an HDF5 file split the same way.
  std::vector<double> x(n * 2), y(n);
  for (PetscInt i = 0; i < n; ++i) x[2 * i] = i, x[2 * i + 1] = 0.5 * i, y[i] = 2 * i;
  write_h5(dir.file("rows.h5"), "X", {hsize_t(n), 2}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, x.data(), false);
  write_h5(dir.file("rows.h5"), "Y", {hsize_t(n), 1}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, y.data(), true);
  DataConfig h = c;
  h.source = Source::hdf5;
  h.file = dir.file("rows.h5");
  const data::Data dh = data::load_data(PETSC_COMM_WORLD, h);
  const Gathered htrain = gather(dh.train), htest = gather(dh.test);
  BOOST_TEST(all_ranks(htrain.X == train.X && htest.X == test.X && htest.Y == test.Y));
  check_matches_serial(dh, h);

  DataConfig other = c;
  other.seed = 4;
  const Gathered other_test = gather(data::load_data(PETSC_COMM_WORLD, other).test);
  BOOST_TEST(all_ranks(other_test.X != test.X), "another seed, another split");
}
