#include "core/options.hpp"

#include "core/error.hpp"

namespace terrain::core {

namespace {
std::string g_command_line;
std::string g_program = "terrain";
}

std::string options_as_text() {
  char* text = nullptr;
  TERRAIN_PETSC(PetscOptionsGetAll(nullptr, &text));
  std::string result = text ? text : "";
  PetscFree(text);
  return result;
}

void remember_command_line(int argc, char** argv) {
  g_command_line.clear();
  if (argc > 0) {
    g_program = argv[0];
    if (auto slash = g_program.rfind('/'); slash != std::string::npos) g_program.erase(0, slash + 1);
  }
  for (int i = 0; i < argc; ++i) {
    if (i) g_command_line += ' ';
    g_command_line += argv[i];
  }
}

std::string command_line() { return g_command_line; }

std::string program_name() { return g_program; }

void require_option(PetscBool set, const char* name) {
  TERRAIN_CHECK(set, name << " is required");
}

}  // namespace terrain::core
