#pragma once
// Shared by the path tests (NEB, AutoNEB, curves): the Müller–Brown surface as a PathEnergy
// with its analytic gradient and Hessian, a Newton solve for its critical points, work groups
// of one and of two groups, and two minima of a small network with ObjectiveEnergy on a group.
#include <petscsys.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <vector>

#include "core/work_groups.hpp"
#include "data/loaders.hpp"
#include "geometry/objective_energy.hpp"
#include "geometry/path_energy.hpp"
#include "objective/replicated.hpp"
#include "optim/critical_support.hpp"

namespace terrain::test {

// Müller & Brown (1979): V = Σ_k A_k exp(a_k dx² + b_k dx dy + c_k dy²), dx = x − x0_k,
// dy = y − y0_k. Every rank computes the same values: collective trivially on any comm.
class MullerBrown : public geometry::PathEnergy {
 public:
  explicit MullerBrown(MPI_Comm comm) : comm_(comm) {}
  MPI_Comm comm() const override { return comm_; }
  PetscInt dim() const override { return 2; }
  double value(const std::vector<double>& x) override { return eval(x[0], x[1], nullptr, nullptr); }
  double value_and_gradient(const std::vector<double>& x, std::vector<double>& g) override {
    g.resize(2);
    ++gradients;
    return eval(x[0], x[1], g.data(), nullptr);
  }
  // V, ∇V (g) and the Hessian (h, row-major 2×2) at (x, y); g and h may be null.
  static double eval(double x, double y, double* g, double* h) {
    static const double A[4] = {-200, -100, -170, 15}, a[4] = {-1, -1, -6.5, 0.7},
                        b[4] = {0, 0, 11, 0.6}, c[4] = {-10, -10, -6.5, 0.7},
                        x0[4] = {1, 0, -0.5, -1}, y0[4] = {0, 0.5, 1.5, 1};
    double v = 0;
    if (g) g[0] = g[1] = 0;
    if (h) h[0] = h[1] = h[2] = h[3] = 0;
    for (int k = 0; k < 4; ++k) {
      const double dx = x - x0[k], dy = y - y0[k];
      const double e = A[k] * std::exp(a[k] * dx * dx + b[k] * dx * dy + c[k] * dy * dy);
      const double qx = 2 * a[k] * dx + b[k] * dy, qy = b[k] * dx + 2 * c[k] * dy;
      v += e;
      if (g) g[0] += e * qx, g[1] += e * qy;
      if (h) {
        h[0] += e * (qx * qx + 2 * a[k]);
        h[1] += e * (qx * qy + b[k]);
        h[2] += e * (qx * qy + b[k]);
        h[3] += e * (qy * qy + 2 * c[k]);
      }
    }
    return v;
  }
  long gradients = 0;

 private:
  MPI_Comm comm_;
};

// Newton's method on ∇V = 0 from a start: the nearby critical point to rounding.
inline std::vector<double> mb_critical_point(double x, double y) {
  for (int it = 0; it < 100; ++it) {
    double g[2], h[4];
    MullerBrown::eval(x, y, g, h);
    const double det = h[0] * h[3] - h[1] * h[2];
    const double dx = (h[3] * g[0] - h[1] * g[1]) / det, dy = (-h[2] * g[0] + h[0] * g[1]) / det;
    x -= dx, y -= dy;
    if (std::abs(dx) + std::abs(dy) < 1e-15) break;
  }
  return {x, y};
}

inline double mb_gradient_norm(const std::vector<double>& p) {
  double g[2];
  MullerBrown::eval(p[0], p[1], g, nullptr);
  return std::hypot(g[0], g[1]);
}

inline double distance(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t j = 0; j < a.size(); ++j) s += (a[j] - b[j]) * (a[j] - b[j]);
  return std::sqrt(s);
}

// The largest |a − b| over all entries of two lists of vectors (−1 when the shapes differ).
inline double max_difference(const std::vector<std::vector<double>>& a,
                             const std::vector<std::vector<double>>& b) {
  if (a.size() != b.size()) return -1;
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].size() != b[i].size()) return -1;
    for (std::size_t j = 0; j < a[i].size(); ++j) d = std::max(d, std::abs(a[i][j] - b[i][j]));
  }
  return d;
}

// Ranks per group for exactly two groups (np 2: 1, np 3: 2); 0 at one rank (no two groups).
inline int two_group_size() {
  int size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  return size < 2 ? 0 : (size + 1) / 2;
}

// A 3-4-2 tanh network on 30 samples of a 3-4-2 teacher: two minima by 4000 GD steps from two
// seeds, computed on each rank alone (so every rank holds them bitwise), and an objective with
// its ObjectiveEnergy on a work group.
inline model::Architecture small_net(std::uint64_t seed) {
  model::Architecture arch = network({3, 4, 2}, model::Activation::tanh, model::Loss::mse);
  arch.seed = seed;
  return arch;
}

inline std::vector<double> small_net_minimum(std::uint64_t seed) {
  const data::Data d = teacher_data(PETSC_COMM_SELF);
  objective::Objective f(PETSC_COMM_SELF, small_net(seed), d.train);
  core::OwnedVec theta(f.create_vec());
  f.initial_parameters(theta);
  descend(f, theta, 4000, 0.5);
  return objective::replicate(theta);
}

// The teacher of teacher_data itself, a global minimum (loss 0) of small_net, and a second
// copy of it under the hidden-unit symmetries: units 0 and 1 swapped, then unit 2's sign flipped
// (tanh is odd). The straight line between the two rises; the band between them is the one of
// issue 11, whose FIRE run first converged and then blew up.
inline std::vector<double> teacher_minimum() {
  data::DataConfig c;
  c.source = data::Source::teacher;
  c.teacher_widths = {3, 4, 2};
  c.n = 30;
  c.seed = 2;
  return data::teacher_parameters(c);
}

inline std::vector<double> teacher_symmetric_copy(const std::vector<double>& t) {
  // Layout (model/parameter_layout.hpp): W1 [4 × 3] at 0, b1 at 12, W2 [2 × 4] at 16, b2 at 24.
  std::vector<double> p = t;
  for (int i = 0; i < 3; ++i) std::swap(p[0 * 3 + i], p[1 * 3 + i]);
  std::swap(p[12], p[13]);
  for (int o = 0; o < 2; ++o) std::swap(p[16 + o * 4 + 0], p[16 + o * 4 + 1]);
  for (int i = 0; i < 3; ++i) p[2 * 3 + i] = -p[2 * 3 + i];
  p[14] = -p[14];
  for (int o = 0; o < 2; ++o) p[16 + o * 4 + 2] = -p[16 + o * 4 + 2];
  return p;
}

struct GroupNetwork {
  data::Data data;
  std::unique_ptr<objective::Objective> f;
  std::unique_ptr<geometry::ObjectiveEnergy> energy;
  explicit GroupNetwork(MPI_Comm group) : data(teacher_data(group)) {
    f = std::make_unique<objective::Objective>(group, small_net(1), data.train);
    energy = std::make_unique<geometry::ObjectiveEnergy>(*f);
  }
};

}  // namespace terrain::test
