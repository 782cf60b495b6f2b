#pragma once
// Helpers shared by the data tests: a per-run temporary directory, -data_ options that clean
// up after themselves, gathering shards, and collective-safe error expectations.
#include <boost/test/unit_test.hpp>
#include <hdf5.h>
#include <petscsys.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "data/dataset.hpp"

namespace terrain::test {

inline int comm_rank(MPI_Comm comm = PETSC_COMM_WORLD) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}

inline int comm_size(MPI_Comm comm = PETSC_COMM_WORLD) {
  int s = 0;
  MPI_Comm_size(comm, &s);
  return s;
}

// The repository's inputs/ folder, found from this file's path (tests/data/...).
inline std::string inputs_dir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "inputs";
}

// A directory unique to this test run, made by rank 0 and removed when the test ends.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    std::string name;
    if (comm_rank() == 0) {
      name = "/tmp/terrain-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter);
      std::filesystem::create_directories(name);
    }
    ++counter;
    int length = static_cast<int>(name.size());
    MPI_Bcast(&length, 1, MPI_INT, 0, PETSC_COMM_WORLD);
    name.resize(length);
    MPI_Bcast(name.data(), length, MPI_CHAR, 0, PETSC_COMM_WORLD);
    path_ = name;
  }
  ~TempDir() {
    MPI_Barrier(PETSC_COMM_WORLD);
    if (comm_rank() == 0) {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Sets -data_ options for one test and clears exactly those keys afterwards.
class DataOptions {
 public:
  DataOptions(std::initializer_list<std::pair<std::string, std::string>> values)
      : values_(values) {
    for (const auto& [key, value] : values_)
      PetscOptionsSetValue(nullptr, key.c_str(), value.empty() ? nullptr : value.c_str());
  }
  ~DataOptions() {
    for (const auto& kv : values_) PetscOptionsClearValue(nullptr, kv.first.c_str());
  }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

// Rank 0 writes a text file; everybody waits for it.
inline void write_text(const std::string& path, const std::string& text) {
  if (comm_rank() == 0) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
}

// Rank 0 writes an IDX file of unsigned bytes (gzipped or raw); `dims` are n, rows, cols...
inline void write_idx(const std::string& path, const std::vector<std::uint32_t>& dims,
                      const std::vector<unsigned char>& bytes, bool gz,
                      std::uint32_t magic_type = 0x08) {
  if (comm_rank() == 0) {
    std::vector<unsigned char> out = {0, 0, static_cast<unsigned char>(magic_type),
                                      static_cast<unsigned char>(dims.size())};
    for (std::uint32_t d : dims)
      for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<unsigned char>(d >> s));
    out.insert(out.end(), bytes.begin(), bytes.end());
    if (gz) {
      gzFile f = gzopen(path.c_str(), "wb");
      gzwrite(f, out.data(), static_cast<unsigned>(out.size()));
      gzclose(f);
    } else {
      std::FILE* f = std::fopen(path.c_str(), "wb");
      std::fwrite(out.data(), 1, out.size(), f);
      std::fclose(f);
    }
  }
  MPI_Barrier(PETSC_COMM_WORLD);
}

// Serial HDF5 on rank 0: one dataset per call, file created by the first call (append=false).
inline void write_h5(const std::string& path, const std::string& name, std::vector<hsize_t> dims,
                     hid_t file_type, hid_t mem_type, const void* values, bool append) {
  if (comm_rank() == 0) {
    hid_t file = append ? H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)
                        : H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    hid_t set = H5Dcreate2(file, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT,
                           H5P_DEFAULT);
    H5Dwrite(set, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
    H5Dclose(set);
    H5Sclose(space);
    H5Fclose(file);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
}

// Rank 0 adds an integer attribute to a dataset.
inline void write_h5_attribute(const std::string& path, const std::string& dataset,
                               const std::string& name, long long value) {
  if (comm_rank() == 0) {
    hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t set = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(set, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attr, H5T_NATIVE_LLONG, &value);
    H5Aclose(attr);
    H5Sclose(space);
    H5Dclose(set);
    H5Fclose(file);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
}

// The whole matrix from every rank's rows (row-major, `cols` per row), on every rank.
template <class T>
std::vector<T> gather_rows(const std::vector<T>& local, PetscInt n_local, PetscInt cols,
                           MPI_Comm comm = PETSC_COMM_WORLD) {
  const int size = comm_size(comm);
  int mine = static_cast<int>(n_local * cols);
  std::vector<int> counts(size), offsets(size, 0);
  MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  for (int r = 1; r < size; ++r) offsets[r] = offsets[r - 1] + counts[r - 1];
  std::vector<T> all(offsets.back() + counts.back() + 1);  // +1: never a null buffer
  MPI_Datatype type = sizeof(T) == 8 ? MPI_INT64_T : MPI_INT32_T;
  if constexpr (std::is_floating_point_v<T>) type = MPI_DOUBLE;
  MPI_Allgatherv(local.data(), mine, type, all.data(), counts.data(), offsets.data(), type, comm);
  all.pop_back();
  return all;
}

struct Gathered {
  std::vector<double> X, Y;
  std::vector<PetscInt> labels;
};

inline Gathered gather(const data::Dataset& ds, MPI_Comm comm = PETSC_COMM_WORLD) {
  Gathered g;
  g.X = gather_rows(ds.X, ds.n_local, ds.d_in, comm);
  g.Y = gather_rows(ds.Y, ds.n_local, ds.d_out, comm);
  if (ds.classification) g.labels = gather_rows(ds.labels, ds.n_local, 1, comm);
  return g;
}

// True on every rank when `ok` is true on every rank.
inline bool all_ranks(bool ok, MPI_Comm comm = PETSC_COMM_WORLD) {
  int v = ok ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MIN, comm);
  return v == 1;
}

// `body` must throw core::InputError on every rank, with one line containing every needle.
// Verdicts are reduced, so every rank reaches the same assertions (no rank can run ahead into
// another test's collectives).
template <class Body>
void expect_input_error(Body&& body, const std::vector<std::string>& needles) {
  bool matched = false;
  std::string what;
  // Any other exception becomes "nothing thrown": it must not leave this rank's test early.
  auto guarded = [&] {
    try {
      body();
    } catch (const core::InputError&) {
      throw;
    } catch (const std::exception& e) {
      what = std::string("not an InputError: ") + e.what();
    }
  };
  BOOST_CHECK_EXCEPTION(guarded(), core::InputError, [&](const core::InputError& e) {
    what = e.what();
    matched = what.find('\n') == std::string::npos;
    for (const auto& needle : needles) matched = matched && what.find(needle) != std::string::npos;
    return matched;
  });
  if (!matched)
    BOOST_TEST_MESSAGE("rank " << comm_rank() << " got: '" << what << "'");
  else if (comm_rank() == 0)
    BOOST_TEST_MESSAGE("expected error: " << what);
  BOOST_TEST(all_ranks(matched), "every rank throws an InputError naming the problem");
}

}  // namespace terrain::test
