#pragma once
// The kernels of a fully connected network over one block of samples (a rank's shard):
// forward, backward, and Pearlmutter's R-passes for exact Hessian- and Gauss–Newton-vector
// products of several directions at once (DESIGN.md §3). All heavy work is DGEMM; the
// objective layer adds the reductions over ranks and the caching per θ.
#include <petscsys.h>

#include <vector>

#include "model/architecture.hpp"
#include "model/loss.hpp"
#include "model/parameter_layout.hpp"

namespace terrain::model {

// Everything a forward and backward pass at one θ leaves for later products.
struct PassState {
  PetscInt n = 0;
  const double* x = nullptr;              // n × d_in inputs (not owned)
  std::vector<std::vector<double>> out;   // per layer, n × fan_out: a_l (hidden), f (output)
  std::vector<std::vector<double>> d1;    // hidden layers: σ'(z_l)
  std::vector<std::vector<double>> d2;    // hidden layers: σ''(z_l)
  std::vector<double> p;                  // softmax probabilities (cross-entropy)
  std::vector<std::vector<double>> gz;    // per layer: ∂L/∂z_l (already scaled)
  std::vector<std::vector<double>> ga;    // hidden layers: ∂L/∂a_l
  double scale = 0;                       // the factor of Σℓ in L (1/N)
  double loss_sum = 0;                    // Σℓ over this block (unscaled)
  std::vector<double> work;               // scratch of the R-passes, reused between calls
};

// Scratch of the forward-only passes: two ping-pong buffers of n × (widest layer), grown on
// first use and reused by every later call (no allocation per call).
struct ForwardWork {
  std::vector<double> a, b;
};

// What a forward-only pass over a block leaves: Σℓ (unscaled) and, for classification
// (Targets.labels non-null), the number of rows whose largest output is the label (else 0).
struct BlockSums {
  double loss_sum = 0;
  double correct = 0;
};

class Network {
 public:
  explicit Network(const Architecture& arch);
  const Architecture& architecture() const { return arch_; }
  const ParameterLayout& layout() const { return layout_; }
  PetscInt n_params() const { return layout_.size(); }
  PetscInt d_out() const { return arch_.widths.back(); }

  // Forward pass over n samples; σ'' is kept only when `second_order`.
  void forward(const double* theta, const double* x, PetscInt n, PassState& s,
               bool second_order) const;
  // Forward-only loss over n samples: one GEMM per layer, the activation σ alone (no σ', σ'',
  // nothing kept per layer), bias and skip applied in the activation's pass. Linear and ReLU
  // nets give bitwise the loss of forward() + loss_sum; tanh and sigmoid use vectorised
  // elementwise functions (activate_values) and agree to a few ulp.
  BlockSums forward_loss(const double* theta, const double* x, PetscInt n, const Targets& targets,
                         ForwardWork& work) const;
  // The same from z1, the first layer's pre-activation n × fan_out(0) (bias included),
  // computed by the caller: layers 2..L only (for a plane of θ, where z1 is an axpy).
  BlockSums forward_loss_from_first(const double* theta, const double* z1, PetscInt n,
                                    const Targets& targets, ForwardWork& work) const;
  // The block's loss Σℓ and the back-propagated deltas of scale·Σℓ.
  void backward(const double* theta, const Targets& targets, double scale, PassState& s) const;
  // grad += ∇θ (scale·Σℓ) from the deltas of backward().
  void add_gradient(const PassState& s, double* grad) const;
  // out_j += C v_j for m directions (v, out: m contiguous vectors of n_params), where C is the
  // Hessian of scale·Σℓ, or its Gauss–Newton part JᵀH_f J when `gauss_newton`.
  void add_curvature_product(const double* theta, PassState& s, const double* v, PetscInt m,
                             double* out, bool gauss_newton) const;

 private:
  // Layers first..L-1 from a (x for first = 0, else layer first-1's output in the ping-pong
  // buffer of its parity), then the loss.
  BlockSums forward_loss_from(int first, const double* theta, const double* a, PetscInt n,
                              const Targets& targets, ForwardWork& work) const;

  Architecture arch_;
  ParameterLayout layout_;
};

}  // namespace terrain::model
