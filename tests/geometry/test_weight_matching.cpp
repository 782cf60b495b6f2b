// Weight matching (geometry/weight_matching.hpp): a planted symmetry is recovered exactly, the
// aligned net computes the same loss, the objective ⟨θ_A, g·θ_B⟩ never decreases over sweeps,
// and the result is optimal in every layer alone against brute force over that layer's group
// (the per-layer assignment with signs of the header's derivation).
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <numeric>
#include <vector>

#include "alignment_support.hpp"
#include "core/error.hpp"
#include "data/synthetic.hpp"
#include "geometry/activation_matching.hpp"
#include "geometry/weight_matching.hpp"

using namespace terrain;

namespace {

double dot(const std::vector<double>& x, const std::vector<double>& y) {
  return std::inner_product(x.begin(), x.end(), y.begin(), 0.0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_planted_symmetry_is_recovered_exactly) {
  for (const model::Architecture& a :
       {test::mlp({10, 24, 20, 3}, model::Activation::relu),
        test::mlp({12, 24, 20, 16, 3}, model::Activation::tanh),
        test::mlp({12, 24, 20, 16, 3}, model::Activation::tanh, false)})
    for (std::uint64_t seed : {1, 2, 3}) {
      const std::vector<double> theta_a = test::random_theta(a, seed);
      const geometry::HiddenSymmetry planted = test::random_symmetry(a, 50 + seed);
      const std::vector<double> theta_b = geometry::apply_symmetry(a, theta_a, planted);
      geometry::WeightMatchingOptions o;
      o.seed = seed;
      const geometry::WeightMatching m = geometry::weight_matching(a, theta_a, theta_b, o);
      BOOST_TEST(m.converged);
      BOOST_TEST(test::same_element(m.g, test::inverse(planted)),
                 a.activation << " seed " << seed << ": another element than the planted one");
      const std::vector<double> aligned = geometry::apply_symmetry(a, theta_b, m.g);
      BOOST_TEST(test::distance(aligned, theta_a) == 0.0);
      BOOST_TEST(std::abs(m.objective.back() - dot(theta_a, theta_a)) <=
                 1e-12 * dot(theta_a, theta_a));
    }
}

// Narrow random nets have local optima (the header): some layer-order seed of this one misses the
// planted element from the identity (the first such seed is searched for, so the test does not
// hang on the stream numbering); started from activation matching's element, the ascent finds
// the planted one, and
// started at the answer it stops after one sweep that changes nothing.
BOOST_AUTO_TEST_CASE(a_start_element_is_used) {
  const model::Architecture a = test::mlp({6, 8, 7, 9, 3}, model::Activation::tanh);
  const std::vector<double> theta_a = test::random_theta(a, 2);
  const geometry::HiddenSymmetry planted = test::random_symmetry(a, 52);
  const std::vector<double> theta_b = geometry::apply_symmetry(a, theta_a, planted);
  geometry::WeightMatchingOptions o;
  bool missed = false;
  for (o.seed = 0; o.seed < 200 && !missed; ++o.seed)
    missed = !test::same_element(geometry::weight_matching(a, theta_a, theta_b, o).g,
                                 test::inverse(planted));
  BOOST_TEST_REQUIRE(missed);
  --o.seed;
  const data::Dataset d = data::synthetic_dataset(PETSC_COMM_WORLD, 50, 6, 3, false);
  o.start = geometry::activation_matching(PETSC_COMM_WORLD, a, theta_a, theta_b, d).g;
  const geometry::WeightMatching m = geometry::weight_matching(a, theta_a, theta_b, o);
  BOOST_TEST(test::same_element(m.g, test::inverse(planted)));
  o.start = test::inverse(planted);
  const geometry::WeightMatching at = geometry::weight_matching(a, theta_a, theta_b, o);
  BOOST_TEST(at.sweeps == 1);
  BOOST_TEST(at.converged);
  BOOST_TEST(test::same_element(at.g, o.start));
  BOOST_TEST(at.objective.front() == dot(theta_a, theta_a));
  // a start that is not an element (a flip for relu) is refused
  const model::Architecture r = test::mlp({6, 8, 7, 9, 3}, model::Activation::relu);
  o.start = test::random_symmetry(a, 53);
  BOOST_CHECK_THROW(geometry::weight_matching(r, theta_a, theta_a, o), core::InputError);
}

BOOST_AUTO_TEST_CASE(the_objective_never_decreases_and_the_loss_is_kept) {
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 40, 5, 3, false);
  for (const model::Architecture& a : {test::mlp({5, 12, 10, 11, 3}, model::Activation::relu),
                                       test::mlp({5, 12, 10, 11, 3}, model::Activation::tanh),
                                       test::mlp({5, 12, 10, 11, 3}, model::Activation::sigmoid)}) {
    objective::Objective f(PETSC_COMM_WORLD, a, train);
    for (std::uint64_t seed : {4, 5}) {
      // two unrelated points: the alignment is a real optimisation, not a recovery
      const std::vector<double> theta_a = test::random_theta(a, seed);
      const std::vector<double> theta_b = test::random_theta(a, seed + 100);
      geometry::WeightMatchingOptions o;
      o.seed = seed;
      const geometry::WeightMatching m = geometry::weight_matching(a, theta_a, theta_b, o);
      BOOST_TEST(m.converged);
      BOOST_TEST_REQUIRE(m.objective.size() == std::size_t(m.sweeps) + 1);
      BOOST_TEST(m.objective.front() == dot(theta_a, theta_b));
      for (std::size_t k = 1; k < m.objective.size(); ++k)
        BOOST_TEST(m.objective[k] >= m.objective[k - 1] - 1e-12 * std::abs(m.objective[k - 1]),
                   a.activation << " sweep " << k << ": " << m.objective[k] << " after "
                                << m.objective[k - 1]);
      BOOST_TEST(m.objective.back() > m.objective.front() + 1.0,
                 a.activation << ": no gain over the identity");
      const std::vector<double> aligned = geometry::apply_symmetry(a, theta_b, m.g);
      BOOST_TEST(std::abs(dot(theta_a, aligned) - m.objective.back()) <=
                 1e-12 * std::abs(m.objective.back()));
      const double before = test::loss_of(f, theta_b), after = test::loss_of(f, aligned);
      BOOST_TEST(std::abs(after - before) <= 1e-13 * std::abs(before),
                 a.activation << ": L(g theta_B) = " << after << ", L(theta_B) = " << before);
      // the same seed gives the same element; the layer order is drawn from it
      BOOST_TEST(test::same_element(geometry::weight_matching(a, theta_a, theta_b, o).g, m.g));
    }
  }
}

// Every element of one hidden layer's group (all n! permutations × 2ⁿ signs for tanh), the others
// fixed at the matched g: none beats the result by more than rounding.
BOOST_AUTO_TEST_CASE(the_result_is_optimal_in_each_layer_against_brute_force) {
  for (const model::Architecture& a : {test::mlp({3, 4, 4, 5, 2}, model::Activation::tanh),
                                       test::mlp({3, 5, 4, 2}, model::Activation::relu)}) {
    const std::vector<double> theta_a = test::random_theta(a, 7);
    const std::vector<double> theta_b = test::random_theta(a, 8);
    const geometry::WeightMatching m = geometry::weight_matching(a, theta_a, theta_b);
    BOOST_TEST_REQUIRE(m.converged);
    const bool odd = geometry::odd_activation(a.activation);
    for (std::size_t l = 0; l < m.g.perm.size(); ++l) {
      const PetscInt n = static_cast<PetscInt>(m.g.perm[l].size());
      geometry::HiddenSymmetry h = m.g;
      std::vector<PetscInt> p(n);
      std::iota(p.begin(), p.end(), PetscInt(0));
      double best = -INFINITY;
      do
        for (int flips = 0; flips < (odd ? 1 << n : 1); ++flips) {
          h.perm[l] = p;
          for (PetscInt j = 0; j < n; ++j) h.sign[l][j] = (flips >> j) & 1 ? -1 : 1;
          best = std::max(best, dot(theta_a, geometry::apply_symmetry(a, theta_b, h)));
        }
      while (std::next_permutation(p.begin(), p.end()));
      BOOST_TEST(best <= m.objective.back() + 1e-12 * std::abs(best),
                 a.activation << " layer " << l << ": brute force " << best << " beats "
                              << m.objective.back());
    }
  }
}

BOOST_AUTO_TEST_CASE(residual_nets_and_no_sweeps_are_refused) {
  model::Architecture r = test::mlp({3, 4, 4, 2}, model::Activation::tanh);
  r.residual = true;
  const std::vector<double> t = test::random_theta(r, 1);
  BOOST_CHECK_THROW(geometry::weight_matching(r, t, t), core::InputError);
  const model::Architecture a = test::mlp({3, 4, 2}, model::Activation::tanh);
  const std::vector<double> u = test::random_theta(a, 1);
  geometry::WeightMatchingOptions o;
  o.max_sweeps = 0;
  BOOST_CHECK_THROW(geometry::weight_matching(a, u, u, o), core::InputError);
  // a net without hidden layers has only the identity
  const model::Architecture lin = test::mlp({3, 2}, model::Activation::tanh);
  const std::vector<double> v = test::random_theta(lin, 2);
  const geometry::WeightMatching m = geometry::weight_matching(lin, v, v);
  BOOST_TEST(m.g.perm.empty());
  BOOST_TEST(m.converged);
}
