#include "optim/optimizer.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"

namespace terrain::optim {

const char* to_string(Method m) {
  static const char* const names[] = {"gd", "sgd", "momentum", "nesterov", "adam", "sfn"};
  return names[static_cast<int>(m)];
}

Optimizer::Optimizer(const OptimizerSettings& settings, Vec like) : settings_(settings) {
  auto add = [&](const char* name) {
    core::OwnedVec v;
    TERRAIN_PETSC(VecDuplicate(like, v.out()));
    TERRAIN_PETSC(VecSet(v, 0.0));
    state_.emplace_back(name, std::move(v));
  };
  switch (settings_.method) {
    case Method::gd:
    case Method::sgd:
    case Method::sfn:
      break;
    case Method::momentum:
    case Method::nesterov:
      add("velocity");
      break;
    case Method::adam:
      add("adam_m"), add("adam_v");
      break;
  }
}

void Optimizer::step(Vec theta, Vec grad, double lr, PetscInt t, double grad_scale) {
  PetscInt n = 0;
  TERRAIN_PETSC(VecGetLocalSize(theta, &n));
  double* x = nullptr;
  const double* g = nullptr;
  TERRAIN_PETSC(VecGetArray(theta, &x));
  TERRAIN_PETSC(VecGetArrayRead(grad, &g));
  const double wd = settings_.weight_decay, mu = settings_.momentum;
  switch (settings_.method) {
    case Method::gd:
    case Method::sgd:
    case Method::sfn:  // `grad` is the saddle-free direction here
      for (PetscInt i = 0; i < n; ++i) x[i] -= lr * (grad_scale * g[i] + wd * x[i]);
      break;
    case Method::momentum:
    case Method::nesterov: {
      double* v = nullptr;
      TERRAIN_PETSC(VecGetArray(state_[0].second, &v));
      const bool nesterov = settings_.method == Method::nesterov;
      for (PetscInt i = 0; i < n; ++i) {
        const double d = grad_scale * g[i] + wd * x[i];
        v[i] = mu * v[i] + d;
        x[i] -= lr * (nesterov ? d + mu * v[i] : v[i]);
      }
      TERRAIN_PETSC(VecRestoreArray(state_[0].second, &v));
      break;
    }
    case Method::adam: {
      double *m = nullptr, *v = nullptr;
      TERRAIN_PETSC(VecGetArray(state_[0].second, &m));
      TERRAIN_PETSC(VecGetArray(state_[1].second, &v));
      const double b1 = settings_.beta1, b2 = settings_.beta2, eps = settings_.epsilon;
      const double c1 = 1.0 - std::pow(b1, double(t + 1)), c2 = 1.0 - std::pow(b2, double(t + 1));
      for (PetscInt i = 0; i < n; ++i) {
        const double gi = grad_scale * g[i];
        m[i] = b1 * m[i] + (1.0 - b1) * gi;
        v[i] = b2 * v[i] + (1.0 - b2) * gi * gi;
        x[i] = x[i] * (1.0 - lr * wd) - lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + eps);
      }
      TERRAIN_PETSC(VecRestoreArray(state_[1].second, &v));
      TERRAIN_PETSC(VecRestoreArray(state_[0].second, &m));
      break;
    }
  }
  TERRAIN_PETSC(VecRestoreArrayRead(grad, &g));
  TERRAIN_PETSC(VecRestoreArray(theta, &x));
}

}  // namespace terrain::optim
