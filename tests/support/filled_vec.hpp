#pragma once
// A distributed Vec of n entries with entry i = offset + i: recognisable values for round trips.
#include <petscvec.h>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"

namespace terrain::testing {

inline core::OwnedVec filled_vec(PetscInt n, double offset) {
  core::OwnedVec v;
  TERRAIN_PETSC(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, n, v.out()));
  PetscInt begin = 0, end = 0;
  TERRAIN_PETSC(VecGetOwnershipRange(v, &begin, &end));
  for (PetscInt i = begin; i < end; ++i)
    TERRAIN_PETSC(VecSetValue(v, i, offset + i, INSERT_VALUES));
  TERRAIN_PETSC(VecAssemblyBegin(v));
  TERRAIN_PETSC(VecAssemblyEnd(v));
  return v;
}

}  // namespace terrain::testing
