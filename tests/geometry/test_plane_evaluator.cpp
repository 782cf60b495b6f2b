// PlaneEvaluator::at(x, y) against direct evaluations at θ + x·dx + y·dy (Objective::evaluate
// and Objective::loss / accuracy, and the gradient's cached-forward loss), for tanh and ReLU,
// MSE and cross-entropy, with and without bias, a residual net, a single-layer net and a line.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "core/rng.hpp"
#include "data/synthetic.hpp"
#include "geometry/plane_evaluator.hpp"
#include "objective/objective.hpp"
#include "objective/replicated.hpp"

using namespace terrain;

namespace {

struct Case {
  model::Activation activation;
  model::Loss loss;
  bool bias, residual, line;
  std::vector<PetscInt> widths;
};

std::ostream& operator<<(std::ostream& os, const Case& c) {
  os << model::to_string(c.activation) << "/" << model::to_string(c.loss)
     << (c.bias ? "/bias" : "/nobias") << (c.residual ? "/residual" : "") << (c.line ? "/line" : "/plane") << "/";
  for (PetscInt w : c.widths) os << w << ",";
  return os;
}

std::vector<Case> cases() {
  std::vector<Case> v;
  for (auto a : {model::Activation::tanh, model::Activation::relu})
    for (auto l : {model::Loss::mse, model::Loss::cross_entropy})
      for (bool bias : {false, true}) v.push_back({a, l, bias, false, false, {6, 9, 5, 3}});
  v.push_back({model::Activation::tanh, model::Loss::cross_entropy, true, true, false, {6, 8, 8, 8, 3}});
  v.push_back({model::Activation::relu, model::Loss::mse, true, true, true, {6, 8, 8, 3}});
  v.push_back({model::Activation::tanh, model::Loss::mse, true, false, true, {6, 9, 3}});
  v.push_back({model::Activation::sigmoid, model::Loss::cross_entropy, true, false, false, {6, 3}});
  return v;
}

std::vector<double> gaussian(PetscInt n, std::uint64_t seed, double scale) {
  std::vector<double> d(n);
  for (PetscInt i = 0; i < n; ++i) d[i] = scale * core::normal(seed, core::Stream::test_vector, i);
  return d;
}

double relative(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

}  // namespace

BOOST_DATA_TEST_CASE(points_equal_direct_evaluations, boost::unit_test::data::make(cases()), c) {
  model::Architecture arch;
  arch.widths = c.widths;
  arch.activation = c.activation;
  arch.loss = c.loss;
  arch.bias = c.bias;
  arch.residual = c.residual;
  arch.init_bias = 0.1;
  arch.seed = 3;
  const bool ce = c.loss == model::Loss::cross_entropy;
  const data::Dataset d = data::synthetic_dataset(PETSC_COMM_WORLD, 41, c.widths.front(), c.widths.back(), ce);
  objective::Objective f(PETSC_COMM_WORLD, arch, d);
  core::OwnedVec theta(f.create_vec()), point, g;
  VecDuplicate(theta, point.out()), VecDuplicate(theta, g.out());
  f.initial_parameters(theta);
  const std::vector<double> t = objective::replicate(theta);
  const std::vector<double> dx = gaussian(f.n_params(), 21, 0.3), dy = gaussian(f.n_params(), 22, 0.3);
  geometry::PlaneEvaluator plane(PETSC_COMM_WORLD, f.network(), d, t, dx, c.line ? nullptr : &dy);

  const double xs[] = {0.0, 0.5, -1.0, 2.0, 0.125};
  const double ys[] = {0.0, -0.25, 1.5, 0.1, -2.0};
  for (int k = 0; k < 5; ++k) {
    const double x = xs[k], y = c.line ? 0.0 : ys[k];
    std::vector<double> p(t.size());
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = t[i] + x * dx[i] + (c.line ? 0.0 : y * dy[i]);
    objective::distribute(p, point);
    const objective::Evaluation direct = f.evaluate(point, d);
    const double loss = f.loss(point), accuracy = f.accuracy(point);
    const double cached = f.gradient(point, g);  // the full forward's loss
    const objective::Evaluation e = plane.at(x, y);
    BOOST_TEST(relative(e.loss, direct.loss) <= 1e-13, c << " at (" << x << ", " << y << "): vs evaluate");
    BOOST_TEST(relative(e.loss, loss) <= 1e-13, c << " at (" << x << ", " << y << "): vs loss");
    BOOST_TEST(relative(e.loss, cached) <= 1e-13, c << " at (" << x << ", " << y << "): vs the cached forward");
    if (ce) {
      BOOST_TEST(e.accuracy == direct.accuracy, c << ": accuracy vs evaluate");
      BOOST_TEST(e.accuracy == accuracy, c << ": accuracy vs Objective::accuracy");
    } else {
      BOOST_TEST(std::isnan(e.accuracy));
    }
    // Repeating a point is bitwise (no state carried between points).
    BOOST_TEST(plane.at(x, y).loss == e.loss);
  }
  // Not a constant: the surface varies away from the centre.
  BOOST_TEST(plane.at(1.0, 0.0).loss != plane.at(0.0, 0.0).loss);
}

BOOST_AUTO_TEST_CASE(bad_input_is_one_clear_line) {
  model::Architecture arch;
  arch.widths = {4, 5, 2};
  arch.loss = model::Loss::mse;
  const data::Dataset d = data::synthetic_dataset(PETSC_COMM_WORLD, 9, 4, 2, false);
  const model::Network net(arch);
  const std::vector<double> t(net.n_params(), 0.1), shorter(net.n_params() - 1, 0.0);
  BOOST_CHECK_THROW(geometry::PlaneEvaluator(PETSC_COMM_WORLD, net, d, t, shorter, nullptr), core::InputError);
  BOOST_CHECK_THROW(geometry::PlaneEvaluator(PETSC_COMM_WORLD, net, d, t, t, &shorter), core::InputError);
  geometry::PlaneEvaluator line(PETSC_COMM_WORLD, net, d, t, t, nullptr);
  BOOST_CHECK_THROW(line.at(0.5, 1.0), core::InputError);
  const data::Dataset other = data::synthetic_dataset(PETSC_COMM_WORLD, 9, 3, 2, false);
  BOOST_CHECK_THROW(geometry::PlaneEvaluator(PETSC_COMM_WORLD, net, other, t, t, nullptr), core::InputError);
}

// Fewer samples than ranks: a rank without rows contributes nothing and still takes part in
// the reduction.
BOOST_AUTO_TEST_CASE(ranks_without_rows) {
  model::Architecture arch;
  arch.widths = {4, 6, 3};
  arch.activation = model::Activation::tanh;
  arch.loss = model::Loss::cross_entropy;
  arch.seed = 9;
  const data::Dataset d = data::synthetic_dataset(PETSC_COMM_WORLD, 2, 4, 3, true);
  objective::Objective f(PETSC_COMM_WORLD, arch, d);
  core::OwnedVec theta(f.create_vec()), point;
  VecDuplicate(theta, point.out());
  f.initial_parameters(theta);
  const std::vector<double> t = objective::replicate(theta);
  const std::vector<double> dx = gaussian(f.n_params(), 31, 0.5), dy = gaussian(f.n_params(), 32, 0.5);
  geometry::PlaneEvaluator plane(PETSC_COMM_WORLD, f.network(), d, t, dx, &dy);
  std::vector<double> p(t.size());
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = t[i] + 0.75 * dx[i] - 0.5 * dy[i];
  objective::distribute(p, point);
  const objective::Evaluation direct = f.evaluate(point, d), e = plane.at(0.75, -0.5);
  BOOST_TEST(relative(e.loss, direct.loss) <= 1e-13);
  BOOST_TEST(e.accuracy == direct.accuracy);
}
