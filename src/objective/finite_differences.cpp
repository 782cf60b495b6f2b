#include "objective/finite_differences.hpp"

#include "core/error.hpp"

namespace terrain::objective {

double central_difference_slope(Objective& f, Vec theta, Vec v, double h) {
  Vec shifted;
  TERRAIN_PETSC(VecDuplicate(theta, &shifted));
  TERRAIN_PETSC(VecWAXPY(shifted, h, v, theta));
  const double plus = f.loss(shifted);
  TERRAIN_PETSC(VecWAXPY(shifted, -h, v, theta));
  const double minus = f.loss(shifted);
  TERRAIN_PETSC(VecDestroy(&shifted));
  return (plus - minus) / (2 * h);
}

void central_difference_hessian_product(Objective& f, Vec theta, Vec v, double h, Vec out) {
  Vec shifted, minus;
  TERRAIN_PETSC(VecDuplicate(theta, &shifted));
  TERRAIN_PETSC(VecDuplicate(theta, &minus));
  TERRAIN_PETSC(VecWAXPY(shifted, h, v, theta));
  f.gradient(shifted, out);
  TERRAIN_PETSC(VecWAXPY(shifted, -h, v, theta));
  f.gradient(shifted, minus);
  TERRAIN_PETSC(VecAXPY(out, -1.0, minus));
  TERRAIN_PETSC(VecScale(out, 1.0 / (2 * h)));
  TERRAIN_PETSC(VecDestroy(&shifted));
  TERRAIN_PETSC(VecDestroy(&minus));
}

double relative_difference(Vec a, Vec b) {
  Vec d;
  TERRAIN_PETSC(VecDuplicate(a, &d));
  TERRAIN_PETSC(VecWAXPY(d, -1.0, b, a));
  double nd = 0, nb = 0;
  TERRAIN_PETSC(VecNorm(d, NORM_2, &nd));
  TERRAIN_PETSC(VecNorm(b, NORM_2, &nb));
  TERRAIN_PETSC(VecDestroy(&d));
  return nb > 0 ? nd / nb : nd;
}

}  // namespace terrain::objective
