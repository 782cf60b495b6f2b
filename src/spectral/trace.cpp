#include "spectral/trace.hpp"

#include <slepcbv.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/petsc_handle.hpp"
#include "spectral/columns.hpp"
#include "spectral/probes.hpp"

namespace terrain::spectral {

namespace {
// Probe id ranges of the two estimators, far apart so they never share a probe.
constexpr std::uint64_t kHutchPlusPlusProbes = std::uint64_t(1) << 32;

void mean_and_stderr(const std::vector<double>& x, double* mean, double* stderr_) {
  const double m = double(x.size());
  *mean = std::accumulate(x.begin(), x.end(), 0.0) / m;
  double ss = 0;
  for (double v : x) ss += (v - *mean) * (v - *mean);
  *stderr_ = x.size() > 1 ? std::sqrt(ss / (m - 1) / m) : kUnknown;
}

// zᵢᵀAzᵢ for probes first, …, first + m − 1, `block` per product.
std::vector<double> quadratic_forms(Mat op, PetscInt m, std::uint64_t seed, std::uint64_t first,
                                    PetscInt block, core::Progress& progress) {
  std::vector<double> samples;
  for (PetscInt j0 = 0; j0 < m; j0 += block) {
    const PetscInt b = std::min(block, m - j0);
    const core::OwnedMat Z = rademacher_probes(op, b, seed, first + j0);
    core::OwnedMat Y;
    TERRAIN_PETSC(MatMatMult(op, Z, MAT_INITIAL_MATRIX, PETSC_DEFAULT, Y.out()));
    const std::vector<double> d = column_dots(Z, Y);
    samples.insert(samples.end(), d.begin(), d.end());
    progress.update(j0 + b, "H.v of the probes (Hutchinson)");
  }
  return samples;
}

// Orthonormalises the columns of the MATDENSE Y in place (column by column, classical
// Gram–Schmidt twice); a column dependent on the earlier ones (A of low rank) is replaced by a
// fresh Rademacher probe first, so Q always has full rank and stays independent of the later
// probes.
void orthonormalize(Mat Y, std::uint64_t seed, std::uint64_t spare_probe) {
  const MPI_Comm comm = core::comm_of(Y);
  PetscInt k = 0;
  TERRAIN_PETSC(MatGetSize(Y, nullptr, &k));
  core::OwnedVec v;
  TERRAIN_PETSC(MatCreateVecs(Y, nullptr, v.out()));
  core::PetscHandle<BV> bv;
  TERRAIN_PETSC(BVCreate(comm, bv.out()));
  TERRAIN_PETSC(BVSetType(bv, BVSVEC));
  TERRAIN_PETSC(BVSetSizesFromVec(bv, v, k));
  TERRAIN_PETSC(BVSetOrthogonalization(bv, BV_ORTHOG_CGS, BV_ORTHOG_REFINE_ALWAYS, PETSC_DEFAULT,
                                       BV_ORTHOG_BLOCK_GS));
  for (PetscInt j = 0; j < k; ++j) {
    copy_column(Y, j, v);
    TERRAIN_PETSC(BVInsertVec(bv, j, v));
    double norm = 0;
    PetscBool lindep = PETSC_FALSE;
    TERRAIN_PETSC(BVOrthogonalizeColumn(bv, j, nullptr, &norm, &lindep));
    if (lindep || norm == 0) {
      copy_column(rademacher_probes(Y, 1, seed, spare_probe++).get(), 0, v);
      TERRAIN_PETSC(BVInsertVec(bv, j, v));
      TERRAIN_PETSC(BVOrthogonalizeColumn(bv, j, nullptr, &norm, &lindep));
    }
    TERRAIN_PETSC(BVScaleColumn(bv, j, 1.0 / norm));
    Vec q;
    TERRAIN_PETSC(BVGetColumn(bv, j, &q));
    copy_to_column(q, Y, j);
    TERRAIN_PETSC(BVRestoreColumn(bv, j, &q));
  }
}
}  // namespace

TraceEstimate estimate_trace(Mat op, PetscInt probes, std::uint64_t seed, PetscInt block,
                             bool hutchpp) {
  TERRAIN_CHECK(probes >= 3, "trace estimation needs at least 3 probes, got " << probes);
  PetscInt N = 0;
  TERRAIN_PETSC(MatGetSize(op, &N, nullptr));
  TraceEstimate t;
  t.probes = probes;
  t.seed = seed;

  // Progress counts operator applications: the Hutchinson probes, then Hutch++'s 3k.
  const PetscInt k = hutchpp ? std::min<PetscInt>(probes / 3, N) : 0;
  core::Progress progress(core::comm_of(op), "trace", probes + 3 * k);

  // Hutchinson.
  t.samples = quadratic_forms(op, probes, seed, 0, block, progress);
  mean_and_stderr(t.samples, &t.hutchinson, &t.hutchinson_stderr);
  if (!hutchpp) {
    progress.finish(std::to_string(probes) + " Hutchinson probes");
    return t;
  }

  // Hutch++ with the same budget: k products sketch, k measure the sketch, k probe the rest.
  core::OwnedMat S = rademacher_probes(op, k, seed, kHutchPlusPlusProbes), Q, AQ;
  TERRAIN_PETSC(MatMatMult(op, S, MAT_INITIAL_MATRIX, PETSC_DEFAULT, Q.out()));
  S.reset();
  progress.update(probes + k, "H.v of the sketch (Hutch++)");
  orthonormalize(Q, seed, kHutchPlusPlusProbes + 3 * std::uint64_t(k));
  TERRAIN_PETSC(MatMatMult(op, Q, MAT_INITIAL_MATRIX, PETSC_DEFAULT, AQ.out()));
  progress.update(probes + 2 * k, "H.v of the sketch (Hutch++)");
  const std::vector<double> top = column_dots(Q, AQ);
  const double sketched = std::accumulate(top.begin(), top.end(), 0.0);
  AQ.reset();
  // G ← (I − QQᵀ) G for fresh probes G, then their quadratic forms.
  core::OwnedMat G = rademacher_probes(op, k, seed, kHutchPlusPlusProbes + k), QtG, AG;
  TERRAIN_PETSC(MatTransposeMatMult(Q, G, MAT_INITIAL_MATRIX, PETSC_DEFAULT, QtG.out()));
  core::OwnedMat QQtG;
  TERRAIN_PETSC(MatMatMult(Q, QtG, MAT_INITIAL_MATRIX, PETSC_DEFAULT, QQtG.out()));
  TERRAIN_PETSC(MatAXPY(G, -1.0, QQtG, SAME_NONZERO_PATTERN));
  TERRAIN_PETSC(MatMatMult(op, G, MAT_INITIAL_MATRIX, PETSC_DEFAULT, AG.out()));
  const std::vector<double> rest = column_dots(G, AG);
  double rest_mean = 0, rest_stderr = 0;
  mean_and_stderr(rest, &rest_mean, &rest_stderr);
  t.hutchpp = sketched + rest_mean;
  t.hutchpp_stderr = rest_stderr;
  progress.finish(std::to_string(probes) + " Hutchinson probes, Hutch++ sketch of " +
                  std::to_string(k));
  return t;
}

}  // namespace terrain::spectral
