#include "core/error.hpp"

#include <algorithm>
#include <vector>

namespace terrain::core {

namespace {
std::string petsc_message(PetscErrorCode code) {
  const char* generic = nullptr;
  char* specific = nullptr;
  PetscErrorMessage(code, &generic, &specific);
  std::string text = specific && *specific ? specific : (generic ? generic : "unknown PETSc error");
  // PETSc messages sometimes end in a newline; errors must stay one line.
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}
}  // namespace

void throw_petsc(PetscErrorCode code, const char* expr, const char* file, int line) {
  std::ostringstream os;
  os << petsc_message(code) << " (PETSc error " << code << " in " << expr << " at " << file
     << ":" << line << ")";
  throw PetscFailure(os.str());
}

void throw_input_from_petsc(PetscErrorCode code, const char* /*expr*/) {
  throw InputError(petsc_message(code));
}

void check_all(MPI_Comm comm, bool ok, const std::string& message) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  int first_bad = ok ? INT32_MAX : rank;
  MPI_Allreduce(MPI_IN_PLACE, &first_bad, 1, MPI_INT, MPI_MIN, comm);
  if (first_bad == INT32_MAX) return;
  int length = rank == first_bad ? static_cast<int>(message.size()) : 0;
  MPI_Bcast(&length, 1, MPI_INT, first_bad, comm);
  std::vector<char> text(message.begin(), message.end());
  text.resize(length);
  MPI_Bcast(text.data(), length, MPI_CHAR, first_bad, comm);
  throw InputError(std::string(text.begin(), text.end()));
}

}  // namespace terrain::core
