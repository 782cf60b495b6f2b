#include "io/file_maintenance.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include "core/error.hpp"

namespace terrain::io {

namespace fs = std::filesystem;

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
  return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

namespace {
std::string host_name() {
  char name[256] = "";
  if (gethostname(name, sizeof(name) - 1) != 0 || !*name) return "unknown-host";
  return name;
}

// Paths whose stale temporaries this process has removed already.
std::set<std::string>& cleaned_paths() {
  static std::set<std::string> paths;
  return paths;
}
}  // namespace

std::string temporary_for(MPI_Comm comm, const std::string& path) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (!cleaned_paths().count(path)) remove_stale_temporaries(comm, path);
  std::string name = rank == 0 ? path + ".tmp." + host_name() + "." + std::to_string(getpid()) : "";
  int length = static_cast<int>(name.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, comm);
  name.resize(length);
  MPI_Bcast(name.data(), length, MPI_CHAR, 0, comm);
  return name;
}

void copy_atomically(MPI_Comm comm, const std::string& from, const std::string& to) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const std::string temp = temporary_for(comm, to);
  std::string problem;
  if (rank == 0) {
    std::error_code ec;
    fs::copy_file(from, temp, fs::copy_options::overwrite_existing, ec);
    if (!ec) {
      const int fd = ::open(temp.c_str(), O_RDONLY);
      if (fd >= 0) ::fsync(fd), ::close(fd);
      if (std::rename(temp.c_str(), to.c_str()) != 0) problem = std::strerror(errno);
    } else {
      problem = ec.message();
    }
    if (!problem.empty()) std::remove(temp.c_str());
  }
  core::check_all(comm, problem.empty(),
                  "cannot copy " + from + " to " + to + " (" + problem + ")");
}

int remove_stale_temporaries(MPI_Comm comm, const std::string& path) {
  cleaned_paths().insert(path);
  int rank = 0, removed = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) {
    const fs::path p(path);
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    // Only this host's pids can be checked; a live process of that pid may be writing the file.
    const std::string prefix = p.filename().string() + ".tmp." + host_name() + ".";
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.compare(0, prefix.size(), prefix) != 0) continue;
      const std::string digits = name.substr(prefix.size());
      if (digits.empty() || digits.size() > 9 ||
          digits.find_first_not_of("0123456789") != std::string::npos)
        continue;
      const long pid = std::strtol(digits.c_str(), nullptr, 10);
      if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
        std::error_code rm;
        if (fs::remove(it->path(), rm)) ++removed;
      }
    }
  }
  MPI_Bcast(&removed, 1, MPI_INT, 0, comm);
  return removed;
}

bool file_exists(MPI_Comm comm, const std::string& path) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  int exists = rank == 0 ? int(fs::exists(path)) : 0;
  MPI_Bcast(&exists, 1, MPI_INT, 0, comm);
  return exists != 0;
}

}  // namespace terrain::io
