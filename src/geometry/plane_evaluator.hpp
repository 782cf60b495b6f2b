#pragma once
// Loss and accuracy on a plane θ + x·d₁ + y·d₂ (or a line, without d₂) at many (x, y), faster
// than a forward pass per point: the first layer is linear in its parameters, so its
// pre-activation on the local shard is Z(x, y) = Z₀ + x·Z₁ + y·Z₂ with Z₀ = X W₁ᵀ + b₁ and
// Z_k = X D_kᵀ + e_k (D_k, e_k: the first layer's block of d_k). Three GEMMs once per surface,
// then one fused pass (axpy + activation) per point instead of the layer's GEMM; the remaining
// layers run forward-only (Network::forward_loss_from_first). On wide-input nets (784-128-10:
// ~98 % of the flops in layer 1) a point costs a fraction of a forward pass.
//
// Memory: 3 (2 for a line) × n_local × fan_out(0) doubles per dataset.
#include <mpi.h>

#include <vector>

#include "data/dataset.hpp"
#include "model/network.hpp"
#include "objective/objective.hpp"

namespace terrain::geometry {

class PlaneEvaluator {
 public:
  // Collective on comm (the communicator `data` is sharded over). theta, dx and dy are whole
  // parameter vectors, identical on every rank; dy null for a line. `data` and `net` must
  // outlive the evaluator.
  PlaneEvaluator(MPI_Comm comm, const model::Network& net, const data::Dataset& data,
                 const std::vector<double>& theta, const std::vector<double>& dx,
                 const std::vector<double>* dy);

  // Loss (the mean over data.n_global) and accuracy (NaN for regression) at θ + x·dx + y·dy.
  // Collective: one reduction of two numbers.
  objective::Evaluation at(double x, double y);

 private:
  MPI_Comm comm_;
  const model::Network& net_;
  const data::Dataset& data_;
  model::Targets targets_;
  std::vector<double> theta_, dx_, dy_;  // dy_ empty for a line
  // Z0 = X W₁ᵀ + b₁, Z1 = X D1ᵀ + e1, Z2 = X D2ᵀ + e2 (n_local × fan_out(0), row-major).
  std::vector<double> z0_, z1_, z2_;
  std::vector<double> point_, z_;  // θ + x·dx + y·dy and its first pre-activation
  model::ForwardWork work_;
};

}  // namespace terrain::geometry
