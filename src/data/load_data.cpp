#include "data/load_data.hpp"

#include <algorithm>
#include <vector>

#include "core/error.hpp"
#include "data/loaders.hpp"
#include "data/shard.hpp"

namespace terrain::data {

namespace {
// x̃ = [x; 1]: every row gets a last column of ones.
void append_one_column(Dataset& ds) {
  const PetscInt d = ds.d_in;
  std::vector<double> X(std::size_t(ds.n_local) * (d + 1), 1.0);
  for (PetscInt i = 0; i < ds.n_local; ++i)
    std::copy_n(ds.X.begin() + std::size_t(i) * d, d, X.begin() + std::size_t(i) * (d + 1));
  ds.X = std::move(X);
  ds.d_in = d + 1;
}
}  // namespace

Data load_data(MPI_Comm comm, const DataConfig& config) {
  config.validate();
  Data data;
  switch (config.source) {
    case Source::target1d: data = load_target1d(comm, config); break;
    case Source::teacher: data = load_teacher(comm, config); break;
    case Source::csv: data = load_csv(comm, config); break;
    case Source::idx: data = load_idx(comm, config); break;
    case Source::hdf5: data = load_hdf5(comm, config); break;
  }
  for (Dataset* ds : {&data.train, &data.test})
    if (ds->classification) fill_one_hot(*ds);
  if (config.append_one) {
    // An absent test set that has no shape (d_in 0) keeps none.
    for (Dataset* ds : {&data.train, &data.test})
      if (ds->n_global > 0 || ds->d_in > 0) append_one_column(*ds);
    data.source += " + a constant-1 input column (-data_append_one)";
  }
  // A test set must fit the network trained on the training set.
  TERRAIN_CHECK(data.test.n_global == 0 || (data.test.d_in == data.train.d_in &&
                                            data.test.d_out == data.train.d_out),
                "test and training sets of " << data.name << " differ in shape");
  return data;
}

}  // namespace terrain::data
