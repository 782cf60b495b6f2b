#include "data/file_util.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace terrain::data {

void check_readable(MPI_Comm comm, const std::string& path, const char* option) {
  on_all_ranks(comm, [&] {
    struct stat st {};
    TERRAIN_CHECK(::stat(path.c_str(), &st) == 0,
                  "cannot open " << path << " (" << option << "): " << std::strerror(errno));
    TERRAIN_CHECK(S_ISREG(st.st_mode), "cannot open " << path << " (" << option
                                                      << "): not a regular file");
    std::FILE* f = std::fopen(path.c_str(), "rb");
    TERRAIN_CHECK(f, "cannot open " << path << " (" << option << "): " << std::strerror(errno));
    std::fclose(f);
  });
}

std::string file_stem(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);  // npos + 1 == 0
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) name.resize(name.size() - 3);
  if (auto dot = name.rfind('.'); dot != std::string::npos && dot > 0) name.resize(dot);
  return name;
}

std::string parent_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return "";
  const std::string dir = path.substr(0, slash);
  return dir.substr(dir.find_last_of('/') + 1);
}

}  // namespace terrain::data
