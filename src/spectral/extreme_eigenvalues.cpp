#include "spectral/extreme_eigenvalues.hpp"

#include "core/error.hpp"

namespace terrain::spectral {

Eigenpairs extreme_eigenpairs(Mat op, End end, const EigenSettings& settings,
                              std::vector<Vec>* vectors) {
  PetscInt n = 0;
  TERRAIN_PETSC(MatGetSize(op, &n, nullptr));
  MPI_Comm comm;
  TERRAIN_PETSC(PetscObjectGetComm(reinterpret_cast<PetscObject>(op), &comm));
  EPS eps;
  TERRAIN_PETSC(EPSCreate(comm, &eps));
  TERRAIN_PETSC(EPSSetOperators(eps, op, nullptr));
  TERRAIN_PETSC(EPSSetProblemType(eps, EPS_HEP));
  // For a symmetric operator the real part is the eigenvalue: largest/smallest algebraic.
  TERRAIN_PETSC(EPSSetWhichEigenpairs(eps, end == End::largest ? EPS_LARGEST_REAL
                                                               : EPS_SMALLEST_REAL));
  TERRAIN_PETSC(EPSSetConvergenceTest(eps, EPS_CONV_ABS));
  TERRAIN_PETSC(EPSSetTolerances(eps, settings.tol, settings.max_it));
  TERRAIN_PETSC(EPSSetDimensions(eps, std::min(settings.nev, n), PETSC_DEFAULT, PETSC_DEFAULT));
  TERRAIN_PETSC(EPSSetOptionsPrefix(eps, settings.prefix.c_str()));
  TERRAIN_OPTIONS(EPSSetFromOptions(eps));
  TERRAIN_PETSC(EPSSolve(eps));

  Eigenpairs result;
  PetscInt converged = 0, nev = 0;
  TERRAIN_PETSC(EPSGetConverged(eps, &converged));
  TERRAIN_PETSC(EPSGetDimensions(eps, &nev, nullptr, nullptr));
  TERRAIN_PETSC(EPSGetIterationNumber(eps, &result.iterations));
  result.requested = nev;
  Vec v;
  TERRAIN_PETSC(MatCreateVecs(op, &v, nullptr));
  for (PetscInt i = 0; i < std::min(converged, nev); ++i) {
    double value = 0, error = 0;
    TERRAIN_PETSC(EPSGetEigenpair(eps, i, &value, nullptr, v, nullptr));
    TERRAIN_PETSC(EPSComputeError(eps, i, EPS_ERROR_ABSOLUTE, &error));
    result.values.push_back(value);
    result.residuals.push_back(error);
    if (vectors) {
      Vec copy;
      TERRAIN_PETSC(VecDuplicate(v, &copy));
      TERRAIN_PETSC(VecCopy(v, copy));
      vectors->push_back(copy);
    }
  }
  TERRAIN_PETSC(VecDestroy(&v));
  TERRAIN_PETSC(EPSDestroy(&eps));
  return result;
}

}  // namespace terrain::spectral
