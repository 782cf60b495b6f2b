#include "model/parameter_layout.hpp"

#include <cmath>

#include "core/rng.hpp"

namespace terrain::model {

ParameterLayout::ParameterLayout(const Architecture& arch) {
  PetscInt offset = 0;
  for (int l = 0; l < arch.n_layers(); ++l) {
    LayerBlock block;
    block.fan_in = arch.fan_in(l);
    block.fan_out = arch.fan_out(l);
    block.weight_offset = offset;
    offset += block.fan_in * block.fan_out;
    if (arch.bias) {
      block.bias_offset = offset;
      offset += block.fan_out;
    }
    layers_.push_back(block);
  }
  size_ = offset;
}

void initial_parameters(const Architecture& arch, const ParameterLayout& layout, PetscInt begin,
                        PetscInt end, double* params) {
  for (int l = 0; l < layout.n_layers(); ++l) {
    const LayerBlock& b = layout.layer(l);
    const double sigma = arch.init_scale * std::pow(double(b.fan_in), -arch.init_gamma);
    const PetscInt w_end = b.weight_offset + b.fan_in * b.fan_out;
    for (PetscInt i = std::max(begin, b.weight_offset); i < std::min(end, w_end); ++i)
      params[i - begin] = sigma * core::normal(arch.seed, core::Stream::init_weights, i);
    if (b.bias_offset >= 0)
      for (PetscInt i = std::max(begin, b.bias_offset); i < std::min(end, b.bias_offset + b.fan_out); ++i)
        params[i - begin] = arch.init_bias;
  }
}

}  // namespace terrain::model
