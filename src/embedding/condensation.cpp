#include "embedding/condensation.hpp"

#include <algorithm>
#include <numeric>

#include "core/error.hpp"

namespace terrain::embedding {

std::vector<double> cosine_similarity(const NeuronFeatures& f) {
  const PetscInt m = f.m, c = f.cols();
  std::vector<double> s(std::size_t(m) * m);
  for (PetscInt i = 0; i < m; ++i)
    for (PetscInt j = 0; j < m; ++j) {
      double dot = 0;
      for (PetscInt t = 0; t < c; ++t)
        dot += f.direction[std::size_t(i) * c + t] * f.direction[std::size_t(j) * c + t];
      s[std::size_t(i) * m + j] = dot;
    }
  return s;
}

Grouping condense(const NeuronFeatures& f, double cos_threshold, double amp_tol) {
  const PetscInt m = f.m;
  Grouping g;
  g.cos_threshold = cos_threshold;
  g.amp_tol = amp_tol;
  g.group.assign(m, -2);  // −2: not yet grouped
  const double max_a = m ? *std::max_element(f.amplitude.begin(), f.amplitude.end()) : 0.0;
  for (PetscInt k = 0; k < m; ++k)
    if (!(f.amplitude[k] > amp_tol * max_a) || f.amplitude[k] == 0) {
      g.group[k] = -1;
      ++g.n_dropped;
    }
  TERRAIN_CHECK(g.n_dropped < m, "every neuron has negligible amplitude (max A = "
                                     << max_a << "): nothing to reduce to");
  std::vector<PetscInt> by_amplitude(m);
  std::iota(by_amplitude.begin(), by_amplitude.end(), 0);
  std::stable_sort(by_amplitude.begin(), by_amplitude.end(),
                   [&](PetscInt a, PetscInt b) { return f.amplitude[a] > f.amplitude[b]; });
  const std::vector<double> sim = cosine_similarity(f);
  std::vector<PetscInt> leaders;
  for (PetscInt j : by_amplitude) {
    if (g.group[j] != -2) continue;
    const PetscInt id = static_cast<PetscInt>(leaders.size());
    leaders.push_back(j);
    for (PetscInt k = 0; k < m; ++k)
      if (g.group[k] == -2 && (k == j || sim[std::size_t(j) * m + k] >= cos_threshold))
        g.group[k] = id;
  }
  // Renumber the groups by their lowest-numbered member, so a reduced embedding lists its
  // neurons in the original order (the originals stay in place, copies are appended).
  const PetscInt n_groups = static_cast<PetscInt>(leaders.size());
  std::vector<PetscInt> renumber(n_groups, -1);
  PetscInt next = 0;
  for (PetscInt k = 0; k < m; ++k)
    if (g.group[k] >= 0 && renumber[g.group[k]] < 0) renumber[g.group[k]] = next++;
  for (PetscInt& id : g.group)
    if (id >= 0) id = renumber[id];
  g.kept.resize(n_groups);
  for (PetscInt id = 0; id < n_groups; ++id) g.kept[renumber[id]] = leaders[id];
  g.order.resize(m);
  std::iota(g.order.begin(), g.order.end(), 0);
  std::stable_sort(g.order.begin(), g.order.end(), [&](PetscInt a, PetscInt b) {
    const PetscInt ga = g.group[a] < 0 ? m : g.group[a], gb = g.group[b] < 0 ? m : g.group[b];
    return ga < gb;
  });
  return g;
}

}  // namespace terrain::embedding
