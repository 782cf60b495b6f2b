// RunFile: life cycle (create, open, commit, close) and structure (has, groups, shapes).
#include "io/run_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>

#include "core/error.hpp"
#include "io/file_maintenance.hpp"
#include "io/hdf5_util.hpp"

namespace terrain::io {

using namespace detail;

namespace {

// What rank 0 finds wrong with an existing file before any rank opens it collectively;
// empty when it opens cleanly. A collective open of a bad file could fail on some ranks only.
std::string problem_with(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) return "no such file";
  if (fs::is_directory(status)) return "is a directory, not an HDF5 file";
  if (std::FILE* f = std::fopen(path.c_str(), "rb"))
    std::fclose(f);
  else
    return std::string("cannot read (") + std::strerror(errno) + ")";
#if H5_VERSION_GE(1, 12, 0)
  const htri_t is_hdf5 = H5Fis_accessible(path.c_str(), H5P_DEFAULT);
#else
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
#endif
  if (is_hdf5 <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return "not an HDF5 file";
  }
  // The signature can be intact while the rest is missing (a copy cut short): open it fully.
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) {
    const std::string reason = hdf5_reason();
    if (reason.find("unable to lock") != std::string::npos)
      return "cannot open, another program holds a lock on it (" + reason + ")";
    return "damaged HDF5 file (" + reason + ")";
  }
  H5Fclose(file);
  return "";
}

}  // namespace

// ------------------------------------------------------------------------------------------
// Life cycle

