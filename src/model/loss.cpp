#include "model/loss.hpp"

#include <algorithm>
#include <cmath>

namespace terrain::model {

namespace {
// log Σ exp(f_j) and (optionally) p = softmax(f) for one row, shifted by the max for safety.
double log_sum_exp(const double* f, PetscInt k, double* p) {
  const double top = *std::max_element(f, f + k);
  double sum = 0;
  for (PetscInt j = 0; j < k; ++j) {
    const double e = std::exp(f[j] - top);
    if (p) p[j] = e;
    sum += e;
  }
  if (p)
    for (PetscInt j = 0; j < k; ++j) p[j] /= sum;
  return top + std::log(sum);
}
}  // namespace

double loss_and_output_gradient(Loss loss, const double* f, PetscInt n, PetscInt k,
                                const Targets& targets, double scale, double* grad, double* p) {
  double total = 0;
  if (loss == Loss::mse) {
    for (PetscInt i = 0; i < n * k; ++i) {
      const double r = f[i] - targets.y[i];
      total += 0.5 * r * r;
      if (grad) grad[i] = scale * r;
    }
    return total;
  }
  for (PetscInt i = 0; i < n; ++i) {
    const double* fi = f + i * k;
    double* pi = p + i * k;
    const PetscInt c = targets.labels[i];
    total += log_sum_exp(fi, k, pi) - fi[c];
    if (grad) {
      for (PetscInt j = 0; j < k; ++j) grad[i * k + j] = scale * pi[j];
      grad[i * k + c] -= scale;
    }
  }
  return total;
}

double loss_sum(Loss loss, const double* f, PetscInt n, PetscInt k, const Targets& targets) {
  if (loss == Loss::mse) {
    double total = 0;
    for (PetscInt i = 0; i < n * k; ++i) {
      const double r = f[i] - targets.y[i];
      total += 0.5 * r * r;
    }
    return total;
  }
  double total = 0;
  for (PetscInt i = 0; i < n; ++i) total += log_sum_exp(f + i * k, k, nullptr) - f[i * k + targets.labels[i]];
  return total;
}

void apply_output_hessian(Loss loss, const double* p, PetscInt n, PetscInt k, PetscInt m,
                          double scale, const double* r, double* out) {
  if (loss == Loss::mse) {
    for (PetscInt i = 0; i < n * m * k; ++i) out[i] = scale * r[i];
    return;
  }
  for (PetscInt i = 0; i < n; ++i) {
    const double* pi = p + i * k;
    for (PetscInt d = 0; d < m; ++d) {
      const double* ri = r + (i * m + d) * k;
      double* oi = out + (i * m + d) * k;
      double pr = 0;
      for (PetscInt j = 0; j < k; ++j) pr += pi[j] * ri[j];
      for (PetscInt j = 0; j < k; ++j) oi[j] = scale * pi[j] * (ri[j] - pr);
    }
  }
}

PetscInt count_correct(const double* f, PetscInt n, PetscInt k, const PetscInt* labels) {
  PetscInt correct = 0;
  for (PetscInt i = 0; i < n; ++i) {
    const double* fi = f + i * k;
    if (std::max_element(fi, fi + k) - fi == labels[i]) ++correct;
  }
  return correct;
}

}  // namespace terrain::model
