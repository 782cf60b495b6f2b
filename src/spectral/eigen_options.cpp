#include "spectral/eigen_options.hpp"

#include "core/error.hpp"

namespace terrain::spectral {

namespace {
const char* const kOperators[] = {"hessian", "ggn"};

PetscErrorCode read_options(EigenOptions* o) {
  PetscFunctionBeginUser;
  PetscInt op = static_cast<PetscInt>(o->op);
  PetscOptionsBegin(PETSC_COMM_WORLD, "hess_", "Hessian eigenvalues (any -hess_eps_* option passes to SLEPc)",
                    "terrain");
  PetscCall(PetscOptionsInt("-nev", "How many largest and how many smallest eigenvalues (0: none)", "",
                            o->settings.nev, &o->settings.nev, nullptr));
  PetscCall(PetscOptionsReal("-tol", "Absolute residual tolerance |Hv - lambda v|", "", o->settings.tol,
                             &o->settings.tol, nullptr));
  PetscCall(PetscOptionsInt("-max_it", "Maximum Krylov-Schur restarts", "", o->settings.max_it,
                            &o->settings.max_it, nullptr));
  PetscCall(PetscOptionsEList("-operator", "Curvature operator", "", kOperators, 2, kOperators[op], &op, nullptr));
  PetscOptionsEnd();
  o->op = static_cast<objective::Curvature>(op);
  PetscFunctionReturn(0);
}
}  // namespace

const char* to_string(objective::Curvature c) { return kOperators[static_cast<int>(c)]; }

EigenOptions EigenOptions::from_options() {
  EigenOptions o;
  TERRAIN_OPTIONS(read_options(&o));
  TERRAIN_CHECK(o.settings.nev >= 0, "-hess_nev must be non-negative, got " << o.settings.nev);
  TERRAIN_CHECK(o.settings.tol > 0, "-hess_tol must be positive, got " << o.settings.tol);
  TERRAIN_CHECK(o.settings.max_it > 0, "-hess_max_it must be positive");
  return o;
}

}  // namespace terrain::spectral
