#pragma once
// How much λ_max depends on which samples the Hessian sees: every rank computes the largest
// eigenvalue of the Hessian of its own shard's mean loss (an Objective on PETSC_COMM_SELF over a
// copy of its rows), and the values are gathered next to the full-data one. The shards are the
// ranks' row blocks, so the spread depends on the rank count by design (more ranks, smaller
// shards, larger spread).
#include <petscvec.h>

#include "data/dataset.hpp"
#include "model/architecture.hpp"
#include "objective/objective.hpp"
#include "spectral/extreme_eigenvalues.hpp"
#include "spectral/results.hpp"

namespace terrain::spectral {

// Collective over theta's communicator; `train` is this rank's shard of it.
ShardSpread shard_spread(const model::Architecture& arch, const data::Dataset& train, Vec theta,
                         objective::Curvature kind, const EigenSettings& settings, double full);

}  // namespace terrain::spectral
