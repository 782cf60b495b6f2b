// Boost.Test under MPI: SLEPc (and so MPI) is initialised around the whole test run, every
// assertion is on globally reduced values so all ranks agree, and only rank 0 reports.
#define BOOST_TEST_NO_MAIN
#define BOOST_TEST_ALTERNATIVE_INIT_API
#include <boost/test/unit_test.hpp>
#include <slepcsys.h>

#include "core/session.hpp"

bool init_unit_test() { return true; }

int main(int argc, char** argv) {
  terrain::core::Session session(&argc, &argv, nullptr);
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  // Boost must not see PETSc's options; it gets the program name, and ranks other than 0 stay
  // quiet (assertions are on reduced values, so every rank reaches the same verdict).
  char quiet_log[] = "--log_level=nothing", quiet_report[] = "--report_level=no";
  char* boost_argv[] = {argv[0], quiet_log, quiet_report, nullptr};
  int failed = boost::unit_test::unit_test_main(&init_unit_test, rank == 0 ? 1 : 3, boost_argv);
  // Every rank must leave with the same verdict, or mpirun reports a half-failed job.
  MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  return failed;
}
