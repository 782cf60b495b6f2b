#pragma once
// Gaussian inputs with random labels or random targets, drawn from (seed, global index): the
// data of benchmarks and derivative tests, where only shapes matter. Sharded like the loaders.
#include <mpi.h>

#include <cstdint>

#include "data/dataset.hpp"

namespace terrain::data {

Dataset synthetic_dataset(MPI_Comm comm, PetscInt n, PetscInt d_in, PetscInt d_out,
                          bool classification, std::uint64_t seed = 7);

}  // namespace terrain::data
