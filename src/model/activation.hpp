#pragma once
// Elementwise activations with their first and second derivatives, computed in one sweep so
// the forward pass leaves everything the exact Hessian needs.
#include <cstddef>

#include "model/architecture.hpp"

namespace terrain::model {

// s = σ(z), d1 = σ'(z), d2 = σ''(z) for m entries; d1 and d2 may be null when not needed.
// ReLU takes σ'(0) = 0 and σ'' = 0 (the kink has measure zero for generic inputs).
void activate(Activation a, const double* z, std::size_t m, double* s, double* d1, double* d2);

// Values only, for forward-only passes: s = σ(z) (+ skip[i] when skip is non-null) for m
// entries; s may be z. tanh and sigmoid go through glibc's vector functions (libmvec, AVX-512 or
// AVX2 chosen at run time; scalar std:: functions elsewhere), ≤ 4 ulp from activate() and
// several times faster; linear, ReLU and softplus are exactly activate()'s values.
void activate_values(Activation a, const double* z, std::size_t m, double* s, const double* skip);

}  // namespace terrain::model
