#include "geometry/rescaling_normal_form.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "geometry/symmetry_canonical.hpp"
#include "model/parameter_layout.hpp"

namespace terrain::geometry {

namespace {

// ‖incoming‖₂ and ‖outgoing‖₂ of every unit of hidden layer l.
void unit_norms(const model::ParameterLayout& layout, int l, const std::vector<double>& t,
                std::vector<double>& in, std::vector<double>& out) {
  const model::LayerBlock& bi = layout.layer(l);
  const model::LayerBlock& bo = layout.layer(l + 1);
  const PetscInt n = bi.fan_out;
  in.assign(n, 0.0);
  out.assign(n, 0.0);
  for (PetscInt j = 0; j < n; ++j) {
    const double* row = t.data() + bi.weight_offset + j * bi.fan_in;
    for (PetscInt k = 0; k < bi.fan_in; ++k) in[j] += row[k] * row[k];
    if (bi.bias_offset >= 0) in[j] += t[bi.bias_offset + j] * t[bi.bias_offset + j];
  }
  for (PetscInt i = 0; i < bo.fan_out; ++i) {
    const double* row = t.data() + bo.weight_offset + i * n;
    for (PetscInt j = 0; j < n; ++j) out[j] += row[j] * row[j];
  }
  for (PetscInt j = 0; j < n; ++j) {
    in[j] = std::sqrt(in[j]);
    out[j] = std::sqrt(out[j]);
  }
}

double imbalance(const model::ParameterLayout& layout, int hidden, const std::vector<double>& t) {
  double worst = 0;
  std::vector<double> in, out;
  for (int l = 0; l < hidden; ++l) {
    unit_norms(layout, l, t, in, out);
    for (std::size_t j = 0; j < in.size(); ++j)
      if (in[j] > 0 && out[j] > 0)
        worst = std::max(worst, std::abs(in[j] - out[j]) / std::max(in[j], out[j]));
  }
  return worst;
}

}  // namespace

bool positively_homogeneous(model::Activation a) {
  return a == model::Activation::relu || a == model::Activation::linear;
}

RescalingNormalForm rescaling_normal_form(const model::Architecture& arch,
                                          const std::vector<double>& theta,
                                          const RescalingOptions& options) {
  require_symmetry_support(arch);
  TERRAIN_CHECK(positively_homogeneous(arch.activation),
                "the rescaling normal form needs positively homogeneous hidden units (relu, "
                "linear), not "
                    << arch.activation);
  TERRAIN_CHECK(options.tol > 0 && options.max_sweeps >= 1,
                "rescaling normal form: the tolerance must be positive and the sweep limit at "
                "least 1");
  const model::ParameterLayout layout(arch);
  TERRAIN_CHECK(static_cast<PetscInt>(theta.size()) == layout.size(),
                "internal: a parameter vector of " << theta.size() << " entries for a network of "
                                                   << layout.size() << " parameters");
  const int hidden = arch.n_layers() - 1;
  RescalingNormalForm r;
  r.theta = theta;
  for (int l = 0; l < hidden; ++l) r.scale.emplace_back(arch.fan_out(l), 1.0);
  std::vector<double> in, out;
  while ((r.imbalance = imbalance(layout, hidden, r.theta)) > options.tol) {
    if (r.sweeps == options.max_sweeps) return r;
    for (int l = 0; l < hidden; ++l) {
      unit_norms(layout, l, r.theta, in, out);
      const model::LayerBlock& bi = layout.layer(l);
      const model::LayerBlock& bo = layout.layer(l + 1);
      const PetscInt n = bi.fan_out;
      for (PetscInt j = 0; j < n; ++j) {
        if (!(in[j] > 0 && out[j] > 0)) continue;
        const double c = std::sqrt(out[j] / in[j]), inv = 1.0 / c;
        double* row = r.theta.data() + bi.weight_offset + j * bi.fan_in;
        for (PetscInt k = 0; k < bi.fan_in; ++k) row[k] *= c;
        if (bi.bias_offset >= 0) r.theta[bi.bias_offset + j] *= c;
        for (PetscInt i = 0; i < bo.fan_out; ++i) r.theta[bo.weight_offset + i * n + j] *= inv;
        r.scale[l][j] *= c;
      }
    }
    ++r.sweeps;
  }
  r.converged = true;
  return r;
}

}  // namespace terrain::geometry
