#pragma once
// Critical points for the embedding-count tests: teacher–student data (the tanh teacher of
// data::Source::teacher on 30 samples), where small students stall at finite critical points
// that Newton reaches in a few iterations (random or arbitrary smooth targets send tanh weights
// off to infinity instead), and GD + Newton–Krylov to ‖∇L‖₁ ≤ 1e-12 from a network's initial
// weights.
#include <boost/test/unit_test.hpp>

#include <vector>

#include "core/petsc_handle.hpp"
#include "data/load_data.hpp"
#include "objective/objective.hpp"
#include "objective/replicated.hpp"
#include "optim/newton_krylov.hpp"
#include "spectral/spectral_support.hpp"

namespace terrain::test {

inline data::Data teacher_data(const std::vector<PetscInt>& teacher) {
  data::DataConfig c;
  c.source = data::Source::teacher;
  c.teacher_widths = teacher;
  c.n = 30;
  c.seed = 2;
  return data::load_data(PETSC_COMM_WORLD, c);
}

struct Point {
  std::vector<double> theta;
  double grad_norm1 = 0;
};

// GD from the initial weights until the loss stalls, then Newton–Krylov to ‖∇L‖₁ ≤ 1e-12.
inline Point critical_point(const model::Architecture& arch, const data::Dataset& train,
                            PetscInt steps, double lr) {
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec theta(f.create_vec()), g(f.create_vec());
  f.initial_parameters(theta);
  descend(f, theta, steps, lr);
  const optim::NewtonResult r = optim::find_critical_point(f, theta, optim::NewtonSettings{});
  BOOST_TEST_REQUIRE(r.converged, "Newton: " << r.reason);
  Point p;
  f.gradient(theta, g);
  TERRAIN_PETSC(VecNorm(g, NORM_1, &p.grad_norm1));
  p.theta = objective::replicate(theta);
  return p;
}

}  // namespace terrain::test
