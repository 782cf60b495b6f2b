#pragma once
// The flat parameter vector: layer by layer, W [fan_out × fan_in] row-major then b — the order
// of PyTorch's nn.Sequential(nn.Linear, ...).parameters() flattened.
#include <petscsys.h>

#include <vector>

#include "model/architecture.hpp"

namespace terrain::model {

struct LayerBlock {
  PetscInt fan_in = 0, fan_out = 0;
  PetscInt weight_offset = 0;
  PetscInt bias_offset = -1;  // -1 without biases
};

class ParameterLayout {
 public:
  explicit ParameterLayout(const Architecture& arch);
  PetscInt size() const { return size_; }
  const LayerBlock& layer(int l) const { return layers_[l]; }
  int n_layers() const { return static_cast<int>(layers_.size()); }

 private:
  std::vector<LayerBlock> layers_;
  PetscInt size_ = 0;
};

// The initial weights: N(0, σ_l²) with σ_l = init_scale·fan_in^(−γ), drawn from
// (seed, global parameter index); biases = init_bias. Fills params[begin, end).
void initial_parameters(const Architecture& arch, const ParameterLayout& layout, PetscInt begin,
                        PetscInt end, double* params);

}  // namespace terrain::model
