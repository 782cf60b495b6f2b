// What a point is, on cases with known answers, through the whole Analysis (extreme ends, dense
// spectrum, Sylvester inertia, classification):
//   - the origin of a linear network with one hidden layer of width h and no biases, with
//     d_in = d_out = 2: a critical point whose Hessian is h copies of [[0, −C], [−Cᵀ, 0]],
//     C = (1/n) Σ x yᵀ, so its eigenvalues are ±σ_j(C), each h times: a strict saddle of index 2h;
//   - the origin of a deeper linear network: the Hessian vanishes, a degenerate point;
//   - an over-parameterised ReLU network trained to a critical point: ReLU rescaling
//     (w_in, b) → c (w_in, b), w_out → w_out / c leaves the loss unchanged, so with generator A
//     of the rescaling, H (Aθ) = −Aᵀ∇L at every point (checked at random and trained points),
//     and at the critical point every hidden neuron gives a zero eigenvalue: degenerate.
// Plus the rules themselves on hand-made counts.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "core/petsc_handle.hpp"
#include "data/synthetic.hpp"
#include "objective/curvature_operator.hpp"
#include "spectral/analysis.hpp"
#include "spectral/classification.hpp"
#include "spectral_support.hpp"

using namespace terrain;
using spectral::PointKind;

namespace {

spectral::SpectrumOptions exact_options() {
  spectral::SpectrumOptions o;
  o.full = o.inertia = true;
  o.extreme = true;
  return o;
}

// Singular values of the 2 × 2 matrix C = (1/n) Σ x yᵀ of the whole (distributed) data set.
std::vector<double> cross_covariance_singular_values(const data::Dataset& d) {
  double c[4] = {0, 0, 0, 0};
  for (PetscInt i = 0; i < d.n_local; ++i)
    for (int a = 0; a < 2; ++a)
      for (int b = 0; b < 2; ++b) c[2 * a + b] += d.X[2 * i + a] * d.Y[2 * i + b];
  MPI_Allreduce(MPI_IN_PLACE, c, 4, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  for (double& x : c) x /= double(d.n_global);
  // Eigenvalues of CᵀC.
  const double p = c[0] * c[0] + c[2] * c[2], q = c[1] * c[1] + c[3] * c[3],
               r = c[0] * c[1] + c[2] * c[3];
  const double mean = 0.5 * (p + q), dev = std::sqrt(0.25 * (p - q) * (p - q) + r * r);
  return {std::sqrt(mean + dev), std::sqrt(std::max(mean - dev, 0.0))};
}

}  // namespace

BOOST_AUTO_TEST_CASE(rules_on_counts) {
  auto counts = [](std::int64_t neg, std::int64_t zero, std::int64_t pos) {
    spectral::Inertia c;
    c.n_neg = neg, c.n_zero = zero, c.n_pos = pos;
    return c;
  };
  using spectral::classify;
  BOOST_TEST((classify(counts(0, 0, 7), 1e-9, 1e-6).kind == PointKind::minimum));
  BOOST_TEST((classify(counts(7, 0, 0), 1e-9, 1e-6).kind == PointKind::maximum));
  const auto saddle = classify(counts(3, 0, 4), 1e-9, 1e-6);
  BOOST_TEST((saddle.kind == PointKind::saddle));
  BOOST_TEST(saddle.index == 3);
  BOOST_TEST(saddle.degenerate == 0);
  BOOST_TEST(saddle.text.find("strict saddle of index 3") == 0u, saddle.text);
  const auto zeros = classify(counts(3, 2, 4), 1e-9, 1e-6);
  BOOST_TEST((zeros.kind == PointKind::saddle));
  BOOST_TEST(zeros.degenerate == 1);
  BOOST_TEST(zeros.text.find("with 2 zero eigenvalues") != std::string::npos, zeros.text);
  BOOST_TEST((classify(counts(0, 2, 5), 1e-9, 1e-6).kind == PointKind::degenerate));
  BOOST_TEST((classify(counts(2, 2, 0), 1e-9, 1e-6).kind == PointKind::degenerate));
  const auto moving = classify(counts(0, 0, 7), 1e-2, 1e-6);
  BOOST_TEST(!moving.critical);
  BOOST_TEST(moving.text.find("not a critical point") == 0u, moving.text);
  BOOST_TEST(moving.text.find("local minimum") != std::string::npos, moving.text);
  // Matrix-free: from the ends and a count.
  BOOST_TEST((classify(0.1, 5.0, 1e-8, 0, false, 0, 1e-6).kind == PointKind::minimum));
  BOOST_TEST((classify(-5.0, -0.1, 1e-8, 7, false, 0, 1e-6).kind == PointKind::maximum));
  BOOST_TEST((classify(-1e-12, 5.0, 1e-8, 0, false, 0, 1e-6).kind == PointKind::degenerate));
  const auto mf = classify(-1.0, 5.0, 1e-8, 64, true, 0, 1e-6);
  BOOST_TEST((mf.kind == PointKind::saddle));
  BOOST_TEST(mf.text.find("index at least 64") != std::string::npos, mf.text);
}

BOOST_AUTO_TEST_CASE(origin_of_a_shallow_linear_network_is_a_saddle_of_index_2h) {
  const PetscInt h = 5;
  const model::Architecture arch =
      test::network({2, h, 2}, model::Activation::linear, model::Loss::mse, false);
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 37, 2, 2, false);
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec theta(f.create_vec());
  TERRAIN_PETSC(VecSet(theta, 0.0));
  spectral::Analysis analysis(f, train, theta, spectral::EigenOptions{}, exact_options());
  const spectral::SpectrumReport& r = analysis.run();

