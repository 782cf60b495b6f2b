#pragma once
// What network is being measured: widths, activation, loss, bias, residual, initialisation.
#include <petscsys.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace terrain::model {

enum class Activation { linear, relu, tanh, sigmoid, softplus };
enum class Loss { mse, cross_entropy };

const char* to_string(Activation a);
const char* to_string(Loss l);
inline std::ostream& operator<<(std::ostream& os, Activation a) { return os << to_string(a); }
inline std::ostream& operator<<(std::ostream& os, Loss l) { return os << to_string(l); }

struct Architecture {
  std::vector<PetscInt> widths;  // d_in, hidden widths..., d_out
  Activation activation = Activation::tanh;
  Loss loss = Loss::mse;
  bool bias = true;
  bool residual = false;    // h_{l+1} = h_l + σ(W h_l + b) between equal-width hidden layers
  double init_scale = 1.0;  // weights ~ N(0, (init_scale · fan_in^(-init_gamma))²)
  double init_gamma = 0.5;
  double init_bias = 0.0;  // biases start at this constant
  std::uint64_t seed = 0;

  int n_layers() const { return static_cast<int>(widths.size()) - 1; }
  PetscInt fan_in(int layer) const { return widths[layer]; }
  PetscInt fan_out(int layer) const { return widths[layer + 1]; }
  bool is_output(int layer) const { return layer == n_layers() - 1; }
  // Layer `layer` (0-based) adds its input to its output: a hidden layer other than the
  // first whose input and output widths agree.
  bool has_skip(int layer) const {
    return residual && layer > 0 && !is_output(layer) && fan_in(layer) == fan_out(layer);
  }

  // Reads the -model_ options (widths required); -help lists them.
  static Architecture from_options();
  // Throws InputError on an impossible architecture.
  void validate() const;
};

// The same network (widths, activation, loss, bias, residual): points of one can be compared,
// joined by a path, or aligned; the initialisation does not matter.
bool same_network(const Architecture& a, const Architecture& b);

// "4,8,3 tanh cross_entropy" (and " no bias", " residual"), for messages.
std::string describe(const Architecture& a);

// All -model_ options of a driver that builds a network to start from: the architecture and
// the file of its initial parameters. Read in the one -model_ options block that
// Architecture::from_options reads (which leaves -model_init_file out, for drivers that take
// their point from elsewhere).
struct ModelConfig {
  Architecture arch;
  std::string init_file;  // -model_init_file: parameters instead of the seed's draw

  static ModelConfig from_options();
};

}  // namespace terrain::model
