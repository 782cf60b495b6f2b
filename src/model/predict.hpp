#pragma once
// The network function alone: outputs for a block of samples, nothing kept for derivatives.
#include <petscsys.h>

#include "model/architecture.hpp"

namespace terrain::model {

// out (n × d_out, row-major) = f(X; theta) for X (n × d_in, row-major); theta is the whole
// flat parameter vector in ParameterLayout order.
void predict(const Architecture& arch, const double* theta, const double* X, PetscInt n,
             double* out);

}  // namespace terrain::model
