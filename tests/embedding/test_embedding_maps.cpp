// Critical embeddings: the wide network computes the same function (max |Δf| ≤ 1e-12 on every
// sample) for one-step splits with random real α, multi-step equal and α splits, in any hidden
// layer of deep networks, for every activation, with and without biases; the wide gradient is
// the narrow one pulled back through the map (∂L/∂W'_l[i,j] = α_l(i)·∂L/∂W_l[m(i),m(j)]) at
// any point, so a critical point maps to a critical point; the recorded maps follow the
// documented round-robin rule; bad requests (neuron out of range, narrower widths, residual
// skips) are one-line input errors.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "core/error.hpp"
#include "data/synthetic.hpp"
#include "embedding/neuron_split.hpp"
#include "embedding_support.hpp"

using namespace terrain;
using embedding::NeuronMap;
using embedding::SplitRule;
using model::Activation;

namespace {

const Activation kActivations[] = {Activation::tanh, Activation::relu, Activation::sigmoid,
                                   Activation::softplus, Activation::linear};

// The gradient the wide network must have: the narrow gradient pulled back through the map.
std::vector<double> pulled_back(const model::Architecture& narrow, const std::vector<double>& g,
                                const NeuronMap& map) {
  const model::Architecture wide = embedding::target_architecture(narrow, map);
  const model::ParameterLayout from(narrow), to(wide);
  std::vector<double> out(to.size());
  const int L = narrow.n_layers();
  for (int l = 0; l < L; ++l) {
    const auto &a = from.layer(l), &b = to.layer(l);
    for (PetscInt i = 0; i < b.fan_out; ++i) {
      const PetscInt si = l + 1 < L ? map.source[l][i] : i;
      const double alpha = l + 1 < L ? map.share[l][i] : 1.0;
      for (PetscInt j = 0; j < b.fan_in; ++j) {
        const PetscInt sj = l > 0 ? map.source[l - 1][j] : j;
        out[b.weight_offset + i * b.fan_in + j] = alpha * g[a.weight_offset + si * a.fan_in + sj];
      }
      if (b.bias_offset >= 0) out[b.bias_offset + i] = alpha * g[a.bias_offset + si];
    }
  }
  return out;
}

// Output function and gradient identity of one embedding; `what` names it in messages.
void check_embedding(const model::Architecture& narrow, const std::vector<double>& theta,
                     const NeuronMap& map, const data::Dataset& train, const std::string& what) {
  const std::vector<double> wide_theta = embedding::apply_map(narrow, theta, map);
  const model::Architecture wide = embedding::target_architecture(narrow, map);
  const std::vector<double> f0 = test::outputs(narrow, theta, train),
                            f1 = test::outputs(wide, wide_theta, train);
  const double df = test::max_diff_all(f0, f1);
  BOOST_TEST(df <= 1e-12, what << ": outputs differ by " << df);
  std::vector<double> g0, g1;
  const double l0 = test::loss_and_gradient(narrow, theta, train, g0);
  const double l1 = test::loss_and_gradient(wide, wide_theta, train, g1);
  BOOST_TEST(std::abs(l1 - l0) <= 1e-13 * std::max(1.0, l0), what << ": loss " << l0 << " -> " << l1);
  const std::vector<double> expected = pulled_back(narrow, g0, map);
  const double dg = test::max_diff_all(g1, expected);
  const double scale = test::max_abs_of(expected) + 1e-300;
  BOOST_TEST(dg <= 1e-12 * scale, what << ": gradient differs from the pulled-back one by " << dg
                                        << " (scale " << scale << ")");
}

}  // namespace

BOOST_DATA_TEST_CASE(one_step_splits_keep_the_function_in_every_layer,
                     boost::unit_test::data::xrange(5) * boost::unit_test::data::xrange(2), act,
                     with_bias) {
  const model::Architecture narrow = test::net({3, 4, 3, 2}, kActivations[act], with_bias == 1);
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 23, 3, 2, false, 5);
  const std::vector<double> theta = test::random_theta(narrow, 100 + act);
  for (int layer = 1; layer <= 2; ++layer)
    for (PetscInt neuron = 0; neuron < narrow.widths[layer]; ++neuron) {
      const double alpha = test::uniform_in(-3, 3, 7 + act, 10 * layer + neuron);
      const NeuronMap map = embedding::one_step_split(narrow, layer, neuron, alpha);
      BOOST_TEST(map.width(layer) == narrow.widths[layer] + 1);
      BOOST_TEST(map.source[layer - 1].back() == neuron);
      BOOST_TEST(map.share[layer - 1][neuron] == alpha);
      BOOST_TEST(map.share[layer - 1].back() == 1.0 - alpha);
      check_embedding(narrow, theta, map, train,
                      std::string(model::to_string(kActivations[act])) + " layer " +
                          std::to_string(layer) + " neuron " + std::to_string(neuron) +
                          " alpha " + std::to_string(alpha));
    }
}

