#pragma once
// One HDF5 file shared by the ranks of a communicator (parallel HDF5, MPI-IO driver).
//
// Every member function is collective over the communicator and must be called by all of its
// ranks in the same order with the same names. Every failure (a missing object, a wrong shape,
// an HDF5 error) is agreed on with core::check_all and thrown as a one-line core::InputError on
// every rank, naming the file and the object, so no rank is left waiting in a collective call.
//
// Writing is atomic: create() and open_update() work on a temporary sibling
// "<path>.tmp.<pid of rank 0>" that commit() renames over <path> (rename is atomic on POSIX).
// Until commit, an existing <path> is never touched; a RunFile destroyed without commit
// deletes its temporary.
//
// Replicated writers (attributes, write_1d, write_2d, append_1d) store rank 0's values and
// shapes; the other ranks' arguments only have to be valid. Distributed writers (write_vec,
// append_vec, write_rows) store each rank's own block with one collective write.
#include <mpi.h>
#include <petscvec.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "io/hdf5_handle.hpp"

namespace terrain::io {

// A dataset read back whole: its shape (rows, or rows × cols) and its values, row-major.
template <class T>
struct Array {
  std::vector<std::size_t> shape;
  std::vector<T> values;
  std::size_t rows() const { return shape.empty() ? 1 : shape[0]; }
  std::size_t cols() const { return shape.size() < 2 ? 1 : shape[1]; }
};

// Whether a dataset can grow along its first dimension later (chunked, unlimited maxdims).
enum class Extent { fixed, extendible };

class RunFile {
 public:
  // A new file at `path`, written into a temporary until commit().
  static RunFile create(MPI_Comm comm, const std::string& path);
  // An existing file, read only. A missing, non-HDF5 or damaged file is an InputError.
  static RunFile open_read(MPI_Comm comm, const std::string& path);
  // An existing file to add to: rank 0 copies it to the temporary, commit() replaces the
  // original. Costs one copy of the file; the original stays intact until commit.
  static RunFile open_update(MPI_Comm comm, const std::string& path);

  RunFile(RunFile&& other) noexcept;
  RunFile& operator=(RunFile&& other) noexcept;
  RunFile(const RunFile&) = delete;
  RunFile& operator=(const RunFile&) = delete;
  // Closes the file; an uncommitted temporary is deleted. When unwinding from an exception the
  // other ranks may not be unwinding too, so the (collective) close is left to HDF5's own
  // shutdown at MPI_Finalize instead of risking a hang here.
  ~RunFile() noexcept;

  // Closes the temporary and renames it into place on rank 0; all ranks return after that.
  void commit();
  // Closes a file opened for reading (the destructor does it too, but reports no errors).
  void close();

  const std::string& path() const { return path_; }
  MPI_Comm comm() const { return comm_; }
  bool writable() const { return writable_; }

  // --- structure ---
  // True when the group or dataset `object` ("/a/b") exists; "/" always does.
  bool has(const std::string& object) const;
  // Creates a group and any missing parents; an existing group is fine.
  void create_group(const std::string& group);
  // Unlinks a group or dataset if present (HDF5 does not reclaim its space; h5repack does).
  void remove(const std::string& object);
  // Shape of a dataset (empty for a scalar).
  std::vector<std::size_t> shape(const std::string& dataset) const;

  // --- attributes on a group or dataset; a missing group is created, an attribute replaced ---
  void write_attr(const std::string& object, const std::string& name, const std::string& value);
  void write_attr(const std::string& object, const std::string& name, const char* value) {
    write_attr(object, name, std::string(value));
  }
  void write_attr(const std::string& object, const std::string& name, double value);
  void write_attr(const std::string& object, const std::string& name,
                  const std::vector<double>& values);
  void write_attr(const std::string& object, const std::string& name,
                  const std::vector<std::int64_t>& values);
  // Any integer (int, PetscInt, bool, std::uint64_t…) is stored as int64.
  template <class Int, std::enable_if_t<std::is_integral_v<Int>, int> = 0>
  void write_attr(const std::string& object, const std::string& name, Int value) {
    write_int_attr(object, name, static_cast<std::int64_t>(value));
  }

