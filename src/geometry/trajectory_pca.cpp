#include "geometry/trajectory_pca.hpp"

#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "io/point_reader.hpp"
#include "io/run_file.hpp"

namespace terrain::geometry {

namespace {
const char* const kData = "/trajectory/params";
const char* const kSteps = "/trajectory/params_step";

// A component whose eigenvalue is below this share of the largest is rounding, not variance.
constexpr double kZeroVariance = 1e-13;

PetscBLASInt blas_int(PetscInt n) { return static_cast<PetscBLASInt>(n); }
}  // namespace

void fix_sign(Vec v) {
  PetscInt imax = 0, imin = 0;
  double max = 0, min = 0;
  TERRAIN_PETSC(VecMax(v, &imax, &max));
  TERRAIN_PETSC(VecMin(v, &imin, &min));
  if (-min > max || (-min == max && imin < imax)) TERRAIN_PETSC(VecScale(v, -1.0));
}

TrajectoryPca::TrajectoryPca(const std::string& path, const model::Architecture& arch, Vec theta,
                             int count)
    : comm_(core::comm_of(theta)) {
  read_snapshots(path, arch, theta);
  const PetscInt T = static_cast<PetscInt>(steps_.size());

  // G = MᵀM: this rank's share by one GEMM, then one sum over ranks.
  std::vector<double> g(static_cast<std::size_t>(T * T), 0.0);
  {
    const PetscBLASInt t = blas_int(T), n = blas_int(n_local_),
                       ld = blas_int(std::max<PetscInt>(n_local_, 1));
    const double one = 1, zero = 0;
    if (n_local_ > 0)
      BLASgemm_("T", "N", &t, &t, &n, &one, m_.data(), &ld, m_.data(), &ld, &zero, g.data(), &t);
  }
  MPI_Allreduce(MPI_IN_PLACE, g.data(), static_cast<int>(g.size()), MPI_DOUBLE, MPI_SUM, comm_);

  // The centre's snapshot is exactly zero: leave it out.
  std::vector<PetscInt> kept;
  for (PetscInt t = 0; t < T; ++t)
    if (g[static_cast<std::size_t>(t * T + t)] != 0) kept.push_back(t);
  const PetscInt K = static_cast<PetscInt>(kept.size());
  TERRAIN_CHECK(K >= 2 && K >= count,
                path << ": pca needs at least " << std::max(2, count) << " snapshots in " << kData
                     << " other than the centre, found " << K << " (-surf_trajectory)");

  // G restricted to the kept snapshots; dsyev overwrites it with U (eigenvalues ascending).
  std::vector<double> u(static_cast<std::size_t>(K * K));
  for (PetscInt j = 0; j < K; ++j)
    for (PetscInt i = 0; i < K; ++i) u[i + j * K] = g[kept[i] + kept[j] * T];
  std::vector<double> w(static_cast<std::size_t>(K));
  {
    PetscBLASInt k = blas_int(K), info = 0, lwork = blas_int(std::max<PetscInt>(3 * K, 64));
    std::vector<double> work(static_cast<std::size_t>(lwork));
    LAPACKsyev_("V", "U", &k, u.data(), &k, w.data(), work.data(), &lwork, &info);
    TERRAIN_CHECK(info == 0, path << ": LAPACK dsyev failed on the " << K << "x" << K
                                  << " Gram matrix of the snapshots (info " << info << ")");
  }
  eigenvalues_.assign(w.rbegin(), w.rend());
  const double total = std::accumulate(eigenvalues_.begin(), eigenvalues_.end(), 0.0);
  for (double l : eigenvalues_) ratio_.push_back(total > 0 ? l / total : 0.0);

  // Component k = M_kept u_k / ‖·‖, u_k the column of the k-th largest eigenvalue.
  std::vector<double> kept_local(static_cast<std::size_t>(n_local_ * K));
  for (PetscInt j = 0; j < K; ++j)
    std::copy_n(m_.begin() + kept[j] * n_local_, n_local_, kept_local.begin() + j * n_local_);
  for (int c = 0; c < count; ++c) {
    TERRAIN_CHECK(eigenvalues_[c] > kZeroVariance * eigenvalues_[0],
                  path << ": pca component " << c << " has no variance (eigenvalue "
                       << eigenvalues_[c] << " of the Gram matrix, the largest is "
                       << eigenvalues_[0] << "): the snapshots span fewer than " << count
                       << " directions around the centre (-surf_trajectory)");
    Vec d = components_.push_back_duplicate(theta);
    {
      core::VecWriteAccess a(d);
      const PetscBLASInt n = blas_int(n_local_), k = blas_int(K),
                         ld = blas_int(std::max<PetscInt>(n_local_, 1)), inc = 1;
      const double one = 1, zero = 0;
      if (n_local_ > 0)
        BLASgemv_("N", &n, &k, &one, kept_local.data(), &ld,
                  &u[static_cast<std::size_t>((K - 1 - c) * K)], &inc, &zero, a.get(), &inc);
    }
    double norm = 0;
    TERRAIN_PETSC(VecNormalize(d, &norm));
    fix_sign(d);
  }
}

void TrajectoryPca::read_snapshots(const std::string& path, const model::Architecture& arch,
                                   Vec theta) {
  PetscInt N = 0, begin = 0, end = 0;
  TERRAIN_PETSC(VecGetSize(theta, &N));
  TERRAIN_PETSC(VecGetOwnershipRange(theta, &begin, &end));
  n_local_ = end - begin;
  {
    io::RunFile file = io::RunFile::open_read(comm_, path);
    TERRAIN_CHECK(
        file.has(kData) && file.has(kSteps),
        path << ": no " << kData << " with " << kSteps
             << " (the run saved no parameter snapshots), which pca needs (-surf_trajectory)");
    steps_ = file.read_ints(kSteps).values;
  }
  TERRAIN_CHECK(!steps_.empty(),
                path << ": " << kSteps << " is empty; pca needs snapshots (-surf_trajectory)");
  // read_point validates the file against the network (schema, widths, the snapshots' shape).
  core::OwnedVec first;
  TERRAIN_PETSC(VecDuplicate(theta, first.out()));
  io::read_point(comm_, path, arch, static_cast<PetscInt>(steps_[0]), first);

  // Rows are stored whole: each round, rank r reads one row, and one all-to-all hands every
  // rank its owned entries of each row read (a transpose; O(n) memory per rank).
  int size = 1, rank = 0;
  MPI_Comm_size(comm_, &size);
  MPI_Comm_rank(comm_, &rank);
  const PetscInt* ranges = nullptr;
  TERRAIN_PETSC(VecGetOwnershipRanges(theta, &ranges));
  const std::size_t T = steps_.size();
  m_.assign(T * static_cast<std::size_t>(n_local_), 0.0);
  std::vector<double> row(static_cast<std::size_t>(N));
  std::vector<int> send_counts(size), send_displs(size), recv_counts(size), recv_displs(size);
  io::RunFile file = io::RunFile::open_read(comm_, path);
  core::Progress progress(comm_, "pca snapshots", static_cast<PetscInt>(T));
  for (std::size_t round = 0; round < T; round += static_cast<std::size_t>(size)) {
    progress.update(static_cast<PetscInt>(round));
    const std::size_t mine = round + static_cast<std::size_t>(rank);
    const bool reads = mine < T;
    file.read_rows(kData, reads ? mine : 0, reads ? 1 : 0, static_cast<std::size_t>(N), row.data());
    for (int q = 0; q < size; ++q) {
      send_counts[q] = reads ? static_cast<int>(ranges[q + 1] - ranges[q]) : 0;
      send_displs[q] = static_cast<int>(ranges[q]);
      const bool sent = round + static_cast<std::size_t>(q) < T;
      recv_counts[q] = sent ? static_cast<int>(n_local_) : 0;
      recv_displs[q] =
          sent ? static_cast<int>((round + q) * static_cast<std::size_t>(n_local_)) : 0;
    }
    MPI_Alltoallv(row.data(), send_counts.data(), send_displs.data(), MPI_DOUBLE, m_.data(),
                  recv_counts.data(), recv_displs.data(), MPI_DOUBLE, comm_);
  }
  file.close();
  progress.finish();
  const core::VecReadAccess t(theta);
  for (std::size_t s = 0; s < T; ++s)
    for (PetscInt i = 0; i < n_local_; ++i) m_[s * n_local_ + i] -= t.get()[i];
}

std::vector<double> TrajectoryPca::project(Vec d) const {
  const PetscInt T = static_cast<PetscInt>(steps_.size());
  std::vector<double> p(static_cast<std::size_t>(T), 0.0);
  {
    const core::VecReadAccess a(d);
    const PetscBLASInt n = blas_int(n_local_), t = blas_int(T),
                       ld = blas_int(std::max<PetscInt>(n_local_, 1)), inc = 1;
    const double one = 1, zero = 0;
    if (n_local_ > 0)
      BLASgemv_("T", &n, &t, &one, m_.data(), &ld, a.get(), &inc, &zero, p.data(), &inc);
  }
  MPI_Allreduce(MPI_IN_PLACE, p.data(), static_cast<int>(T), MPI_DOUBLE, MPI_SUM, comm_);
  double norm = 0;
  TERRAIN_PETSC(VecNorm(d, NORM_2, &norm));
  for (double& x : p) x /= norm * norm;
  return p;
}

}  // namespace terrain::geometry
