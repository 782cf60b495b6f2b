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

// True when `name` ("-output") is one of the command line's own arguments, not only in an
// -options_file (or PETSC_OPTIONS): for an option whose meaning depends on where it was given.
bool given_on_command_line(const std::string& name);

// The driver's name (argv[0] without its directory), for "<program>: error: ..." lines.
std::string program_name();

// Sets argc/argv seen at start-up (run_driver/Session call it).
void remember_command_line(int argc, char** argv);

// What is wrong with the -options_file chain of a command line, before PETSc reads it (PETSc
// recurses forever on a file that includes itself, and names neither the driver nor the file
// when one is missing): a missing or unreadable file, a file that is not text, or a loop of
// files including each other. Empty when the chain is fine.
std::string options_file_problem(int argc, char** argv);

// A bool option inside an options block (PETSc's macros need the block's PetscOptionsObject),
// read straight into a C++ bool.
PetscErrorCode options_flag(PetscOptionItems* PetscOptionsObject, const char* name,
                            const char* help, bool* value);
// The non-empty items of a comma-separated option value ("a.h5,b.h5" → {"a.h5", "b.h5"}).
std::vector<std::string> split_list(const std::string& text);

// Fails with "-<name> is required" when a required option was not set.
void require_option(PetscBool set, const char* name);

}  // namespace terrain::core
