#pragma once
// Small networks are often handled as whole parameter vectors replicated on every rank (the
// embedding maps, test oracles); these two helpers move between that form and the distributed
// Vec the objective uses. Both are collective on the Vec's communicator.
#include <petscvec.h>

#include <vector>

namespace terrain::objective {

// Every entry of v, on every rank (VecScatterCreateToAll).
std::vector<double> replicate(Vec v);

// Copies this rank's slice of `all` (the whole vector, identical on every rank) into v.
void distribute(const std::vector<double>& all, Vec v);

}  // namespace terrain::objective
