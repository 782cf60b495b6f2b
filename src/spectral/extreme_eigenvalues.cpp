#include "spectral/extreme_eigenvalues.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "objective/curvature_operator.hpp"
#include "core/petsc_handle.hpp"

namespace terrain::spectral {

namespace {
bool option_set(const std::string& prefix, const char* name) {
  PetscBool set = PETSC_FALSE;
  TERRAIN_PETSC(PetscOptionsHasName(nullptr, prefix.c_str(), name, &set));
  return set == PETSC_TRUE;
}

// A wide Krylov–Schur basis with a shallow restart: see the header for the measurements.
void tune_krylov_schur(EPS eps, PetscInt nev, PetscInt n, const std::string& prefix) {
  PetscBool krylov_schur = PETSC_FALSE;
  TERRAIN_PETSC(
      PetscObjectTypeCompare(reinterpret_cast<PetscObject>(eps), EPSKRYLOVSCHUR, &krylov_schur));
  if (!krylov_schur) return;
  if (!option_set(prefix, "-eps_ncv") && !option_set(prefix, "-eps_mpd"))
    TERRAIN_PETSC(
        EPSSetDimensions(eps, nev, std::min(n, std::max(4 * nev, nev + 30)), PETSC_DEFAULT));
  if (!option_set(prefix, "-eps_krylovschur_restart"))
    TERRAIN_PETSC(EPSKrylovSchurSetRestart(eps, 0.85));
}
// A·V in one pass when the operator offers MatMatMult with MATDENSE (every terrain operator
// does), else column by column: an unsupported product fails the same way on every rank.
core::OwnedMat apply_to_columns(Mat A, Mat V) {
  core::OwnedMat Y;
  if (MatMatMult(A, V, MAT_INITIAL_MATRIX, PETSC_DEFAULT, Y.out()) == 0) return Y;
  TERRAIN_PETSC(MatDuplicate(V, MAT_DO_NOT_COPY_VALUES, Y.out()));
  PetscInt k = 0;
  TERRAIN_PETSC(MatGetSize(V, nullptr, &k));
  for (PetscInt j = 0; j < k; ++j) {
    Vec v, y;
    TERRAIN_PETSC(MatDenseGetColumnVecRead(V, j, &v));
    TERRAIN_PETSC(MatDenseGetColumnVecWrite(Y, j, &y));
    TERRAIN_PETSC(MatMult(A, v, y));
    TERRAIN_PETSC(MatDenseRestoreColumnVecWrite(Y, j, &y));
    TERRAIN_PETSC(MatDenseRestoreColumnVecRead(V, j, &v));
  }
  return Y;
}

// The progress of one solve: converged pairs, the residual estimate of the first unconverged
// pair against the tolerance, iterations and operator applications so far.
struct SolveProgress {
  core::Progress line;
  Mat op;
  std::int64_t products0;
  PetscInt nev = 0, iterations = 0, converged = 0;
  double tol = 0;
  std::string detail() const {
    char buf[160];
    const std::int64_t hv = objective::applied_products(op);
    if (hv >= 0)
      std::snprintf(buf, sizeof(buf), "iteration %d, converged %d/%d, %lld H.v", int(iterations),
                    int(std::min(converged, nev)), int(nev),
                    static_cast<long long>(hv - products0));
    else
      std::snprintf(buf, sizeof(buf), "iteration %d, converged %d/%d", int(iterations),
                    int(std::min(converged, nev)), int(nev));
    return buf;
  }
};

// EPSMonitorSet callback (PETSc calls it: no exception may escape).
PetscErrorCode monitor_solve(EPS /*eps*/, PetscInt its, PetscInt nconv, PetscScalar* /*eigr*/,
                             PetscScalar* /*eigi*/, PetscReal* errest, PetscInt nest, void* data) {
  PetscFunctionBeginUser;
  auto* p = static_cast<SolveProgress*>(data);
  p->iterations = its;
  p->converged = nconv;
  if (!p->line.enabled()) PetscFunctionReturn(0);
  try {
    std::string d = p->detail();
    if (nconv < nest && nconv < p->nev) {
      char buf[96];
      std::snprintf(buf, sizeof(buf), ", residual %.2e of pair %d (tol %.0e)",
                    double(errest[nconv]), int(nconv + 1), p->tol);
      d += buf;
    }
    p->line.update(0, d);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "%s", e.what());
  }
  PetscFunctionReturn(0);
}
}  // namespace

std::vector<double> residual_norms(Mat A, Mat V, const std::vector<double>& values) {
  PetscInt k = 0, n = 0, ldv = 0, ldy = 0;
  TERRAIN_PETSC(MatGetSize(V, nullptr, &k));
  TERRAIN_PETSC(MatGetLocalSize(V, &n, nullptr));
  std::vector<double> sums(k, 0.0);
  if (k == 0) return sums;
  const core::OwnedMat Y = apply_to_columns(A, V);
  const double *v = nullptr, *y = nullptr;
  TERRAIN_PETSC(MatDenseGetLDA(V, &ldv));
  TERRAIN_PETSC(MatDenseGetLDA(Y, &ldy));
  TERRAIN_PETSC(MatDenseGetArrayRead(V, &v));
  TERRAIN_PETSC(MatDenseGetArrayRead(Y, &y));
  for (PetscInt j = 0; j < k; ++j)
    for (PetscInt i = 0; i < n; ++i) {
      const double r = y[i + j * ldy] - values[j] * v[i + j * ldv];
      sums[j] += r * r;
    }
  TERRAIN_PETSC(MatDenseRestoreArrayRead(Y, &y));
  TERRAIN_PETSC(MatDenseRestoreArrayRead(V, &v));
  const MPI_Comm comm = core::comm_of(A);
  MPI_Allreduce(MPI_IN_PLACE, sums.data(), static_cast<int>(k), MPI_DOUBLE, MPI_SUM, comm);
  for (double& s : sums) s = std::sqrt(s);
  return sums;
}

