#pragma once
// Test oracles on small problems: a distributed dense matrix gathered onto every rank, and its
// eigenvalues from LAPACK (independent of SLEPc).
#include <petscblaslapack.h>
#include <petscmat.h>

#include <vector>

namespace terrain::testing {

// The whole N × M matrix, column-major, on every rank.
inline std::vector<double> replicate_dense(Mat A) {
  PetscInt N = 0, M = 0, n = 0, lda = 0;
  MatGetSize(A, &N, &M);
  MatGetLocalSize(A, &n, nullptr);
  MatDenseGetLDA(A, &lda);
  MPI_Comm comm;
  PetscObjectGetComm(reinterpret_cast<PetscObject>(A), &comm);
  int size = 0;
  MPI_Comm_size(comm, &size);
  std::vector<int> counts(size), displs(size);
  int mine = static_cast<int>(n);
  MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  for (int r = 1; r < size; ++r) displs[r] = displs[r - 1] + counts[r - 1];
  const double* a = nullptr;
  MatDenseGetArrayRead(A, &a);
  std::vector<double> all(std::size_t(N) * M);
  for (PetscInt j = 0; j < M; ++j)
    MPI_Allgatherv(a + j * lda, mine, MPI_DOUBLE, &all[j * N], counts.data(), displs.data(),
                   MPI_DOUBLE, comm);
  MatDenseRestoreArrayRead(A, &a);
  return all;
}

// All eigenvalues, ascending, of the symmetric N × N column-major matrix.
inline std::vector<double> lapack_eigenvalues(std::vector<double> a, PetscInt N) {
  std::vector<double> w(N);
  PetscBLASInt n = static_cast<PetscBLASInt>(N), lwork = static_cast<PetscBLASInt>(3 * N + 64), info = 0;
  std::vector<double> work(lwork);
  LAPACKsyev_("N", "U", &n, a.data(), &n, w.data(), work.data(), &lwork, &info);
  return w;
}

}  // namespace terrain::testing
