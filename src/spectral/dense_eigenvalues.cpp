#include "spectral/dense_eigenvalues.hpp"

#include <petsc/private/petscscalapack.h>
#include <slepceps.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/progress.hpp"

// ScaLAPACK (Debian: libscalapack-openmpi-dev, linked by CMakeLists.txt): the Fortran symbol
// of the one routine used. The matrix and its descriptor come from PETSc's MATSCALAPACK, which
// sets up the BLACS grid, so no BLACS or descinit calls are needed here.
extern "C" void pdsyev_(const char* jobz, const char* uplo, const PetscBLASInt* n, double* a,
                        const PetscBLASInt* ia, const PetscBLASInt* ja, const PetscBLASInt* desca,
                        double* w, double* z, const PetscBLASInt* iz, const PetscBLASInt* jz,
                        const PetscBLASInt* descz, double* work, const PetscBLASInt* lwork,
                        PetscBLASInt* info);
#include "core/petsc_handle.hpp"

namespace terrain::spectral {

namespace {
std::vector<double> scalapack_eigenvalues(Mat A) {
  PetscInt N = 0;
  TERRAIN_PETSC(MatGetSize(A, &N, nullptr));
  core::OwnedMat S;
  TERRAIN_PETSC(MatConvert(A, MATSCALAPACK, MAT_INITIAL_MATRIX, S.out()));
  auto* s = static_cast<Mat_ScaLAPACK*>(S.get()->data);
  std::vector<double> w(N);
  PetscBLASInt one = 1, lwork = -1, info = 0;
  double z = 0, query = 0;
  pdsyev_("N", "L", &s->N, s->loc, &one, &one, s->desc, w.data(), &z, &one, &one, s->desc, &query,
         &lwork, &info);
  if (info == 0) {
    lwork = static_cast<PetscBLASInt>(query) + 1;
    std::vector<double> work(lwork);
    pdsyev_("N", "L", &s->N, s->loc, &one, &one, s->desc, w.data(), &z, &one, &one, s->desc,
           work.data(), &lwork, &info);
  }
  S.reset();
  // info is the same on every process (pdsyev reports global failures).
  if (info != 0) throw core::Error("ScaLAPACK pdsyev failed with info = " + std::to_string(info));
  return w;  // ascending
}

std::vector<double> slepc_eigenvalues(Mat A, std::string* used) {
  const MPI_Comm comm = core::comm_of(A);
  int size = 1;
  MPI_Comm_size(comm, &size);
  PetscInt N = 0;
  TERRAIN_PETSC(MatGetSize(A, &N, nullptr));
  core::PetscHandle<EPS> eps;
  TERRAIN_PETSC(EPSCreate(comm, eps.out()));
#if defined(PETSC_HAVE_SCALAPACK)
  TERRAIN_PETSC(EPSSetType(eps, size > 1 ? EPSSCALAPACK : EPSLAPACK));
#else
  TERRAIN_PETSC(EPSSetType(eps, EPSLAPACK));
#endif
  TERRAIN_PETSC(EPSSetOptionsPrefix(eps, "hess_full_"));
  TERRAIN_OPTIONS(EPSSetFromOptions(eps));
  // EPSSCALAPACK converts the matrix with MatDenseGetArray, which bumps the state of A, and
  // SLEPc 3.18 then refuses to return the "modified" operators at the end of EPSSolve. Given a
  // MATSCALAPACK matrix it only duplicates it.
  PetscBool scalapack = PETSC_FALSE;
  TERRAIN_PETSC(
      PetscObjectTypeCompare(eps.object(), EPSSCALAPACK, &scalapack));
  {
    core::OwnedMat op;
    if (scalapack) {
      TERRAIN_PETSC(MatConvert(A, MATSCALAPACK, MAT_INITIAL_MATRIX, op.out()));
    } else {
      TERRAIN_PETSC(PetscObjectReference(reinterpret_cast<PetscObject>(A)));
      op.reset(A);
    }
    TERRAIN_PETSC(EPSSetOperators(eps, op, nullptr));
  }  // the EPS keeps a reference
  TERRAIN_PETSC(EPSSetProblemType(eps, EPS_HEP));
  TERRAIN_PETSC(EPSSetWhichEigenpairs(eps, EPS_SMALLEST_REAL));
  TERRAIN_PETSC(EPSSetDimensions(eps, N, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscBool lapack = PETSC_FALSE;
  TERRAIN_PETSC(PetscObjectTypeCompare(eps.object(), EPSLAPACK, &lapack));
  if (lapack) {
    // Divide and conquer: 4.5× faster than the QR default at n = 4000 here.
    DS ds;
    TERRAIN_PETSC(EPSGetDS(eps, &ds));
    PetscBool set = PETSC_FALSE;
    TERRAIN_PETSC(PetscOptionsHasName(nullptr, "hess_full_", "-ds_method", &set));
    if (!set) TERRAIN_PETSC(DSSetMethod(ds, 2));
  }
  TERRAIN_PETSC(EPSSolve(eps));
  PetscInt converged = 0;
  TERRAIN_PETSC(EPSGetConverged(eps, &converged));
  std::vector<double> w;
  for (PetscInt i = 0; i < converged; ++i) {
    double value = 0;
    TERRAIN_PETSC(EPSGetEigenvalue(eps, i, &value, nullptr));
    w.push_back(value);
  }
  EPSType type = nullptr;
  TERRAIN_PETSC(EPSGetType(eps, &type));
  if (used) *used = std::string("slepc ") + type;
  eps.reset();
  if (static_cast<PetscInt>(w.size()) != N)
    throw core::Error("the dense eigensolver returned " + std::to_string(w.size()) + " of " +
                      std::to_string(N) + " eigenvalues");
  std::sort(w.begin(), w.end());
  return w;
}
}  // namespace

const char* to_string(DenseSolver s) {
  switch (s) {
    case DenseSolver::automatic:
      return "auto";
    case DenseSolver::scalapack:
      return "scalapack";
    case DenseSolver::slepc:
      return "slepc";
  }
  return "?";
}

bool scalapack_available() {
#if defined(PETSC_HAVE_SCALAPACK)
  return true;  // PETSc's MATSCALAPACK holds the matrix pdsyev reads
#else
  return false;
#endif
}

std::vector<double> dense_eigenvalues(Mat A, DenseSolver solver, std::string* used) {
  if (solver == DenseSolver::automatic)
    solver = scalapack_available() ? DenseSolver::scalapack : DenseSolver::slepc;
  if (solver == DenseSolver::scalapack)
    TERRAIN_CHECK(scalapack_available(),
                  "-spectrum_dense_solver scalapack: ScaLAPACK's pdsyev is not available in this "
                  "PETSc; use -spectrum_dense_solver slepc");
  // One call with no progress inside: a line at its start when it may take longer than the
  // progress interval (about (4/3) N^3 flops at a conservative 2 GFlop/s per rank), one at
  // its end when it did.
  const MPI_Comm comm = core::comm_of(A);
  int size = 1;
  MPI_Comm_size(comm, &size);
  PetscInt N = 0;
  TERRAIN_PETSC(MatGetSize(A, &N, nullptr));
  const double expected = 4.0 / 3.0 * double(N) * double(N) * double(N) / (2e9 * size);
  const std::string matrix = "of the " + std::to_string(N) + " x " + std::to_string(N) +
                             " matrix on " + std::to_string(size) + " rank(s)";
  core::Progress progress(comm, "dense eigenvalues");
  const char* name = solver == DenseSolver::scalapack ? "scalapack pdsyev" : "slepc";
  if (expected >= core::progress_interval())
    progress.announce(std::string("started: ") + name + " " + matrix);
  std::vector<double> w;
  if (solver == DenseSolver::scalapack) {
    if (used) *used = "scalapack pdsyev (eigenvalues only)";
    w = scalapack_eigenvalues(A);
  } else {
    w = slepc_eigenvalues(A, used);
  }
  progress.finish(std::string(name) + ", " + std::to_string(w.size()) + " eigenvalues " + matrix);
  return w;
}

}  // namespace terrain::spectral
