#include "core/session.hpp"

#include <slepcsys.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/error.hpp"
#include "core/options.hpp"
#include "core/progress.hpp"

extern "C" void openblas_set_num_threads(int);

namespace terrain::core {

Session::Session(int* argc, char*** argv, const char* help) {
  // PETSc reads the -options_file chain inside SlepcInitialize, where a loop overflows the stack
  // and a missing file gives a page of traceback: rank 0 checks the chain first, and every rank
  // leaves together (MPI is ours to start then, and so ours to finalize).
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    MPI_Init(argc, argv);
    owns_mpi_ = true;
  }
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  std::string problem = rank == 0 ? options_file_problem(*argc, *argv) : std::string();
  int length = static_cast<int>(problem.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (length) {
    if (rank == 0) std::fprintf(stderr, "%s: error: %s\n", program_name().c_str(), problem.c_str());
    if (owns_mpi_) MPI_Finalize();
    std::exit(1);
  }
  PetscErrorCode ierr = SlepcInitialize(argc, argv, nullptr, help);
  if (ierr) {
    std::fprintf(stderr, "%s: error: PETSc/SLEPc could not start (error %d; see above)\n",
                 program_name().c_str(), static_cast<int>(ierr));
    if (owns_mpi_) MPI_Finalize();
    std::exit(1);
  }
  // Our C++ turns PETSc errors into one-line exceptions; PETSc's traceback would repeat them
  // over many lines on every rank.
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  // One rank per core is the MPI convention: BLAS threads would oversubscribe the cores
  // unless the user asked for them explicitly.
  if (!std::getenv("OPENBLAS_NUM_THREADS") && !std::getenv("OMP_NUM_THREADS"))
    openblas_set_num_threads(1);
}

Session::~Session() noexcept {
  PetscPopErrorHandler();
  SlepcFinalize();
  if (owns_mpi_) MPI_Finalize();
}

bool help_requested() {
  PetscBool help = PETSC_FALSE;
  PetscOptionsHasName(nullptr, nullptr, "-help", &help);
  return help == PETSC_TRUE;
}

// A misspelt option is silently ignored by PETSc; say so, since the run used a default instead.
// Given -options_left (PETSc's own switch for this report), PETSc reports or stays silent.
void warn_unused_options() {
  PetscBool own = PETSC_FALSE;
  PetscOptionsHasName(nullptr, nullptr, "-options_left", &own);
  if (own) return;
  PetscInt n = 0;
  char** names = nullptr;
  char** values = nullptr;
  if (PetscOptionsLeftGet(nullptr, &n, &names, &values)) return;
  for (PetscInt i = 0; i < n; ++i)
    PetscPrintf(PETSC_COMM_WORLD, "warning: option -%s was given but never used (misspelt?)\n", names[i]);
  PetscOptionsLeftRestore(nullptr, &n, &names, &values);
}

int run_driver(int argc, char** argv, const char* help, const std::function<void()>& body) {
  remember_command_line(argc, argv);
  const std::string program = program_name();
  Session session(&argc, &argv, help);
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  try {
    read_progress_options();
    body();
    if (!help_requested()) warn_unused_options();
    return 0;
  } catch (const InputError& e) {
    if (rank == 0) std::fprintf(stderr, "%s: error: %s\n", program.c_str(), e.what());
    int unrecoverable = library_state_unrecoverable();
    MPI_Allreduce(MPI_IN_PLACE, &unrecoverable, 1, MPI_INT, MPI_LOR, PETSC_COMM_WORLD);
    if (unrecoverable) {  // finalizing would crash in HDF5's shutdown (see error.hpp)
      std::fflush(stdout);
      std::fflush(stderr);
      std::_Exit(1);
    }
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s [rank %d]\n", program.c_str(), e.what(), rank);
  }
  std::fflush(stderr);
  MPI_Abort(PETSC_COMM_WORLD, 1);
  return 1;
}

}  // namespace terrain::core
