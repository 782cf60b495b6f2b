#pragma once
// The lifetime of PETSc/SLEPc (and so MPI) in one object, and the one-line error contract of
// every driver.
#include <mpi.h>

#include <functional>

namespace terrain::core {

class Session {
 public:
  Session(int* argc, char*** argv, const char* help);
  ~Session() noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

 private:
  bool owns_mpi_ = false;  // MPI started here (to check the options files before PETSc reads them)
};

// True when -help was given: options blocks have printed their help, drivers stop there.
bool help_requested();

// Runs a driver body inside a Session. An InputError (raised on every rank) prints
// "<program>: error: <message>" once and every rank exits 1; any other failure prints the
// same line with its rank and aborts all ranks, so nothing hangs.
int run_driver(int argc, char** argv, const char* help, const std::function<void()>& body);

}  // namespace terrain::core
