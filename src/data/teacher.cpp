// Targets from a random "teacher" network: a realisable regression problem whose global
// minimum (loss 0) is known to exist for a student at least as wide.
#include <sstream>

#include "core/rng.hpp"
#include "data/loaders.hpp"
#include "data/shard.hpp"
#include "model/parameter_layout.hpp"
#include "model/predict.hpp"

namespace terrain::data {

namespace {
// Seeds the teacher away from a student that uses the same -model_seed as -data_seed.
constexpr std::uint64_t kTeacherSeedOffset = 1000003;

Dataset generate(MPI_Comm comm, const model::Architecture& arch, const std::vector<double>& theta,
                 std::uint64_t seed, PetscInt n, PetscInt row_offset) {
  const PetscInt d_in = arch.widths.front(), d_out = arch.widths.back();
  Dataset ds = allocate_shard(comm, n, d_in, d_out, false);
  for (PetscInt i = 0; i < ds.n_local; ++i)
    for (PetscInt j = 0; j < d_in; ++j) {
      const auto index = static_cast<std::uint64_t>(row_offset + ds.first_row + i) * d_in + j;
      ds.X[static_cast<std::size_t>(i) * d_in + j] =
          core::normal(seed, core::Stream::data_inputs, index);
    }
  if (ds.n_local > 0) model::predict(arch, theta.data(), ds.X.data(), ds.n_local, ds.Y.data());
  return ds;
}
}  // namespace

model::Architecture teacher_architecture(const DataConfig& c) {
  model::Architecture arch;
  arch.widths = c.teacher_widths;
  arch.activation = c.teacher_activation;
  arch.loss = model::Loss::mse;
  arch.bias = true;
  arch.residual = false;
  arch.init_scale = 1.0;
  arch.init_gamma = 0.5;
  arch.init_bias = 0.0;
  arch.seed = c.seed + kTeacherSeedOffset;
  return arch;
}

std::vector<double> teacher_parameters(const DataConfig& c) {
  const model::Architecture arch = teacher_architecture(c);
  const model::ParameterLayout layout(arch);
  std::vector<double> theta(layout.size());
  model::initial_parameters(arch, layout, 0, layout.size(), theta.data());
  // Zero biases would make every teacher unit pass through the origin; small random ones
  // give a generic function. Indexed by the global parameter index, like the weights.
  for (int l = 0; l < layout.n_layers(); ++l) {
    const model::LayerBlock& b = layout.layer(l);
    for (PetscInt i = b.bias_offset; i < b.bias_offset + b.fan_out; ++i)
      theta[i] = 0.1 * core::normal(arch.seed, core::Stream::teacher_weights,
                                    static_cast<std::uint64_t>(i));
  }
  return theta;
}

Data load_teacher(MPI_Comm comm, const DataConfig& c) {
  const model::Architecture arch = teacher_architecture(c);
  const std::vector<double> theta = teacher_parameters(c);
  const PetscInt n = c.n < 0 ? 100 : c.n;
  const PetscInt n_test = c.n_test < 0 ? 0 : c.n_test;
  Data data;
  data.train = generate(comm, arch, theta, c.seed, n, 0);
  data.test = generate(comm, arch, theta, c.seed, n_test, n);  // rows n.. are fresh inputs
  data.name = c.name.empty() ? "teacher" : c.name;
  std::ostringstream os;
  os << "teacher: widths ";
  for (std::size_t i = 0; i < arch.widths.size(); ++i) os << (i ? "," : "") << arch.widths[i];
  os << " " << model::to_string(arch.activation) << ", weights seed " << arch.seed
     << ", x ~ N(0,1) seed " << c.seed;
  data.source = os.str();
  return data;
}

}  // namespace terrain::data
