// RunFile: replicated and distributed datasets.
#include <algorithm>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "io/run_file.hpp"
#include "io/hdf5_util.hpp"

namespace terrain::io {

using namespace detail;

static_assert(std::is_same_v<PetscScalar, double>, "terrain stores real double PETSc vectors");

template <class T>
void RunFile::write_replicated(const std::string& dataset, std::vector<std::size_t> shape,
                               const std::vector<T>& values, Extent extent) {
  require_writable();
  const std::string p = absolute(dataset);
  bcast_vector(comm_, shape);
  ensure(rank_ != 0 || product(shape) == values.size(),
         p + ": " + std::to_string(values.size()) + " values do not fill shape " +
             shape_text(shape));
  remove(p);
  const std::vector<hsize_t> dims(shape.begin(), shape.end());
  std::vector<hsize_t> max_dims = dims;
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (extent == Extent::extendible) {
    max_dims[0] = H5S_UNLIMITED;
    const std::vector<hsize_t> chunk = chunk_shape(dims);
    H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
  }
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max_dims.data()),
               H5Sclose);
  Handle lcpl = link_creation();
  Handle d(H5Dcreate2(id(), p.c_str(), Types<T>::file(), space.get(), lcpl.get(), dcpl.get(),
                      H5P_DEFAULT),
           H5Dclose);
  ensure(d.valid(), "cannot create dataset " + p);
  if (product(shape) == 0) return;
  // Rank 0 writes, the others join the collective call with an empty selection.
  Handle memory(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  if (rank_ != 0) {
    H5Sselect_none(space.get());
    H5Sselect_none(memory.get());
  }
  Handle dxpl = collective_transfer();
  const T dummy{};
  const T* data = rank_ == 0 ? values.data() : &dummy;
  ensure(H5Dwrite(d.get(), Types<T>::memory(), memory.get(), space.get(), dxpl.get(), data) >= 0,
         "cannot write " + p);
}

void RunFile::write_1d(const std::string& dataset, const std::vector<double>& values,
                       Extent extent) {
  write_replicated(dataset, {values.size()}, values, extent);
}

void RunFile::write_1d(const std::string& dataset, const std::vector<std::int64_t>& values,
                       Extent extent) {
  write_replicated(dataset, {values.size()}, values, extent);
}

void RunFile::write_2d(const std::string& dataset, std::size_t rows, std::size_t cols,
                       const std::vector<double>& values, Extent extent) {
  write_replicated(dataset, {rows, cols}, values, extent);
}

void RunFile::write_2d(const std::string& dataset, std::size_t rows, std::size_t cols,
                       const std::vector<std::int64_t>& values, Extent extent) {
  write_replicated(dataset, {rows, cols}, values, extent);
}

template <class T>
void RunFile::append_replicated(const std::string& dataset, const std::vector<T>& input) {
  require_writable();
  const std::string p = absolute(dataset);
  if (!has(p)) return write_replicated(p, {input.size()}, input, Extent::extendible);
  std::vector<T> values = input;
  bcast_vector(comm_, values);
  Handle d = open_dataset(p);
  Handle type(H5Dget_type(d.get()), H5Tclose);
  const H5T_class_t type_class = H5Tget_class(type.get());
  ensure(std::is_same_v<T, double> ? type_class == H5T_FLOAT : type_class == H5T_INTEGER,
         "cannot append " + std::string(Types<T>::name) + " values to " + p);
  Handle space(H5Dget_space(d.get()), H5Sclose);
  hsize_t old_size = 0, max_size = 0;
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank == 1) H5Sget_simple_extent_dims(space.get(), &old_size, &max_size);
  ensure(rank == 1 && max_size == H5S_UNLIMITED, p + " is not an extendible 1-D dataset");
  if (values.empty()) return;
  const hsize_t new_size = old_size + values.size();
  ensure(H5Dset_extent(d.get(), &new_size) >= 0, "cannot extend " + p);
  Handle file_space(H5Dget_space(d.get()), H5Sclose);
  const hsize_t count = values.size();
  Handle memory(H5Screate_simple(1, &count, nullptr), H5Sclose);
  if (rank_ == 0) {
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &old_size, nullptr, &count, nullptr);
  } else {
    H5Sselect_none(file_space.get());
    H5Sselect_none(memory.get());
  }
  Handle dxpl = collective_transfer();
  ensure(H5Dwrite(d.get(), Types<T>::memory(), memory.get(), file_space.get(), dxpl.get(),
                  values.data()) >= 0,
         "cannot append to " + p);
}

void RunFile::append_1d(const std::string& dataset, const std::vector<double>& values) {
  append_replicated(dataset, values);
}

