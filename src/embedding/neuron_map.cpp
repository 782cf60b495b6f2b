#include "embedding/neuron_map.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "model/parameter_layout.hpp"

namespace terrain::embedding {

namespace {
// Any layer with a skip connection in this architecture.
int first_skip(const model::Architecture& arch) {
  for (int l = 0; l < arch.n_layers(); ++l)
    if (arch.has_skip(l)) return l;
  return -1;
}
}  // namespace

NeuronMap NeuronMap::identity(const model::Architecture& arch) {
  NeuronMap m;
  for (int l = 1; l < arch.n_layers(); ++l) {
    const PetscInt h = arch.widths[l];
    std::vector<PetscInt> src(h);
    for (PetscInt i = 0; i < h; ++i) src[i] = i;
    m.source.push_back(std::move(src));
    m.share.emplace_back(h, 1.0);
  }
  return m;
}

model::Architecture target_architecture(const model::Architecture& source, const NeuronMap& map) {
  model::Architecture t = source;
  for (int l = 1; l <= map.n_hidden(); ++l) t.widths[l] = map.width(l);
  return t;
}

void check_map(const model::Architecture& source, const NeuronMap& map) {
  TERRAIN_CHECK(map.n_hidden() == source.n_layers() - 1 &&
                    map.share.size() == map.source.size(),
                "the embedding has " << map.n_hidden() << " hidden layers, the network "
                                     << source.n_layers() - 1);
  for (int l = 1; l <= map.n_hidden(); ++l) {
    const PetscInt h = source.widths[l];
    const auto& src = map.source[l - 1];
    const auto& a = map.share[l - 1];
    TERRAIN_CHECK(a.size() == src.size(), "internal: map and shares of layer " << l << " differ");
    std::vector<double> total(h, 0.0), scale(h, 0.0);
    for (std::size_t i = 0; i < src.size(); ++i) {
      TERRAIN_CHECK(src[i] >= 0 && src[i] < h, "hidden layer " << l << " has " << h
                                                   << " neurons, the map names neuron " << src[i]);
      TERRAIN_CHECK(std::isfinite(a[i]), "hidden layer " << l << ": share " << a[i]);
      total[src[i]] += a[i];
      scale[src[i]] += std::abs(a[i]);
    }
    for (PetscInt s = 0; s < h; ++s)
      TERRAIN_CHECK(scale[s] > 0 && std::abs(total[s] - 1.0) <= 1e-12 * std::max(1.0, scale[s]),
                    "hidden layer " << l << ": the shares of neuron " << s << " sum to "
                                    << total[s] << ", not 1");
  }
  const model::Architecture target = target_architecture(source, map);
  const int skip = std::max(first_skip(source), first_skip(target));
  TERRAIN_CHECK(skip < 0, "residual networks cannot be embedded: the skip connection of layer "
                              << skip + 1 << " adds its input to its output and needs equal "
                              << "widths, which splitting neurons of one of them breaks");
}

std::vector<double> apply_map(const model::Architecture& source, const std::vector<double>& theta,
                              const NeuronMap& map) {
  check_map(source, map);
  const model::Architecture target = target_architecture(source, map);
  const model::ParameterLayout from(source), to(target);
  TERRAIN_CHECK(theta.size() == static_cast<std::size_t>(from.size()),
                "a parameter vector of " << theta.size() << " entries for a network of "
                                         << from.size());
  std::vector<double> out(to.size());
  const int L = source.n_layers();
  for (int l = 0; l < L; ++l) {
    const model::LayerBlock &a = from.layer(l), &b = to.layer(l);
    // Linear layer l reads hidden layer l (the input when l = 0) and writes hidden layer l + 1
    // (the output when l = L − 1).
    const bool in_hidden = l > 0, out_hidden = l + 1 < L;
    for (PetscInt r = 0; r < b.fan_out; ++r) {
      const PetscInt sr = out_hidden ? map.source[l][r] : r;
      for (PetscInt c = 0; c < b.fan_in; ++c) {
        const PetscInt sc = in_hidden ? map.source[l - 1][c] : c;
        const double alpha = in_hidden ? map.share[l - 1][c] : 1.0;
        out[b.weight_offset + r * b.fan_in + c] = theta[a.weight_offset + sr * a.fan_in + sc] * alpha;
      }
      if (b.bias_offset >= 0) out[b.bias_offset + r] = theta[a.bias_offset + sr];
    }
  }
  return out;
}

NeuronMap compose(const NeuronMap& first, const NeuronMap& second) {
  TERRAIN_CHECK(first.n_hidden() == second.n_hidden(), "internal: composing maps of different depth");
  NeuronMap m;
  for (int l = 1; l <= second.n_hidden(); ++l) {
    const auto& s2 = second.source[l - 1];
    const auto& a2 = second.share[l - 1];
    std::vector<PetscInt> src(s2.size());
    std::vector<double> share(s2.size());
    for (std::size_t i = 0; i < s2.size(); ++i) {
      TERRAIN_CHECK(s2[i] >= 0 && s2[i] < first.width(l), "internal: composing mismatched maps");
      src[i] = first.source[l - 1][s2[i]];
      share[i] = first.share[l - 1][s2[i]] * a2[i];
    }
    m.source.push_back(std::move(src));
    m.share.push_back(std::move(share));
  }
  return m;
}

}  // namespace terrain::embedding
