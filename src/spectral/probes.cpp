#include "spectral/probes.hpp"

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "core/random_vec.hpp"

namespace terrain::spectral {

core::OwnedMat rademacher_probes(Mat op, PetscInt m, std::uint64_t seed,
                                 std::uint64_t first_probe) {
  const MPI_Comm comm = core::comm_of(op);
  PetscInt N = 0, n = 0, begin = 0, end = 0, lda = 0;
  TERRAIN_PETSC(MatGetSize(op, &N, nullptr));
  TERRAIN_PETSC(MatGetLocalSize(op, &n, nullptr));
  TERRAIN_PETSC(MatGetOwnershipRange(op, &begin, &end));
  core::OwnedMat Z;
  TERRAIN_PETSC(MatCreateDense(comm, n, PETSC_DECIDE, N, m, nullptr, Z.out()));
  TERRAIN_PETSC(MatDenseGetLDA(Z, &lda));
  double* z = nullptr;
  TERRAIN_PETSC(MatDenseGetArrayWrite(Z, &z));
  for (PetscInt j = 0; j < m; ++j)
    core::fill_random(z + j * lda, begin, end, core::Distribution::rademacher, seed,
                      core::Stream::probe, (first_probe + std::uint64_t(j)) * std::uint64_t(N));
  TERRAIN_PETSC(MatDenseRestoreArrayWrite(Z, &z));
  TERRAIN_PETSC(MatAssemblyBegin(Z, MAT_FINAL_ASSEMBLY));
  TERRAIN_PETSC(MatAssemblyEnd(Z, MAT_FINAL_ASSEMBLY));
  return Z;
}

}  // namespace terrain::spectral
