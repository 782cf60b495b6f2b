#pragma once
// The output losses and their derivatives with respect to the network output f:
//   mse:           ℓ_i = ½‖f_i − y_i‖²,                ∂ℓ/∂f = f − y,   ∂²ℓ/∂f² = I
//   cross_entropy: ℓ_i = −log softmax(f_i)[c_i],        ∂ℓ/∂f = p − e_c, ∂²ℓ/∂f² = diag(p) − ppᵀ
// The objective is the mean, so callers pass scale = 1/N.
#include <petscsys.h>

#include "model/architecture.hpp"

namespace terrain::model {

struct Targets {
  const double* y = nullptr;         // n × k regression targets (mse)
  const PetscInt* labels = nullptr;  // n class indices (cross_entropy)
};

// Σ_i ℓ_i over n rows of f (n × k); fills grad = scale·∂ℓ/∂f and, for cross-entropy, the
// softmax probabilities p (n × k) that the output Hessian needs.
double loss_and_output_gradient(Loss loss, const double* f, PetscInt n, PetscInt k,
                                const Targets& targets, double scale, double* grad, double* p);

// Σ_i ℓ_i only (no gradient).
double loss_sum(Loss loss, const double* f, PetscInt n, PetscInt k, const Targets& targets);

// out = scale·(∂²ℓ/∂f²) r for m directions stored wide: r and out are n × (m·k) row-major.
void apply_output_hessian(Loss loss, const double* p, PetscInt n, PetscInt k, PetscInt m,
                          double scale, const double* r, double* out);

// Number of rows whose largest output is the label.
PetscInt count_correct(const double* f, PetscInt n, PetscInt k, const PetscInt* labels);

}  // namespace terrain::model
