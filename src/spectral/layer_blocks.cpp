#include "spectral/layer_blocks.hpp"

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "objective/dense_assembly.hpp"
#include "objective/restricted_operator.hpp"

namespace terrain::spectral {

void layer_range(const model::ParameterLayout& layout, int layer, PetscInt* begin, PetscInt* end) {
  const model::LayerBlock& b = layout.layer(layer);
  *begin = b.weight_offset;
  *end = b.weight_offset + b.fan_in * b.fan_out;
  if (b.bias_offset >= 0) {
    // The layout puts b right after W; a layout that did not would need an index set here.
    TERRAIN_CHECK(b.bias_offset == *end, "layer " << layer << ": bias not next to its weights");
    *end += b.fan_out;
  }
}

std::vector<BlockSpectrum> layer_block_spectra(Mat op, Mat dense,
                                               const model::ParameterLayout& layout,
                                               const BlockSettings& settings) {
  std::vector<BlockSpectrum> result;
  for (int l = 0; l < layout.n_layers(); ++l) {
    BlockSpectrum s;
    s.layer = l;
    PetscInt begin = 0, end = 0;
    layer_range(layout, l, &begin, &end);
    s.offset = begin;
    s.size = end - begin;
    if (dense || s.size <= settings.dense_max) {
      core::OwnedMat B;
      if (dense) {
        B = objective::dense_diagonal_block(dense, begin, end);
      } else {
        objective::RestrictedOperator block(op, begin, end);
        B = objective::assemble_dense(block.mat(), settings.block);
      }
      s.method = "dense";
      s.values = dense_eigenvalues(B, settings.solver);
    } else {
      objective::RestrictedOperator block(op, begin, end);
      s.method = "extreme";
      s.largest = extreme_eigenpairs(block.mat(), End::largest, settings.extreme);
      if (!settings.largest_only)
        s.smallest = extreme_eigenpairs(block.mat(), End::smallest, settings.extreme);
    }
    result.push_back(std::move(s));
  }
  return result;
}

}  // namespace terrain::spectral
