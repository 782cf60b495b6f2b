#include "geometry/activation_matching.hpp"

#include <cblas.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "geometry/linear_assignment.hpp"
#include "model/network.hpp"

namespace terrain::geometry {

namespace {

// Rows of the shard per forward pass: AᵀB stays a GEMM with a long inner dimension.
constexpr PetscInt kRowsPerBlock = 4096;

// Column sums and sums of squares of an n × m row-major block, added to sum and sq.
void add_moments(const double* a, PetscInt n, PetscInt m, double* sum, double* sq) {
  for (PetscInt i = 0; i < n; ++i) {
    const double* row = a + static_cast<std::size_t>(i) * m;
    for (PetscInt j = 0; j < m; ++j) {
      sum[j] += row[j];
      sq[j] += row[j] * row[j];
    }
  }
}

}  // namespace

ActivationMatching activation_matching(MPI_Comm comm, const model::Architecture& arch,
                                       const std::vector<double>& theta_a,
                                       const std::vector<double>& theta_b,
                                       const data::Dataset& data) {
  require_symmetry_support(arch);
  const model::Network net(arch);
  TERRAIN_CHECK(static_cast<PetscInt>(theta_a.size()) == net.n_params() &&
                    static_cast<PetscInt>(theta_b.size()) == net.n_params(),
                "internal: activation matching of vectors of " << theta_a.size() << " and "
                                                               << theta_b.size() << " entries for "
                                                               << net.n_params() << " parameters");
  TERRAIN_CHECK(data.d_in == arch.widths.front(), "activation matching: the data have "
                                                      << data.d_in << " inputs, the network "
                                                      << arch.widths.front());
  TERRAIN_CHECK(data.n_global >= 2,
                "activation matching needs at least 2 samples, the data have " << data.n_global);
  const int hidden = arch.n_layers() - 1;
  const PetscInt n_local = data.n_local;
  // Per layer: AᵀB (m²), then Σa, Σa², Σb, Σb² (m each), all layers in one buffer.
  std::vector<std::size_t> offset(hidden + 1, 0);
  for (int l = 0; l < hidden; ++l) {
    const std::size_t m = arch.fan_out(l);
    offset[l + 1] = offset[l] + m * m + 4 * m;
  }
  std::vector<double> sums(offset[hidden], 0.0);
  // The shard in blocks of rows, so the activations kept are bounded whatever its size.
  model::PassState sa, sb;
  for (PetscInt r0 = 0; r0 < n_local; r0 += kRowsPerBlock) {
    const PetscInt rows = std::min(kRowsPerBlock, n_local - r0);
    const double* x = data.X.data() + static_cast<std::size_t>(r0) * data.d_in;
    net.forward(theta_a.data(), x, rows, sa, false);
    net.forward(theta_b.data(), x, rows, sb, false);
    for (int l = 0; l < hidden; ++l) {
      const PetscInt m = arch.fan_out(l);
      double* cross = sums.data() + offset[l];
      const double* a = sa.out[l].data();
      const double* b = sb.out[l].data();
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, m, rows, 1.0, a, m, b, m, 1.0, cross,
                  m);
      double* mom = cross + static_cast<std::size_t>(m) * m;
      add_moments(a, rows, m, mom, mom + m);
      add_moments(b, rows, m, mom + 2 * m, mom + 3 * m);
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(sums.size()), MPI_DOUBLE, MPI_SUM,
                comm);

  const bool odd = odd_activation(arch.activation);
  const double inv_n = 1.0 / static_cast<double>(data.n_global);
  ActivationMatching r;
  r.g = identity_symmetry(arch);
  for (int l = 0; l < hidden; ++l) {
    const PetscInt m = arch.fan_out(l);
    const double* cross = sums.data() + offset[l];
    const double* mom = cross + static_cast<std::size_t>(m) * m;
    // 1/σ per unit, 0 for a constant unit.
    auto inv_sd = [&](const double* sum, const double* sq) {
      std::vector<double> v(m);
      for (PetscInt j = 0; j < m; ++j) {
        const double mean = sum[j] * inv_n, msq = sq[j] * inv_n, var = msq - mean * mean;
        v[j] = var > 1e-12 * msq ? 1.0 / std::sqrt(var) : 0.0;
      }
      return v;
    };
    const std::vector<double> ia = inv_sd(mom, mom + m), ib = inv_sd(mom + 2 * m, mom + 3 * m);
    std::vector<double> corr(static_cast<std::size_t>(m) * m), score(corr.size());
    for (PetscInt j = 0; j < m; ++j)
      for (PetscInt p = 0; p < m; ++p) {
        const double cov = cross[j * m + p] * inv_n - (mom[j] * inv_n) * (mom[2 * m + p] * inv_n);
        const double c = std::clamp(cov * ia[j] * ib[p], -1.0, 1.0);
        corr[j * m + p] = c;
        score[j * m + p] = odd ? std::abs(c) : c;
      }
    std::vector<PetscInt> perm = max_weight_assignment(score, m);
    std::vector<int> sign(m, 1);
    double matched = 0, ident = 0;
    for (PetscInt j = 0; j < m; ++j) {
      if (odd && corr[j * m + perm[j]] < 0) sign[j] = -1;
      matched += sign[j] * corr[j * m + perm[j]];
      ident += corr[j * m + j];
    }
    r.g.perm[l] = std::move(perm);
    r.g.sign[l] = std::move(sign);
    r.correlation.push_back(matched / m);
    r.identity_correlation.push_back(ident / m);
  }
  // Rank 0's result everywhere: the sums may differ in the last bit between ranks.
  for (int l = 0; l < hidden; ++l) {
    const int m = static_cast<int>(arch.fan_out(l));
    MPI_Bcast(r.g.perm[l].data(), m, MPIU_INT, 0, comm);
    MPI_Bcast(r.g.sign[l].data(), m, MPI_INT, 0, comm);
  }
  MPI_Bcast(r.correlation.data(), hidden, MPI_DOUBLE, 0, comm);
  MPI_Bcast(r.identity_correlation.data(), hidden, MPI_DOUBLE, 0, comm);
  return r;
}

}  // namespace terrain::geometry
