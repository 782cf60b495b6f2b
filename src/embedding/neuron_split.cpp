#include "embedding/neuron_split.hpp"

#include <cmath>
#include <string>

#include "core/error.hpp"

namespace terrain::embedding {

namespace {
std::string list(const std::vector<PetscInt>& w) {
  std::string s;
  for (std::size_t i = 0; i < w.size(); ++i) s += (i ? "," : "") + std::to_string(w[i]);
  return s;
}
}  // namespace

const char* to_string(SplitRule r) { return r == SplitRule::equal ? "equal" : "alpha"; }

NeuronMap one_step_split(const model::Architecture& arch, int layer, PetscInt neuron, double alpha) {
  const int hidden = arch.n_layers() - 1;
  TERRAIN_CHECK(hidden >= 1, "-embed_layer: the network " << list(arch.widths)
                                                          << " has no hidden layer to split");
  TERRAIN_CHECK(layer >= 1 && layer <= hidden,
                "-embed_layer must be a hidden layer 1.." << hidden << ", got " << layer);
  const PetscInt h = arch.widths[layer];
  TERRAIN_CHECK(neuron >= 0 && neuron < h, "-embed_neuron must be in 0.." << h - 1
                                               << " (hidden layer " << layer << " has " << h
                                               << " neurons), got " << neuron);
  TERRAIN_CHECK(std::isfinite(alpha), "-embed_alpha must be finite");
  NeuronMap m = NeuronMap::identity(arch);
  m.source[layer - 1].push_back(neuron);
  m.share[layer - 1][neuron] = alpha;
  m.share[layer - 1].push_back(1.0 - alpha);
  return m;
}

NeuronMap multi_step_split(const model::Architecture& arch, const std::vector<PetscInt>& widths,
                           SplitRule rule, double alpha) {
  return multi_step_split(arch, TargetWidths{widths, Widening::round_robin, -1}, rule, alpha);
}

const char* to_string(Widening w) {
  return w == Widening::round_robin ? "round-robin" : "one-neuron";
}

NeuronMap multi_step_split(const model::Architecture& arch, const TargetWidths& target,
                           SplitRule rule, double alpha) {
  const std::vector<PetscInt>& widths = target.widths;
  TERRAIN_CHECK(widths.size() == arch.widths.size(),
                "-embed_widths " << list(widths) << " must have the depth of the network "
                                 << list(arch.widths) << " (" << arch.widths.size() << " entries)");
  TERRAIN_CHECK(widths.front() == arch.widths.front() && widths.back() == arch.widths.back(),
                "-embed_widths " << list(widths) << " must keep the input and output widths of "
                                 << list(arch.widths));
  TERRAIN_CHECK(rule != SplitRule::alpha || std::isfinite(alpha), "-embed_alpha must be finite");
  const bool one = target.widening == Widening::one_neuron;
  NeuronMap m = NeuronMap::identity(arch);
  for (int l = 1; l + 1 < static_cast<int>(widths.size()); ++l) {
    const PetscInt h = arch.widths[l], wanted = widths[l];
    TERRAIN_CHECK(wanted >= h, "-embed_widths " << list(widths) << " is narrower than the network "
                                                << list(arch.widths) << " in hidden layer " << l);
    TERRAIN_CHECK(!one || wanted == h || (target.neuron >= 0 && target.neuron < h),
                  "-embed_split_neuron must be in 0.." << h - 1 << " (hidden layer " << l
                                                       << " has " << h << " neurons), got "
                                                       << target.neuron);
    auto& src = m.source[l - 1];
    auto& share = m.share[l - 1];
    for (PetscInt t = 0; t < wanted - h; ++t) {
      const PetscInt s = one ? target.neuron : t % h;
      src.push_back(s);
      if (rule == SplitRule::alpha) {
        share.push_back((1.0 - alpha) * share[s]);
        share[s] *= alpha;
      } else {
        share.push_back(1.0);
      }
    }
    if (rule == SplitRule::equal) {
      std::vector<PetscInt> copies(h, 0);
      for (PetscInt s : src) ++copies[s];
      for (std::size_t i = 0; i < src.size(); ++i) share[i] = 1.0 / double(copies[src[i]]);
    }
  }
  return m;
}

}  // namespace terrain::embedding
