#include "core/random_vec.hpp"

#include "core/error.hpp"

namespace terrain::core {

void fill_random(double* local, PetscInt begin, PetscInt end, Distribution distribution,
                 std::uint64_t seed, Stream stream, std::uint64_t offset) {
  for (PetscInt i = begin; i < end; ++i) {
    const std::uint64_t index = offset + static_cast<std::uint64_t>(i);
    local[i - begin] = distribution == Distribution::normal
                           ? normal(seed, stream, index)
                           : (random_bits(seed, stream, index) >> 63 ? 1.0 : -1.0);
  }
}

void fill_random(Vec v, Distribution distribution, std::uint64_t seed, Stream stream,
                 std::uint64_t offset) {
  PetscInt begin = 0, end = 0;
  TERRAIN_PETSC(VecGetOwnershipRange(v, &begin, &end));
  double* a = nullptr;
  TERRAIN_PETSC(VecGetArrayWrite(v, &a));
  fill_random(a, begin, end, distribution, seed, stream, offset);
  TERRAIN_PETSC(VecRestoreArrayWrite(v, &a));
}

}  // namespace terrain::core
