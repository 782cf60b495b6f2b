#pragma once
// Small pieces RunFile's sources share: element types, paths, messages, property lists,
// selections. Internal to src/io.
#include <hdf5.h>
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include "io/hdf5_handle.hpp"

namespace terrain::io::detail {

// HDF5 types of our two element types: native in memory, little-endian in the file.
template <class T>
struct Types;
template <>
struct Types<double> {
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
  static hid_t file() { return H5T_IEEE_F64LE; }
  static constexpr const char* name = "float64";
};
template <>
struct Types<std::int64_t> {
  static hid_t memory() { return H5T_NATIVE_INT64; }
  static hid_t file() { return H5T_STD_I64LE; }
  static constexpr const char* name = "int64";
};

// Integers convert to double without surprise; anything else into an integer would truncate.
template <class T>
bool readable_as(H5T_class_t c) {
  if constexpr (std::is_same_v<T, double>)
    return c == H5T_FLOAT || c == H5T_INTEGER;
  else
    return c == H5T_INTEGER;
}

// The innermost (most specific) message on HDF5's error stack, one line; clears the stack.
std::string hdf5_reason();

// "/a/b" for "a/b", "/a/b/" or "/a/b": HDF5 paths are absolute here.
std::string absolute(const std::string& object);

// "[3, 4]"
std::string shape_text(const std::vector<std::size_t>& shape);

template <class Int>
std::size_t product(const std::vector<Int>& shape) {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
}

// Replicated values are rank 0's: every rank writes identical metadata, as HDF5 requires.
void bcast_string(MPI_Comm comm, std::string& s);

template <class T>
void bcast_vector(MPI_Comm comm, std::vector<T>& v) {
  unsigned long long n = v.size();
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  v.resize(n);
  if (n) MPI_Bcast(v.data(), static_cast<int>(n * sizeof(T)), MPI_BYTE, 0, comm);
}

// Property lists: MPI-IO file access, collective transfers, parents created on demand.
Handle file_access(MPI_Comm comm);
Handle collective_transfer();
Handle link_creation();

// Chunks of at most ~512 KiB for extendible datasets growing along dimension 0.
std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& dims);

// Selects this rank's block [offset, offset + count) of a dataspace, or nothing.
void select_block(hid_t space, const std::vector<hsize_t>& offset,
                  const std::vector<hsize_t>& count);

// A memory dataspace for `count` (at least one element, so even an empty block is valid).
Handle memory_space(const std::vector<hsize_t>& count);

}  // namespace terrain::io::detail
