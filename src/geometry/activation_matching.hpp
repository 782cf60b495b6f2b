#pragma once
// Activation matching (Ainsworth et al. 2022, "Git Re-Basin", §3.1; Li et al. 2015): the
// hidden-unit symmetry g (geometry/symmetry_canonical.hpp) that pairs each hidden unit of
// network A with the unit of network B whose post-activations over a data set are most
// correlated with it.
//
// Per hidden layer l, with a_j, b_p the post-activations of unit j of A and unit p of B over the
// N samples, the Pearson correlation R[j, p] = cov(a_j, b_p) / (σ(a_j) σ(b_p)) is assembled from
// one GEMM AᵀB over the local shard (plus column sums and sums of squares) and one MPI_Allreduce
// of these sums. π_l maximises Σ_j R[j, π(j)] (a linear assignment); for odd activations (tanh,
// linear) a unit may also be flipped, which negates its activations and so its correlations:
// then π_l maximises Σ_j |R[j, π(j)]| and s_j = sign R[j, π(j)] — the same argument as weight
// matching's (geometry/weight_matching.hpp): for fixed π each sign enters only its own term.
//
// The layers are matched independently, each with B's activations at the unpermuted θ_B: a
// symmetry maps the post-activations of layer l to Q_l a_l whatever the other layers' elements
// are (it preserves the function computed by every unit), so the set of unit activations of a
// layer, and hence its correlations up to the labelling of layer l alone, do not depend on how
// the earlier layers were permuted. No forward pass of g·θ_B is needed.
//
// A unit whose activation is constant on the data (variance ≤ 1e-12 × its mean square, e.g. a
// dead ReLU) has no correlation: its row/column of R is 0 and the assignment pairs it with
// whatever is left. Ties are broken by the assignment solver's fixed order (the first
// unassigned column among equal costs, geometry/linear_assignment.hpp), then rank 0's result is
// broadcast, so every rank holds the same g bitwise. Across rank counts only the rounding of the
// sums differs (~1e-16 relative in R), which changes g only at an exact tie of two assignments.
// The moments are raw sums (one pass, one reduction), so cov = E[ab] − E[a]E[b] loses digits
// for a unit whose mean dwarfs its spread (a saturated sigmoid): R is then accurate to about
// 1e-16 · E[a²]/var(a), ample for ranking the pairs. The shard is passed in blocks of 4096 rows.
//
// Collective on comm, the communicator `data` is sharded over; θ_A, θ_B are whole vectors,
// identical on every rank. Residual nets are refused (as by the canonical form).
#include <mpi.h>
#include <petscsys.h>

#include <vector>

#include "data/dataset.hpp"
#include "geometry/symmetry_canonical.hpp"
#include "model/architecture.hpp"

namespace terrain::geometry {

struct ActivationMatching {
  HiddenSymmetry g;  // θ_B aligned = apply_symmetry(arch, θ_B, g)
  // Per hidden layer: the mean over its units of s_j R[j, π(j)] for the matched g, and for the
  // identity (how far the raw labelling was from aligned).
  std::vector<double> correlation;
  std::vector<double> identity_correlation;
};

ActivationMatching activation_matching(MPI_Comm comm, const model::Architecture& arch,
                                       const std::vector<double>& theta_a,
                                       const std::vector<double>& theta_b,
                                       const data::Dataset& data);

}  // namespace terrain::geometry
