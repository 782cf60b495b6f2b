#include "spectral/probes.hpp"

#include "core/error.hpp"
#include "core/rng.hpp"

namespace terrain::spectral {

Mat rademacher_probes(Mat op, PetscInt m, std::uint64_t seed, std::uint64_t first_probe) {
  MPI_Comm comm;
  TERRAIN_PETSC(PetscObjectGetComm(reinterpret_cast<PetscObject>(op), &comm));
  PetscInt N = 0, n = 0, begin = 0, end = 0, lda = 0;
  TERRAIN_PETSC(MatGetSize(op, &N, nullptr));
  TERRAIN_PETSC(MatGetLocalSize(op, &n, nullptr));
  TERRAIN_PETSC(MatGetOwnershipRange(op, &begin, &end));
  Mat Z;
  TERRAIN_PETSC(MatCreateDense(comm, n, PETSC_DECIDE, N, m, nullptr, &Z));
  TERRAIN_PETSC(MatDenseGetLDA(Z, &lda));
  double* z = nullptr;
  TERRAIN_PETSC(MatDenseGetArrayWrite(Z, &z));
  for (PetscInt j = 0; j < m; ++j) {
    const std::uint64_t base = (first_probe + std::uint64_t(j)) * std::uint64_t(N);
    for (PetscInt i = begin; i < end; ++i)
      z[(i - begin) + j * lda] =
          core::random_bits(seed, core::Stream::probe, base + std::uint64_t(i)) >> 63 ? 1.0 : -1.0;
  }
  TERRAIN_PETSC(MatDenseRestoreArrayWrite(Z, &z));
  TERRAIN_PETSC(MatAssemblyBegin(Z, MAT_FINAL_ASSEMBLY));
  TERRAIN_PETSC(MatAssemblyEnd(Z, MAT_FINAL_ASSEMBLY));
  return Z;
}

}  // namespace terrain::spectral
