#pragma once
// Random probe vectors for stochastic estimators, as columns of a MATDENSE laid out like an
// operator's rows. Entry i of probe p is a function of (seed, p·N + i) only (core::random_bits
// on Stream::probe), so every rank count draws the same probes.
#include <petscmat.h>

#include <cstdint>

#include "core/petsc_handle.hpp"

namespace terrain::spectral {

// An N × m MATDENSE with the row layout of `op`, columns = probes
// first_probe, …, first_probe + m − 1, entries ±1 (Rademacher).
core::OwnedMat rademacher_probes(Mat op, PetscInt m, std::uint64_t seed,
                                 std::uint64_t first_probe);

}  // namespace terrain::spectral
