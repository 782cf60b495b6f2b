// The exact symmetries of geometry/symmetry_canonical.hpp: permutations of hidden units (and
// sign flips for odd activations) leave the loss unchanged and map the gradient along; the
// canonical form is the same for every element of a point's orbit; the census's deduplication
// counts a symmetric copy once.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "core/rng.hpp"
#include "data/synthetic.hpp"
#include "geometry/symmetry_canonical.hpp"
#include "model/parameter_layout.hpp"
#include "objective/objective.hpp"
#include "objective/replicated.hpp"
#include "study/critical_census.hpp"

using namespace terrain;

namespace {

struct Case {
  model::Activation activation;
  model::Loss loss;
  bool bias;
};
std::ostream& operator<<(std::ostream& os, const Case& c) {
  return os << model::to_string(c.activation) << "/" << model::to_string(c.loss)
            << (c.bias ? "/bias" : "/nobias");
}
std::vector<Case> cases() {
  std::vector<Case> v;
  for (auto a : {model::Activation::linear, model::Activation::relu, model::Activation::tanh,
                 model::Activation::sigmoid, model::Activation::softplus})
    for (auto l : {model::Loss::mse, model::Loss::cross_entropy})
      for (bool b : {false, true}) v.push_back({a, l, b});
  return v;
}

model::Architecture deep(const Case& c) {
  model::Architecture a;
  a.widths = {3, 5, 4, 6, 2};  // three hidden layers of different widths
  a.activation = c.activation;
  a.loss = c.loss;
  a.bias = c.bias;
  return a;
}

std::vector<double> random_theta(const model::Architecture& a, std::uint64_t seed) {
  std::vector<double> t(model::ParameterLayout(a).size());
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = core::normal(seed, core::Stream::test_vector, i);
  return t;
}

// A random element: Fisher–Yates from the counter-based RNG; flips only when odd.
geometry::HiddenSymmetry random_symmetry(const model::Architecture& a, std::uint64_t seed) {
  geometry::HiddenSymmetry s = geometry::identity_symmetry(a);
  std::uint64_t k = 0;
  for (std::size_t l = 0; l < s.perm.size(); ++l) {
    auto& p = s.perm[l];
    for (std::size_t i = p.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(core::uniform(seed, core::Stream::test_vector, k++) * i);
      std::swap(p[i - 1], p[std::min(j, i - 1)]);
    }
    if (geometry::odd_activation(a.activation))
      for (int& v : s.sign[l]) v = core::uniform(seed + 1, core::Stream::test_vector, k++) < 0.5 ? -1 : 1;
  }
  return s;
}

bool is_identity(const geometry::HiddenSymmetry& s) {
  for (std::size_t l = 0; l < s.perm.size(); ++l)
    for (std::size_t j = 0; j < s.perm[l].size(); ++j)
      if (s.perm[l][j] != PetscInt(j) || s.sign[l][j] != 1) return false;
  return true;
}

struct LossGrad {
  double loss;
  std::vector<double> grad;
};
LossGrad evaluate(objective::Objective& f, const std::vector<double>& theta) {
  core::OwnedVec t(f.create_vec()), g;
  TERRAIN_PETSC(VecDuplicate(t, g.out()));
  objective::distribute(theta, t);
  const double loss = f.gradient(t, g);
  return {loss, objective::replicate(g)};
}

}  // namespace

BOOST_DATA_TEST_CASE(symmetries_keep_the_loss_and_move_the_gradient_along,
                     boost::unit_test::data::make(cases()), c) {
  const model::Architecture a = deep(c);
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 23, 3, 2,
                                                      c.loss == model::Loss::cross_entropy);
  objective::Objective f(PETSC_COMM_WORLD, a, train);
  for (std::uint64_t seed : {1, 2, 3}) {
    const std::vector<double> theta = random_theta(a, seed);
    const geometry::HiddenSymmetry g = random_symmetry(a, 100 + seed);
    BOOST_TEST_REQUIRE(!is_identity(g));
    const std::vector<double> moved = geometry::apply_symmetry(a, theta, g);
    BOOST_TEST(geometry::relative_max_distance(moved, theta) > 1e-3, c << ": g moved nothing");
    const LossGrad at = evaluate(f, theta), there = evaluate(f, moved);
    BOOST_TEST(std::abs(at.loss - there.loss) <= 1e-13 * std::max(1.0, std::abs(at.loss)),
               c << " seed " << seed << ": L(g theta) = " << there.loss << ", L(theta) = " << at.loss);
    // g acts linearly and orthogonally (a signed permutation): ∇L(gθ) = g ∇L(θ).
    const std::vector<double> g_grad = geometry::apply_symmetry(a, at.grad, g);
    BOOST_TEST(geometry::relative_max_distance(g_grad, there.grad) <= 1e-13,
               c << " seed " << seed << ": grad L(g theta) != g grad L(theta)");
  }
}

