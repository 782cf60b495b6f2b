#pragma once
// What terrain-spectrum measures at one point, as plain data: each analysis fills its part, the
// spectrum file writes it to /spectrum/<name> (spectral/spectrum_file.hpp), tests compare it. NaN marks a
// number that could not be determined, −1 a count that could not be.
#include <petscvec.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "spectral/extreme_eigenvalues.hpp"

namespace terrain::spectral {

inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

// Eigenvalue counts at tolerance tol: n_neg = #{λ < −tol}, n_zero = #{−tol ≤ λ < tol},
// n_pos = #{λ ≥ tol} (the half-open convention is the one Sylvester's law gives).
struct Inertia {
  std::int64_t n_neg = -1, n_zero = -1, n_pos = -1;
  double tol = 0;
  std::string method;
};

enum class PointKind { minimum, maximum, saddle, degenerate, unknown };

struct Classification {
  PointKind kind = PointKind::unknown;
  std::int64_t index = -1;  // n_neg (the Morse index of a saddle); −1 when unknown
  int degenerate = -1;      // zero eigenvalues present: 1, 0, or −1 unknown
  bool critical = false;    // ‖∇L‖ ≤ grad_tol
  double grad_norm = 0, grad_tol = 0;
  std::string text;  // "strict saddle of index 3", "not a critical point (...)", ...
};

struct ExtremeSpectrum {
  Eigenpairs largest, smallest;
  std::int64_t n_matvec = 0;
  std::int64_t largest_n_matvec = 0, smallest_n_matvec = 0;  // per end, residuals included
  double largest_seconds = 0, smallest_seconds = 0;
};

struct FullSpectrum {
  std::vector<double> values;  // all eigenvalues, ascending
  std::string solver;
  double asymmetry = 0;  // of the assembled matrix, see objective::asymmetry
  PetscInt block = 0;    // columns per product in the assembly
  double assembly_seconds = 0, solve_seconds = 0;
  std::int64_t n_matvec = 0;
};

struct SylvesterInertia {
  Inertia inertia;
  double seconds = 0;
};

// Matrix-free count of eigenvalues below −tol: the smallest end with growing nev.
struct NegativeCount {
  std::int64_t n_neg = -1;
  bool capped = false;                    // the cap was reached: n_neg is a lower bound
  PetscInt nev = 0;                       // eigenpairs of the last solve
  std::vector<double> smallest;           // its eigenvalues, ascending
  double lambda_min_positive = kUnknown;  // smallest converged λ ≥ tol, when the solve got there
  std::int64_t n_matvec = 0;
};

struct TraceEstimate {
  double hutchinson = kUnknown, hutchinson_stderr = kUnknown;
  double hutchpp = kUnknown, hutchpp_stderr = kUnknown;
  std::vector<double> samples;  // zᵢᵀHzᵢ of the Hutchinson probes
  PetscInt probes = 0;          // Hutchinson probes; Hutch++ spends the same number of products
  std::uint64_t seed = 0;
  std::int64_t n_matvec = 0;
};

// Stochastic Lanczos quadrature: per probe a tridiagonal (alpha, beta), its Gauss nodes and
// weights, and their Gaussian-broadened sum on a grid.
struct Density {
  std::vector<std::vector<double>> alpha, beta;  // per probe: steps, steps − 1
  std::vector<double> grid, values;
  double sigma = 0;
  PetscInt probes = 0, steps = 0;
  std::uint64_t seed = 0;
  double moment1 = kUnknown, moment2 = kUnknown;     // Σ τθ and Σ τθ² averaged over probes
  double n_neg = kUnknown, n_neg_stderr = kUnknown;  // N · (quadrature weight below −tol)
  std::int64_t n_matvec = 0;
};

struct BlockSpectrum {
  int layer = 0;
  PetscInt offset = 0, size = 0;
  std::string method;            // "dense" (all eigenvalues) or "extreme"
  std::vector<double> values;    // dense: all, ascending
  Eigenpairs largest, smallest;  // extreme
};

struct ShardSpread {
  std::vector<double> lambda_max;       // per rank
  std::vector<std::int64_t> n_samples;  // per rank
  double full = kUnknown, min = kUnknown, max = kUnknown, mean = kUnknown, std = kUnknown;
};

// Scalars derived from the best available source (the full spectrum, else matrix-free).
struct Estimates {
  double lambda_max = kUnknown, lambda_min = kUnknown, lambda_min_positive = kUnknown;
  double condition_number = kUnknown, negative_fraction = kUnknown;
  std::string source;
};

struct SpectrumReport {
  std::string op = "hessian";
  PetscInt n_params = 0;
  double loss = 0, grad_norm = 0;
  double zero_tol = 0;  // τ actually used
  double seconds = 0;
  std::int64_t n_matvec = 0;
  double tolerance = 0;  // -hess_tol
  std::optional<ExtremeSpectrum> extreme;
  std::optional<FullSpectrum> full;
  std::optional<Inertia> inertia;
  std::optional<SylvesterInertia> sylvester;
  std::optional<NegativeCount> count;
  std::optional<TraceEstimate> trace;
  std::optional<Density> density;
  std::vector<BlockSpectrum> blocks;
  std::optional<ShardSpread> shards;
  Estimates estimates;
  Classification classification;
};

}  // namespace terrain::spectral
