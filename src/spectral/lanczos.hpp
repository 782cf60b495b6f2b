#pragma once
// Lanczos with full reorthogonalisation for several starting vectors at once: at every step
// the current vectors of all runs go through the operator in one MatMatMult (one pass over the
// data for all probes), then each run orthogonalises against its whole basis (SLEPc BV,
// classical Gram–Schmidt with refinement). What comes out are the tridiagonals T = tridiag(β,
// α, β), whose eigen-decompositions are Gauss quadratures of each start's spectral measure.
#include <petscmat.h>

#include <vector>

namespace terrain::spectral {

struct Tridiagonal {
  std::vector<double> alpha;  // k diagonal entries
  std::vector<double> beta;   // k − 1 off-diagonal entries
};

// Runs up to `steps` Lanczos steps from each column of `starts` (MATDENSE laid out like op's
// rows; the columns need not be normalised). A run stops early when its Krylov space becomes
// invariant (β below 1e-12 of the largest |α|, β seen), so its T is then exact and shorter.
std::vector<Tridiagonal> lanczos(Mat op, Mat starts, PetscInt steps);

struct Quadrature {
  std::vector<double> nodes;    // eigenvalues of T, ascending
  std::vector<double> weights;  // squared first components of its eigenvectors (sum to 1)
};

Quadrature gauss_quadrature(const Tridiagonal& t);

}  // namespace terrain::spectral