  BOOST_TEST(r.grad_norm == 0.0);
  const std::vector<double> sigma = cross_covariance_singular_values(train);
  BOOST_TEST_REQUIRE(sigma[1] > 1e-3 * sigma[0]);  // C has full rank
  std::vector<double> expected;
  for (double s : {-sigma[0], -sigma[1], sigma[1], sigma[0]}) expected.insert(expected.end(), h, s);
  std::sort(expected.begin(), expected.end());
  BOOST_TEST_REQUIRE(r.full->values.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    BOOST_TEST(std::abs(r.full->values[i] - expected[i]) <= 1e-12 * sigma[0],
               "eigenvalue " << i << ": " << r.full->values[i] << " vs ±sigma(C) " << expected[i]);
  // τ = -spectrum_zero_tol (1e-9) · max|λ| by default.
  BOOST_TEST(std::abs(r.zero_tol - 1e-9 * sigma[0]) <= 1e-12 * r.zero_tol);
  BOOST_TEST(r.inertia->tol == r.zero_tol);
  BOOST_TEST(r.inertia->n_neg == 2 * h);
  BOOST_TEST(r.inertia->n_zero == 0);
  BOOST_TEST(r.inertia->n_pos == 2 * h);
  BOOST_TEST(r.sylvester->inertia.n_neg == 2 * h);
  BOOST_TEST(r.sylvester->inertia.n_zero == 0);
  BOOST_TEST((r.classification.kind == PointKind::saddle));
  BOOST_TEST(r.classification.index == 2 * h);
  BOOST_TEST(r.classification.critical);
  BOOST_TEST(r.classification.text.find("strict saddle of index 10 (|grad L| = 0.000e+00") == 0u,
             r.classification.text);
  // The extreme ends see the same ±σ₁ (h-fold: Krylov–Schur finds the copies through rounding).
  BOOST_TEST(std::abs(r.extreme->largest.values.front() - sigma[0]) <= 1e-9);
  BOOST_TEST(std::abs(r.extreme->smallest.values.front() + sigma[0]) <= 1e-9);
}

BOOST_AUTO_TEST_CASE(origin_of_a_deep_linear_network_is_degenerate) {
  const model::Architecture arch =
      test::network({2, 4, 4, 2}, model::Activation::linear, model::Loss::mse, false);
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 37, 2, 2, false);
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec theta(f.create_vec());
  TERRAIN_PETSC(VecSet(theta, 0.0));
  spectral::SpectrumOptions options = exact_options();
  options.zero_atol = 1e-12;  // H = 0 exactly: τ needs a floor
  spectral::Analysis analysis(f, train, theta, spectral::EigenOptions{}, options);
  const spectral::SpectrumReport& r = analysis.run();
  BOOST_TEST(test::max_abs(r.full->values) == 0.0);
  BOOST_TEST(r.inertia->n_zero == f.n_params());
  BOOST_TEST(r.sylvester->inertia.n_zero == f.n_params());
  BOOST_TEST((r.classification.kind == PointKind::degenerate));
  BOOST_TEST(r.classification.critical);
}

