#pragma once
// Sharpness at a point (Keskar et al. 2017, "On Large-Batch Training for Deep Learning",
// metric 2.1): the largest rise of the loss in a box around θ, relative to 1 + L(θ),
//
//   φ_ε(θ, A) = ( max_{y ∈ C_ε} L(θ + A y) − L(θ) ) / (1 + L(θ)),
//   C_ε = { y : |y_i| ≤ ε (|(A⁺θ)_i| + 1) },
//
// maximised by PETSc TAO's bound-constrained quasi-Newton (BQNLS, limited-memory BFGS with
// projected line search) on −L. A = I is the full space; -sharp_subspace p draws A as an n×p
// Gaussian matrix from (seed, Stream::direction, …) as in the paper's random-subspace variant.
// Keskar et al. print 100·φ; we store φ itself. A's columns are N(0, 1) entries as drawn (not
// normalised), column j from (seed, Stream::direction, j·n); A⁺θ = (AᵀA)⁻¹Aᵀθ by a p×p
// Cholesky solve. In the subspace y is a p-vector on the objective's communicator (PETSc's
// split), so every rank runs the same TAO. -sharp_tao_type, -sharp_tao_gatol, -sharp_tao_monitor …
// reach the solver (prefix "sharp_"); -sharp_eps_type … the λ_max solves (SLEPc, same prefix).
//
// The start: at a minimum ∇L(θ) = 0, so TAO started at y = 0 (Keskar et al.'s L-BFGS-B) sees a
// zero projected gradient and stops at once with φ = 0. Measured on a tanh 5-16-16-1 MSE net
// at |∇L| = 6e-11: start 0 gives φ = 0 (0 iterations) where a start at 1 % of the box gives
// 3.01e-3 (ε = 1e-3, 10 iterations). So TAO starts at y₀ = ρ·s∘b (-sharp_start ρ = 0.01, s
// random signs from (seed, Stream::direction, p·n + i), b the half-widths).
//
// max_loss is L at TAO's solution (projected onto the box, in case a -sharp_tao_type ignores
// bounds), evaluated once more; loss_evaluations counts that one too. n_matvec counts the H·v
// products of the curvature numbers (λ_max and its residual, the trace probes, the
// filter-normalised λ_max); the maximisation uses gradients only.
//
// Next to it, the curvature numbers sharpness is usually compared with: λ_max of the Hessian,
// its trace (Hutchinson), and the filter-normalised λ_max — the largest eigenvalue of D H D with
// D = diag(‖θ's filter‖) per parameter (each parameter scaled by the norm of its neuron's row of
// θ; a bias entry takes its neuron's row norm too, not |b_i|), which a ReLU rescaling of
// consecutive layers leaves unchanged — exactly without biases; with biases the next layer's
// bias does not scale while its row norm does, so the value moves (21.02 → 18.25 on the test's
// ReLU 3-6-5-2 net, c = 3). See geometry/filter_scaled_operator.hpp.
#include <petscvec.h>

#include <cstdint>
#include <string>

#include "io/run_file.hpp"
#include "objective/objective.hpp"

namespace terrain::geometry {

struct SharpnessConfig {
  bool enabled = false;        // -surf_sharpness
  double epsilon = 1e-3;       // -sharp_eps
  PetscInt subspace = 0;       // -sharp_subspace p (0: the full space)
  std::uint64_t seed = 0;      // -sharp_seed (the subspace, the start's signs, the trace probes)
  PetscInt max_it = 10;        // -sharp_max_it (TAO iterations; Keskar et al. use 10)
  bool curvature = true;       // -sharp_curvature: λ_max, trace, filter-normalised λ_max
  PetscInt trace_probes = 32;  // -sharp_trace_probes
  double tol = 1e-8;           // -sharp_tol: absolute residual of the λ_max solves
  // Added to the fixed interface: -sharp_start ρ ∈ [0, 1]. TAO starts at y₀ = ρ·s_i·b_i, b_i
  // the box's half-width, s_i = ±1 from (seed, Stream::direction, p·n + i); 0 starts at y = 0
  // as Keskar et al. do (at a minimum TAO then stops at once: see above).
  double start = 0.01;

  // Reads the -sharp_ options and -surf_sharpness (one options block); -sharp_tao_* go to TAO.
  static SharpnessConfig from_options();
};

struct SharpnessReport {
  double epsilon = 0;
  PetscInt subspace = 0;
  double loss = 0;       // L(θ)
  double max_loss = 0;   // L(θ + A y*) at the maximiser found
  double sharpness = 0;  // (max_loss − loss) / (1 + loss)
  PetscInt iterations = 0, loss_evaluations = 0;
  std::string reason;    // TAO's converged reason
  std::string tao_type;  // added: the solver that ran (bqnls unless -sharp_tao_type)
  double lambda_max = 0, lambda_max_residual = 0;
  double trace = 0, trace_stderr = 0;  // Hutchinson, -sharp_trace_probes Rademacher probes
  // Added: Hutch++ from the same number of products, which spectral::estimate_trace spends
  // anyway (more accurate when a few eigenvalues dominate, as they do for Hessians).
  double trace_hutchpp = 0, trace_hutchpp_stderr = 0;
  double filter_lambda_max = 0, filter_lambda_max_residual = 0;
  PetscInt n_matvec = 0;  // H·v products of the curvature numbers
  double seconds = 0;
};

// Collective on the objective's communicator; θ is not changed.
SharpnessReport measure_sharpness(const SharpnessConfig& config, objective::Objective& objective,
                                  Vec theta);

// Writes the report as attributes of `group` (e.g. "/surface/loss/sharpness").
void write_sharpness(io::RunFile& file, const std::string& group, const SharpnessReport& report);

}  // namespace terrain::geometry
