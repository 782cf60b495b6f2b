#pragma once
// One loader per source. Each returns this rank's shards of the training and test sets with
// X, labels (classification) or Y (regression) filled; load_data adds one-hot Y for labels.
// All are collective on comm.
#include <mpi.h>

#include <vector>

#include "data/data_config.hpp"
#include "data/dataset.hpp"
#include "model/architecture.hpp"

namespace terrain::data {

Data load_target1d(MPI_Comm comm, const DataConfig& config);
Data load_teacher(MPI_Comm comm, const DataConfig& config);
Data load_csv(MPI_Comm comm, const DataConfig& config);
Data load_idx(MPI_Comm comm, const DataConfig& config);
Data load_hdf5(MPI_Comm comm, const DataConfig& config);

// The target1d function: ReLU(2x+0.6) − ReLU(x) + ReLU(0.5x−0.4) − ReLU(1.5x−0.6).
double target1d(double x);

// The teacher network of a config and its whole flat parameter vector (the same on every
// rank), so tests and reports can recompute the targets.
model::Architecture teacher_architecture(const DataConfig& config);
std::vector<double> teacher_parameters(const DataConfig& config);

}  // namespace terrain::data
