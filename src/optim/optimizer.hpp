#pragma once
// The parameter updates of first-order training, applied in one pass over this rank's slice of
// θ (no PETSc collective, no temporary vectors). With g the loss gradient (already clipped) and
// d = g + wd·θ (L2 weight decay):
//   gd, sgd   θ ← θ − lr·d
//   momentum  v ← μv + d;  θ ← θ − lr·v                 (heavy ball, PyTorch's convention)
//   nesterov  v ← μv + d;  θ ← θ − lr·(d + μv)
//   adam      m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ(1 − lr·wd) − lr·m̂/(√v̂ + ε)
//             with m̂ = m/(1−β₁^(t+1)), v̂ = v/(1−β₂^(t+1)) (AdamW: decoupled weight decay)
//   sfn       θ ← θ − lr·d with d the saddle-free Newton direction (optim/saddle_free_newton.hpp)
//             that the trainer computes from g and passes here in place of g; clipping scales d
//             (d is linear in g) and weight decay is added outside the preconditioner. Stateless.
// The state (v, or m and v) is all an optimizer remembers besides the step, so a checkpoint of
// these vectors restarts it exactly.
#include <petscvec.h>

#include <string>
#include <utility>
#include <vector>

#include "core/petsc_handle.hpp"
#include "optim/saddle_free_newton.hpp"

namespace terrain::optim {

enum class Method { gd, sgd, momentum, nesterov, adam, sfn };
const char* to_string(Method m);

struct OptimizerSettings {
  Method method = Method::gd;
  double momentum = 0.9;
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
  double weight_decay = 0.0;
  SaddleFreeSettings sfn;  // Krylov size and damping of -train_optimizer sfn
};

class Optimizer {
 public:
  // `like` gives the layout of θ; state vectors start at zero.
  Optimizer(const OptimizerSettings& settings, Vec like);
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // The update θ_t → θ_{t+1} with learning rate lr, using grad_scale·grad as the gradient
  // (grad_scale < 1 when clipping). `grad` is not modified.
  void step(Vec theta, Vec grad, double lr, PetscInt t, double grad_scale = 1.0);

  // Named state vectors ("velocity", or "adam_m" and "adam_v"); empty for gd/sgd/sfn.
  const std::vector<std::pair<std::string, core::OwnedVec>>& state() const { return state_; }
  const OptimizerSettings& settings() const { return settings_; }

 private:
  OptimizerSettings settings_;
  std::vector<std::pair<std::string, core::OwnedVec>> state_;
};

}  // namespace terrain::optim
