#pragma once
// Neuron features of a two-layer network f(x) = Σ_k a_k σ(w_k·x + b_k) + c (a_k a column of the
// output weights when d_out > 1): amplitude A_k = ‖a_k‖·‖(w_k, b_k)‖, unit input direction
// ŵ_k = (w_k, b_k)/‖(w_k, b_k)‖ (b_k = 0 without biases) and, for 1-D inputs, the angle
// atan2(b_k, w_k) of ŵ_k in [−π, π). For positively homogeneous activations (ReLU)
// a_k σ(w_k·x + b_k) = a_k‖(w_k, b_k)‖ σ(ŵ_k·(x, 1)), so neurons with the same direction act as
// one neuron (condensation) and A_k is the size of its contribution. Depends on model only.
#include <petscsys.h>

#include <string>
#include <vector>

#include "model/architecture.hpp"

namespace terrain::embedding {

struct NeuronFeatures {
  PetscInt m = 0, d_in = 0, d_out = 0;
  std::vector<double> amplitude;       // [m]
  std::vector<double> input_norm;      // [m] ‖(w_k, b_k)‖
  std::vector<double> direction;       // [m × (d_in + 1)] row-major: unit (w_k, b_k); 0 when w_k = 0
  std::vector<double> angle;           // [m] for d_in = 1, else empty
  std::vector<double> output_weights;  // [d_out × m] row-major: column k is a_k
  PetscInt cols() const { return d_in + 1; }
};

// Throws InputError naming `what` (e.g. "-embed_mode reduce") unless the network has exactly one
// hidden layer.
void require_two_layer(const model::Architecture& arch, const std::string& what);

NeuronFeatures neuron_features(const model::Architecture& arch, const std::vector<double>& theta);

}  // namespace terrain::embedding
