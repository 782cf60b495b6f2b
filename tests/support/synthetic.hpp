#pragma once
// Small synthetic problems for the derivative tests: data drawn from (seed, global index), so
// every rank count holds the same global matrix, sharded like the real loaders shard.
#include <mpi.h>

#include <cmath>

#include "core/rng.hpp"
#include "data/dataset.hpp"

namespace terrain::testing {

inline data::Dataset synthetic_dataset(MPI_Comm comm, PetscInt n, PetscInt d_in, PetscInt d_out,
                                       bool classification, std::uint64_t seed = 7) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  data::Dataset d;
  d.n_global = n;
  d.d_in = d_in;
  d.d_out = d_out;
  d.classification = classification;
  data::local_rows(n, rank, size, &d.first_row, &d.n_local);
  for (PetscInt i = d.first_row; i < d.first_row + d.n_local; ++i) {
    for (PetscInt j = 0; j < d_in; ++j)
      d.X.push_back(core::normal(seed, core::Stream::data_inputs, i * d_in + j));
    if (classification) {
      const PetscInt c = static_cast<PetscInt>(core::uniform(seed, core::Stream::data_split, i) * d_out);
      d.labels.push_back(c);
      for (PetscInt j = 0; j < d_out; ++j) d.Y.push_back(j == c ? 1.0 : 0.0);
    } else {
      for (PetscInt j = 0; j < d_out; ++j)
        d.Y.push_back(std::sin(1.0 + i + 3.0 * j) + core::normal(seed, core::Stream::teacher_weights, i * d_out + j));
    }
  }
  return d;
}

}  // namespace terrain::testing
