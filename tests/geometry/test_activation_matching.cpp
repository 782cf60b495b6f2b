// Activation matching (geometry/activation_matching.hpp), collective over the data's shards: a
// planted symmetry is recovered exactly (correlation 1 per unit), the aligned net computes the
// same loss, and the result on all ranks equals a one-rank recomputation on each rank.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "alignment_support.hpp"
#include "core/error.hpp"
#include "data/synthetic.hpp"
#include "geometry/activation_matching.hpp"

using namespace terrain;

namespace {

double world_max(double x) {
  MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  return x;
}

const model::Architecture& relu2() {
  static const model::Architecture a = test::mlp({10, 24, 20, 3}, model::Activation::relu);
  return a;
}
const model::Architecture& tanh3() {
  static const model::Architecture a = test::mlp({12, 24, 20, 16, 3}, model::Activation::tanh);
  return a;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_planted_symmetry_is_recovered_exactly) {
  for (const model::Architecture& a : {relu2(), tanh3()})
    for (std::uint64_t seed : {1, 2, 3}) {
      const data::Dataset d =
          data::synthetic_dataset(PETSC_COMM_WORLD, 50, a.widths.front(), 3, false);
      std::vector<double> theta_a = test::random_theta(a, seed);
      const geometry::HiddenSymmetry planted = test::random_symmetry(a, 60 + seed);
      const std::vector<double> theta_b = geometry::apply_symmetry(a, theta_a, planted);
      const geometry::ActivationMatching m =
          geometry::activation_matching(PETSC_COMM_WORLD, a, theta_a, theta_b, d);
      BOOST_TEST(test::same_element(m.g, test::inverse(planted)),
                 a.activation << " seed " << seed << ": another element than the planted one");
      BOOST_TEST(test::distance(geometry::apply_symmetry(a, theta_b, m.g), theta_a) == 0.0);
      for (std::size_t l = 0; l < m.correlation.size(); ++l) {
        BOOST_TEST(std::abs(m.correlation[l] - 1.0) <= 1e-12,
                   "layer " << l << ": " << m.correlation[l]);
        BOOST_TEST(m.identity_correlation[l] < 0.9);
      }
    }
}

BOOST_AUTO_TEST_CASE(unrelated_nets_keep_their_loss_and_gain_correlation) {
  for (const model::Architecture& a : {relu2(), tanh3()}) {
    const data::Dataset d =
        data::synthetic_dataset(PETSC_COMM_WORLD, 80, a.widths.front(), 3, false);
    objective::Objective f(PETSC_COMM_WORLD, a, d);
    const std::vector<double> theta_a = test::random_theta(a, 4),
                              theta_b = test::random_theta(a, 5);
    const geometry::ActivationMatching m =
        geometry::activation_matching(PETSC_COMM_WORLD, a, theta_a, theta_b, d);
    const std::vector<double> aligned = geometry::apply_symmetry(a, theta_b, m.g);
    const double before = test::loss_of(f, theta_b), after = test::loss_of(f, aligned);
    BOOST_TEST(std::abs(after - before) <= 1e-13 * std::abs(before));
    for (std::size_t l = 0; l < m.correlation.size(); ++l)
      BOOST_TEST(m.correlation[l] > m.identity_correlation[l], "layer " << l);
    // the aligned B, matched again, needs the identity
    const geometry::ActivationMatching again =
        geometry::activation_matching(PETSC_COMM_WORLD, a, theta_a, aligned, d);
    BOOST_TEST(test::same_element(again.g, geometry::identity_symmetry(a)));
  }
}

// Each rank alone (the whole data set on MPI_COMM_SELF) against all ranks together; 9001 rows, so
// the one-rank pass runs in several row blocks (4096 each) and the np3 one in a single block.
BOOST_AUTO_TEST_CASE(the_result_does_not_depend_on_the_rank_count) {
  const model::Architecture& a = tanh3();
  const std::vector<double> theta_a = test::random_theta(a, 6), theta_b = test::random_theta(a, 7);
  const data::Dataset all = data::synthetic_dataset(PETSC_COMM_WORLD, 9001, 12, 3, false);
  const data::Dataset self = data::synthetic_dataset(PETSC_COMM_SELF, 9001, 12, 3, false);
  const geometry::ActivationMatching m =
      geometry::activation_matching(PETSC_COMM_WORLD, a, theta_a, theta_b, all);
  const geometry::ActivationMatching s =
      geometry::activation_matching(PETSC_COMM_SELF, a, theta_a, theta_b, self);
  BOOST_TEST(world_max(test::same_element(m.g, s.g) ? 0.0 : 1.0) == 0.0);
  double diff = 0;
  for (std::size_t l = 0; l < m.correlation.size(); ++l)
    diff = std::max({diff, std::abs(m.correlation[l] - s.correlation[l]),
                     std::abs(m.identity_correlation[l] - s.identity_correlation[l])});
  BOOST_TEST(world_max(diff) <= 1e-12);
}

BOOST_AUTO_TEST_CASE(mismatched_data_and_residual_nets_are_refused) {
  const data::Dataset d = data::synthetic_dataset(PETSC_COMM_WORLD, 20, 5, 3, false);
  const std::vector<double> t = test::random_theta(relu2(), 1);
  BOOST_CHECK_THROW(geometry::activation_matching(PETSC_COMM_WORLD, relu2(), t, t, d),
                    core::InputError);
  model::Architecture r = test::mlp({5, 4, 4, 2}, model::Activation::tanh);
  r.residual = true;
  const std::vector<double> u = test::random_theta(r, 1);
  BOOST_CHECK_THROW(geometry::activation_matching(PETSC_COMM_WORLD, r, u, u, d), core::InputError);
}
