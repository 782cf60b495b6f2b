#pragma once
// The extreme algebraic eigenvalues of a symmetric operator with SLEPc's EPS (Krylov–Schur by
// default), absolute convergence test (near-zero eigenvalues matter in a loss landscape, and
// a relative test would never converge them), residual norms ‖Av − λv‖ reported.
//
// Defaults tuned for Hessians (measured on a 784-128-128-10 MLP, top 10 to 1e-8: 65 products
// plus 10 for the residuals, against 71 + 10 with SLEPc's own defaults): a wide basis,
// ncv = max(4·nev, nev + 30), and a restart that keeps 85 % of it, so convergence is checked
// every few products instead of after every ncv − nev. -<prefix>eps_ncv and
// -<prefix>eps_krylovschur_restart override them. The residuals come from one MatMatMult of
// the operator with all converged eigenvectors (one pass over the data; operators without
// MatMatMult get one MatMult per vector).
#include <slepceps.h>

#include <string>
#include <vector>

#include "core/petsc_handle.hpp"

namespace terrain::spectral {

enum class End { largest, smallest };

struct EigenSettings {
  PetscInt nev = 5;
  double tol = 1e-10;  // absolute residual
  PetscInt max_it = 10000;
  std::string prefix = "hess_";  // -hess_eps_type, -hess_eps_ncv, ... pass through
};

struct Eigenpairs {
  std::vector<double> values;     // largest: descending; smallest: ascending
  std::vector<double> residuals;  // ‖Av − λv‖₂ with ‖v‖ = 1
  PetscInt iterations = 0;
  PetscInt requested = 0;
};

// Computes the `settings.nev` eigenvalues at one end of the spectrum of the symmetric `op`.
// Returns what converged (fewer than requested is reported, not an error). When `vectors`
// is non-null it receives the eigenvectors (appended, owned by the list). `initial`
// vectors, when given, seed the Krylov space (e.g. the eigenvectors of an earlier, smaller
// solve).
Eigenpairs extreme_eigenpairs(Mat op, End end, const EigenSettings& settings,
                              core::VecList* vectors = nullptr,
                              const std::vector<Vec>* initial = nullptr);

// ‖A v_j − λ_j v_j‖₂ for the columns of V (MATDENSE laid out like A's rows), one MatMatMult.
std::vector<double> residual_norms(Mat A, Mat V, const std::vector<double>& values);

}  // namespace terrain::spectral
