#include "spectral/inertia.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/petsc_handle.hpp"

namespace terrain::spectral {

Inertia inertia_from_eigenvalues(const std::vector<double>& values, double tol) {
  Inertia c;
  c.tol = tol;
  c.method = "dense eigenvalues";
  c.n_neg = std::count_if(values.begin(), values.end(), [&](double v) { return v < -tol; });
  c.n_pos = std::count_if(values.begin(), values.end(), [&](double v) { return v >= tol; });
  c.n_zero = static_cast<std::int64_t>(values.size()) - c.n_neg - c.n_pos;
  return c;
}

double ZeroTolerance::effective(double scale) const {
  return std::max(atol, rtol * std::abs(scale));
}

Inertia inertia_from_eigenvalues(const std::vector<double>& values, const ZeroTolerance& tol) {
  double scale = 0;
  for (double v : values) scale = std::max(scale, std::abs(v));
  const double tau = tol.effective(scale);
  TERRAIN_CHECK(tau > 0, "the zero tolerance must be positive: atol " << tol.atol << ", rtol "
                                                                       << tol.rtol << ", max|lambda| "
                                                                       << scale);
  return inertia_from_eigenvalues(values, tau);
}

namespace {
// The upper triangle of A as MATSBAIJ (block size 1): what a symmetric LDLᵀ reads, at half the
// memory of MATAIJ. Every entry is inserted, zeros included, so the diagonal can be shifted.
core::OwnedMat upper_triangle(Mat A) {
  const MPI_Comm comm = core::comm_of(A);
  PetscInt N = 0, n = 0, begin = 0, end = 0, lda = 0;
  TERRAIN_PETSC(MatGetSize(A, &N, nullptr));
  TERRAIN_PETSC(MatGetLocalSize(A, &n, nullptr));
  TERRAIN_PETSC(MatGetOwnershipRange(A, &begin, &end));
  // Row i keeps columns i..N−1: the diagonal block's upper part and everything to its right.
  std::vector<PetscInt> d_nnz(n), o_nnz(n);
  for (PetscInt i = begin; i < end; ++i) {
    d_nnz[i - begin] = end - i;
    o_nnz[i - begin] = N - end;
  }
  core::OwnedMat S;
  TERRAIN_PETSC(MatCreateSBAIJ(comm, 1, n, n, N, N, 0, d_nnz.data(), 0, o_nnz.data(), S.out()));
  TERRAIN_PETSC(MatSetOption(S, MAT_IGNORE_LOWER_TRIANGULAR, PETSC_TRUE));
  const double* a = nullptr;
  TERRAIN_PETSC(MatDenseGetLDA(A, &lda));
  TERRAIN_PETSC(MatDenseGetArrayRead(A, &a));
  std::vector<PetscInt> cols(N);
  for (PetscInt j = 0; j < N; ++j) cols[j] = j;
  std::vector<double> row(N);
  for (PetscInt i = begin; i < end; ++i) {
    const PetscInt r = i - begin;
    for (PetscInt j = i; j < N; ++j) row[j - i] = a[r + j * lda];
    TERRAIN_PETSC(MatSetValues(S, 1, &i, N - i, &cols[i], row.data(), INSERT_VALUES));
  }
  TERRAIN_PETSC(MatDenseRestoreArrayRead(A, &a));
  TERRAIN_PETSC(MatAssemblyBegin(S, MAT_FINAL_ASSEMBLY));
  TERRAIN_PETSC(MatAssemblyEnd(S, MAT_FINAL_ASSEMBLY));
  TERRAIN_PETSC(MatSetOption(S, MAT_SYMMETRIC, PETSC_TRUE));
  return S;
}

PetscInt negative_pivots(Mat F, Mat S, bool first) {
  if (!first) {
    MatFactorInfo info;
    TERRAIN_PETSC(MatFactorInfoInitialize(&info));
    TERRAIN_PETSC(MatCholeskyFactorNumeric(F, S, &info));
  }
  PetscInt neg = 0;
  TERRAIN_PETSC(MatGetInertia(F, &neg, nullptr, nullptr));
  return neg;
}
}  // namespace

Inertia sylvester_inertia(Mat A, double tol) {
  TERRAIN_CHECK(tol > 0, "Sylvester inertia needs a positive tolerance, got " << tol);
  PetscInt N = 0;
  TERRAIN_PETSC(MatGetSize(A, &N, nullptr));
  const MPI_Comm comm = core::comm_of(A);
  int size = 1;
  MPI_Comm_size(comm, &size);

  // Two LDL^T factorisations of a dense N x N matrix, (2/3) N^3 flops: a line at the start
  // when that may outlast the progress interval (at a conservative 2 GFlop/s per rank), one
  // after each factorisation when they did.
  core::Progress progress(comm, "Sylvester inertia", 2);
  const double expected = 2.0 / 3.0 * double(N) * double(N) * double(N) / (2e9 * size);
  if (expected >= core::progress_interval())
    progress.announce("started: MUMPS LDL^T of the " + std::to_string(N) + " x " +
                      std::to_string(N) + " matrix, shifted by +tau and -tau");
  const core::OwnedMat S = upper_triangle(A);
  TERRAIN_PETSC(MatSetOptionsPrefix(S, "spectrum_sylvester_"));
  TERRAIN_PETSC(MatShift(S, tol));  // A + τI
  core::OwnedMat F;
  TERRAIN_PETSC(MatGetFactor(S, MATSOLVERMUMPS, MAT_FACTOR_CHOLESKY, F.out()));
  // Without ICNTL(13) = 1 MUMPS hands the root front to ScaLAPACK, which reports no inertia.
  if (size > 1) TERRAIN_PETSC(MatMumpsSetIcntl(F, 13, 1));
  MatFactorInfo info;
  TERRAIN_PETSC(MatFactorInfoInitialize(&info));
  TERRAIN_PETSC(MatCholeskyFactorSymbolic(F, S, nullptr, &info));
  TERRAIN_PETSC(MatCholeskyFactorNumeric(F, S, &info));
  const PetscInt below_minus = negative_pivots(F, S, true);
  progress.update(1, "factorisation of H + tau I");
  TERRAIN_PETSC(MatShift(S, -2.0 * tol));  // A − τI, same pattern: only a new numeric factorisation
  const PetscInt below_plus = negative_pivots(F, S, false);
  progress.finish("two factorisations of the " + std::to_string(N) + " x " + std::to_string(N) +
                  " matrix");

  Inertia c;
  c.tol = tol;
  c.method = "MUMPS LDL^T inertia of H + tau I and H - tau I";
  c.n_neg = below_minus;
  c.n_zero = below_plus - below_minus;
  c.n_pos = N - below_plus;
  return c;
}

}  // namespace terrain::spectral