RunFile::RunFile(MPI_Comm comm, std::string path)
    : comm_(comm), path_(std::move(path)), uncaught_(std::uncaught_exceptions()) {
  MPI_Comm_rank(comm_, &rank_);
  // Errors are reported once, as InputErrors; HDF5 would print its stack on every rank.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

RunFile::RunFile(RunFile&& other) noexcept
    : comm_(other.comm_),
      rank_(other.rank_),
      path_(std::move(other.path_)),
      temp_(std::move(other.temp_)),
      file_(other.file_),
      writable_(other.writable_),
      uncaught_(other.uncaught_) {
  other.file_ = H5I_INVALID_HID;
  other.temp_.clear();
}

RunFile& RunFile::operator=(RunFile&& other) noexcept {
  if (this != &other) {
    discard();
    comm_ = other.comm_;
    rank_ = other.rank_;
    path_ = std::move(other.path_);
    temp_ = std::move(other.temp_);
    file_ = other.file_;
    writable_ = other.writable_;
    uncaught_ = other.uncaught_;
    other.file_ = H5I_INVALID_HID;
    other.temp_.clear();
  }
  return *this;
}

RunFile::~RunFile() noexcept { discard(); }

void RunFile::discard() noexcept {
  if (file_ >= 0) {
    int finalized = 0;
    MPI_Finalized(&finalized);
    const bool unwinding = std::uncaught_exceptions() > uncaught_;
    if (!finalized && !unwinding && H5Fclose(file_) < 0) core::note_unrecoverable_library_state();
    // A written file left open while unwinding would be flushed by HDF5's shutdown in
    // MPI_Finalize, which crashes when that flush fails (a full disk): the driver leaves
    // without finalizing instead (core::run_driver).
    if (!finalized && unwinding && writable_) core::note_unrecoverable_library_state();
    file_ = H5I_INVALID_HID;
  }
  if (!temp_.empty()) {
    if (rank_ == 0) std::remove(temp_.c_str());
    temp_.clear();
  }
}

RunFile RunFile::create(MPI_Comm comm, const std::string& path) {
  RunFile f(comm, path);
  f.temp_ = temporary_for(comm, path);
  f.writable_ = true;
  Handle fapl = file_access(comm);
  f.file_ = H5Fcreate(f.temp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
  f.ensure(f.file_ >= 0, "cannot create " + f.temp_);
  return f;
}

RunFile RunFile::open_read(MPI_Comm comm, const std::string& path) {
  return open_existing(comm, path, false);
}

RunFile RunFile::open_update(MPI_Comm comm, const std::string& path) {
  return open_existing(comm, path, true);
}

RunFile RunFile::open_existing(MPI_Comm comm, const std::string& path, bool update) {
  RunFile f(comm, path);
  const std::string problem = f.rank_ == 0 ? problem_with(path) : std::string();
  core::check_all(comm, problem.empty(), path + ": " + problem);
  std::string target = path;
  if (update) {
    f.temp_ = temporary_for(comm, path);
    f.writable_ = true;
    std::error_code ec;
    if (f.rank_ == 0)
      std::filesystem::copy_file(path, f.temp_, std::filesystem::copy_options::overwrite_existing,
                                 ec);
    core::check_all(comm, !ec, path + ": cannot copy to " + f.temp_ + " (" + ec.message() + ")");
    target = f.temp_;
  }
  Handle fapl = file_access(comm);
  f.file_ = H5Fopen(target.c_str(), update ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl.get());
  f.ensure(f.file_ >= 0, "cannot open");
  return f;
}

void RunFile::commit() {
  require_writable();
  const herr_t closed = H5Fclose(file_);
  file_ = H5I_INVALID_HID;
  // HDF5 1.10 crashes on any further close of a file whose close failed, its shutdown in
  // MPI_Finalize included: the driver leaves without finalizing (core::run_driver).
  if (closed < 0) core::note_unrecoverable_library_state();
  ensure(closed >= 0, "cannot close " + temp_);
  bool ok = true;
  std::string why;
  if (rank_ == 0) {
    // Data first, then the name: a crash leaves either the old file or the complete new one.
    const int fd = ::open(temp_.c_str(), O_RDONLY);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
    if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
      ok = false;
      why = std::strerror(errno);
    }
  }
  core::check_all(comm_, ok, path_ + ": cannot rename " + temp_ + " into place (" + why + ")");
  temp_.clear();
}

void RunFile::close() {
  if (file_ < 0) return;
  const herr_t closed = H5Fclose(file_);
  file_ = H5I_INVALID_HID;
  ensure(closed >= 0, "cannot close");
  discard();
}

// ------------------------------------------------------------------------------------------
// Helpers

void RunFile::ensure(bool ok, const std::string& what) const {
  std::string message;
  if (!ok) {
    message = path_ + ": " + what;
    const std::string reason = hdf5_reason();
    if (!reason.empty()) message += " (" + reason + ")";
  }
  // If this rank's failure left the others inside an HDF5 collective, check_all aborts the job:
  // remove the temporary first so that a full disk is not left full.
  core::check_all_bounded(comm_, ok, message, [this] {
    if (rank_ == 0 && !temp_.empty()) std::remove(temp_.c_str());
  });
}

hid_t RunFile::id() const {
  if (file_ < 0) throw core::Error(path_ + ": the file is already closed");
  return file_;
}

void RunFile::require_writable() const {
  if (!writable_ || file_ < 0)
    throw core::Error(path_ + (file_ < 0 ? ": the file is already closed" : ": opened read-only"));
}

bool RunFile::has(const std::string& object) const {
  const std::string p = absolute(object);
  int found = 1;
  // H5Lexists needs every parent to exist, so walk down the path.
  for (std::size_t slash = 0; found && slash != std::string::npos && p != "/";) {
    slash = p.find('/', slash + 1);
    found = H5Lexists(id(), p.substr(0, slash).c_str(), H5P_DEFAULT) > 0;
  }
  H5Eclear2(H5E_DEFAULT);
  MPI_Allreduce(MPI_IN_PLACE, &found, 1, MPI_INT, MPI_LAND, comm_);
  return found;
}

Handle RunFile::open_object(const std::string& object) const {
  const std::string p = absolute(object);
  ensure(has(p), "no " + p);
  Handle h(H5Oopen(id(), p.c_str(), H5P_DEFAULT), H5Oclose);
  ensure(h.valid(), "cannot open " + p);
  return h;
}

Handle RunFile::open_dataset(const std::string& dataset) const {
  const std::string p = absolute(dataset);
  ensure(has(p), "no dataset " + p);
  Handle h(H5Dopen2(id(), p.c_str(), H5P_DEFAULT), H5Dclose);
  if (!h.valid()) H5Eclear2(H5E_DEFAULT);  // HDF5's reason would only repeat ours
  ensure(h.valid(), p + " is not a dataset");
  return h;
}

Handle RunFile::open_or_create_group(const std::string& group) {
  const std::string p = absolute(group);
  if (has(p)) {
    Handle h(H5Oopen(id(), p.c_str(), H5P_DEFAULT), H5Oclose);
    ensure(h.valid(), "cannot open " + p);
    return h;
  }
  Handle lcpl = link_creation();
  Handle h(H5Gcreate2(id(), p.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  ensure(h.valid(), "cannot create group " + p);
  return h;
}

void RunFile::create_group(const std::string& group) {
  require_writable();
  open_or_create_group(group);
}

void RunFile::remove(const std::string& object) {
  require_writable();
  const std::string p = absolute(object);
  if (p == "/" || !has(p)) return;
  ensure(H5Ldelete(id(), p.c_str(), H5P_DEFAULT) >= 0, "cannot remove " + p);
}

std::vector<std::size_t> RunFile::shape(const std::string& dataset) const {
  Handle d = open_dataset(dataset);
  Handle space(H5Dget_space(d.get()), H5Sclose);
  const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
  ensure(rank >= 0, "cannot read the shape of " + absolute(dataset));
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return std::vector<std::size_t>(dims.begin(), dims.end());
}

}  // namespace terrain::io
