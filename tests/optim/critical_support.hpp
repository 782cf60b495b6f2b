#pragma once
// Shared by the critical-point tests (Newton–Krylov and the trust-region Newton): the 1-D target
// and a small teacher as data, the dense-LAPACK inertia at a point, and a 3-2-2 tanh network
// trained by GD toward a non-degenerate minimum.
#include <array>
#include <memory>

#include "core/petsc_handle.hpp"
#include "data/load_data.hpp"
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

}  // namespace terrain::test
