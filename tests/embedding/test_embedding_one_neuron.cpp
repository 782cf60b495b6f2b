// The one-neuron k-way split (-embed_split_neuron) and the relative zero tolerance of the counts
// (-embed_counts_rtol).
//
// The counts oracle: split neuron j of a two-layer network with one output, f = Σ_c a_c σ(w_cᵀ x̃)
// (x̃ = [x; 1] with biases), into k pieces with shares α_c > 0 at a critical point. In the
// coordinates (common motion, differences u_c of the copies' input weights with Σ α_c u_c = 0,
// differences of their output weights with Σ δa_c = 0) every cross term of the Hessian is a
// multiple of Σ α_c u_c, of Σ δa_c or of the critical point's gradient Σ_i r_i σ'(z_i) x̃_i, so by
// Sylvester's law
//   inertia(after) = inertia(before) + (0, k − 1, 0) + (k − 1) · inertia(M_j),
//   M_j = Σ_i (a_jᵀ ∂ℓ_i/∂f) σ''(w_jᵀ x̃_i) x̃_i x̃_iᵀ      ((d+1) × (d+1), or d × d without biases):
// the k − 1 output-weight differences are exactly flat, and the input-weight differences carry
// the curvature of M_j, both signs for tanh/sigmoid. With ReLU σ'' = 0: M_j = 0 and the split
// adds only zeros. With d_out > 1 outputs the output-weight differences orthogonal to a_j couple
// to the u_c through Σ_i r_ik σ'(z_i) x̃_i, which is not a gradient component, and add ± pairs
// (Iris: +2 negative per split), so the oracle is for d_out = 1, the chapter's 1-D case. The test
// measures both sides: the wide network's Hessian by LAPACK on the gathered dense matrix, M_j
// from the data.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "critical_support.hpp"
#include "embedding/hessian_counts.hpp"
#include "embedding/neuron_split.hpp"
#include "embedding_support.hpp"
#include "model/activation.hpp"
#include "objective/curvature_operator.hpp"
#include "spectral/inertia.hpp"
#include "support/dense.hpp"

using namespace terrain;
using model::Activation;

