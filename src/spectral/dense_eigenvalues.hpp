#pragma once
// All eigenvalues of a symmetric MATDENSE (an assembled Hessian), distributed.
//
//   scalapack  eigenvalues only: ScaLAPACK's pdsyev with jobz = 'N' on the matrix converted to
//              MATSCALAPACK (block-cyclic over all ranks, so memory and work are shared).
//   slepc      SLEPc's dense solvers with the prefix hess_full_: EPSLAPACK on one rank (with
//              the divide-and-conquer tridiagonal solver) and EPSSCALAPACK on more, unless
//              -hess_full_eps_type says otherwise. They always compute the eigenvectors too:
//              on this machine 4000 × 4000 takes 13.5 s (EPSLAPACK, 1 rank) and 65 s
//              (EPSSCALAPACK, 2 ranks: pdsyev's QR with vectors), against 6.8 s and 4.3 s
//              eigenvalues only.
//   auto       scalapack when PETSc was built with ScaLAPACK (MATSCALAPACK), else slepc.
//              terrain links ScaLAPACK itself (scalapack-openmpi) and calls pdsyev_ directly.
//
// Both read the lower triangle.
#include <petscmat.h>

#include <string>
#include <vector>

namespace terrain::spectral {

enum class DenseSolver { automatic, scalapack, slepc };

const char* to_string(DenseSolver s);

// True when pdsyev can be called: PETSc has MATSCALAPACK, whose block-cyclic matrix it reads.
bool scalapack_available();

// All eigenvalues, ascending, on every rank; `used` says which solver ran. Does not modify A.
std::vector<double> dense_eigenvalues(Mat A, DenseSolver solver, std::string* used = nullptr);

}  // namespace terrain::spectral
