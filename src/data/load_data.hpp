#pragma once
// The one entry point of the data layer: a config in, this rank's shards out.
#include <mpi.h>

#include "data/data_config.hpp"
#include "data/dataset.hpp"

namespace terrain::data {

// Collective on comm. Returns this rank's rows of the training and test sets (PETSc's split
// of the global rows over comm), with Y one-hot for classification. The union of the shards
// is bitwise the same at any number of ranks. Every bad input throws core::InputError with
// the same one-line message on every rank.
Data load_data(MPI_Comm comm, const DataConfig& config);

}  // namespace terrain::data
