#include "embedding/prediction_agreement.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace terrain::embedding {

namespace {
PetscInt argmax(const double* row, PetscInt k) {
  return static_cast<PetscInt>(std::max_element(row, row + k) - row);
}
}  // namespace

double max_difference(MPI_Comm comm, const std::vector<double>& f, const std::vector<double>& g) {
  TERRAIN_CHECK(f.size() == g.size(), "internal: comparing outputs of different shapes");
  double m = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double d = std::abs(f[i] - g[i]);
    m = std::isnan(d) ? d : std::max(m, d);
    if (std::isnan(m)) break;
  }
  MPI_Allreduce(MPI_IN_PLACE, &m, 1, MPI_DOUBLE, MPI_MAX, comm);
  return m;
}

Agreement prediction_agreement(MPI_Comm comm, const std::vector<double>& f,
                               const std::vector<double>& g, PetscInt n_local, PetscInt k,
                               bool classification) {
  TERRAIN_CHECK(f.size() == std::size_t(n_local) * k && g.size() == f.size(),
                "internal: outputs of " << f.size() << " and " << g.size() << " entries for "
                                        << n_local << " x " << k);
  Agreement a;
  a.classification = classification;
  a.max_difference = max_difference(comm, f, g);
  std::int64_t n = n_local;
  MPI_Allreduce(MPI_IN_PLACE, &n, 1, MPI_INT64_T, MPI_SUM, comm);
  a.n_samples = n;
  if (!classification) {
    a.agreement = a.max_difference;
    return a;
  }
  a.classes = k;
  a.matrix.assign(std::size_t(k) * k, 0);
  for (PetscInt i = 0; i < n_local; ++i)
    ++a.matrix[std::size_t(argmax(&f[std::size_t(i) * k], k)) * k +
               argmax(&g[std::size_t(i) * k], k)];
  MPI_Allreduce(MPI_IN_PLACE, a.matrix.data(), static_cast<int>(a.matrix.size()), MPI_INT64_T,
                MPI_SUM, comm);
  std::int64_t same = 0;
  for (PetscInt c = 0; c < k; ++c) same += a.matrix[std::size_t(c) * k + c];
  a.agreement = n > 0 ? double(same) / double(n) : 0.0;
  return a;
}

}  // namespace terrain::embedding
