#pragma once
// The full Hessian spectrum of a small network at one point and its inertia (n−, n0, n+), for
// the embedding's "counts never decrease" check, by spectral's dense path: the Hessian
// assembled from blocks of H·E products (objective::assemble_dense) and all its eigenvalues
// (spectral::dense_eigenvalues, ScaLAPACK or LAPACK). Collective on `comm`.
//
// The tolerance rule: τ = max(τ_abs, τ_rel·max|λ|) (spectral::ZeroTolerance, -embed_counts_tol
// and -embed_counts_rtol), taken per spectrum, n− = #{λ < −τ}, n0 = #{−τ ≤ λ < τ}, n+ = #{λ ≥ τ}
// (spectral::Inertia's convention; Inertia::tol is the τ used). The defaults (1e-11, 0) are the
// absolute rule, the reference line of the plot. At an exact critical point the
// embedding's new zero eigenvalues are zero to rounding (~1e-16·max|λ|); at a point with
// ‖∇L‖ = g they are O(g), so the absolute τ = 1e-11 needs a point converged to ‖∇L‖ ≲ 1e-12 and
// max|λ| ≲ 1e4; beyond that rounding alone can cross it, which τ_rel ≈ 1e-14..1e-13 prevents.
#include <mpi.h>

#include <vector>

#include "data/dataset.hpp"
#include "model/architecture.hpp"
#include "spectral/inertia.hpp"
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
                             const spectral::ZeroTolerance& tol);

}  // namespace terrain::embedding