BOOST_DATA_TEST_CASE(the_canonical_form_is_the_same_for_the_whole_orbit,
                     boost::unit_test::data::make(cases()), c) {
  const model::Architecture a = deep(c);
  for (std::uint64_t seed : {4, 5, 6}) {
    const std::vector<double> theta = random_theta(a, seed);
    geometry::HiddenSymmetry applied;
    const std::vector<double> canon = geometry::canonical_form(a, theta, &applied);
    BOOST_TEST((geometry::apply_symmetry(a, theta, applied) == canon),
               c << ": the element reported does not give the form");
    BOOST_TEST((geometry::canonical_form(a, canon) == canon), c << ": not idempotent");
    for (std::uint64_t k = 0; k < 4; ++k) {
      const std::vector<double> moved =
          geometry::apply_symmetry(a, theta, random_symmetry(a, 10 * seed + k));
      BOOST_TEST((geometry::canonical_form(a, moved) == canon),
                 c << " seed " << seed << " copy " << k << ": another canonical form");
    }
    // A point that is not a symmetric copy has another form.
    std::vector<double> other = theta;
    other[0] += 1e-3;
    BOOST_TEST(geometry::relative_max_distance(geometry::canonical_form(a, other), canon) > 1e-5);
  }
}

BOOST_AUTO_TEST_CASE(sign_flips_only_for_odd_activations_and_no_residual_nets) {
  model::Architecture a = deep({model::Activation::relu, model::Loss::mse, true});
  geometry::HiddenSymmetry s = geometry::identity_symmetry(a);
  s.sign[1][2] = -1;
  const std::vector<double> theta = random_theta(a, 7);
  BOOST_CHECK_THROW(geometry::apply_symmetry(a, theta, s), core::InputError);
  a.activation = model::Activation::tanh;
  BOOST_CHECK_NO_THROW(geometry::apply_symmetry(a, theta, s));
  model::Architecture r = a;
  r.widths = {3, 4, 4, 2};
  r.residual = true;
  BOOST_CHECK_THROW(geometry::canonical_form(r, random_theta(r, 1)), core::InputError);
}

BOOST_AUTO_TEST_CASE(a_planted_symmetric_copy_is_counted_once) {
  const model::Architecture a = deep({model::Activation::tanh, model::Loss::mse, true});
  const std::vector<double> p = random_theta(a, 8), q = random_theta(a, 9);
  const auto copy = geometry::apply_symmetry(a, p, random_symmetry(a, 77));
  std::vector<double> nearby = geometry::canonical_form(a, p);
  nearby[3] += 1e-9;  // within the tolerance: rounding of another run
  std::vector<std::vector<double>> canonical = {geometry::canonical_form(a, p), {},
                                                geometry::canonical_form(a, q),
                                                geometry::canonical_form(a, copy), nearby};
  std::vector<study::CensusStart> starts(canonical.size());
  for (std::size_t i = 0; i < starts.size(); ++i) starts[i].converged = !canonical[i].empty();
  const auto points = study::deduplicate(canonical, starts, 1e-6);
  BOOST_TEST_REQUIRE(points.size() == 2u);
  BOOST_TEST(points[0].multiplicity == 3);
  BOOST_TEST(points[1].multiplicity == 1);
  BOOST_TEST(starts[0].distinct == 0);
  BOOST_TEST(starts[1].distinct == -1);
  BOOST_TEST(starts[2].distinct == 1);
  BOOST_TEST(starts[3].distinct == 0);
  BOOST_TEST(starts[4].distinct == 0);
  BOOST_TEST(points[1].first_start == 2);
  BOOST_TEST(starts[0].match_distance == 0.0);
  BOOST_TEST(starts[3].match_distance == 0.0);  // the planted copy: the same form exactly
  BOOST_TEST(starts[4].match_distance > 0.0);
  BOOST_TEST(starts[4].match_distance <= 1e-9);
  BOOST_TEST(starts[1].match_distance == -1.0);
}
