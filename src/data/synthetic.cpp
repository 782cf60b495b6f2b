#include "data/synthetic.hpp"

#include <cmath>

#include "core/rng.hpp"

namespace terrain::data {

Dataset synthetic_dataset(MPI_Comm comm, PetscInt n, PetscInt d_in, PetscInt d_out,
                          bool classification, std::uint64_t seed) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  Dataset d;
  d.n_global = n;
  d.d_in = d_in;
  d.d_out = d_out;
  d.classification = classification;
  local_rows(n, rank, size, &d.first_row, &d.n_local);
  d.X.reserve(std::size_t(d.n_local) * d_in);
  d.Y.reserve(std::size_t(d.n_local) * d_out);
  for (PetscInt i = d.first_row; i < d.first_row + d.n_local; ++i) {
    for (PetscInt j = 0; j < d_in; ++j)
      d.X.push_back(core::normal(seed, core::Stream::data_inputs, std::uint64_t(i) * d_in + j));
    if (classification) {
      const auto c = static_cast<PetscInt>(core::uniform(seed, core::Stream::data_split, i) * d_out);
      d.labels.push_back(c);
      for (PetscInt j = 0; j < d_out; ++j) d.Y.push_back(j == c ? 1.0 : 0.0);
    } else {
      for (PetscInt j = 0; j < d_out; ++j)
        d.Y.push_back(core::normal(seed, core::Stream::teacher_weights, std::uint64_t(i) * d_out + j));
    }
  }
  return d;
}

}  // namespace terrain::data
