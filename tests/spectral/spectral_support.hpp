#pragma once
// Shared by the spectral tests: small networks, a point trained by plain gradient descent on the
// objective, and the dense Hessian gathered on every rank with LAPACK's eigenvalues (the oracle
// SLEPc, ScaLAPACK, MUMPS and the stochastic estimators are checked against).
#include <petscvec.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "model/architecture.hpp"
#include "objective/dense_assembly.hpp"
#include "objective/objective.hpp"
#include "support/dense.hpp"

namespace terrain::test {

inline model::Architecture network(std::vector<PetscInt> widths, model::Activation activation,
                                   model::Loss loss, bool bias = true) {
  model::Architecture a;
  a.widths = std::move(widths);
  a.activation = activation;
  a.loss = loss;
  a.bias = bias;
  a.init_bias = bias ? 0.1 : 0.0;
  a.seed = 3;
  return a;
}

// `steps` of θ ← θ − lr ∇L(θ); returns the final gradient norm.
inline double descend(objective::Objective& f, Vec theta, PetscInt steps, double lr) {
  core::OwnedVec g;
  TERRAIN_PETSC(VecDuplicate(theta, g.out()));
  double norm = 0;
  for (PetscInt s = 0; s <= steps; ++s) {
    f.gradient(theta, g);
    if (s == steps) break;
    TERRAIN_PETSC(VecAXPY(theta, -lr, g));
  }
  TERRAIN_PETSC(VecNorm(g, NORM_2, &norm));
  return norm;
}

// The operator's matrix on every rank, column-major, symmetrised (LAPACK reads one triangle).
inline std::vector<double> gathered_dense(Mat op) {
  PetscInt N = 0;
  TERRAIN_PETSC(MatGetSize(op, &N, nullptr));
  core::OwnedMat dense(objective::assemble_dense(op, 64));
  std::vector<double> h = testing::replicate_dense(dense);
  for (PetscInt i = 0; i < N; ++i)
    for (PetscInt j = 0; j < i; ++j)
      h[i + j * N] = h[j + i * N] = 0.5 * (h[i + j * N] + h[j + i * N]);
  return h;
}

inline std::vector<double> dense_spectrum(Mat op) {
  PetscInt N = 0;
  TERRAIN_PETSC(MatGetSize(op, &N, nullptr));
  return testing::lapack_eigenvalues(gathered_dense(op), N);
}

inline double max_abs(const std::vector<double>& a) {
  double m = 0;
  for (double x : a) m = std::max(m, std::abs(x));
  return m;
}

// Largest over the ranks (assertions use reduced values, so every rank agrees).
inline double world_max(double x) {
  MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  return x;
}

}  // namespace terrain::test
