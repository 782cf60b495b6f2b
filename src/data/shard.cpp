#include "data/shard.hpp"

#include <algorithm>

namespace terrain::data {

Dataset allocate_shard(MPI_Comm comm, PetscInt n_global, PetscInt d_in, PetscInt d_out,
                       bool classification) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  Dataset ds;
  ds.n_global = n_global;
  local_rows(n_global, rank, size, &ds.first_row, &ds.n_local);
  ds.d_in = d_in;
  ds.d_out = d_out;
  ds.classification = classification;
  ds.X.assign(static_cast<std::size_t>(ds.n_local) * d_in, 0.0);
  ds.Y.assign(static_cast<std::size_t>(ds.n_local) * d_out, 0.0);
  if (classification) ds.labels.assign(ds.n_local, 0);
  return ds;
}

void fill_one_hot(Dataset& ds) {
  ds.Y.assign(static_cast<std::size_t>(ds.n_local) * ds.d_out, 0.0);
  for (PetscInt i = 0; i < ds.n_local; ++i)
    ds.Y[static_cast<std::size_t>(i) * ds.d_out + ds.labels[i]] = 1.0;
}

}  // namespace terrain::data