void RunFile::append_1d(const std::string& dataset, const std::vector<std::int64_t>& values) {
  append_replicated(dataset, values);
}

template <class T>
Array<T> RunFile::read_array(const std::string& dataset) const {
  const std::string p = absolute(dataset);
  Array<T> result;
  result.shape = shape(p);
  Handle d = open_dataset(p);
  Handle type(H5Dget_type(d.get()), H5Tclose);
  ensure(type.valid() && readable_as<T>(H5Tget_class(type.get())),
         p + " does not hold " + (std::is_same_v<T, double> ? "numbers" : "integers"));
  result.values.resize(product(result.shape));
  if (result.values.empty()) return result;
  Handle dxpl = collective_transfer();
  ensure(H5Dread(d.get(), Types<T>::memory(), H5S_ALL, H5S_ALL, dxpl.get(),
                 result.values.data()) >= 0,
         "cannot read " + p);
  return result;
}

Array<double> RunFile::read_doubles(const std::string& dataset) const {
  return read_array<double>(dataset);
}

Array<std::int64_t> RunFile::read_ints(const std::string& dataset) const {
  return read_array<std::int64_t>(dataset);
}

// ------------------------------------------------------------------------------------------
// Distributed data


void RunFile::write_block(const std::string& p, const std::vector<hsize_t>& dims,
                          const std::vector<hsize_t>& offset, const std::vector<hsize_t>& count,
                          const double* values) {
  remove(p);
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Handle lcpl = link_creation();
  Handle d(H5Dcreate2(id(), p.c_str(), Types<double>::file(), space.get(), lcpl.get(),
                      H5P_DEFAULT, H5P_DEFAULT),
           H5Dclose);
  ensure(d.valid(), "cannot create dataset " + p);
  if (product(dims) == 0) return;
  select_block(space.get(), offset, count);
  Handle memory = memory_space(count);
  Handle dxpl = collective_transfer();
  const double dummy = 0;
  const bool empty = product(count) == 0;
  ensure(H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, memory.get(), space.get(), dxpl.get(),
                  empty ? &dummy : values) >= 0,
         "cannot write " + p);
}

void RunFile::read_block(const std::string& p, const std::vector<hsize_t>& offset,
                         const std::vector<hsize_t>& count, double* values) const {
  Handle d = open_dataset(p);
  Handle type(H5Dget_type(d.get()), H5Tclose);
  ensure(type.valid() && readable_as<double>(H5Tget_class(type.get())),
         p + " does not hold numbers");
  Handle space(H5Dget_space(d.get()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) == 0) return;
  select_block(space.get(), offset, count);
  Handle memory = memory_space(count);
  Handle dxpl = collective_transfer();
  double dummy = 0;
  const bool empty = product(count) == 0;
  ensure(H5Dread(d.get(), H5T_NATIVE_DOUBLE, memory.get(), space.get(), dxpl.get(),
                 empty ? &dummy : values) >= 0,
         "cannot read " + p);
}

void RunFile::write_rows(const std::string& dataset, std::size_t n_rows_global,
                         std::size_t n_cols, std::size_t first_row, std::size_t n_local_rows,
                         const double* values) {
  require_writable();
  const std::string p = absolute(dataset);
  unsigned long long lo[2] = {n_rows_global, n_cols}, hi[2] = {n_rows_global, n_cols};
  MPI_Allreduce(MPI_IN_PLACE, lo, 2, MPI_UNSIGNED_LONG_LONG, MPI_MIN, comm_);
  MPI_Allreduce(MPI_IN_PLACE, hi, 2, MPI_UNSIGNED_LONG_LONG, MPI_MAX, comm_);
  ensure(lo[0] == hi[0] && lo[1] == hi[1], p + ": the ranks disagree on the shape");
  ensure(first_row + n_local_rows <= n_rows_global,
         p + ": rows [" + std::to_string(first_row) + ", " +
             std::to_string(first_row + n_local_rows) + ") exceed " +
             std::to_string(n_rows_global) + " rows");
  write_block(p, {n_rows_global, n_cols}, {first_row, 0}, {n_local_rows, n_cols}, values);
}

void RunFile::read_rows(const std::string& dataset, std::size_t first_row,
                        std::size_t n_local_rows, std::size_t n_cols, double* values) const {
  const std::string p = absolute(dataset);
  const std::vector<std::size_t> found = shape(p);
  ensure(found.size() == 2 && found[1] == n_cols,
         "dataset " + p + " has shape " + shape_text(found) + ", expected [n, " +
             std::to_string(n_cols) + "]");
  ensure(first_row + n_local_rows <= found[0],
         "dataset " + p + " has " + std::to_string(found[0]) + " rows, not " +
             std::to_string(first_row + n_local_rows));
  read_block(p, {first_row, 0}, {n_local_rows, n_cols}, values);
}

