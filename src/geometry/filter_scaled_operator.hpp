#pragma once
// The filter-normalised curvature D C D of a symmetric operator C (the Hessian shell), with
// D = diag(d) and d the per-parameter filter norms of θ: the norm of the row of W that the
// parameter belongs to. A bias entry b_i takes the norm of its neuron's row W_i as well (not
// |b_i|), so the scaling of a neuron is the same for all its parameters.
//
// Why: under a rescaling that leaves the loss unchanged (ReLU: layer l × c, layer l+1 × 1/c),
// θ' = Sθ and H' = S⁻¹HS⁻¹; the row norms scale like the rows (d' = S d) for every weight and
// for the biases of layer l, so D'H'D' = DHD and its eigenvalues do not move. The biases of
// layer l+1 do not scale while their rows do, so with biases the invariance holds for the
// weight blocks only: tests/geometry/test_sharpness.cpp checks it exactly on a net without
// biases and measures the bias-caused change.
#include <petscmat.h>

#include "core/petsc_handle.hpp"
#include "model/parameter_layout.hpp"

namespace terrain::geometry {

// d for θ (distributed like θ): entry i is ‖W_r‖₂ of the row r that parameter i sits in.
// Collective on θ's communicator (θ is replicated once).
core::OwnedVec filter_norms(const model::ParameterLayout& layout, Vec theta);

// The MatShell x ↦ D (C (D x)), MatMult and MatMatMult with MATDENSE (one pass of C over
// all columns). `op` is referenced, `d` copied.
core::OwnedMat filter_scaled_operator(Mat op, Vec d);

}  // namespace terrain::geometry
