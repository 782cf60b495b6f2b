// Inertia under critical embeddings, on critical points found by Newton–Krylov
// (optim::find_critical_point, default settings, ‖∇L‖₁ ≤ 1e-12) from where gradient descent
// stalled: the embedded point is critical (‖∇L‖₁ stays at the 1e-12 level), the counts
// (n−, n0, n+) from the dense Hessian (LAPACK on the gathered matrix, τ = 1e-11 absolute) never
// decrease, n0 grows by at least one per split, and embedding::hessian_counts (spectral's dense
// path) gives the same spectrum and counts as LAPACK.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "core/petsc_handle.hpp"
#include "data/load_data.hpp"
#include "embedding/hessian_counts.hpp"
#include "embedding/neuron_split.hpp"
#include "critical_support.hpp"
#include "embedding_support.hpp"
#include "objective/curvature_operator.hpp"
#include "spectral/inertia.hpp"
#include "spectral/spectral_support.hpp"

using namespace terrain;
using model::Activation;

namespace {

constexpr double kTau = 1e-11;

struct Case {
  std::vector<PetscInt> widths;
  Activation activation;
  PetscInt gd_steps;
  double lr;
  std::uint64_t seed;
  std::vector<PetscInt> teacher;
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  os << c.activation << " ";
  for (auto w : c.widths) os << w << " ";
  return os;
}

// Two-layer students of the 3-4-2 teacher where Newton converges (GD stalls near a minimum).
// Deep students stall where the default Newton–Krylov does not converge in 100 iterations (the
// loss still creeps down: no critical point nearby), so deep networks get the exact critical
// points of the second test case instead.
const std::vector<Case> kCases = {
    {{3, 2, 2}, Activation::tanh, 3000, 0.5, 3, {3, 4, 2}},
    {{3, 2, 2}, Activation::sigmoid, 3000, 0.5, 3, {3, 4, 2}},
    {{3, 2, 2}, Activation::tanh, 3000, 0.5, 4, {3, 4, 2}},
    {{3, 1, 2}, Activation::tanh, 3000, 0.5, 3, {3, 4, 2}},
};

struct Measured {
  spectral::Inertia counts;
  std::vector<double> eigenvalues;
  double grad_norm1 = 0;
};

// LAPACK's spectrum of the gathered dense Hessian (the oracle) and ‖∇L‖₁.
Measured measure(const model::Architecture& arch, const std::vector<double>& theta,
                 const data::Dataset& train) {
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec x(f.create_vec()), g(f.create_vec());
  objective::distribute(theta, x);
  Measured m;
  f.gradient(x, g);
  TERRAIN_PETSC(VecNorm(g, NORM_1, &m.grad_norm1));
  {
    objective::CurvatureOperator H(f, x, objective::Curvature::hessian);
    m.eigenvalues = test::dense_spectrum(H.mat());
  }
  m.counts = spectral::inertia_from_eigenvalues(m.eigenvalues, kTau);
  return m;
}

// Every embedding of a critical point: still critical, counts never decrease, n0 grows by at
// least the number of splits, and the library's dense path agrees with LAPACK.
void check_embeddings(const model::Architecture& arch, const std::vector<double>& point,
                      const data::Dataset& train, const std::string& label, std::uint64_t seed) {
  const Measured before = measure(arch, point, train);
  BOOST_TEST(before.grad_norm1 <= 1e-12, label << ": |grad L|_1 " << before.grad_norm1);
  BOOST_TEST_MESSAGE(label << ": counts " << before.counts.n_neg << "/" << before.counts.n_zero
                           << "/" << before.counts.n_pos);
  struct Embedding {
    embedding::NeuronMap map;
    int splits;
    std::string name;
  };
  // One-step splits with random α in every hidden layer, and equal / α splits to wider widths.
  std::vector<Embedding> embeddings;
  for (int l = 1; l < arch.n_layers(); ++l) {
    const double alpha = test::uniform_in(-1.5, 2.5, seed, l);
    embeddings.push_back({embedding::one_step_split(arch, l, l % arch.widths[l], alpha), 1,
                          " one-step layer " + std::to_string(l) + " alpha " + std::to_string(alpha)});
  }
  std::vector<PetscInt> wider = arch.widths;
  int extra = 0;
  for (std::size_t l = 1; l + 1 < wider.size(); ++l) {
    wider[l] += 2;
    extra += 2;
  }
  embeddings.push_back({embedding::multi_step_split(arch, wider, embedding::SplitRule::equal, 0),
                        extra, " equal"});
  embeddings.push_back({embedding::multi_step_split(arch, wider, embedding::SplitRule::alpha, 0.3),
                        extra, " alpha 0.3"});

  for (const auto& e : embeddings) {
    const std::string what = label + e.name;
    const model::Architecture wide = embedding::target_architecture(arch, e.map);
    const std::vector<double> theta = embedding::apply_map(arch, point, e.map);
    const Measured after = measure(wide, theta, train);
    BOOST_TEST(after.grad_norm1 <= 1e-11, what << ": |grad L|_1 " << after.grad_norm1);
    const auto &b = before.counts, &a = after.counts;
    BOOST_TEST(a.n_neg >= b.n_neg, what << ": n- " << b.n_neg << " -> " << a.n_neg);
    BOOST_TEST(a.n_pos >= b.n_pos, what << ": n+ " << b.n_pos << " -> " << a.n_pos);
    BOOST_TEST(a.n_zero >= b.n_zero + e.splits, what << ": n0 " << b.n_zero << " -> " << a.n_zero
                                                      << " after " << e.splits << " splits");
    BOOST_TEST(a.n_neg + a.n_zero + a.n_pos == PetscInt(theta.size()));
    BOOST_TEST_MESSAGE(what << ": " << a.n_neg << "/" << a.n_zero << "/" << a.n_pos);

    // The library's dense path (ScaLAPACK or LAPACK through SLEPc) against the oracle.
    const embedding::HessianCounts lib =
        embedding::hessian_counts(PETSC_COMM_WORLD, wide, theta, train, {kTau, 0.0});
    BOOST_TEST_REQUIRE(lib.eigenvalues.size() == after.eigenvalues.size());
    BOOST_TEST(test::max_diff_all(lib.eigenvalues, after.eigenvalues) <=
               1e-12 * (test::max_abs_of(after.eigenvalues) + 1));
    BOOST_TEST(lib.inertia.n_neg == a.n_neg);
    BOOST_TEST(lib.inertia.n_zero == a.n_zero);
    BOOST_TEST(lib.inertia.n_pos == a.n_pos);
  }
}

}  // namespace

