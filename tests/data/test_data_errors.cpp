// Every bad input throws core::InputError on every rank with one line naming the file or the
// option, and no rank is left waiting in a collective (a hang would fail by timeout).
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "data/load_data.hpp"
#include "data_test_support.hpp"

using namespace terrain;
using namespace terrain::test;
using data::DataConfig;
using data::Source;

namespace {

void load(const DataConfig& c) { data::load_data(PETSC_COMM_WORLD, c); }

void load_from_options() { data::load_data(PETSC_COMM_WORLD, DataConfig::from_options()); }

DataConfig csv_config(const std::string& file) {
  DataConfig c;
  c.source = Source::csv;
  c.file = file;
  return c;
}

DataConfig idx_config(const std::string& images, const std::string& labels) {
  DataConfig c;
  c.source = Source::idx;
  c.file = images;
  c.labels_file = labels;
  return c;
}

DataConfig hdf5_config(const std::string& file) {
  DataConfig c;
  c.source = Source::hdf5;
  c.file = file;
  return c;
}

// n 2×2 images with labels 0..n-1 (mod 10).
void write_idx_pair(const TempDir& dir, const std::string& stem, std::uint32_t n, bool gz) {
  std::vector<unsigned char> images(n * 4), labels(n);
  for (std::uint32_t i = 0; i < n * 4; ++i) images[i] = static_cast<unsigned char>(i);
  for (std::uint32_t i = 0; i < n; ++i) labels[i] = static_cast<unsigned char>(i % 10);
  write_idx(dir.file(stem + "-images"), {n, 2, 2}, images, gz);
  write_idx(dir.file(stem + "-labels"), {n}, labels, gz);
}

// Rank 0 keeps only the first `bytes` bytes of a file.
void truncate_file(const std::string& path, std::uintmax_t bytes) {
  if (comm_rank() == 0) std::filesystem::resize_file(path, bytes);
  MPI_Barrier(PETSC_COMM_WORLD);
}

}  // namespace

BOOST_AUTO_TEST_CASE(option_values) {
  {
    DataOptions o({{"-data_n", "5"}});
    expect_input_error(load_from_options, {"-data_source is required"});
  }
  {
    DataOptions o({{"-data_source", "bogus"}});
    expect_input_error(load_from_options, {"bogus", "-data_source"});
  }
  {
    DataOptions o({{"-data_source", "target1d"}, {"-data_n", "-5"}});
    expect_input_error(load_from_options, {"-data_n", "-5"});
  }
  {
    DataOptions o({{"-data_source", "target1d"}, {"-data_n", "abc"}});
    expect_input_error(load_from_options, {"-data_n", "abc"});
  }
  {
    DataOptions o({{"-data_source", "csv"}, {"-data_file", "x.csv"}, {"-data_test_fraction", "half"}});
    expect_input_error(load_from_options, {"-data_test_fraction", "half"});
  }
  {
    DataOptions o({{"-data_source", "target1d"}, {"-data_n_test", "-1"}});
    expect_input_error(load_from_options, {"-data_n_test"});
  }
  {
    DataOptions o({{"-data_source", "csv"}, {"-data_file", "x.csv"}, {"-data_test_fraction", "1"}});
    expect_input_error(load_from_options, {"-data_test_fraction"});
  }
  {
    DataOptions o({{"-data_source", "csv"}, {"-data_file", "x.csv"}, {"-data_test_fraction", "-0.1"}});
    expect_input_error(load_from_options, {"-data_test_fraction"});
  }
  {
    DataOptions o({{"-data_source", "target1d"}, {"-data_test_fraction", "0.2"}});
    expect_input_error(load_from_options, {"-data_test_fraction", "target1d"});
  }
  {
    DataOptions o({{"-data_source", "target1d"}, {"-data_interval", "1,-1"}});
    expect_input_error(load_from_options, {"-data_interval"});
  }
  {
    DataOptions o({{"-data_source", "target1d"}, {"-data_interval", "1"}});
    expect_input_error(load_from_options, {"-data_interval"});
  }
  {
    DataOptions o({{"-data_source", "target1d"}, {"-data_sampling", "spiral"}});
    expect_input_error(load_from_options, {"spiral", "-data_sampling"});
  }
  {
    DataOptions o({{"-data_source", "teacher"}});
    expect_input_error(load_from_options, {"-data_teacher_widths is required"});
  }
  {
    DataOptions o({{"-data_source", "teacher"}, {"-data_teacher_widths", "3"}});
    expect_input_error(load_from_options, {"-data_teacher_widths"});
  }
  {
    DataOptions o({{"-data_source", "csv"}});
    expect_input_error(load_from_options, {"-data_file is required"});
  }
  {
    DataOptions o({{"-data_source", "idx"}, {"-data_file", "a"}});
    expect_input_error(load_from_options, {"-data_labels_file is required"});
  }
  {
    DataOptions o({{"-data_source", "idx"}, {"-data_file", "a"}, {"-data_labels_file", "b"},
                   {"-data_test_file", "c"}});
    expect_input_error(load_from_options, {"-data_test_labels_file"});
  }
  {
    DataOptions o({{"-data_source", "csv"}, {"-data_file", "a.csv"}, {"-data_target_columns", "0"}});
    expect_input_error(load_from_options, {"-data_target_columns"});
  }
  {
    DataOptions o({{"-data_source", "csv"}, {"-data_file", "a.csv"}, {"-data_n_test", "4"}});
    expect_input_error(load_from_options, {"-data_n_test", "-data_test_fraction"});
  }
  {
    DataOptions o({{"-data_source", "target1d"}, {"-data_seed", "-3"}});
    expect_input_error(load_from_options, {"-data_seed"});
  }
  // A DataConfig built in code is validated too.
  DataConfig c;
  c.n = 0;
  expect_input_error([&] { load(c); }, {"-data_n"});
}

