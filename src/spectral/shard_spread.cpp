#include "spectral/shard_spread.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "objective/curvature_operator.hpp"

namespace terrain::spectral {

ShardSpread shard_spread(const model::Architecture& arch, const data::Dataset& train, Vec theta,
                         objective::Curvature kind, const EigenSettings& settings, double full) {
  const MPI_Comm comm = core::comm_of(theta);
  int size = 1;
  MPI_Comm_size(comm, &size);
  long fewest = train.n_local;
  MPI_Allreduce(MPI_IN_PLACE, &fewest, 1, MPI_LONG, MPI_MIN, comm);
  TERRAIN_CHECK(fewest > 0, "-spectrum_shards: a rank holds no samples ("
                                << train.n_global << " samples on " << size << " ranks)");

  // This rank's rows as a whole data set of their own.
  data::Dataset shard = train;
  shard.n_global = shard.n_local;
  shard.first_row = 0;
  objective::Objective f(PETSC_COMM_SELF, arch, shard);
  core::PetscHandle<VecScatter> gather;
  core::OwnedVec whole;
  TERRAIN_PETSC(VecScatterCreateToAll(theta, gather.out(), whole.out()));
  TERRAIN_PETSC(VecScatterBegin(gather, theta, whole, INSERT_VALUES, SCATTER_FORWARD));
  TERRAIN_PETSC(VecScatterEnd(gather, theta, whole, INSERT_VALUES, SCATTER_FORWARD));
  gather.reset();
  EigenSettings s = settings;
  s.nev = 1;
  double mine = kUnknown;
  {
    objective::CurvatureOperator op(f, whole, kind);
    const Eigenpairs e = extreme_eigenpairs(op.mat(), End::largest, s);
    if (!e.values.empty()) mine = e.values.front();
  }
  whole.reset();

  ShardSpread r;
  r.full = full;
  r.lambda_max.resize(size);
  r.n_samples.resize(size);
  const long long n = train.n_local;
  std::vector<long long> counts(size);
  MPI_Allgather(&mine, 1, MPI_DOUBLE, r.lambda_max.data(), 1, MPI_DOUBLE, comm);
  MPI_Allgather(&n, 1, MPI_LONG_LONG, counts.data(), 1, MPI_LONG_LONG, comm);
  std::copy(counts.begin(), counts.end(), r.n_samples.begin());
  r.min = *std::min_element(r.lambda_max.begin(), r.lambda_max.end());
  r.max = *std::max_element(r.lambda_max.begin(), r.lambda_max.end());
  r.mean = std::accumulate(r.lambda_max.begin(), r.lambda_max.end(), 0.0) / size;
  double ss = 0;
  for (double v : r.lambda_max) ss += (v - r.mean) * (v - r.mean);
  r.std = size > 1 ? std::sqrt(ss / (size - 1)) : 0.0;
  return r;
}

}  // namespace terrain::spectral
