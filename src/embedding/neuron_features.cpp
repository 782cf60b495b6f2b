#include "embedding/neuron_features.hpp"

#include <cmath>

#include "core/error.hpp"
#include "model/parameter_layout.hpp"

namespace terrain::embedding {

void require_two_layer(const model::Architecture& arch, const std::string& what) {
  std::string w;
  for (std::size_t i = 0; i < arch.widths.size(); ++i)
    w += (i ? "," : "") + std::to_string(arch.widths[i]);
  TERRAIN_CHECK(arch.n_layers() == 2, what << " needs a two-layer network (d_in,m,d_out), got "
                                           << w);
}

NeuronFeatures neuron_features(const model::Architecture& arch, const std::vector<double>& theta) {
  require_two_layer(arch, "neuron features");
  const model::ParameterLayout layout(arch);
  TERRAIN_CHECK(theta.size() == static_cast<std::size_t>(layout.size()),
                "a parameter vector of " << theta.size() << " entries for a network of "
                                         << layout.size());
  const model::LayerBlock &in = layout.layer(0), &out = layout.layer(1);
  NeuronFeatures f;
  f.m = in.fan_out;
  f.d_in = in.fan_in;
  f.d_out = out.fan_out;
  const PetscInt c = f.cols();
  f.amplitude.resize(f.m);
  f.input_norm.resize(f.m);
  f.direction.assign(std::size_t(f.m) * c, 0.0);
  f.output_weights.resize(std::size_t(f.d_out) * f.m);
  if (f.d_in == 1) f.angle.resize(f.m);
  for (PetscInt k = 0; k < f.m; ++k) {
    double* u = &f.direction[std::size_t(k) * c];
    for (PetscInt i = 0; i < f.d_in; ++i) u[i] = theta[in.weight_offset + k * f.d_in + i];
    u[f.d_in] = in.bias_offset >= 0 ? theta[in.bias_offset + k] : 0.0;
    double w2 = 0, a2 = 0;
    for (PetscInt i = 0; i < c; ++i) w2 += u[i] * u[i];
    const double wn = std::sqrt(w2);
    if (wn > 0)
      for (PetscInt i = 0; i < c; ++i) u[i] /= wn;
    for (PetscInt o = 0; o < f.d_out; ++o) {
      const double a = theta[out.weight_offset + o * f.m + k];
      f.output_weights[std::size_t(o) * f.m + k] = a;
      a2 += a * a;
    }
    f.input_norm[k] = wn;
    f.amplitude[k] = std::sqrt(a2) * wn;
    if (f.d_in == 1) {
      // atan2 returns (−π, π]; the contract's interval is [−π, π).
      double t = std::atan2(u[1], u[0]);
      if (t >= M_PI) t -= 2 * M_PI;
      f.angle[k] = t;
    }
  }
  return f;
}

}  // namespace terrain::embedding