BOOST_AUTO_TEST_CASE(missing_and_unreadable_files) {
  TempDir dir;
  const std::string missing = dir.file("missing.csv");
  expect_input_error([&] { load(csv_config(missing)); }, {missing, "-data_file"});
  expect_input_error([&] { load(hdf5_config(missing)); }, {missing, "-data_file"});
  write_idx_pair(dir, "ok", 3, false);
  expect_input_error([&] { load(idx_config(missing, dir.file("ok-labels"))); }, {missing});
  expect_input_error([&] { load(idx_config(dir.file("ok-images"), missing)); },
                     {missing, "-data_labels_file"});
  DataConfig with_test = idx_config(dir.file("ok-images"), dir.file("ok-labels"));
  with_test.test_file = dir.file("ok-images");
  with_test.test_labels_file = missing;
  expect_input_error([&] { load(with_test); }, {missing, "-data_test_labels_file"});
  // A directory is not a file (root can read anything, so permissions cannot make one unreadable).
  if (comm_rank() == 0) std::filesystem::create_directories(dir.file("folder.csv"));
  MPI_Barrier(PETSC_COMM_WORLD);
  expect_input_error([&] { load(csv_config(dir.file("folder.csv"))); }, {"folder.csv", "not a regular file"});
}

BOOST_AUTO_TEST_CASE(csv_content) {
  TempDir dir;
  auto expect = [&](const std::string& name, const std::string& text,
                    const std::vector<std::string>& needles) {
    write_text(dir.file(name), text);
    std::vector<std::string> all = needles;
    all.push_back(dir.file(name));
    expect_input_error([&] { load(csv_config(dir.file(name))); }, all);
  };
  expect("columns.csv", "a,b,y\n1,2,3\n4,5\n6,7,8\n", {":3:", "expected 3 columns, found 2"});
  expect("extra.csv", "a,b,y\n1,2,3\n4,5,6,7\n", {":3:", "found 4"});
  expect("text.csv", "a,b,y\n1,2,3\n4,x5,6\n", {":3:", "column 2 (b)", "'x5' is not a number"});
  expect("nan.csv", "a,b,y\n1,nan,3\n", {":2:", "column 2 (b)", "not finite"});
  expect("inf.csv", "a,b,y\n1,2,3\n\n1,2,-inf\n", {":4:", "column 3 (y)", "not finite"});
  expect("empty_value.csv", "a,b,y\n1,,3\n", {":2:", "column 2 (b)", "empty"});
  expect("label_then_number.csv", "a,b,y\n1,2,cat\n1,2,\n", {":3:", "empty"});
  expect("number_then_label.csv", "a,b,y\n1,2,3\n1,2,dog\n", {":3:", "'dog' is not a number"});
  expect("header_only.csv", "a,b,y\n", {"no data rows"});
  expect("empty.csv", "", {"empty"});
  expect("no_inputs.csv", "y\n1\n", {"-data_target_columns"});
  write_text(dir.file("ok.csv"), "a,y\n1,2\n3,4\n");
  DataConfig c = csv_config(dir.file("ok.csv"));
  c.n = 3;
  expect_input_error([&] { load(c); }, {"-data_n 3", "2 data rows", dir.file("ok.csv")});
  c.n = 2;
  c.test_fraction = 0.9;
  expect_input_error([&] { load(c); }, {"-data_test_fraction", "no training rows"});
}

