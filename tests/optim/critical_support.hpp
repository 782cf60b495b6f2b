#pragma once
// Shared by the critical-point tests (Newton–Krylov and the trust-region Newton): the 1-D target
// and a small teacher as data, the dense-LAPACK inertia at a point, and a 3-2-2 tanh network
// trained by GD toward a non-degenerate minimum.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include "core/petsc_handle.hpp"
#include "data/load_data.hpp"
#include "objective/replicated.hpp"
#include "optim/newton_krylov.hpp"
#include "objective/curvature_operator.hpp"
#include "spectral/spectral_support.hpp"

namespace terrain::test {

inline data::Data target_data(MPI_Comm comm, PetscInt n,
                              data::Sampling sampling = data::Sampling::uniform) {
  data::DataConfig c;
  c.source = data::Source::target1d;
  c.n = n;
  c.sampling = sampling;
  c.seed = 5;
  return data::load_data(comm, c);
}

inline data::Data teacher_data(MPI_Comm comm) {
  data::DataConfig c;
  c.source = data::Source::teacher;
  c.teacher_widths = {3, 4, 2};
  c.n = 30;
  c.seed = 2;
  return data::load_data(comm, c);
}

// (n−, n0, n+) of the dense Hessian at θ, with |λ| ≤ tol counted as zero.
inline std::array<int, 3> dense_inertia(objective::Objective& f, Vec theta, double tol) {
  objective::CurvatureOperator h(f, theta, objective::Curvature::hessian);
  std::array<int, 3> c{0, 0, 0};
  for (double l : dense_spectrum(h.mat())) ++c[l < -tol ? 0 : (l <= tol ? 1 : 2)];
  return c;
}

// A 3-2-2 tanh network on 30 samples of a 3-4-2 teacher, 3000 GD steps toward a minimum
// (Newton then needs 7 iterations).
struct SmallTanh {
  data::Data data;
  std::unique_ptr<objective::Objective> f;
  core::OwnedVec theta;
  explicit SmallTanh(MPI_Comm comm) : data(teacher_data(comm)) {
    f = std::make_unique<objective::Objective>(
        comm, network({3, 2, 2}, model::Activation::tanh, model::Loss::mse), data.train);
    theta.reset(f->create_vec());
    f->initial_parameters(theta);
    descend(*f, theta, 3000, 0.5);
  }
};

// A 1-2-1 ReLU network on 100 grid points of the 1-D target after 40000 GD steps (lr 0.05) from
// `seed`: seeds 1 and 9 stop within 1e-8 of a degenerate critical point (the ReLU rescalings make
// H singular); others of 0..11 are still moving along a flat valley or sit on a ReLU kink.
struct StalledRelu {
  data::Data data;
  std::unique_ptr<objective::Objective> f;
  core::OwnedVec theta;
  double grad_norm = 0;  // ‖∇L‖₂ where GD stopped
  StalledRelu(MPI_Comm comm, std::uint64_t seed)
      : data(target_data(comm, 100, data::Sampling::grid)) {
    model::Architecture arch = network({1, 2, 1}, model::Activation::relu, model::Loss::mse);
    arch.seed = seed;
    f = std::make_unique<objective::Objective>(comm, arch, data.train);
    theta.reset(f->create_vec());
    f->initial_parameters(theta);
    grad_norm = descend(*f, theta, 40000, 0.05);
  }
};

// A critical-point search: θ in, the last iterate out.
using CriticalSolve = std::function<optim::NewtonResult(objective::Objective&, Vec)>;

// SmallTanh solved on each rank alone and on all ranks: the largest difference of the points
// (every rank gets it); < 0 when a solve did not converge.
inline double one_rank_against_all(const CriticalSolve& solve) {
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm self = nullptr;
  MPI_Comm_split(PETSC_COMM_WORLD, rank, 0, &self);
  std::vector<double> alone;
  bool converged = true;
  {
    SmallTanh p(self);
    converged = solve(*p.f, p.theta).converged;
    alone = objective::replicate(p.theta);
  }
  MPI_Comm_free(&self);
  SmallTanh p(PETSC_COMM_WORLD);
  converged = solve(*p.f, p.theta).converged && converged;
  const std::vector<double> all = objective::replicate(p.theta);
  double diff = 0;
  for (std::size_t i = 0; i < all.size(); ++i) diff = std::max(diff, std::abs(all[i] - alone[i]));
  diff = world_max(diff);
  return world_max(converged ? 0.0 : 1.0) > 0 ? -1.0 : diff;
}

// A 1-2-1 linear network without biases, L = (1/2n) Σ(a·(w x) − y)²: the origin is a strict
// saddle of index 2 (H = [[0, −cI], [−cI, 0]], c = mean xy). From a start near it: the search's
// result, ‖θ‖∞ after it and the dense inertia there.
struct LinearSaddle {
  optim::NewtonResult result;
  double distance_to_origin = 0;
  std::array<int, 3> inertia{};
};
inline LinearSaddle linear_saddle(const CriticalSolve& solve) {
  const data::Data d = target_data(PETSC_COMM_WORLD, 50);
  objective::Objective f(PETSC_COMM_WORLD,
                         network({1, 2, 1}, model::Activation::linear, model::Loss::mse, false),
                         d.train);
  core::OwnedVec theta(f.create_vec());
  const PetscInt idx[4] = {0, 1, 2, 3};
  const double start[4] = {0.01, -0.02, 0.015, 0.005};
  TERRAIN_PETSC(VecSetValues(theta, 4, idx, start, INSERT_VALUES));
  TERRAIN_PETSC(VecAssemblyBegin(theta));
  TERRAIN_PETSC(VecAssemblyEnd(theta));
  LinearSaddle out;
  out.result = solve(f, theta);
  PetscReal norm = 0;
  TERRAIN_PETSC(VecNorm(theta, NORM_INFINITY, &norm));
  out.distance_to_origin = norm;
  out.inertia = dense_inertia(f, theta, 1e-9);
  return out;
}

}  // namespace terrain::test
