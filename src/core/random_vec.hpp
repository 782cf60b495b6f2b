#pragma once
// Random vectors by global index: entry i of a distributed vector is a function of
// (seed, stream, offset + i) only (core/rng.hpp), so no rank count can change what is drawn.
// Used for the λ_max tracker's first start, the probes of stochastic estimators and the
// derivative check's directions.
#include <petscvec.h>

#include <cstdint>

#include "core/rng.hpp"

namespace terrain::core {

enum class Distribution {
  normal,      // standard normal (core::normal)
  rademacher,  // ±1, the top bit of core::random_bits
};

// Fills local[0 .. end − begin) with the entries of global rows [begin, end).
void fill_random(double* local, PetscInt begin, PetscInt end, Distribution distribution,
                 std::uint64_t seed, Stream stream, std::uint64_t offset = 0);

// Fills the owned entries of `v`. Collective only in that every rank fills its own rows.
void fill_random(Vec v, Distribution distribution, std::uint64_t seed, Stream stream,
                 std::uint64_t offset = 0);

}  // namespace terrain::core