BOOST_AUTO_TEST_CASE(idx_content) {
  TempDir dir;
  for (bool gz : {false, true}) {
    const std::string s = gz ? "gz" : "raw";
    // Truncated images: the header promises 50 images of 4 pixels.
    write_idx_pair(dir, s + "-short", 50, gz);
    const std::string images = dir.file(s + "-short-images");
    if (gz) {
      truncate_file(images, std::filesystem::file_size(images) - 20);
    } else {
      truncate_file(images, 16 + 4 * 30);
    }
    expect_input_error([&] { load(idx_config(images, dir.file(s + "-short-labels"))); },
                       {images, "truncated"});
    // Wrong magic: a label file given as images, and a signed-byte type code.
    write_idx_pair(dir, s + "-ok", 5, gz);
    expect_input_error([&] { load(idx_config(dir.file(s + "-ok-labels"), dir.file(s + "-ok-labels"))); },
                       {dir.file(s + "-ok-labels"), "magic"});
    write_idx(dir.file(s + "-signed"), {5, 2, 2}, std::vector<unsigned char>(20, 1), gz, 0x09);
    expect_input_error([&] { load(idx_config(dir.file(s + "-signed"), dir.file(s + "-ok-labels"))); },
                       {dir.file(s + "-signed"), "magic"});
    // Counts that disagree.
    write_idx_pair(dir, s + "-six", 6, gz);
    expect_input_error([&] { load(idx_config(dir.file(s + "-ok-images"), dir.file(s + "-six-labels"))); },
                       {"5 images", "6 labels", dir.file(s + "-six-labels")});
    // More than there is.
    DataConfig c = idx_config(dir.file(s + "-ok-images"), dir.file(s + "-ok-labels"));
    c.n = 6;
    expect_input_error([&] { load(c); }, {"-data_n 6", "5 images", dir.file(s + "-ok-images")});
    c.n = -1;
    c.test_file = dir.file(s + "-six-images");
    c.test_labels_file = dir.file(s + "-six-labels");
    c.n_test = 7;
    expect_input_error([&] { load(c); }, {"-data_n_test 7", dir.file(s + "-six-images")});
    // A test label beyond the training classes (train labels 0..4, test has 5).
    c.n_test = -1;
    expect_input_error([&] { load(c); }, {dir.file(s + "-six-labels"), "label 5"});
  }
  // Not IDX at all, and corrupt gzip data after a valid gzip header.
  write_text(dir.file("text"), "hello world, not an image file\n");
  write_idx_pair(dir, "fine", 3, false);
  expect_input_error([&] { load(idx_config(dir.file("text"), dir.file("fine-labels"))); },
                     {dir.file("text"), "magic"});
  write_text(dir.file("bad.gz"), std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10) +
                                     "garbage that is not deflate data............");
  expect_input_error([&] { load(idx_config(dir.file("bad.gz"), dir.file("fine-labels"))); },
                     {dir.file("bad.gz")});
}

