#include "embedding/reduction.hpp"

#include "core/error.hpp"
#include "model/parameter_layout.hpp"

namespace terrain::embedding {

Reduced reduce(const model::Architecture& arch, const std::vector<double>& theta,
               const NeuronFeatures& features, const Grouping& grouping) {
  require_two_layer(arch, "reduction");
  const model::ParameterLayout from(arch);
  TERRAIN_CHECK(theta.size() == static_cast<std::size_t>(from.size()) &&
                    grouping.group.size() == static_cast<std::size_t>(features.m) &&
                    features.m == arch.widths[1],
                "internal: reduction of mismatched network, features and groups");
  const PetscInt m = features.m, d = features.d_in, k_out = features.d_out;
  const PetscInt groups = static_cast<PetscInt>(grouping.kept.size());
  Reduced r;
  r.arch = arch;
  r.arch.widths[1] = groups;
  const model::ParameterLayout to(r.arch);
  r.theta.assign(to.size(), 0.0);
  const model::LayerBlock &a0 = from.layer(0), &a1 = from.layer(1), &b0 = to.layer(0),
                          &b1 = to.layer(1);
  for (PetscInt g = 0; g < groups; ++g) {
    const PetscInt j = grouping.kept[g];
    for (PetscInt i = 0; i < d; ++i)
      r.theta[b0.weight_offset + g * d + i] = theta[a0.weight_offset + j * d + i];
    if (b0.bias_offset >= 0) r.theta[b0.bias_offset + g] = theta[a0.bias_offset + j];
  }
  for (PetscInt k = 0; k < m; ++k) {
    const PetscInt g = grouping.group[k];
    if (g < 0) continue;
    const double ratio = features.input_norm[k] / features.input_norm[grouping.kept[g]];
    for (PetscInt o = 0; o < k_out; ++o)
      r.theta[b1.weight_offset + o * groups + g] += theta[a1.weight_offset + o * m + k] * ratio;
  }
  if (b1.bias_offset >= 0)
    for (PetscInt o = 0; o < k_out; ++o) r.theta[b1.bias_offset + o] = theta[a1.bias_offset + o];
  return r;
}

}  // namespace terrain::embedding
