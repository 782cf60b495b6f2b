#pragma once
// tr(A) of a symmetric operator from products only.
//
//   Hutchinson: the mean of zᵀAz over m Rademacher probes z, with the standard error
//               s/√m of the sample standard deviation s.
//   Hutch++ (Meyer, Musco, Musco, Woodruff 2021): with the same m products, k = m/3 probes
//               sketch the top of the spectrum (Q = orth(A S)), tr(QᵀAQ) is taken exactly,
//               and k Hutchinson probes of the deflated (I − QQᵀ)A(I − QQᵀ) estimate the rest;
//               the standard error is that of the second part. Much more accurate when a few
//               eigenvalues dominate, as they do for Hessians.
//
// Probes go through the operator `block` columns at a time (one pass over the data each).
#include <petscmat.h>

#include <cstdint>

#include "spectral/results.hpp"

namespace terrain::spectral {

// With hutchpp false only the Hutchinson probes are applied (half the products).
TraceEstimate estimate_trace(Mat op, PetscInt probes, std::uint64_t seed, PetscInt block,
                             bool hutchpp = true);

}  // namespace terrain::spectral