BOOST_AUTO_TEST_CASE(hdf5_content) {
  TempDir dir;
  const hsize_t n = 6;
  std::vector<double> x(n * 2, 1.0), y(n, 2.0);
  std::vector<int> labels = {0, 1, 2, 0, 1, 2};
  auto f = [&](const std::string& name) { return dir.file(name); };

  write_text(f("text.h5"), "not hdf5\n");
  expect_input_error([&] { load(hdf5_config(f("text.h5"))); }, {f("text.h5"), "not an HDF5 file"});

  write_h5(f("no_x.h5"), "Y", {n}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, y.data(), false);
  expect_input_error([&] { load(hdf5_config(f("no_x.h5"))); }, {f("no_x.h5"), "no dataset X"});

  write_h5(f("no_y.h5"), "X", {n, 2}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, x.data(), false);
  expect_input_error([&] { load(hdf5_config(f("no_y.h5"))); }, {f("no_y.h5"), "neither", "Y", "labels"});

  write_h5(f("rows.h5"), "X", {n, 2}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, x.data(), false);
  write_h5(f("rows.h5"), "Y", {n - 1}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, y.data(), true);
  expect_input_error([&] { load(hdf5_config(f("rows.h5"))); }, {f("rows.h5"), "Y has 5 rows", "X has 6"});

  write_h5(f("flat.h5"), "X", {n * 2}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, x.data(), false);
  write_h5(f("flat.h5"), "Y", {n}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, y.data(), true);
  expect_input_error([&] { load(hdf5_config(f("flat.h5"))); }, {f("flat.h5"), "X must be 2-D"});

  write_h5(f("both.h5"), "X", {n, 2}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, x.data(), false);
  write_h5(f("both.h5"), "Y", {n}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, y.data(), true);
  write_h5(f("both.h5"), "labels", {n}, H5T_STD_I32LE, H5T_NATIVE_INT, labels.data(), true);
  expect_input_error([&] { load(hdf5_config(f("both.h5"))); }, {f("both.h5"), "both"});

  write_h5(f("float_labels.h5"), "X", {n, 2}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, x.data(), false);
  write_h5(f("float_labels.h5"), "labels", {n}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, y.data(), true);
  expect_input_error([&] { load(hdf5_config(f("float_labels.h5"))); }, {f("float_labels.h5"), "integers"});

  // Labels out of range: negative, and beyond the declared n_classes (last row, last rank).
  std::vector<int> negative = labels;
  negative[4] = -1;
  write_h5(f("negative.h5"), "X", {n, 2}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, x.data(), false);
  write_h5(f("negative.h5"), "labels", {n}, H5T_STD_I32LE, H5T_NATIVE_INT, negative.data(), true);
  expect_input_error([&] { load(hdf5_config(f("negative.h5"))); }, {f("negative.h5"), "labels[4] = -1"});
  write_h5(f("declared.h5"), "X", {n, 2}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, x.data(), false);
  write_h5(f("declared.h5"), "labels", {n}, H5T_STD_I32LE, H5T_NATIVE_INT, labels.data(), true);
  write_h5_attribute(f("declared.h5"), "labels", "n_classes", 2);
  expect_input_error([&] { load(hdf5_config(f("declared.h5"))); }, {f("declared.h5"), "labels[2] = 2", "[0, 2)"});

  // A non-finite value seen only by the rank holding the last row.
  std::vector<double> bad = x;
  bad.back() = std::nan("");
  write_h5(f("nan.h5"), "X", {n, 2}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, bad.data(), false);
  write_h5(f("nan.h5"), "Y", {n}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, y.data(), true);
  expect_input_error([&] { load(hdf5_config(f("nan.h5"))); }, {f("nan.h5"), "X", "non-finite", "row 5"});

  // A real HDF5 file cut in half: the superblock is there, the data is not.
  std::vector<double> big(4000, 0.5);
  write_h5(f("cut.h5"), "X", {2000, 2}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, big.data(), false);
  write_h5(f("cut.h5"), "Y", {2000}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, big.data(), true);
  truncate_file(f("cut.h5"), std::filesystem::file_size(f("cut.h5")) / 2);
  expect_input_error([&] { load(hdf5_config(f("cut.h5"))); }, {f("cut.h5")});

  DataConfig c = hdf5_config(f("rows.h5"));
  write_h5(f("good.h5"), "X", {n, 2}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, x.data(), false);
  write_h5(f("good.h5"), "Y", {n}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, y.data(), true);
  c.file = f("good.h5");
  c.n = 7;
  expect_input_error([&] { load(c); }, {"-data_n 7", "6 rows", f("good.h5")});
  // After all these failures the loader still works.
  c.n = -1;
  BOOST_TEST(data::load_data(PETSC_COMM_WORLD, c).train.n_global == PetscInt(n));
}
