#include "core/error.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "core/options.hpp"

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

namespace {
// The value PETSc's message for an unparsable value quotes: "Input string abc has no numeric
// value", "Unknown logical value: maybe", "Unknown EPS type given: bogus" (the word after the
// last ": "). Empty for a message that already names its option ("-train_lr needs a value").
std::string quoted_value(const std::string& message) {
  const std::string head = "Input string ";
  if (message.compare(0, head.size(), head) == 0)
    return message.substr(head.size(), message.find(' ', head.size()) - head.size());
  if (message.empty() || message[0] == '-') return "";
  const std::size_t colon = message.rfind(": ");
  if (colon == std::string::npos) return "";
  const std::size_t start = colon + 2;
  return message.substr(start, message.find(' ', start) - start);
}

// PETSc's messages for a bad value do not say which option held it: find the options whose
// value, or one comma-separated entry of it, is that string.
std::string options_holding(const std::string& message) {
  const std::string bad = quoted_value(message);
  if (bad.empty()) return "";
  char* all = nullptr;
  if (PetscOptionsGetAll(nullptr, &all) || !all) return "";
  std::istringstream tokens(all);
  PetscFree(all);
  std::string token, name, found;
  while (tokens >> token) {
    const bool is_name = token.size() > 1 && token[0] == '-' && !std::isdigit(static_cast<unsigned char>(token[1])) && token[1] != '.';
    if (is_name) {
      name = token;
      continue;
    }
    std::istringstream entries(token);
    for (std::string entry; std::getline(entries, entry, ',');)
      if (entry == bad && !name.empty() && found.find(name) == std::string::npos)
        found += (found.empty() ? "" : ", ") + name;
  }
  return found;
}
}  // namespace

void throw_input_from_petsc(PetscErrorCode code, const char* /*expr*/) {
  const std::string message = petsc_message(code);
  const std::string option = options_holding(message);
  throw InputError(option.empty() ? message : option + ": " + message);
}

namespace {
// A rank that failed inside a collective HDF5 call (a full disk) may have left the others inside
// HDF5's own collectives, where they wait forever for it. The failing rank waits this long for
// the others to agree, then reports its error and aborts the job instead of hanging.
constexpr double kFailingRankPatience = 20.0;

// Waits for the request; a failing rank gives up after kFailingRankPatience seconds.
bool wait_for_agreement(MPI_Request* request, bool failing) {
  if (!failing) {
    MPI_Wait(request, MPI_STATUS_IGNORE);
    return true;
  }
  const double deadline = MPI_Wtime() + kFailingRankPatience;
  for (int done = 0;;) {
    MPI_Test(request, &done, MPI_STATUS_IGNORE);
    if (done) return true;
    if (MPI_Wtime() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// After the verdicts are reduced: every rank throws the lowest failing rank's message.
void throw_first_failure(MPI_Comm comm, int rank, int first_bad, const std::string& message) {
  int length = rank == first_bad ? static_cast<int>(message.size()) : 0;
  MPI_Bcast(&length, 1, MPI_INT, first_bad, comm);
  std::vector<char> text(message.begin(), message.end());
  text.resize(length);
  MPI_Bcast(text.data(), length, MPI_CHAR, first_bad, comm);
  throw InputError(std::string(text.begin(), text.end()));
}
}  // namespace

void check_all(MPI_Comm comm, bool ok, const std::string& message) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  int first_bad = ok ? INT32_MAX : rank;
  MPI_Allreduce(MPI_IN_PLACE, &first_bad, 1, MPI_INT, MPI_MIN, comm);
  if (first_bad != INT32_MAX) throw_first_failure(comm, rank, first_bad, message);
}

void check_all_bounded(MPI_Comm comm, bool ok, const std::string& message,
                       const std::function<void()>& before_abort) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  int first_bad = ok ? INT32_MAX : rank;
  // Non-blocking on every rank (blocking and non-blocking collectives do not match), so that a
  // failing rank can stop waiting.
  MPI_Request request;
  MPI_Iallreduce(MPI_IN_PLACE, &first_bad, 1, MPI_INT, MPI_MIN, comm, &request);
  if (!wait_for_agreement(&request, !ok)) {
    if (before_abort) before_abort();
    std::fprintf(stderr, "%s: error: %s (the other ranks did not respond; aborting)\n",
                 program_name().c_str(), message.c_str());
    std::fflush(stderr);
    MPI_Abort(comm, 1);
  }
  if (first_bad != INT32_MAX) throw_first_failure(comm, rank, first_bad, message);
}

namespace {
bool g_unrecoverable = false;
}

void note_unrecoverable_library_state() noexcept { g_unrecoverable = true; }
bool library_state_unrecoverable() noexcept { return g_unrecoverable; }

}  // namespace terrain::core
