#pragma once
// The linear assignment problem (maximum-weight perfect matching of an n × n bipartite graph):
// the permutation that maximises Σ_i weight[i, perm[i]], the inner solve of permutation
// alignment (geometry/weight_matching.hpp, geometry/activation_matching.hpp).
//
// max_weight_assignment is a Jonker–Volgenant shortest augmenting path solver (the variant of
// Crouse 2016 that scipy.optimize.linear_sum_assignment uses): one row at a time, a Dijkstra
// over reduced costs with dual potentials, O(n³) worst case, ~n² per row on dense random
// matrices; it works in doubles throughout (no scaling to integers). It is deterministic: the
// same matrix gives the same permutation on every rank and every run. Among columns of equal
// reduced path cost it takes the first that is still unassigned, else the first in its scan
// order, so on an exactly tied problem the answer is one fixed optimum, not a chosen one.
//
// max_weight_assignment_lemon solves the same problem as a min-cost flow with LEMON's network
// simplex (double costs): an independent implementation, kept as the oracle of the tests. Of
// LEMON's solvers it is the fastest that takes double costs exactly (CostScaling needs integer
// costs; MaxWeightedPerfectMatching on the bipartite ListGraph took 2.1 s at n = 1024 against
// the network simplex's 0.22 s and this solver's 0.07 s, the same as scipy's; n = 2048: 0.5 s).
// Timings: tests/cli/assignment_scipy.sh.
//
// Matrices are row-major n × n, finite. Neither function is collective.
#include <petscsys.h>

#include <vector>

namespace terrain::geometry {

// perm[i] = the column assigned to row i, maximising Σ_i weight[i·n + perm[i]]. Throws
// InputError for a matrix that is not n × n or has a non-finite entry.
std::vector<PetscInt> max_weight_assignment(const std::vector<double>& weight, PetscInt n);

// The same optimum (another permutation when the optimum is not unique) by LEMON.
std::vector<PetscInt> max_weight_assignment_lemon(const std::vector<double>& weight, PetscInt n);

// Σ_i weight[i·n + perm[i]], summed in row order.
double assignment_value(const std::vector<double>& weight, PetscInt n,
                        const std::vector<PetscInt>& perm);

}  // namespace terrain::geometry