namespace {

constexpr double kTau = 1e-11;

spectral::Inertia lapack_counts(const model::Architecture& arch, const std::vector<double>& theta,
                                const data::Dataset& train, std::vector<double>* values = nullptr) {
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec x(f.create_vec());
  objective::distribute(theta, x);
  objective::CurvatureOperator H(f, x, objective::Curvature::hessian);
  std::vector<double> v = test::dense_spectrum(H.mat());
  const spectral::Inertia c = spectral::inertia_from_eigenvalues(v, kTau);
  if (values) *values = std::move(v);
  return c;
}

// M_j of a two-layer MSE network (∂ℓ_i/∂f ∝ f_i − y_i; a positive factor does not change the
// inertia), summed over every rank's rows; its eigenvalues by LAPACK.
std::vector<double> split_block_eigenvalues(const model::Architecture& arch,
                                            const std::vector<double>& theta,
                                            const data::Dataset& train, PetscInt j) {
  const model::ParameterLayout layout(arch);
  const model::LayerBlock &in = layout.layer(0), &out = layout.layer(1);
  const PetscInt d = arch.widths[0], m = arch.widths[1], d_out = arch.widths[2];
  const PetscInt n = d + (arch.bias ? 1 : 0);
  const std::vector<double> f = test::outputs(arch, theta, train);
  std::vector<double> M(std::size_t(n * n), 0.0);
  for (PetscInt i = 0; i < train.n_local; ++i) {
    const double* x = &train.X[std::size_t(i * d)];
    double z = arch.bias ? theta[in.bias_offset + j] : 0.0;
    for (PetscInt p = 0; p < d; ++p) z += theta[in.weight_offset + j * d + p] * x[p];
    double s = 0, d1 = 0, d2 = 0;
    model::activate(arch.activation, &z, 1, &s, &d1, &d2);
    double coupling = 0;  // a_jᵀ (f_i − y_i)
    for (PetscInt k = 0; k < d_out; ++k)
      coupling += theta[out.weight_offset + k * m + j] *
                  (f[std::size_t(i * d_out + k)] - train.Y[std::size_t(i * d_out + k)]);
    std::vector<double> xt(x, x + d);
    if (arch.bias) xt.push_back(1.0);
    for (PetscInt p = 0; p < n; ++p)
      for (PetscInt q = 0; q < n; ++q) M[p + q * n] += coupling * d2 * xt[p] * xt[q];
  }
  MPI_Allreduce(MPI_IN_PLACE, M.data(), int(M.size()), MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  return testing::lapack_eigenvalues(M, n);
}

struct Case {
  std::vector<PetscInt> widths;
  Activation activation;
  std::uint64_t seed;
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  os << c.activation << " seed " << c.seed;
  return os;
}

// Two-layer students with one output of the 3-4-1 teacher that stall near a critical point
// Newton finishes, and a ReLU one.
const std::vector<Case> kCases = {
    {{3, 2, 1}, Activation::tanh, 3},
    {{3, 2, 1}, Activation::sigmoid, 5},
    {{3, 2, 1}, Activation::tanh, 4},
    {{3, 2, 1}, Activation::relu, 3},
};

}  // namespace

BOOST_AUTO_TEST_CASE(one_neuron_split_copies_one_neuron_and_keeps_the_function) {
  const data::Data data = test::teacher_data({3, 4, 2});
  for (const auto& widths : {std::vector<PetscInt>{3, 4, 2}, std::vector<PetscInt>{3, 3, 4, 2}}) {
    for (Activation act : {Activation::tanh, Activation::relu}) {
      const model::Architecture arch = test::net(widths, act);
      const std::vector<double> theta = test::random_theta(arch, 7);
      std::vector<PetscInt> wider = widths;
      for (std::size_t l = 1; l + 1 < wider.size(); ++l) wider[l] += 2;  // k = 3 pieces
      const PetscInt j = 1;
      const embedding::NeuronMap map = embedding::multi_step_split(
          arch, embedding::TargetWidths{wider, embedding::Widening::one_neuron, j},
          embedding::SplitRule::equal, 0);
      for (int l = 1; l < arch.n_layers(); ++l) {
        const PetscInt h = widths[l];
        BOOST_TEST_REQUIRE(map.width(l) == h + 2);
        for (PetscInt i = 0; i < h + 2; ++i) {
          const bool piece = i == j || i >= h;
          BOOST_TEST(map.source[l - 1][i] == (i >= h ? j : i));
          BOOST_TEST(map.share[l - 1][i] == (piece ? 1.0 / 3.0 : 1.0));
        }
      }
      const model::Architecture wide = embedding::target_architecture(arch, map);
      const std::vector<double> f0 = test::outputs(arch, theta, data.train);
      const std::vector<double> f1 =
          test::outputs(wide, embedding::apply_map(arch, theta, map), data.train);
      double scale = test::max_abs_of(f0);
      MPI_Allreduce(MPI_IN_PLACE, &scale, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
      BOOST_TEST(test::max_diff_all(f0, f1) <= 1e-13 * scale, act << " " << widths.size() - 2
                                                                 << " hidden layers");
      // The alpha rule on one neuron: j keeps α², the copies (1 − α) and α(1 − α).
      const embedding::NeuronMap am = embedding::multi_step_split(
          arch, embedding::TargetWidths{wider, embedding::Widening::one_neuron, j},
          embedding::SplitRule::alpha, 0.3);
      BOOST_TEST(am.share[0][j] == 0.3 * 0.3, boost::test_tools::tolerance(1e-15));
      BOOST_TEST(am.share[0][widths[1]] == 0.7, boost::test_tools::tolerance(1e-15));
      BOOST_TEST(am.share[0][widths[1] + 1] == 0.3 * 0.7, boost::test_tools::tolerance(1e-15));
    }
  }
  const model::Architecture arch = test::net({3, 4, 2}, Activation::tanh);
  try {
    embedding::multi_step_split(
        arch, embedding::TargetWidths{{3, 6, 2}, embedding::Widening::one_neuron, 4},
        embedding::SplitRule::equal, 0);
    BOOST_ERROR("a split neuron outside the layer was accepted");
  } catch (const core::InputError& e) {
    BOOST_TEST(std::string(e.what()).find("-embed_split_neuron must be in 0..3") !=
               std::string::npos, e.what());
  }
}

// At a Newton critical point, the one-neuron k-way split (k = 2, 3) of every neuron: the counts
// of the wide Hessian (LAPACK) are exactly the oracle's, and hessian_counts agrees.
BOOST_DATA_TEST_CASE(one_neuron_split_counts_follow_the_split_block,
                     boost::unit_test::data::xrange(kCases.size()), which) {
  const Case c = kCases[which];
  model::Architecture arch = test::net(c.widths, c.activation);
  arch.seed = c.seed;
  const data::Data data = test::teacher_data({3, 4, 1});
  const test::Point p = test::critical_point(arch, data.train, 3000, 0.5);
  std::ostringstream label;
  label << c;
  BOOST_TEST(p.grad_norm1 <= 1e-12, label.str() << ": |grad L|_1 " << p.grad_norm1);
  const spectral::Inertia before = lapack_counts(arch, p.theta, data.train);
  BOOST_TEST_MESSAGE(label.str() << ": " << before.n_neg << "/" << before.n_zero << "/"
                                 << before.n_pos);
  const PetscInt h = c.widths[1];
  for (PetscInt j = 0; j < h; ++j) {
    const std::vector<double> mu = split_block_eigenvalues(arch, p.theta, data.train, j);
    const double mu_scale = test::max_abs_of(mu);
    std::int64_t mu_neg = 0, mu_pos = 0;
    for (double v : mu) {
      // A generic point: M_j has no eigenvalue near zero (else its sign would be rounding, and
      // the split block's eigenvalues, about μ/(4n), would fall inside τ).
      if (c.activation != Activation::relu)
        BOOST_TEST_REQUIRE(std::abs(v) > std::max(1e-6 * mu_scale, 1e-6),
                           label.str() << ": M_" << j << " " << v);
      mu_neg += v < 0 && c.activation != Activation::relu;
      mu_pos += v > 0 && c.activation != Activation::relu;
    }
    if (c.activation == Activation::relu) BOOST_TEST(mu_scale == 0.0);
    const std::int64_t mu_zero = std::int64_t(mu.size()) - mu_neg - mu_pos;
    for (PetscInt k : {2, 3}) {
      std::vector<PetscInt> wider = c.widths;
      wider[1] = h + k - 1;
      const embedding::NeuronMap map = embedding::multi_step_split(
          arch, embedding::TargetWidths{wider, embedding::Widening::one_neuron, j},
          embedding::SplitRule::equal, 0);
      const model::Architecture wide = embedding::target_architecture(arch, map);
      const std::vector<double> theta = embedding::apply_map(arch, p.theta, map);
      std::vector<double> values;
      const spectral::Inertia after = lapack_counts(wide, theta, data.train, &values);
      const std::string what = label.str() + " neuron " + std::to_string(j) + " into " +
                               std::to_string(k);
      const std::string counts = what + ": (" + std::to_string(before.n_neg) + "," +
                                 std::to_string(before.n_zero) + "," + std::to_string(before.n_pos) +
                                 ") -> (" + std::to_string(after.n_neg) + "," +
                                 std::to_string(after.n_zero) + "," + std::to_string(after.n_pos) +
                                 "), M_j (" + std::to_string(mu_neg) + "," +
                                 std::to_string(mu_zero) + "," + std::to_string(mu_pos) + ")";
      BOOST_TEST(after.n_neg == before.n_neg + (k - 1) * mu_neg, counts);
      BOOST_TEST(after.n_zero == before.n_zero + (k - 1) * (1 + mu_zero), counts);
      BOOST_TEST(after.n_pos == before.n_pos + (k - 1) * mu_pos, counts);
      BOOST_TEST_MESSAGE(what << ": " << after.n_neg << "/" << after.n_zero << "/"
                              << after.n_pos);
      const embedding::HessianCounts lib =
          embedding::hessian_counts(PETSC_COMM_WORLD, wide, theta, data.train, {kTau, 0.0});
      BOOST_TEST(lib.inertia.n_neg == after.n_neg);
      BOOST_TEST(lib.inertia.n_zero == after.n_zero);
      BOOST_TEST(lib.inertia.n_pos == after.n_pos);
      BOOST_TEST(test::max_diff_all(lib.eigenvalues, values) <=
                 1e-12 * (test::max_abs_of(values) + 1));
    }
  }
}

// τ = max(atol, rtol·max|λ|): closed-form spectra on both sides of each part.
BOOST_AUTO_TEST_CASE(relative_zero_tolerance) {
  const spectral::ZeroTolerance absolute{1e-11, 0.0}, relative{1e-11, 1e-13};
  BOOST_TEST(absolute.effective(5e5) == 1e-11);
  BOOST_TEST(relative.effective(5e5) == 5e-8, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(relative.effective(-5e5) == 5e-8, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(relative.effective(1.0) == 1e-11);  // the absolute floor below max|λ| = 100
  // A large λ_max: rounding-sized eigenvalues (±1e-16·λ_max·a few) are zeros only relatively.
  const std::vector<double> big = {-3e-10, 2e-10, 4e-12, 1.0, 5e5};
  const spectral::Inertia a = spectral::inertia_from_eigenvalues(big, absolute);
  BOOST_TEST(a.n_neg == 1);
  BOOST_TEST(a.n_zero == 1);
  BOOST_TEST(a.n_pos == 3);
  BOOST_TEST(a.tol == 1e-11);
  const spectral::Inertia r = spectral::inertia_from_eigenvalues(big, relative);
  BOOST_TEST(r.n_neg == 0);
  BOOST_TEST(r.n_zero == 3);
  BOOST_TEST(r.n_pos == 2);
  BOOST_TEST(r.tol == 5e-8, boost::test_tools::tolerance(1e-15));
  // The scale is the largest |λ| at either end.
  const spectral::Inertia low = spectral::inertia_from_eigenvalues({-2e5, -1e-9, 3.0}, relative);
  BOOST_TEST(low.tol == 2e-8, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(low.n_zero == 1);
}

// hessian_counts with a relative part at a real point: the τ it reports is the rule's on its
// own spectrum, and its counts are those of that spectrum at that τ.
BOOST_AUTO_TEST_CASE(hessian_counts_use_the_relative_tolerance) {
  const data::Data data = test::teacher_data({3, 4, 2});
  const model::Architecture arch = test::net({3, 2, 2}, Activation::tanh);
  const std::vector<double> theta = test::random_theta(arch, 5, 3.0);
  const embedding::HessianCounts c =
      embedding::hessian_counts(PETSC_COMM_WORLD, arch, theta, data.train, {1e-11, 1e-3});
  const double scale = std::max(std::abs(c.eigenvalues.front()), std::abs(c.eigenvalues.back()));
  BOOST_TEST(c.inertia.tol == std::max(1e-11, 1e-3 * scale));
  BOOST_TEST(c.inertia.tol > 1e-11);
  std::int64_t n0 = 0;
  for (double v : c.eigenvalues) n0 += std::abs(v) < c.inertia.tol || v == -c.inertia.tol;
  BOOST_TEST(c.inertia.n_zero == n0);
}
