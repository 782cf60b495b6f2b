#pragma once
// A network given as (architecture, replicated parameters) measured on a study's data: its
// losses through objective::Objective (the one definition of the loss) and its outputs on each
// rank's rows, which the embedding checks compare sample by sample. Collective on `comm`.
#include <mpi.h>

#include <vector>

#include "data/dataset.hpp"
#include "model/architecture.hpp"

namespace terrain::embedding {

struct NetworkValues {
  double loss = 0;
  double test_loss = 0;            // NaN without a test set
  double accuracy = 0, test_accuracy = 0;  // NaN for regression / without a test set
  std::vector<double> train_out;   // this rank's training rows × d_out, row-major
  std::vector<double> test_out;    // this rank's test rows × d_out
};

NetworkValues network_values(MPI_Comm comm, const model::Architecture& arch,
                             const std::vector<double>& theta, const data::Data& data);

}  // namespace terrain::embedding
