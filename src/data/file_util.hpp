#pragma once
// Small pieces every file loader needs: turning one rank's input error into every rank's, and
// names derived from paths.
#include <mpi.h>

#include <string>

#include "core/error.hpp"

namespace terrain::data {

// Collective: runs `body` on every rank; if it throws an InputError on any rank, every rank
// throws that message. `body` must not enter collectives itself, since a rank that fails
// early would leave the others waiting there.
template <class Body>
void on_all_ranks(MPI_Comm comm, Body&& body) {
  std::string message;
  bool ok = true;
  try {
    body();
  } catch (const core::InputError& e) {
    ok = false;
    message = e.what();
  }
  core::check_all(comm, ok, message);
}

// Collective: every rank can open `path` as a regular file, or all throw
// "cannot open <path> (<option>): <reason>".
void check_readable(MPI_Comm comm, const std::string& path, const char* option);

// "inputs/data/iris.csv" -> "iris"; a trailing ".gz" goes first ("x.idx.gz" -> "x").
std::string file_stem(const std::string& path);

// The name of the directory holding `path` ("/a/fashion-mnist/x.gz" -> "fashion-mnist").
std::string parent_name(const std::string& path);

}  // namespace terrain::data