namespace {
// The Vec's global size and ownership range, after checking it lives on the file's ranks.
struct VecBlock {
  PetscInt size = 0, begin = 0, end = 0;
  bool same_ranks = false;
};

VecBlock vec_block(MPI_Comm file_comm, Vec v) {
  VecBlock b;
  MPI_Comm vec_comm = PetscObjectComm(reinterpret_cast<PetscObject>(v));
  int compare = MPI_UNEQUAL;
  MPI_Comm_compare(vec_comm, file_comm, &compare);
  b.same_ranks = compare == MPI_IDENT || compare == MPI_CONGRUENT;
  TERRAIN_PETSC(VecGetSize(v, &b.size));
  TERRAIN_PETSC(VecGetOwnershipRange(v, &b.begin, &b.end));
  return b;
}
}  // namespace

void RunFile::write_vec(const std::string& dataset, Vec v) {
  require_writable();
  const std::string p = absolute(dataset);
  const VecBlock b = vec_block(comm_, v);
  ensure(b.same_ranks, p + ": the Vec is not on the file's communicator");
  const core::VecReadAccess x(v);
  write_block(p, {static_cast<hsize_t>(b.size)}, {static_cast<hsize_t>(b.begin)},
              {static_cast<hsize_t>(b.end - b.begin)}, x.get());
}

void RunFile::read_vec(const std::string& dataset, Vec v) const {
  const std::string p = absolute(dataset);
  const VecBlock b = vec_block(comm_, v);
  ensure(b.same_ranks, p + ": the Vec is not on the file's communicator");
  const std::vector<std::size_t> found = shape(p);
  const std::vector<std::size_t> expected = {static_cast<std::size_t>(b.size)};
  ensure(found == expected, "dataset " + p + " has shape " + shape_text(found) + ", expected " +
                                shape_text(expected));
  const core::VecWriteAccess x(v);
  read_block(p, {static_cast<hsize_t>(b.begin)}, {static_cast<hsize_t>(b.end - b.begin)},
             x.get());
}

void RunFile::append_vec(const std::string& dataset, Vec v) {
  require_writable();
  const std::string p = absolute(dataset);
  const VecBlock b = vec_block(comm_, v);
  ensure(b.same_ranks, p + ": the Vec is not on the file's communicator");
  const hsize_t n = static_cast<hsize_t>(b.size);
  if (!has(p)) {
    const std::vector<hsize_t> dims = {0, n}, max_dims = {H5S_UNLIMITED, n};
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    const std::vector<hsize_t> chunk = chunk_shape(dims);
    H5Pset_chunk(dcpl.get(), 2, chunk.data());
    Handle space(H5Screate_simple(2, dims.data(), max_dims.data()), H5Sclose);
    Handle lcpl = link_creation();
    Handle d(H5Dcreate2(id(), p.c_str(), Types<double>::file(), space.get(), lcpl.get(),
                        dcpl.get(), H5P_DEFAULT),
             H5Dclose);
    ensure(d.valid(), "cannot create dataset " + p);
  }
  Handle d = open_dataset(p);
  Handle space(H5Dget_space(d.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(std::max(rank, 0)), max_dims(std::max(rank, 0));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), max_dims.data());
  ensure(rank == 2 && dims[1] == n && max_dims[0] == H5S_UNLIMITED,
         "cannot append a row of " + std::to_string(n) + " to dataset " + p + " of shape " +
             shape_text(std::vector<std::size_t>(dims.begin(), dims.end())) +
             " (needs an extendible [n, " + std::to_string(n) + "] dataset)");
  const hsize_t new_dims[2] = {dims[0] + 1, n};
  ensure(H5Dset_extent(d.get(), new_dims) >= 0, "cannot extend " + p);
  if (n == 0) return;
  Handle file_space(H5Dget_space(d.get()), H5Sclose);
  const std::vector<hsize_t> offset = {dims[0], static_cast<hsize_t>(b.begin)};
  const std::vector<hsize_t> count = {1, static_cast<hsize_t>(b.end - b.begin)};
  select_block(file_space.get(), offset, count);
  Handle memory = memory_space(count);
  Handle dxpl = collective_transfer();
  const PetscScalar* x = nullptr;
  TERRAIN_PETSC(VecGetArrayRead(v, &x));
  const double dummy = 0;
  const herr_t status = H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, memory.get(), file_space.get(),
                                 dxpl.get(), count[1] ? x : &dummy);
  VecRestoreArrayRead(v, &x);
  ensure(status >= 0, "cannot append to " + p);
}

}  // namespace terrain::io

