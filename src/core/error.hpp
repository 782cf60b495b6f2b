#pragma once
// Errors in our C++ zone (DESIGN.md §6). Callbacks that PETSc calls use PETSc's own idiom.
#include <petscsys.h>

#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>

// Every file that reads options includes this header (for TERRAIN_OPTIONS), and so the checked
// options-block macros.
#include "core/checked_options.hpp"

namespace terrain::core {

// Any failure terrain reports as one line.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A problem with the user's input, detected identically on every rank, so every rank can
// leave together with a clean, non-zero exit instead of an MPI_Abort.
class InputError : public Error {
 public:
  using Error::Error;
};

// A failed PETSc call; it may have happened on one rank only.
class PetscFailure : public Error {
 public:
  using Error::Error;
};

[[noreturn]] void throw_petsc(PetscErrorCode code, const char* expr, const char* file, int line);
[[noreturn]] void throw_input_from_petsc(PetscErrorCode code, const char* expr);

// Collective: every rank passes its own verdict; if any rank failed, all ranks throw an
// InputError carrying the message of the lowest failing rank. Use it where only some ranks
// can see the problem (a rank's rows of a file).
void check_all(MPI_Comm comm, bool ok, const std::string& message);

// check_all right after a collective call that may have failed on some ranks only (parallel
// HDF5 on a full disk), where the other ranks can be stuck inside that call's own collectives:
// a failing rank whose peers do not arrive within 20 s runs `before_abort`, prints its message
// and aborts the job rather than hang. Not for checks the others may reach much later.
void check_all_bounded(MPI_Comm comm, bool ok, const std::string& message,
                       const std::function<void()>& before_abort);

// HDF5 1.10 cannot recover from a written file whose flush failed (a full disk): closing it,
// again or for the first time in its shutdown at MPI_Finalize, crashes. io calls this when a
// close failed or a written file is left open by an error, so that the driver leaves without
// finalizing (run_driver), exiting 1 on every rank instead of crashing.
void note_unrecoverable_library_state() noexcept;
bool library_state_unrecoverable() noexcept;

}  // namespace terrain::core

// Calls PETSc; on failure throws PetscFailure with PETSc's message.
#define TERRAIN_PETSC(expr)                                                         \
  do {                                                                              \
    PetscErrorCode terrain_ierr_ = (expr);                                          \
    if (terrain_ierr_) ::terrain::core::throw_petsc(terrain_ierr_, #expr, __FILE__, __LINE__); \
  } while (0)

// Calls a PETSc options-reading function: its failures are the user's input errors, and
// identical on every rank because the options database is.
#define TERRAIN_OPTIONS(expr)                                                          \
  do {                                                                                 \
    PetscErrorCode terrain_ierr_ = (expr);                                             \
    if (terrain_ierr_) ::terrain::core::throw_input_from_petsc(terrain_ierr_, #expr);  \
  } while (0)

// An always-on check of input; `message` may use <<. Must evaluate identically on all ranks.
#define TERRAIN_CHECK(cond, message)                          \
  do {                                                        \
    if (!(cond)) {                                            \
      std::ostringstream terrain_os_;                         \
      terrain_os_ << message;                                 \
      throw ::terrain::core::InputError(terrain_os_.str());   \
    }                                                         \
  } while (0)
