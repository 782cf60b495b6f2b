#pragma once
// The terrain run file, schema_version 1: what each driver writes and reads.
//
//   /                          attrs  schema_version int64 (= 1)
//                                     terrain_version str, created str (ISO-8601 UTC,
//                                     "2024-05-01T12:00:00Z"), nranks int64,
//                                     command_line str, options str (PETSc options database)
//   /model                     attrs  widths int64[L+1], activation str (linear|relu|tanh|
//                                     sigmoid|softplus), loss str (mse|cross_entropy),
//                                     bias int64 0/1, residual int64 0/1, init_scale float64,
//                                     init_gamma float64, init_bias float64,
//                                     seed int64 (the uint64 seed's bits), n_params int64
//   /model/layout              attr   order str (how the flat vector is laid out)
//     weight_offset, bias_offset (-1 without bias), fan_in, fan_out
//                              int64[L], one entry per layer
//   /data                      attrs  name str, source str, n_train, n_test, d_in, d_out int64
//   /trajectory/<column>       1-D, chunked, extendible (maxdims unlimited), equal lengths:
//                              step int64; epoch, loss, accuracy, test_loss, test_accuracy,
//                              grad_norm, gHg, lr, lambda_max, wall_time float64.
//                              A column a run does not measure is absent (not NaN-filled).
//   /trajectory/params         float64 [n_saved, n_params], extendible (RunFile::append_vec)
//   /spectrum/<name>           written by spectral/spectrum_file.hpp
//   /params                    float64 [n_params]: the final parameters, in /model/layout order
//
// Every float64 dataset is IEEE little-endian, every int64 is little-endian two's complement.
#include <mpi.h>
#include <petscvec.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/run_file.hpp"
#include "model/architecture.hpp"
#include "model/parameter_layout.hpp"

namespace terrain::io {

inline constexpr std::int64_t kSchemaVersion = 1;

// --- provenance ---
void write_header(RunFile& file);
// Throws InputError if the file declares a schema newer than this build understands; a file
// without schema_version (e.g. written by h5py) passes.
void check_schema(const RunFile& file);

// --- model ---
void write_model(RunFile& file, const model::Architecture& arch,
                 const model::ParameterLayout& layout);
// The architecture stored in /model, validated (and checked against /model/layout if present).
model::Architecture read_model(const RunFile& file);
model::Architecture read_model(MPI_Comm comm, const std::string& path);

// --- data ---
struct DataInfo {
  std::string name, source;
  std::int64_t n_train = 0, n_test = 0, d_in = 0, d_out = 0;
};
void write_data_info(RunFile& file, const std::string& name, const std::string& source,
                     std::int64_t n_train, std::int64_t n_test, std::int64_t d_in,
                     std::int64_t d_out);
DataInfo read_data_info(const RunFile& file);

// --- trajectory: one entry per recorded step; leave a column empty to omit it ---
struct Trajectory {
  std::vector<std::int64_t> step;
  std::vector<double> epoch, loss, accuracy, test_loss, test_accuracy, grad_norm, gHg, lr,
      lambda_max, wall_time;
};
// Replaces the /trajectory columns.
void write_trajectory(RunFile& file, const Trajectory& t);
// Adds rows to /trajectory (creates it when missing); the same columns must be present.
void append_trajectory(RunFile& file, const Trajectory& t);
Trajectory read_trajectory(const RunFile& file);

// --- parameters ---
void write_params(RunFile& file, Vec params);
// Reads a parameter vector from a terrain run file (/params) or from any HDF5 file with a
// 1-D numeric dataset `params` at its root (e.g. PyTorch parameters flattened with h5py).
// The length must match the Vec; with `arch`, a run file's /model must also have the same
// widths and bias, and messages name the network.
// Collective: empty when every entry of v is a finite number, else what is wrong ("2 entries are
// not finite numbers, the first is entry 17 (nan)"): a point read from a file must be finite.
std::string non_finite_entries(Vec v);
void read_params(MPI_Comm comm, const std::string& path, Vec params);
void read_params(MPI_Comm comm, const std::string& path, const model::Architecture& arch,
                 Vec params);

}  // namespace terrain::io