BOOST_AUTO_TEST_CASE(relu_rescaling_gives_zero_eigenvalues_at_a_trained_point) {
  const PetscInt h = 16;
  const model::Architecture arch =
      test::network({1, h, 1}, model::Activation::relu, model::Loss::mse);
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 6, 1, 1, false);
  objective::Objective f(PETSC_COMM_WORLD, arch, train);
  core::OwnedVec theta(f.create_vec()), g, t, ht;
  TERRAIN_PETSC(VecDuplicate(theta, g.out()));
  TERRAIN_PETSC(VecDuplicate(theta, t.out()));
  TERRAIN_PETSC(VecDuplicate(theta, ht.out()));
  f.initial_parameters(theta);
  const model::LayerBlock in = f.network().layout().layer(0), out = f.network().layout().layer(1);

  // H (A_j θ) = −A_jᵀ ∇L for neuron j's rescaling generator A_j = diag(+1 on w_in_j and b_j,
  // −1 on w_out_j): at the initial point and after training.
  auto check_identity = [&](const char* where) {
    f.gradient(theta, g);
    objective::CurvatureOperator H(f, theta, objective::Curvature::hessian);
    double worst = 0, scale = 0;
    for (PetscInt j = 0; j < h; ++j) {
      const PetscInt index[3] = {in.weight_offset + j, in.bias_offset + j, out.weight_offset + j};
      const double sign[3] = {1, 1, -1};
      TERRAIN_PETSC(VecSet(t, 0.0));
      TERRAIN_PETSC(VecSet(ht, 0.0));
      for (int k = 0; k < 3; ++k) {
        PetscInt begin = 0, end = 0;
        TERRAIN_PETSC(VecGetOwnershipRange(theta, &begin, &end));
        if (index[k] < begin || index[k] >= end) continue;
        double th = 0, gr = 0;
        TERRAIN_PETSC(VecGetValues(theta, 1, &index[k], &th));
        TERRAIN_PETSC(VecGetValues(g, 1, &index[k], &gr));
        TERRAIN_PETSC(VecSetValue(t, index[k], sign[k] * th, INSERT_VALUES));
        TERRAIN_PETSC(VecSetValue(ht, index[k], sign[k] * gr, INSERT_VALUES));  // A_jᵀ∇L
      }
      for (Vec v : {t.get(), ht.get()}) {
        TERRAIN_PETSC(VecAssemblyBegin(v));
        TERRAIN_PETSC(VecAssemblyEnd(v));
      }
      core::OwnedVec product;
      TERRAIN_PETSC(VecDuplicate(t, product.out()));
      TERRAIN_PETSC(MatMult(H.mat(), t, product));
      double norm = 0;
      TERRAIN_PETSC(VecNorm(product, NORM_2, &norm));
      scale = std::max(scale, norm);
      TERRAIN_PETSC(VecAXPY(product, 1.0, ht));  // H t + Aᵀ∇L
      TERRAIN_PETSC(VecNorm(product, NORM_2, &norm));
      worst = std::max(worst, norm);
    }
    BOOST_TEST(worst <= 1e-12 * std::max(scale, 1.0),
               where << ": |H A theta + A^T grad| = " << worst);
    BOOST_TEST(scale > 0.0, where);  // the identity is not trivially 0 = 0 here
  };
  check_identity("initial point");

  const double grad_norm = test::descend(f, theta, 20000, 0.05);
  BOOST_TEST_REQUIRE(grad_norm <= 1e-9,
                     "gradient descent did not reach a critical point: " << grad_norm);
  check_identity("trained point");

  spectral::Analysis analysis(f, train, theta, spectral::EigenOptions{}, exact_options());
  const spectral::SpectrumReport& r = analysis.run();
  BOOST_TEST(r.inertia->n_zero >= h,
             "zero eigenvalues " << r.inertia->n_zero << " < hidden neurons " << h);
  BOOST_TEST(r.sylvester->inertia.n_zero == r.inertia->n_zero);
  BOOST_TEST(r.sylvester->inertia.n_neg == r.inertia->n_neg);
  BOOST_TEST((r.classification.kind == PointKind::degenerate));
  BOOST_TEST(r.classification.critical);
  BOOST_TEST(r.classification.text.find("degenerate") == 0u, r.classification.text);
}
