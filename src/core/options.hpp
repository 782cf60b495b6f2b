#pragma once
// Small helpers around the PETSc options database, for things PETSc has no call for.
#include <petscsys.h>

#include <string>
#include <vector>

namespace terrain::core {

// The whole options database as text (what the run file records as /options).
std::string options_as_text();

// The command line as one string, for provenance.
std::string command_line();

// The driver's name (argv[0] without its directory), for "<program>: error: ..." lines.
std::string program_name();

// Sets argc/argv seen at start-up (run_driver/Session call it).
void remember_command_line(int argc, char** argv);

// Fails with "-<name> is required" when a required option was not set.
void require_option(PetscBool set, const char* name);

}  // namespace terrain::core
