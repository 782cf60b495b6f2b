#pragma once
// The spectral density φ(t) = (1/N) Σ δ(t − λ_i) by stochastic Lanczos quadrature (Lin, Saad,
// Yang 2016; Ghorbani, Krishnan, Xiao 2019): for each Rademacher probe v (‖v‖² = N) a Lanczos run
// of `steps` with full reorthogonalisation gives Gauss nodes θ_k and weights τ_k of the measure
// Σ_i (q_iᵀv)²/N δ(t − λ_i), exact for polynomials of degree ≤ 2·steps − 1; the density is
// their average over probes, broadened by a Gaussian of width σ.
//
// Moments: ∫ t φ = mean over probes of α₁ = vᵀAv/N, the Hutchinson estimate of tr(A)/N, and
// ∫ t² φ = mean of α₁² + β₁² = ‖Av‖²/N, that of tr(A²)/N (plus σ² from the broadening).
// Count: N · (weight of the nodes below −tol), averaged over probes, with standard error
// N·s/√probes: the estimate of n− for networks too large to count exactly.
#include <petscmat.h>

#include <cstdint>

#include "core/petsc_handle.hpp"
#include "spectral/results.hpp"

namespace terrain::spectral {

struct DensitySettings {
  PetscInt probes = 10;
  PetscInt steps = 80;
  PetscInt points = 1001;  // grid points
  double sigma = 0;        // Gaussian width; 0: 1 % of the range of the nodes
  std::uint64_t seed = 0;
  double zero_tol = 0;  // for the estimate of n−
};

Density estimate_density(Mat op, const DensitySettings& settings);

// The probe vectors estimate_density starts from (Rademacher, ids apart from the trace's), as
// the columns of an N × probes MATDENSE: for tests and for users re-running a probe.
core::OwnedMat density_probes(Mat op, PetscInt probes, std::uint64_t seed);

// The broadened density of stored tridiagonals on a grid (what terrain-plot can redo offline).
void broaden(Density& d, PetscInt points, double sigma);

}  // namespace terrain::spectral
