#pragma once
// The extreme algebraic eigenvalues of a symmetric operator with SLEPc's EPS (Krylov–Schur by
// default), absolute convergence test (near-zero eigenvalues matter in a loss landscape, and
// a relative test would never converge them), residual norms ‖Av − λv‖ reported.
#include <slepceps.h>

#include <string>
#include <vector>

namespace terrain::spectral {

enum class End { largest, smallest };

struct EigenSettings {
  PetscInt nev = 5;
  double tol = 1e-10;     // absolute residual
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
// is non-null it receives the eigenvectors (caller destroys with VecDestroyVecs).
Eigenpairs extreme_eigenpairs(Mat op, End end, const EigenSettings& settings,
                              std::vector<Vec>* vectors = nullptr);

}  // namespace terrain::spectral
