#pragma once
// Shared by the embedding tests: networks with random parameters drawn from the counter RNG
// (identical on every rank), outputs on a rank's shard compared across all ranks, and the
// replicated gradient of a network given as a plain vector.
#include <petscvec.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "core/rng.hpp"
#include "data/dataset.hpp"
#include "model/architecture.hpp"
#include "model/parameter_layout.hpp"
#include "model/predict.hpp"
#include "objective/objective.hpp"
#include "objective/replicated.hpp"

namespace terrain::test {

inline model::Architecture net(std::vector<PetscInt> widths, model::Activation activation,
                               bool bias = true, model::Loss loss = model::Loss::mse) {
  model::Architecture a;
  a.widths = std::move(widths);
  a.activation = activation;
  a.bias = bias;
  a.loss = loss;
  a.seed = 11;
  return a;
}

// Parameters N(0, scale²) from (seed, index): the same vector on every rank.
inline std::vector<double> random_theta(const model::Architecture& arch, std::uint64_t seed,
                                        double scale = 1.0) {
  std::vector<double> t(model::ParameterLayout(arch).size());
  for (std::size_t i = 0; i < t.size(); ++i)
    t[i] = scale * core::normal(seed, core::Stream::test_vector, i);
  return t;
}

// A number in [lo, hi) from (seed, index).
inline double uniform_in(double lo, double hi, std::uint64_t seed, std::uint64_t index) {
  return lo + (hi - lo) * core::uniform(seed, core::Stream::test_vector, index);
}

// f(X) on this rank's rows.
inline std::vector<double> outputs(const model::Architecture& arch, const std::vector<double>& theta,
                                   const data::Dataset& ds) {
  std::vector<double> out(std::size_t(ds.n_local) * arch.widths.back());
  if (ds.n_local) model::predict(arch, theta.data(), ds.X.data(), ds.n_local, out.data());
  return out;
}

// max |a − b| over all ranks (NaN propagates as a failure: it compares false).
inline double max_diff_all(const std::vector<double>& a, const std::vector<double>& b) {
  double m = a.size() == b.size() ? 0.0 : INFINITY;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    const double d = std::abs(a[i] - b[i]);
    m = d == d ? std::max(m, d) : INFINITY;
  }
  MPI_Allreduce(MPI_IN_PLACE, &m, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  return m;
}

inline double max_abs_of(const std::vector<double>& a) {
  double m = 0;
  for (double x : a) m = std::max(m, std::abs(x));
  return m;
}

// The loss and the whole gradient (replicated) of a network on `train`.
inline double loss_and_gradient(const model::Architecture& arch, const std::vector<double>& theta,
                                const data::Dataset& train, std::vector<double>& grad) {
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec x(f.create_vec()), g(f.create_vec());
  objective::distribute(theta, x);
  const double loss = f.gradient(x, g);
  grad = objective::replicate(g);
  return loss;
}

}  // namespace terrain::test
