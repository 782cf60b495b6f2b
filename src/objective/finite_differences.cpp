#include "objective/finite_differences.hpp"

#include "core/error.hpp"
#include "core/petsc_handle.hpp"

namespace terrain::objective {

double central_difference_slope(Objective& f, Vec theta, Vec v, double h) {
  core::OwnedVec shifted;
  TERRAIN_PETSC(VecDuplicate(theta, shifted.out()));
  TERRAIN_PETSC(VecWAXPY(shifted, h, v, theta));
  const double plus = f.loss(shifted);
  TERRAIN_PETSC(VecWAXPY(shifted, -h, v, theta));
  const double minus = f.loss(shifted);
  return (plus - minus) / (2 * h);
}

void central_difference_hessian_product(Objective& f, Vec theta, Vec v, double h, Vec out) {
  core::OwnedVec shifted, minus;
  TERRAIN_PETSC(VecDuplicate(theta, shifted.out()));
  TERRAIN_PETSC(VecDuplicate(theta, minus.out()));
  TERRAIN_PETSC(VecWAXPY(shifted, h, v, theta));
  f.gradient(shifted, out);
  TERRAIN_PETSC(VecWAXPY(shifted, -h, v, theta));
  f.gradient(shifted, minus);
  TERRAIN_PETSC(VecAXPY(out, -1.0, minus));
  TERRAIN_PETSC(VecScale(out, 1.0 / (2 * h)));
}

double relative_difference(Vec a, Vec b) {
  core::OwnedVec d;
  TERRAIN_PETSC(VecDuplicate(a, d.out()));
  TERRAIN_PETSC(VecWAXPY(d, -1.0, b, a));
  double nd = 0, nb = 0;
  TERRAIN_PETSC(VecNorm(d, NORM_2, &nd));
  TERRAIN_PETSC(VecNorm(b, NORM_2, &nb));
  return nb > 0 ? nd / nb : nd;
}

}  // namespace terrain::objective
