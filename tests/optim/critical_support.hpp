#pragma once
// Shared by the Newton–Krylov and saddle-free Newton tests.
#include <petscvec.h>

#include <vector>

#include "core/error.hpp"

namespace terrain::test {

// Every entry of a distributed Vec, on every rank.
inline std::vector<double> gather(Vec v) {
  Vec all = nullptr;
  VecScatter sc = nullptr;
  TERRAIN_PETSC(VecScatterCreateToAll(v, &sc, &all));
  TERRAIN_PETSC(VecScatterBegin(sc, v, all, INSERT_VALUES, SCATTER_FORWARD));
  TERRAIN_PETSC(VecScatterEnd(sc, v, all, INSERT_VALUES, SCATTER_FORWARD));
  PetscInt n = 0;
  TERRAIN_PETSC(VecGetSize(all, &n));
  const double* a = nullptr;
  TERRAIN_PETSC(VecGetArrayRead(all, &a));
  std::vector<double> out(a, a + n);
  TERRAIN_PETSC(VecRestoreArrayRead(all, &a));
  VecScatterDestroy(&sc);
  VecDestroy(&all);
  return out;
}

}  // namespace terrain::test