Eigenpairs extreme_eigenpairs(Mat op, End end, const EigenSettings& settings,
                              core::VecList* vectors, const std::vector<Vec>* initial) {
  PetscInt n = 0, n_local = 0;
  TERRAIN_PETSC(MatGetSize(op, &n, nullptr));
  TERRAIN_PETSC(MatGetLocalSize(op, &n_local, nullptr));
  const MPI_Comm comm = core::comm_of(op);
  const PetscInt nev = std::min(settings.nev, n);
  core::PetscHandle<EPS> eps;
  TERRAIN_PETSC(EPSCreate(comm, eps.out()));
  TERRAIN_PETSC(EPSSetOperators(eps, op, nullptr));
  TERRAIN_PETSC(EPSSetProblemType(eps, EPS_HEP));
  // For a symmetric operator the real part is the eigenvalue: largest/smallest algebraic.
  TERRAIN_PETSC(
      EPSSetWhichEigenpairs(eps, end == End::largest ? EPS_LARGEST_REAL : EPS_SMALLEST_REAL));
  TERRAIN_PETSC(EPSSetConvergenceTest(eps, EPS_CONV_ABS));
  TERRAIN_PETSC(EPSSetTolerances(eps, settings.tol, settings.max_it));
  TERRAIN_PETSC(EPSSetDimensions(eps, nev, PETSC_DEFAULT, PETSC_DEFAULT));
  TERRAIN_PETSC(EPSSetOptionsPrefix(eps, settings.prefix.c_str()));
  TERRAIN_OPTIONS(EPSSetFromOptions(eps));
  tune_krylov_schur(eps, nev, n, settings.prefix);
  if (initial && !initial->empty())
    TERRAIN_PETSC(EPSSetInitialSpace(eps, static_cast<PetscInt>(initial->size()),
                                     const_cast<Vec*>(initial->data())));
  PetscInt nev_set = nev;
  TERRAIN_PETSC(EPSGetDimensions(eps, &nev_set, nullptr, nullptr));
  double tol_set = settings.tol;
  TERRAIN_PETSC(EPSGetTolerances(eps, &tol_set, nullptr));
  SolveProgress progress{
      core::Progress(comm, end == End::largest ? "largest eigenvalues" : "smallest eigenvalues"),
      op, objective::applied_products(op), nev_set, 0, 0, tol_set};
  TERRAIN_PETSC(EPSMonitorSet(eps, monitor_solve, &progress, nullptr));
  TERRAIN_PETSC(EPSSolve(eps));
  progress.line.finish(progress.detail());

  Eigenpairs result;
  PetscInt converged = 0, requested = 0;
  TERRAIN_PETSC(EPSGetConverged(eps, &converged));
  TERRAIN_PETSC(EPSGetDimensions(eps, &requested, nullptr, nullptr));
  TERRAIN_PETSC(EPSGetIterationNumber(eps, &result.iterations));
  result.requested = requested;
  const PetscInt k = std::min(converged, requested);
  // All eigenvectors side by side, so one MatMatMult gives every residual.
  core::OwnedMat V;
  TERRAIN_PETSC(MatCreateDense(comm, n_local, PETSC_DECIDE, n, k, nullptr, V.out()));
  PetscInt ldv = 0;
  TERRAIN_PETSC(MatDenseGetLDA(V, &ldv));
  core::OwnedVec v;
  TERRAIN_PETSC(MatCreateVecs(op, v.out(), nullptr));
  for (PetscInt i = 0; i < k; ++i) {
    double value = 0;
    TERRAIN_PETSC(EPSGetEigenpair(eps, i, &value, nullptr, v, nullptr));
    result.values.push_back(value);
    double* col = nullptr;
    const double* a = nullptr;
    TERRAIN_PETSC(MatDenseGetArray(V, &col));
    TERRAIN_PETSC(VecGetArrayRead(v, &a));
    if (n_local) std::memcpy(col + i * ldv, a, sizeof(double) * n_local);
    TERRAIN_PETSC(VecRestoreArrayRead(v, &a));
    TERRAIN_PETSC(MatDenseRestoreArray(V, &col));
    if (vectors) TERRAIN_PETSC(VecCopy(v, vectors->push_back_duplicate(v)));
  }
  TERRAIN_PETSC(MatAssemblyBegin(V, MAT_FINAL_ASSEMBLY));
  TERRAIN_PETSC(MatAssemblyEnd(V, MAT_FINAL_ASSEMBLY));
  result.residuals = residual_norms(op, V, result.values);
  return result;
}

}  // namespace terrain::spectral
