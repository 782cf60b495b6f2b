#include "embedding/network_values.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "model/predict.hpp"
#include "objective/objective.hpp"
#include "objective/replicated.hpp"

namespace terrain::embedding {

namespace {
std::vector<double> outputs(const model::Architecture& arch, const std::vector<double>& theta,
                            const data::Dataset& ds) {
  std::vector<double> out(std::size_t(ds.n_local) * arch.widths.back());
  if (ds.n_local > 0) model::predict(arch, theta.data(), ds.X.data(), ds.n_local, out.data());
  return out;
}
}  // namespace

NetworkValues network_values(MPI_Comm comm, const model::Architecture& arch,
                             const std::vector<double>& theta, const data::Data& data) {
  NetworkValues v;
  objective::Objective f(comm, arch, data.train);
  const core::OwnedVec x(f.create_vec());
  objective::distribute(theta, x);
  v.loss = f.loss(x);
  v.accuracy = f.accuracy(x);
  v.test_loss = v.test_accuracy = NAN;
  if (data.test.n_global > 0) {
    const objective::Evaluation e = f.evaluate(x, data.test);
    v.test_loss = e.loss;
    v.test_accuracy = e.accuracy;
  }
  v.train_out = outputs(arch, theta, data.train);
  v.test_out = outputs(arch, theta, data.test);
  return v;
}

}  // namespace terrain::embedding