BOOST_DATA_TEST_CASE(counts_never_decrease_at_newton_critical_points,
                     boost::unit_test::data::xrange(kCases.size()), which) {
  const Case c = kCases[which];
  model::Architecture arch = test::net(c.widths, c.activation);
  arch.seed = c.seed;
  const data::Data data = test::teacher_data(c.teacher);
  const test::Point p = test::critical_point(arch, data.train, c.gd_steps, c.lr);
  std::ostringstream label;
  label << c;
  check_embeddings(arch, p.theta, data.train, label.str(), 40 + which);
}

// Deep networks at exact critical points: W_1 = 0 and W_L = 0, the output bias at the mean
// target, the middle weights and every hidden bias random. Each hidden layer is then constant
// over the samples, f ≡ ȳ, so ∂L/∂b_L = mean(f − y) = 0, ∂L/∂W_L = mean(f − y)·aᵀ = 0, and
// every earlier delta carries the factor W_L = 0: all gradients vanish, while the Hessian
// (the coupling of W_1 and W_L through the residuals y − ȳ) has negative, zero and positive
// eigenvalues.
BOOST_DATA_TEST_CASE(counts_never_decrease_at_exact_deep_critical_points,
                     boost::unit_test::data::xrange(2), which) {
  const Activation act = which == 0 ? Activation::tanh : Activation::sigmoid;
  const model::Architecture arch =
      test::net(which == 0 ? std::vector<PetscInt>{3, 2, 3, 2} : std::vector<PetscInt>{3, 3, 2, 2},
                act);
  const data::Data data = test::teacher_data({3, 4, 2});
  const model::ParameterLayout layout(arch);
  std::vector<double> theta = test::random_theta(arch, 60 + which);
  const auto &first = layout.layer(0), &last = layout.layer(arch.n_layers() - 1);
  std::fill_n(theta.begin() + first.weight_offset, first.fan_in * first.fan_out, 0.0);
  std::fill_n(theta.begin() + last.weight_offset, last.fan_in * last.fan_out, 0.0);
  const data::Dataset& t = data.train;
  std::vector<double> mean(t.d_out, 0.0);
  for (PetscInt i = 0; i < t.n_local; ++i)
    for (PetscInt k = 0; k < t.d_out; ++k) mean[k] += t.Y[i * t.d_out + k];
  MPI_Allreduce(MPI_IN_PLACE, mean.data(), int(t.d_out), MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  for (PetscInt k = 0; k < t.d_out; ++k) theta[last.bias_offset + k] = mean[k] / t.n_global;
  check_embeddings(arch, theta, t, std::string("deep ") + model::to_string(act), 80 + which);
}
