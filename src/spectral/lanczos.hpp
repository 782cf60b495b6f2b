#pragma once
// The one Lanczos recurrence of terrain, with full reorthogonalisation: every new vector is
// orthogonalised against the whole basis by classical Gram–Schmidt, twice (orthogonal to
// working precision), α_j = the sum of both passes' coefficients along v_j, β_j = the norm of
// what is left. What comes out is the tridiagonal T = tridiag(β, α, β) = VᵀAV and, when the
// caller needs it (Ritz vectors, saddle-free Newton's V c), the basis V.
//
// Two entry points share it: one run with the operator as a callback and an optional stopping
// test (the λ_max tracker, saddle-free Newton), and several runs from the columns of a MATDENSE
// whose current vectors go through the operator in one MatMatMult per step (one pass over the
// data for all probes: SLQ). A run stops early when its Krylov space becomes invariant
// (β ≤ breakdown · the largest |α|, β seen), so its T is then exact and shorter.
#include <petscmat.h>

#include <functional>
#include <string>
#include <vector>

#include "core/petsc_handle.hpp"

namespace terrain::spectral {

struct Tridiagonal {
  std::vector<double> alpha;  // k diagonal entries
  std::vector<double> beta;   // k − 1 off-diagonal entries
};

struct LanczosSettings {
  PetscInt max_steps = 20;  // products at most (the basis size)
  double breakdown = 1e-12;  // relative β below which the space is invariant (0: exact zero only)
  // Called after every step with T so far and β = ‖r‖ of the step's remainder (the next
  // off-diagonal); returning true ends the run there. Optional.
  std::function<bool(const Tridiagonal& t, double beta)> stop;
  std::string zero_start = "the Lanczos start vector is zero";  // the error for a zero start
};

struct LanczosRun {
  Tridiagonal t;
  double residual = 0;  // ‖r‖ after the last step (β_k, not in t.beta)
  core::VecList basis;  // v_0, …, v_{k−1}, orthonormal, k = t.alpha.size()
};

// Out = A·in for the operator A.
using Apply = std::function<void(Vec in, Vec out)>;

// One run from `start` (need not be normalised; zero throws core::Error).
LanczosRun lanczos(const Apply& apply, Vec start, const LanczosSettings& settings);

// Up to `steps` steps from each column of `starts` (MATDENSE laid out like op's rows), all
// runs' products in one MatMatMult per step.
std::vector<Tridiagonal> lanczos(Mat op, Mat starts, PetscInt steps);

struct Quadrature {
  std::vector<double> nodes;    // eigenvalues of T, ascending
  std::vector<double> weights;  // squared first components of its eigenvectors (sum to 1)
};

Quadrature gauss_quadrature(const Tridiagonal& t);

}  // namespace terrain::spectral
