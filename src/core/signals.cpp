#include "core/signals.hpp"

#include <csignal>

namespace terrain::core {

namespace {
volatile std::sig_atomic_t g_received = 0;
struct sigaction g_previous_term, g_previous_usr1;
int g_installed = 0;

extern "C" void record_signal(int signal) { g_received = signal; }
}  // namespace

StopSignals::StopSignals() {
  if (g_installed++) return;
  struct sigaction action = {};
  action.sa_handler = record_signal;
  sigemptyset(&action.sa_mask);
  // Restart interrupted system calls: a signal during a file write must not fail the write.
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, &g_previous_term);
  sigaction(SIGUSR1, &action, &g_previous_usr1);
}

StopSignals::~StopSignals() noexcept {
  if (--g_installed) return;
  sigaction(SIGTERM, &g_previous_term, nullptr);
  sigaction(SIGUSR1, &g_previous_usr1, nullptr);
}

int StopSignals::received() { return g_received; }

bool StopSignals::received_anywhere(MPI_Comm comm) { return received_on_any_rank(comm) != 0; }
int StopSignals::received_on_any_rank(MPI_Comm comm) {
  int signal = received();
  MPI_Allreduce(MPI_IN_PLACE, &signal, 1, MPI_INT, MPI_MAX, comm);
  return signal;
}

void StopSignals::clear() { g_received = 0; }

const char* signal_name(int signal) {
  switch (signal) {
    case SIGTERM:
      return "SIGTERM";
    case SIGUSR1:
      return "SIGUSR1";
    default:
      return "a signal";
  }
}

}  // namespace terrain::core
