// The -surf_ direction options: one options block, then the checks that need several values.
#include "core/error.hpp"
#include "core/session.hpp"
#include "geometry/directions.hpp"

namespace terrain::geometry {

namespace {
// PetscOptionsEList indices are the enums' values.
const char* const kKinds[] = {"none", "random", "target", "pca", "eigen_top", "eigen_bottom"};
const char* const kNormalisations[] = {"filter", "layer", "weight", "unit", "none"};
const char* const kBiases[] = {"zero", "filter", "keep"};

struct Raw {
  PetscInt x = 0, y = 0, norm = 0, bias = 0, seed = 0;
  PetscBool x_set = PETSC_FALSE, y_set = PETSC_FALSE, x_target_set = PETSC_FALSE,
            y_target_set = PETSC_FALSE;
  PetscBool orthogonalize = PETSC_FALSE;
  char x_target[PETSC_MAX_PATH_LEN] = "", y_target[PETSC_MAX_PATH_LEN] = "";
  char trajectory[PETSC_MAX_PATH_LEN] = "";
};

PetscErrorCode read_options(DirectionConfig* c, Raw* r) {
  PetscFunctionBeginUser;
  r->x = static_cast<PetscInt>(c->x);
  r->y = static_cast<PetscInt>(c->y);
  r->norm = static_cast<PetscInt>(c->normalisation);
  r->bias = static_cast<PetscInt>(c->bias);
  r->seed = static_cast<PetscInt>(c->seed);
  r->orthogonalize = c->orthogonalize ? PETSC_TRUE : PETSC_FALSE;
  PetscOptionsBegin(PETSC_COMM_WORLD, "surf_", "Directions of a loss surface", "terrain-surface");
  PetscCall(PetscOptionsEList("-xdir",
                              "Direction x: random, target (-surf_xtarget), pca (of "
                              "-surf_trajectory), eigen_top or eigen_bottom (Hessian at theta)",
                              "", kKinds, 6, kKinds[r->x], &r->x, &r->x_set));
  PetscCall(PetscOptionsEList("-ydir",
                              "Direction y (none: a 1-D surface); the same kind as x "
                              "takes the next component",
                              "", kKinds, 6, kKinds[r->y], &r->y, &r->y_set));
  PetscCall(PetscOptionsEList("-norm", "Normalisation of random directions against theta", "",
                              kNormalisations, 5, kNormalisations[r->norm], &r->norm, nullptr));
  PetscCall(PetscOptionsEList("-bias",
                              "Bias entries of random directions: zero, filter "
                              "(normalised with their neuron) or keep (as drawn)",
                              "", kBiases, 3, kBiases[r->bias], &r->bias, nullptr));
  PetscCall(PetscOptionsInt("-seed", "Seed of random directions", "", r->seed, &r->seed, nullptr));
  PetscCall(PetscOptionsString("-xtarget",
                               "x = theta_B - theta: file.h5 (its /params) or "
                               "file.h5:<step> (a /trajectory/params snapshot)",
                               "", r->x_target, r->x_target, sizeof(r->x_target),
                               &r->x_target_set));
  PetscCall(PetscOptionsString("-ytarget",
                               "y towards theta_C: with -surf_xtarget the plane "
                               "through the three points",
                               "", r->y_target, r->y_target, sizeof(r->y_target),
                               &r->y_target_set));
  PetscCall(PetscOptionsString("-trajectory",
                               "Run file whose /trajectory/params pca uses "
                               "(default: the input)",
                               "", r->trajectory, r->trajectory, sizeof(r->trajectory), nullptr));
  PetscCall(PetscOptionsBool("-orthogonalize", "Make y orthogonal to x, keeping its norm", "",
                             r->orthogonalize, &r->orthogonalize, nullptr));
  PetscCall(PetscOptionsReal("-eigen_tol", "Absolute residual of eigen_* directions", "",
                             c->eigen_tol, &c->eigen_tol, nullptr));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

bool is_target(DirectionKind k) { return k == DirectionKind::target; }
}  // namespace

const char* to_string(DirectionKind k) { return kKinds[static_cast<int>(k)]; }
const char* to_string(Normalisation n) { return kNormalisations[static_cast<int>(n)]; }
const char* to_string(BiasPolicy b) { return kBiases[static_cast<int>(b)]; }

DirectionConfig DirectionConfig::from_options() {
  DirectionConfig c;
  Raw r;
  TERRAIN_OPTIONS(read_options(&c, &r));
  // A target alone says what its direction is.
  if (r.x_target_set && !r.x_set) r.x = static_cast<PetscInt>(DirectionKind::target);
  if (r.y_target_set && !r.y_set) r.y = static_cast<PetscInt>(DirectionKind::target);
  c.x = static_cast<DirectionKind>(r.x);
  c.y = static_cast<DirectionKind>(r.y);
  c.normalisation = static_cast<Normalisation>(r.norm);
  c.bias = static_cast<BiasPolicy>(r.bias);
  c.orthogonalize = r.orthogonalize;
  c.x_target = r.x_target;
  c.y_target = r.y_target;
  c.trajectory = r.trajectory;
  if (core::help_requested()) return c;  // -help lists the options; nothing is checked
  TERRAIN_CHECK(c.x != DirectionKind::none, "-surf_xdir cannot be none (a surface needs x)");
  TERRAIN_CHECK(r.seed >= 0, "-surf_seed must be non-negative, got " << r.seed);
  c.seed = static_cast<std::uint64_t>(r.seed);
  TERRAIN_CHECK(c.eigen_tol > 0, "-surf_eigen_tol must be positive, got " << c.eigen_tol);
  TERRAIN_CHECK(!is_target(c.x) || !c.x_target.empty(),
                "-surf_xdir target needs -surf_xtarget (file.h5 or file.h5:<step>)");
  TERRAIN_CHECK(!is_target(c.y) || !c.y_target.empty(),
                "-surf_ydir target needs -surf_ytarget (file.h5 or file.h5:<step>)");
  TERRAIN_CHECK(is_target(c.x) || !r.x_target_set,
                "-surf_xtarget is given but -surf_xdir is " << to_string(c.x));
  TERRAIN_CHECK(is_target(c.y) || !r.y_target_set,
                "-surf_ytarget is given but -surf_ydir is " << to_string(c.y));
  return c;
}

}  // namespace terrain::geometry
