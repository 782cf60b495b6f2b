#pragma once
// The -hess_ options: how many extreme eigenpairs, of which operator, to what tolerance.
#include "objective/objective.hpp"
#include "spectral/extreme_eigenvalues.hpp"

namespace terrain::spectral {

struct EigenOptions {
  EigenSettings settings;
  objective::Curvature op = objective::Curvature::hessian;

  static EigenOptions from_options();
};

const char* to_string(objective::Curvature c);

}  // namespace terrain::spectral
