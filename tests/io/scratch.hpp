#pragma once
// Shared helpers of the io tests: a scratch directory per test program (rank 0's pid, so the
// 1-, 2- and 3-rank runs of one test can run at the same time), and checks on InputErrors.
#include <boost/test/unit_test.hpp>
#include <petscsys.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace terrain::test {

inline int world_rank() {
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  return rank;
}

inline int world_size() {
  int size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  return size;
}

inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    long pid = world_rank() == 0 ? static_cast<long>(getpid()) : 0;
    MPI_Bcast(&pid, 1, MPI_LONG, 0, PETSC_COMM_WORLD);
    const std::string d = (std::filesystem::temp_directory_path() /
                           ("terrain-io-test-" + std::to_string(pid)))
                              .string();
    if (world_rank() == 0) std::filesystem::create_directories(d);
    MPI_Barrier(PETSC_COMM_WORLD);
    return d;
  }();
  return dir;
}

inline std::string scratch(const std::string& name) { return scratch_dir() + "/" + name; }

// Removes the scratch directory when the test program ends.
struct ScratchCleanup {
  ~ScratchCleanup() {
    MPI_Barrier(PETSC_COMM_WORLD);
    if (world_rank() == 0) {
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir(), ec);
    }
  }
};

// Rank 0 writes `text` to `path`; every rank returns once it is there.
inline void write_text_file(const std::string& path, const std::string& text) {
  if (world_rank() == 0) std::ofstream(path, std::ios::binary) << text;
  MPI_Barrier(PETSC_COMM_WORLD);
}

inline bool file_exists(const std::string& path) {
  int exists = world_rank() == 0 ? std::filesystem::exists(path) : 0;
  MPI_Bcast(&exists, 1, MPI_INT, 0, PETSC_COMM_WORLD);
  return exists;
}

// The predicate of BOOST_CHECK_EXCEPTION: a one-line message that contains every `part`.
struct MessageHas {
  std::vector<std::string> parts;
  MessageHas(std::initializer_list<std::string> p) : parts(p) {}
  bool operator()(const core::InputError& e) const {
    const std::string m = e.what();
    bool ok = m.find('\n') == std::string::npos;
    for (const auto& part : parts) ok = ok && m.find(part) != std::string::npos;
    // BOOST_TEST_LOG_LEVEL=message shows every message for review.
    BOOST_TEST_MESSAGE((ok ? "message: " : "unexpected message: ") << m);
    return ok;
  }
};

}  // namespace terrain::test
