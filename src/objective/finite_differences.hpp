#pragma once
// Central differences of the objective: the independent oracle of every derivative terrain
// computes (tests and terrain-hvp-check use them).
#include <petscvec.h>

#include "objective/objective.hpp"

namespace terrain::objective {

// (L(θ + h v) − L(θ − h v)) / 2h ≈ ∇L·v
double central_difference_slope(Objective& f, Vec theta, Vec v, double h);

// (∇L(θ + h v) − ∇L(θ − h v)) / 2h ≈ H v, into `out`.
void central_difference_hessian_product(Objective& f, Vec theta, Vec v, double h, Vec out);

// ‖a − b‖₂ / ‖b‖₂ (or ‖a‖₂ when b = 0)
double relative_difference(Vec a, Vec b);

}  // namespace terrain::objective
