#pragma once
// Spectra of the per-layer diagonal blocks H_ll of the Hessian (layer l's weights and bias
// together): the curvature each layer sees with the others held fixed. A block is read from the
// assembled Hessian when there is one, assembled from products with vectors supported on the
// layer when it has at most `dense_max` parameters, and otherwise reduced to its extreme
// eigenpairs matrix-free (objective::RestrictedOperator).
#include <petscmat.h>

#include <vector>

#include "model/parameter_layout.hpp"
#include "spectral/dense_eigenvalues.hpp"
#include "spectral/extreme_eigenvalues.hpp"
#include "spectral/results.hpp"

namespace terrain::spectral {

struct BlockSettings {
  PetscInt dense_max = 20000;  // largest block whose eigenvalues are all computed
  PetscInt block = 256;        // columns per product when assembling
  DenseSolver solver = DenseSolver::automatic;
  EigenSettings extreme;      // for larger blocks
  bool largest_only = false;  // positive semi-definite operators: skip the smallest end
};

// The index range [begin, end) of layer l in the flat parameter vector.
void layer_range(const model::ParameterLayout& layout, int layer, PetscInt* begin, PetscInt* end);

// `dense` may be null (no assembled Hessian).
std::vector<BlockSpectrum> layer_block_spectra(Mat op, Mat dense,
                                               const model::ParameterLayout& layout,
                                               const BlockSettings& settings);

}  // namespace terrain::spectral