BOOST_DATA_TEST_CASE(multi_step_splits_keep_the_function, boost::unit_test::data::xrange(5), act) {
  const model::Architecture narrow =
      test::net({2, 3, 2, 3}, kActivations[act], act % 2 == 0, model::Loss::cross_entropy);
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 19, 2, 3, true, 9);
  const std::vector<double> theta = test::random_theta(narrow, 200 + act);
  const std::vector<PetscInt> widths = {2, 8, 5, 3};
  for (SplitRule rule : {SplitRule::equal, SplitRule::alpha}) {
    const double alpha = test::uniform_in(-2, 2, 300, act);
    const NeuronMap map = embedding::multi_step_split(narrow, widths, rule, alpha);
    check_embedding(narrow, theta, map, train,
                    std::string(model::to_string(kActivations[act])) + " " +
                        embedding::to_string(rule));
    // Composition: the wide net of a wide net is the composed map's.
    const NeuronMap step = embedding::one_step_split(
        embedding::target_architecture(narrow, map), 2, 4, 0.25);
    const NeuronMap both = embedding::compose(map, step);
    const auto twice = embedding::apply_map(embedding::target_architecture(narrow, map),
                                            embedding::apply_map(narrow, theta, map), step);
    const auto once = embedding::apply_map(narrow, theta, both);
    BOOST_TEST(test::max_diff_all(twice, once) <= 1e-15 * test::max_abs_of(once));
  }
}

BOOST_AUTO_TEST_CASE(the_maps_follow_the_round_robin_rule) {
  const model::Architecture narrow = test::net({1, 3, 2, 1}, Activation::relu);
  // Layer 1: 3 -> 8 adds copies of 0,1,2,0,1: neuron 0 and 1 end with 3 copies, 2 with 2.
  const NeuronMap eq = embedding::multi_step_split(narrow, {1, 8, 2, 1}, SplitRule::equal, 0);
  const std::vector<PetscInt> src = {0, 1, 2, 0, 1, 2, 0, 1};
  BOOST_TEST(eq.source[0] == src, boost::test_tools::per_element());
  const std::vector<double> share = {1. / 3, 1. / 3, 0.5, 1. / 3, 1. / 3, 0.5, 1. / 3, 1. / 3};
  BOOST_TEST(test::max_diff_all(eq.share[0], share) == 0.0);
  BOOST_TEST(eq.width(2) == 2);  // unchanged layer: identity
  // alpha rule, 3 -> 5: split 0 then 1 with α: shares α, α, 1, 1−α, 1−α.
  const NeuronMap al = embedding::multi_step_split(narrow, {1, 5, 2, 1}, SplitRule::alpha, 0.3);
  const std::vector<double> ashare = {0.3, 0.3, 1.0, 0.7, 0.7};
  BOOST_TEST(test::max_diff_all(al.share[0], ashare) <= 1e-15);
  // Splitting one neuron twice: α², α(1−α), 1−α (the repeated one-step rule).
  const NeuronMap twice = embedding::multi_step_split(test::net({1, 1, 1}, Activation::relu),
                                                      {1, 3, 1}, SplitRule::alpha, 0.3);
  const std::vector<double> tshare = {0.09, 0.7, 0.21};
  BOOST_TEST(test::max_diff_all(twice.share[0], tshare) <= 1e-15);
  // The same as composing two one-step splits.
  const model::Architecture one = test::net({1, 1, 1}, Activation::relu);
  const NeuronMap a = embedding::one_step_split(one, 1, 0, 0.3);
  const NeuronMap b = embedding::one_step_split(embedding::target_architecture(one, a), 1, 0, 0.3);
  const NeuronMap ab = embedding::compose(a, b);
  BOOST_TEST(test::max_diff_all(ab.share[0], tshare) <= 1e-15);
}

BOOST_AUTO_TEST_CASE(impossible_embeddings_are_input_errors) {
  const model::Architecture narrow = test::net({2, 3, 1}, Activation::tanh);
  BOOST_CHECK_THROW(embedding::one_step_split(narrow, 1, 3, 0.5), core::InputError);
  BOOST_CHECK_THROW(embedding::one_step_split(narrow, 2, 0, 0.5), core::InputError);
  BOOST_CHECK_THROW(embedding::one_step_split(narrow, 0, 0, 0.5), core::InputError);
  BOOST_CHECK_THROW(embedding::multi_step_split(narrow, {2, 2, 1}, SplitRule::equal, 0),
                    core::InputError);
  BOOST_CHECK_THROW(embedding::multi_step_split(narrow, {2, 4, 4, 1}, SplitRule::equal, 0),
                    core::InputError);
  BOOST_CHECK_THROW(embedding::multi_step_split(narrow, {3, 4, 1}, SplitRule::equal, 0),
                    core::InputError);
  // Residual: a skip between the two hidden layers of width 4 cannot survive a split...
  model::Architecture res = test::net({2, 4, 4, 1}, Activation::tanh);
  res.residual = true;
  const std::vector<double> theta = test::random_theta(res, 1);
  BOOST_CHECK_THROW(embedding::apply_map(res, theta, embedding::one_step_split(res, 1, 0, 0.5)),
                    core::InputError);
  // ... nor can a split create one; a residual network without skips embeds as usual.
  model::Architecture no_skip = test::net({2, 3, 4, 1}, Activation::tanh);
  no_skip.residual = true;
  const std::vector<double> t2 = test::random_theta(no_skip, 2);
  BOOST_CHECK_THROW(embedding::apply_map(no_skip, t2, embedding::one_step_split(no_skip, 1, 0, 0.5)),
                    core::InputError);
  BOOST_CHECK_NO_THROW(embedding::apply_map(no_skip, t2, embedding::one_step_split(no_skip, 2, 0, 0.5)));
  // A map whose shares do not sum to one is refused.
  NeuronMap bad = embedding::one_step_split(narrow, 1, 0, 0.5);
  bad.share[0][0] = 0.6;
  BOOST_CHECK_THROW(embedding::apply_map(narrow, test::random_theta(narrow, 3), bad), core::InputError);
}
