#include "core/options.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace terrain::core {

namespace {
std::string g_command_line;
std::vector<std::string> g_arguments;
std::string g_program = "terrain";
}  // namespace

std::string options_as_text() {
  char* text = nullptr;
  TERRAIN_PETSC(PetscOptionsGetAll(nullptr, &text));
  std::string result = text ? text : "";
  PetscFree(text);
  return result;
}

void remember_command_line(int argc, char** argv) {
  g_command_line.clear();
  g_arguments.assign(argv, argv + std::max(argc, 0));
  if (argc > 0) {
    g_program = argv[0];
    if (auto slash = g_program.rfind('/'); slash != std::string::npos)
      g_program.erase(0, slash + 1);
  }
  for (int i = 0; i < argc; ++i) {
    if (i) g_command_line += ' ';
    g_command_line += argv[i];
  }
}

std::string command_line() { return g_command_line; }

bool given_on_command_line(const std::string& name) {
  return g_arguments.size() > 1 &&
         std::find(g_arguments.begin() + 1, g_arguments.end(), name) != g_arguments.end();
}

std::string program_name() { return g_program; }

namespace {

// The whitespace-separated tokens of a line, a "double-quoted value" counting as one (as PETSc
// reads it).
std::vector<std::string> split_tokens(const std::string& line) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    if (std::isspace(static_cast<unsigned char>(line[i]))) {
      ++i;
      continue;
    }
    std::size_t end = i;
    if (line[i] == '"') {
      end = line.find('"', i + 1);
      end = end == std::string::npos ? line.size() : end + 1;
    } else {
      while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end]))) ++end;
    }
    tokens.push_back(line.substr(i, end - i));
    i = end;
  }
  return tokens;
}

// Checks one file and the files it includes; `chain` holds the files being read, outermost first.
std::string check_options_file(const std::string& path, std::vector<std::string>& chain) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "-options_file " + path + ": cannot read (" + std::strerror(errno) + ")";
  std::error_code ec;
  const std::string canonical = std::filesystem::weakly_canonical(path, ec).string();
  if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
    std::string loop;
    for (const std::string& file : chain) loop += file + " -> ";
    return "-options_file " + path + ": the options files include each other in a loop (" + loop +
           canonical + ")";
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string content = text.str();
  const auto binary = std::find_if(content.begin(), content.end(), [](unsigned char c) {
    return (c < 0x20 && !std::strchr("\t\n\r\f", c)) || c == 0x7f;
  });
  if (binary != content.end())
    return "-options_file " + path + ": not a text file of options (control byte " +
           std::to_string(static_cast<unsigned char>(*binary)) + " at offset " +
           std::to_string(binary - content.begin()) + ")";
  chain.push_back(canonical);
  std::istringstream lines(content);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    // PETSc reads an option and at most one value per line (or "alias -a -b"); more is an error
    // that only the reading rank sees, which leaves the other ranks waiting: refuse it here.
    const std::vector<std::string> token = split_tokens(line.substr(0, line.find('#')));
    if (token.size() > 2 && token[0] != "alias")
      return "-options_file " + path + ":" + std::to_string(number) + ": more than one value for " +
             token[0] + " ('" + token[1] + " " + token[2] +
             "'): PETSc reads one option and one value per line";
    for (std::size_t k = 0; k < token.size(); ++k) {
      if (token[k] != "-options_file") continue;
      if (++k == token.size()) return path + ": -options_file without a file name";
      if (std::string problem = check_options_file(token[k], chain); !problem.empty())
        return problem;
    }
  }
  chain.pop_back();
  return "";
}

}  // namespace

std::string options_file_problem(int argc, char** argv) {
  std::vector<std::string> chain;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-options_file") != 0) continue;
    if (i + 1 >= argc) return "-options_file without a file name";
    if (std::string problem = check_options_file(argv[++i], chain); !problem.empty())
      return problem;
  }
  return "";
}

void require_option(PetscBool set, const char* name) { TERRAIN_CHECK(set, name << " is required"); }

PetscErrorCode options_flag(PetscOptionItems* PetscOptionsObject, const char* name,
                            const char* help, bool* value) {
  PetscFunctionBeginUser;
  PetscBool b = *value ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscOptionsBool(name, help, "", b, &b, nullptr));
  *value = b;
  PetscFunctionReturn(0);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream items(text);
  for (std::string item; std::getline(items, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace terrain::core
