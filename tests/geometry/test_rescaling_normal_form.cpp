// The ReLU rescaling normal form (geometry/rescaling_normal_form.hpp): the loss is unchanged,
// every unit is balanced (recomputed here), the form is idempotent, the same for every point of
// a rescaling orbit (the minimiser of ‖θ‖² on it is unique) and equivariant under permutations.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "alignment_support.hpp"
#include "core/error.hpp"
#include "data/synthetic.hpp"
#include "geometry/rescaling_normal_form.hpp"

using namespace terrain;

namespace {

// θ with unit j of hidden layer l rescaled by c = exp(u), u uniform in (−2, 2).
std::vector<double> rescaled(const model::Architecture& a, std::vector<double> t,
                             std::uint64_t seed) {
  const model::ParameterLayout layout(a);
  std::uint64_t k = 0;
  for (int l = 0; l + 1 < a.n_layers(); ++l) {
    const model::LayerBlock &bi = layout.layer(l), &bo = layout.layer(l + 1);
    for (PetscInt j = 0; j < bi.fan_out; ++j) {
      const double c = std::exp(4 * core::uniform(seed, core::Stream::test_vector, k++) - 2);
      for (PetscInt q = 0; q < bi.fan_in; ++q) t[bi.weight_offset + j * bi.fan_in + q] *= c;
      if (bi.bias_offset >= 0) t[bi.bias_offset + j] *= c;
      for (PetscInt i = 0; i < bo.fan_out; ++i) t[bo.weight_offset + i * bi.fan_out + j] /= c;
    }
  }
  return t;
}

// max over units of |‖in‖ − ‖out‖| / max(‖in‖, ‖out‖), written apart from the library's.
double worst_imbalance(const model::Architecture& a, const std::vector<double>& t) {
  const model::ParameterLayout layout(a);
  double worst = 0;
  for (int l = 0; l + 1 < a.n_layers(); ++l) {
    const model::LayerBlock &bi = layout.layer(l), &bo = layout.layer(l + 1);
    for (PetscInt j = 0; j < bi.fan_out; ++j) {
      double in = 0, out = 0;
      for (PetscInt q = 0; q < bi.fan_in; ++q)
        in += std::pow(t[bi.weight_offset + j * bi.fan_in + q], 2);
      if (bi.bias_offset >= 0) in += std::pow(t[bi.bias_offset + j], 2);
      for (PetscInt i = 0; i < bo.fan_out; ++i)
        out += std::pow(t[bo.weight_offset + i * bi.fan_out + j], 2);
      in = std::sqrt(in);
      out = std::sqrt(out);
      worst = std::max(worst, std::abs(in - out) / std::max(in, out));
    }
  }
  return worst;
}

}  // namespace

BOOST_AUTO_TEST_CASE(balanced_loss_kept_idempotent_and_one_form_per_orbit) {
  const data::Dataset d = data::synthetic_dataset(PETSC_COMM_WORLD, 40, 4, 3, false);
  for (const model::Architecture& a :
       {test::mlp({4, 7, 6, 8, 3}, model::Activation::relu),
        test::mlp({4, 7, 6, 8, 5, 3}, model::Activation::relu, false),
        test::mlp({4, 6, 5, 3}, model::Activation::linear)}) {
    objective::Objective f(PETSC_COMM_WORLD, a, d);
    for (std::uint64_t seed : {1, 2}) {
      const std::vector<double> theta = rescaled(a, test::random_theta(a, seed), 10 + seed);
      BOOST_TEST_REQUIRE(worst_imbalance(a, theta) > 0.5);
      const geometry::RescalingNormalForm r = geometry::rescaling_normal_form(a, theta);
      BOOST_TEST(r.converged);
      BOOST_TEST(worst_imbalance(a, r.theta) <= 1e-12, a.activation << " seed " << seed);
      const double before = test::loss_of(f, theta), after = test::loss_of(f, r.theta);
      BOOST_TEST(std::abs(after - before) <= 1e-13 * std::abs(before),
                 a.activation << ": L = " << after << " after, " << before << " before");
      // the balanced point minimises ‖θ‖ on the orbit
      BOOST_TEST(test::distance(r.theta, std::vector<double>(theta.size(), 0.0)) <
                 test::distance(theta, std::vector<double>(theta.size(), 0.0)));
      // idempotent, bitwise
      const geometry::RescalingNormalForm again = geometry::rescaling_normal_form(a, r.theta);
      BOOST_TEST((again.theta == r.theta));
      BOOST_TEST(again.sweeps == 0);
      // another point of the orbit has the same form
      const geometry::RescalingNormalForm other =
          geometry::rescaling_normal_form(a, rescaled(a, theta, 20 + seed));
      BOOST_TEST(geometry::relative_max_distance(other.theta, r.theta) <= 1e-10);
      // permutations commute with the form
      const geometry::HiddenSymmetry g = test::random_symmetry(a, 30 + seed);
      const geometry::RescalingNormalForm moved =
          geometry::rescaling_normal_form(a, geometry::apply_symmetry(a, theta, g));
      BOOST_TEST(geometry::relative_max_distance(moved.theta,
                                                 geometry::apply_symmetry(a, r.theta, g)) <= 1e-10);
    }
  }
}

BOOST_AUTO_TEST_CASE(units_that_cannot_be_balanced_are_left_alone) {
  const model::Architecture a = test::mlp({3, 4, 2}, model::Activation::relu);
  std::vector<double> t = test::random_theta(a, 3);
  const model::ParameterLayout layout(a);
  // unit 1: zero outgoing column
  for (PetscInt i = 0; i < 2; ++i) t[layout.layer(1).weight_offset + i * 4 + 1] = 0.0;
  const geometry::RescalingNormalForm r = geometry::rescaling_normal_form(a, t);
  BOOST_TEST(r.converged);
  BOOST_TEST(r.scale[0][1] == 1.0);
  for (PetscInt q = 0; q < 3; ++q)
    BOOST_TEST(r.theta[layout.layer(0).weight_offset + 1 * 3 + q] ==
               t[layout.layer(0).weight_offset + 1 * 3 + q]);
}

BOOST_AUTO_TEST_CASE(activations_that_are_not_homogeneous_are_refused) {
  for (auto act :
       {model::Activation::tanh, model::Activation::sigmoid, model::Activation::softplus}) {
    const model::Architecture a = test::mlp({3, 4, 2}, act);
    BOOST_CHECK_THROW(geometry::rescaling_normal_form(a, test::random_theta(a, 1)),
                      core::InputError);
  }
  model::Architecture r = test::mlp({3, 4, 4, 2}, model::Activation::relu);
  r.residual = true;
  BOOST_CHECK_THROW(geometry::rescaling_normal_form(r, test::random_theta(r, 1)), core::InputError);
}
