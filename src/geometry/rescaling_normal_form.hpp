#pragma once
// The rescaling normal form of a network with positively homogeneous hidden units (ReLU, and
// linear: σ(c z) = c σ(z) for c > 0): unit j of hidden layer l computes the same function of the
// input after its incoming vector (row j of W_l and b_l[j]) is multiplied by c > 0 and its
// outgoing column (column j of W_{l+1}) by 1/c. The normal form picks, per unit, the c with
// ‖incoming‖₂ = ‖outgoing‖₂ (a "balanced" network).
//
// The units interact: rescaling unit k of layer l − 1 changes column k of W_l, part of every
// incoming vector of layer l, and rescaling unit j of layer l changes row j of W_l, part of every
// outgoing vector of layer l − 1. So neither a forward nor a backward pass is exact in one go.
// With x = log c, ‖θ‖² over the orbit is F(x) = Σ exp(2(x_{l,i} − x_{l−1,k})) W_l[i,k]² +
// Σ exp(2 x_{l,i}) b_l[i]² (x ≡ 0 on inputs and outputs): a convex function whose gradient in
// x_{l,j} is 2(‖in_{l,j}‖² − ‖out_{l,j}‖²), so balanced ⇔ stationary ⇔ the minimum of ‖θ‖² on
// the orbit. The units of one layer do not interact (each appears in its own row and column
// only), so c_j = sqrt(‖out_j‖ / ‖in_j‖) for all j of a layer at once is the exact minimisation
// of F over that layer's block; sweeping the layers first to last repeatedly is block
// coordinate descent on F and converges to the balanced point (linearly; a few tens of sweeps
// for random nets). It stops when every unit is balanced to tol before a sweep (so a balanced
// input is returned bitwise unchanged: the form is idempotent).
//
// A unit with a zero incoming or a zero outgoing vector cannot be balanced (c → 0 or ∞); it is
// left as it is and not counted in the imbalance. Residual nets and activations that are not
// positively homogeneous are refused with InputError. Whole vectors on the calling rank, not
// collective.
#include <petscsys.h>

#include <vector>

#include "model/architecture.hpp"

namespace terrain::geometry {

struct RescalingOptions {
  double tol = 1e-12;  // max over units of |‖in‖ − ‖out‖| / max(‖in‖, ‖out‖)
  int max_sweeps = 10000;
};

struct RescalingNormalForm {
  std::vector<double> theta;               // the balanced parameters
  std::vector<std::vector<double>> scale;  // per hidden layer and unit: the total c applied
  int sweeps = 0;
  double imbalance = 0;  // the criterion of tol at the result
  bool converged = false;
};

// True for the activations with σ(c z) = c σ(z), c > 0 (relu, linear).
bool positively_homogeneous(model::Activation a);

RescalingNormalForm rescaling_normal_form(const model::Architecture& arch,
                                          const std::vector<double>& theta,
                                          const RescalingOptions& options = {});

}  // namespace terrain::geometry
