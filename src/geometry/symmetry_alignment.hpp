#pragma once
// B aligned to A for a path between them: the hidden-unit symmetry from weight matching
// (geometry/weight_matching.hpp) or activation matching (geometry/activation_matching.hpp)
// applied to θ_B, with one before/after figure of merit for the log and the file: ⟨θ_A, g·θ_B⟩
// for weight matching, the mean over hidden layers of the matched units' correlation for
// activation matching.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "data/dataset.hpp"
#include "geometry/symmetry_canonical.hpp"
#include "model/architecture.hpp"

namespace terrain::geometry {

struct AlignmentResult {
  HiddenSymmetry symmetry;
  std::vector<double> aligned;  // apply_symmetry(arch, θ_B, symmetry)
  double objective_before = 0, objective_after = 0;
};

// Not collective.
AlignmentResult align_by_weights(const model::Architecture& arch, const std::vector<double>& a,
                                 const std::vector<double>& b, PetscInt max_sweeps,
                                 std::uint64_t seed);

// Collective on comm, the communicator `data` is sharded over.
AlignmentResult align_by_activations(MPI_Comm comm, const model::Architecture& arch,
                                     const data::Dataset& data, const std::vector<double>& a,
                                     const std::vector<double>& b);

}  // namespace terrain::geometry
