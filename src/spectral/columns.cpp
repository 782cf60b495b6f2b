#include "spectral/columns.hpp"

#include <cstring>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"

namespace terrain::spectral {

void copy_column(Mat from, PetscInt j, Vec to) {
  PetscInt n = 0, ld = 0;
  TERRAIN_PETSC(MatGetLocalSize(from, &n, nullptr));
  TERRAIN_PETSC(MatDenseGetLDA(from, &ld));
  const double* a = nullptr;
  double* v = nullptr;
  TERRAIN_PETSC(MatDenseGetArrayRead(from, &a));
  TERRAIN_PETSC(VecGetArrayWrite(to, &v));
  if (n) std::memcpy(v, a + j * ld, sizeof(double) * n);
  TERRAIN_PETSC(VecRestoreArrayWrite(to, &v));
  TERRAIN_PETSC(MatDenseRestoreArrayRead(from, &a));
}

void copy_to_column(Vec from, Mat to, PetscInt j) {
  PetscInt n = 0, ld = 0;
  TERRAIN_PETSC(MatGetLocalSize(to, &n, nullptr));
  TERRAIN_PETSC(MatDenseGetLDA(to, &ld));
  const double* v = nullptr;
  double* a = nullptr;
  TERRAIN_PETSC(VecGetArrayRead(from, &v));
  TERRAIN_PETSC(MatDenseGetArray(to, &a));
  if (n) std::memcpy(a + j * ld, v, sizeof(double) * n);
  TERRAIN_PETSC(MatDenseRestoreArray(to, &a));
  TERRAIN_PETSC(VecRestoreArrayRead(from, &v));
}

std::vector<double> column_dots(Mat X, Mat Y) {
  PetscInt m = 0, n = 0, ldx = 0, ldy = 0;
  TERRAIN_PETSC(MatGetSize(X, nullptr, &m));
  TERRAIN_PETSC(MatGetLocalSize(X, &n, nullptr));
  TERRAIN_PETSC(MatDenseGetLDA(X, &ldx));
  TERRAIN_PETSC(MatDenseGetLDA(Y, &ldy));
  const double *x = nullptr, *y = nullptr;
  TERRAIN_PETSC(MatDenseGetArrayRead(X, &x));
  TERRAIN_PETSC(MatDenseGetArrayRead(Y, &y));
  std::vector<double> dots(m, 0.0);
  for (PetscInt j = 0; j < m; ++j)
    for (PetscInt i = 0; i < n; ++i) dots[j] += x[i + j * ldx] * y[i + j * ldy];
  TERRAIN_PETSC(MatDenseRestoreArrayRead(Y, &y));
  TERRAIN_PETSC(MatDenseRestoreArrayRead(X, &x));
  const MPI_Comm comm = core::comm_of(X);
  if (m) MPI_Allreduce(MPI_IN_PLACE, dots.data(), static_cast<int>(m), MPI_DOUBLE, MPI_SUM, comm);
  return dots;
}

}  // namespace terrain::spectral
