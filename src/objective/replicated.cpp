#include "objective/replicated.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"

namespace terrain::objective {

std::vector<double> replicate(Vec v) {
  core::PetscHandle<VecScatter> scatter;
  core::OwnedVec all;
  TERRAIN_PETSC(VecScatterCreateToAll(v, scatter.out(), all.out()));
  TERRAIN_PETSC(VecScatterBegin(scatter, v, all, INSERT_VALUES, SCATTER_FORWARD));
  TERRAIN_PETSC(VecScatterEnd(scatter, v, all, INSERT_VALUES, SCATTER_FORWARD));
  PetscInt n = 0;
  TERRAIN_PETSC(VecGetLocalSize(all, &n));
  const PetscScalar* a = nullptr;
  TERRAIN_PETSC(VecGetArrayRead(all, &a));
  std::vector<double> out(a, a + n);
  TERRAIN_PETSC(VecRestoreArrayRead(all, &a));
  return out;
}

void distribute(const std::vector<double>& all, Vec v) {
  PetscInt N = 0, begin = 0, end = 0;
  TERRAIN_PETSC(VecGetSize(v, &N));
  TERRAIN_CHECK(static_cast<std::size_t>(N) == all.size(),
                "internal: a parameter vector of " << all.size() << " entries for a Vec of " << N);
  TERRAIN_PETSC(VecGetOwnershipRange(v, &begin, &end));
  PetscScalar* a = nullptr;
  TERRAIN_PETSC(VecGetArray(v, &a));
  std::copy(all.begin() + begin, all.begin() + end, a);
  TERRAIN_PETSC(VecRestoreArray(v, &a));
}

}  // namespace terrain::objective
