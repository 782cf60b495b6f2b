#pragma once
// A rank's block of rows: PETSc's contiguous split of the global rows (DESIGN.md §2).
#include <mpi.h>

#include "data/dataset.hpp"

namespace terrain::data {

// Collective-free: sizes a Dataset for this rank's rows of n_global (X, Y, and labels when
// classification), zero-filled.
Dataset allocate_shard(MPI_Comm comm, PetscInt n_global, PetscInt d_in, PetscInt d_out,
                       bool classification);

// Y = one-hot rows of labels (labels must lie in [0, d_out)).
void fill_one_hot(Dataset& ds);

}  // namespace terrain::data
