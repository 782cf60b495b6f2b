#pragma once
// The full Hessian spectrum of a small network at one point and its inertia (n−, n0, n+), for
// the embedding's "counts never decrease" check, by spectral's dense path: the Hessian
// assembled from blocks of H·E products (objective::assemble_dense) and all its eigenvalues
// (spectral::dense_eigenvalues, ScaLAPACK or LAPACK). Collective on `comm`.
//
// One tolerance rule for every spectrum compared: τ absolute (default 1e-11, the reference line
// of the plot), n− = #{λ < −τ}, n0 = #{−τ ≤ λ < τ}, n+ = #{λ ≥ τ} (spectral::Inertia's
// convention). At an exact critical point the embedding's new zero eigenvalues are zero to
// rounding (~1e-16·max|λ|); at a point with ‖∇L‖ = g they are O(g), so τ = 1e-11 needs a point
// converged to ‖∇L‖ ≲ 1e-12 and max|λ| ≲ 1e4.
#include <mpi.h>

#include <vector>

#include "data/dataset.hpp"
#include "model/architecture.hpp"
#include "spectral/results.hpp"

namespace terrain::embedding {

struct HessianCounts {
  std::vector<double> eigenvalues;  // ascending
  spectral::Inertia inertia;
  double grad_norm = 0;             // ‖∇L‖₂ at the point
};

// Largest network -embed_counts assembles (8·n² bytes for the matrix, the solver 2–4× that).
inline constexpr long kCountsMaxParams = 20000;

HessianCounts hessian_counts(MPI_Comm comm, const model::Architecture& arch,
                             const std::vector<double>& theta, const data::Dataset& train,
                             double tol);

}  // namespace terrain::embedding
