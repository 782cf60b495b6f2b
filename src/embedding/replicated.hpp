#pragma once
// The embedding maps work on whole parameter vectors replicated on every rank (small networks,
// cheap maps); these two helpers move between that form and the distributed Vec the objective
// uses. Both are collective on the Vec's communicator.
#include <petscvec.h>

#include <vector>

namespace terrain::embedding {

// Every entry of v, on every rank (VecScatterCreateToAll).
std::vector<double> replicate(Vec v);

// Copies this rank's slice of `all` (the whole vector, identical on every rank) into v.
void distribute(const std::vector<double>& all, Vec v);

}  // namespace terrain::embedding
