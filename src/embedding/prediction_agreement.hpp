#pragma once
// How alike two networks' predictions are on the same samples, each rank holding its own rows:
// for classification the fraction of samples whose argmax predictions agree and the confusion
// matrix between the two (rows: this network's class, columns: the reference's); for
// regression the largest |difference| of any output. Collective on `comm`.
#include <mpi.h>
#include <petscsys.h>

#include <cstdint>
#include <vector>

namespace terrain::embedding {

struct Agreement {
  bool classification = false;
  PetscInt classes = 0;
  std::int64_t n_samples = 0;
  double agreement = 0;               // fraction agreeing (classification), else max |f − g|
  std::vector<std::int64_t> matrix;   // [classes × classes] row-major (classification)
  double max_difference = 0;          // max |f − g| over all outputs (both kinds)
};

// f, g: n_local × k row-major outputs of this network and of the reference.
Agreement prediction_agreement(MPI_Comm comm, const std::vector<double>& f,
                               const std::vector<double>& g, PetscInt n_local, PetscInt k,
                               bool classification);

// max |f_i − g_i| over every entry on every rank.
double max_difference(MPI_Comm comm, const std::vector<double>& f, const std::vector<double>& g);

}  // namespace terrain::embedding
