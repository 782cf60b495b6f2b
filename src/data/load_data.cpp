#include "data/load_data.hpp"

#include "core/error.hpp"
#include "data/loaders.hpp"
#include "data/shard.hpp"

namespace terrain::data {

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
  // A test set must fit the network trained on the training set.
  TERRAIN_CHECK(data.test.n_global == 0 || (data.test.d_in == data.train.d_in &&
                                            data.test.d_out == data.train.d_out),
                "test and training sets of " << data.name << " differ in shape");
  return data;
}

}  // namespace terrain::data