  bool has_attr(const std::string& object, const std::string& name) const;
  // T is std::string, double, std::int64_t, std::vector<double> or std::vector<std::int64_t>.
  // Integers read as double are converted; floats read as integers are an error.
  template <class T>
  T read_attr(const std::string& object, const std::string& name) const;

  // --- replicated datasets (rank 0's data, written once); an existing dataset is replaced ---
  void write_1d(const std::string& dataset, const std::vector<double>& values,
                Extent extent = Extent::fixed);
  void write_1d(const std::string& dataset, const std::vector<std::int64_t>& values,
                Extent extent = Extent::fixed);
  void write_2d(const std::string& dataset, std::size_t rows, std::size_t cols,
                const std::vector<double>& values, Extent extent = Extent::fixed);
  void write_2d(const std::string& dataset, std::size_t rows, std::size_t cols,
                const std::vector<std::int64_t>& values, Extent extent = Extent::fixed);
  // Appends to an extendible 1-D dataset (created extendible when missing).
  void append_1d(const std::string& dataset, const std::vector<double>& values);
  void append_1d(const std::string& dataset, const std::vector<std::int64_t>& values);

  // Whole numeric datasets, on every rank. read_doubles converts integer and float32 data.
  Array<double> read_doubles(const std::string& dataset) const;
  Array<std::int64_t> read_ints(const std::string& dataset) const;

  // --- distributed data ---
  // A Vec (on this file's communicator, any layout) as a 1-D float64 dataset.
  void write_vec(const std::string& dataset, Vec v);
  // Reads a 1-D dataset of exactly the Vec's global size into the Vec's own layout.
  void read_vec(const std::string& dataset, Vec v) const;
  // Adds the Vec as one more row of an extendible 2-D dataset [n_rows, size of v].
  void append_vec(const std::string& dataset, Vec v);
  // A 2-D float64 dataset [n_rows_global, n_cols]; this rank holds rows
  // [first_row, first_row + n_local_rows), row-major.
  void write_rows(const std::string& dataset, std::size_t n_rows_global, std::size_t n_cols,
                  std::size_t first_row, std::size_t n_local_rows, const double* values);
  // This rank's rows of a 2-D dataset that must have n_cols columns and at least
  // first_row + n_local_rows rows.
  void read_rows(const std::string& dataset, std::size_t first_row, std::size_t n_local_rows,
                 std::size_t n_cols, double* values) const;

 private:
  RunFile(MPI_Comm comm, std::string path);
  static RunFile open_existing(MPI_Comm comm, const std::string& path, bool update);

  // Agrees on `ok` across ranks; throws InputError("<path>: <what> (<HDF5's reason>)") on
  // every rank if any failed.
  void ensure(bool ok, const std::string& what) const;
  hid_t id() const;
  void require_writable() const;
  Handle open_object(const std::string& object) const;
  Handle open_dataset(const std::string& dataset) const;
  Handle open_or_create_group(const std::string& group);
  void write_int_attr(const std::string& object, const std::string& name, std::int64_t value);
  void write_numeric_attr(const std::string& object, const std::string& name, hid_t file_type,
                          hid_t mem_type, const void* data, std::size_t n, bool scalar);
  template <class T>
  void write_replicated(const std::string& dataset, std::vector<std::size_t> shape,
                        const std::vector<T>& values, Extent extent);
  template <class T>
  void append_replicated(const std::string& dataset, const std::vector<T>& values);
  template <class T>
  Array<T> read_array(const std::string& dataset) const;
  // A new float64 dataset `dims`; this rank writes the block at `offset` of size `count`.
  void write_block(const std::string& dataset, const std::vector<hsize_t>& dims,
                   const std::vector<hsize_t>& offset, const std::vector<hsize_t>& count,
                   const double* values);
  void read_block(const std::string& dataset, const std::vector<hsize_t>& offset,
                  const std::vector<hsize_t>& count, double* values) const;
  void discard() noexcept;

  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  std::string path_;     // what the user named: every message uses it
  std::string temp_;     // the file actually written; empty when reading
  hid_t file_ = H5I_INVALID_HID;
  bool writable_ = false;
  int uncaught_ = 0;     // std::uncaught_exceptions() at construction
};

}  // namespace terrain::io
