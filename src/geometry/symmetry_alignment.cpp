#include "geometry/symmetry_alignment.hpp"

#include <numeric>

#include "geometry/activation_matching.hpp"
#include "geometry/weight_matching.hpp"

namespace terrain::geometry {

AlignmentResult align_by_weights(const model::Architecture& arch, const std::vector<double>& a,
                                 const std::vector<double>& b, PetscInt max_sweeps,
                                 std::uint64_t seed) {
  WeightMatchingOptions options;
  options.seed = seed;
  options.max_sweeps = static_cast<int>(max_sweeps);
  const WeightMatching m = weight_matching(arch, a, b, options);
  AlignmentResult r;
  r.symmetry = m.g;
  r.aligned = apply_symmetry(arch, b, m.g);
  r.objective_before = m.objective.front();
  r.objective_after = m.objective.back();
  return r;
}

AlignmentResult align_by_activations(MPI_Comm comm, const model::Architecture& arch,
                                     const data::Dataset& data, const std::vector<double>& a,
                                     const std::vector<double>& b) {
  const ActivationMatching m = activation_matching(comm, arch, a, b, data);
  auto mean = [](const std::vector<double>& v) {
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  };
  AlignmentResult r;
  r.symmetry = m.g;
  r.aligned = apply_symmetry(arch, b, m.g);
  r.objective_before = mean(m.identity_correlation);
  r.objective_after = mean(m.correlation);
  return r;
}

}  // namespace terrain::geometry
