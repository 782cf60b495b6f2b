// Neuron features, condensation and reduction of two-layer networks: amplitudes and angles of a
// hand-built network against closed forms; embed-then-reduce returns the original network
// (parameters, loss and outputs to 1e-12) for equal, α and one-step splits with negative α;
// a synthetic condensed network (planted groups of nearly parallel neurons, shuffled, plus
// zero-amplitude neurons) is partitioned exactly as planted; the reduced ReLU network is exact
// when the directions coincide; and the argmax agreement matrix of two networks' predictions.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <map>
#include <numeric>

#include "core/error.hpp"
#include "data/synthetic.hpp"
#include "embedding/condensation.hpp"
#include "embedding/network_values.hpp"
#include "embedding/neuron_features.hpp"
#include "embedding/neuron_split.hpp"
#include "embedding/prediction_agreement.hpp"
#include "embedding/reduction.hpp"
#include "embedding_support.hpp"

using namespace terrain;
using model::Activation;

namespace {

// Sets W1 [m × d], b1 [m], W2 [k × m], b2 [k] of a two-layer network.
std::vector<double> two_layer(const model::Architecture& arch, const std::vector<double>& w1,
                              const std::vector<double>& b1, const std::vector<double>& w2,
                              const std::vector<double>& b2) {
  const model::ParameterLayout layout(arch);
  std::vector<double> t(layout.size());
  std::copy(w1.begin(), w1.end(), t.begin() + layout.layer(0).weight_offset);
  if (arch.bias) std::copy(b1.begin(), b1.end(), t.begin() + layout.layer(0).bias_offset);
  std::copy(w2.begin(), w2.end(), t.begin() + layout.layer(1).weight_offset);
  if (arch.bias) std::copy(b2.begin(), b2.end(), t.begin() + layout.layer(1).bias_offset);
  return t;
}

}  // namespace

BOOST_AUTO_TEST_CASE(features_of_a_hand_built_network) {
  // 1-4-2 with biases: (w, b) = (3, 4), (−1, 0), (0, −2), (1, 1); output columns a_k.
  const model::Architecture arch = test::net({1, 4, 2}, Activation::relu);
  const auto theta = two_layer(arch, {3, -1, 0, 1}, {4, 0, -2, 1},
                               {1, 2, 0, -1, /* row 2 */ 2, 0, 0, 1}, {0.5, -0.5});
  const auto f = embedding::neuron_features(arch, theta);
  const double amp[] = {std::sqrt(5.0) * 5, 2 * 1, 0, std::sqrt(2.0) * std::sqrt(2.0)};
  const double ang[] = {std::atan2(4, 3), -M_PI /* atan2(0, −1) = π, folded into [−π, π) */,
                        -M_PI / 2, M_PI / 4};
  for (int k = 0; k < 4; ++k) {
    BOOST_TEST(std::abs(f.amplitude[k] - amp[k]) <= 1e-15 * 12, "amplitude " << k);
    BOOST_TEST(std::abs(f.angle[k] - ang[k]) <= 1e-15, "angle " << k << ": " << f.angle[k]);
    BOOST_TEST(f.angle[k] >= -M_PI);
    BOOST_TEST(f.angle[k] < M_PI);
    const double n = std::hypot(f.direction[2 * k], f.direction[2 * k + 1]);
    BOOST_TEST(std::abs(n - 1) <= 1e-15);
  }
  BOOST_TEST(f.direction[0] == 0.6);
  BOOST_TEST(f.direction[1] == 0.8);
  BOOST_TEST(f.output_weights[1 * 4 + 0] == 2.0);  // a_0 = (1, 2)
  // Without biases the direction is (w/|w|, 0), the angle 0 or −π, and A = |a|·|w|.
  const model::Architecture nb = test::net({2, 2, 1}, Activation::relu, false);
  const auto g = embedding::neuron_features(nb, two_layer(nb, {3, 4, -1, 0}, {}, {2, -3}, {}));
  BOOST_TEST(g.amplitude[0] == 10.0);
  BOOST_TEST(g.amplitude[1] == 3.0);
  BOOST_TEST(g.direction[2] == 0.0);
  BOOST_TEST(g.direction[3] == -1.0);
  BOOST_TEST(g.angle.empty());
  BOOST_CHECK_THROW(embedding::neuron_features(test::net({1, 2, 2, 1}, Activation::relu),
                                               std::vector<double>(13)),
                    core::InputError);
}

BOOST_AUTO_TEST_CASE(embed_then_reduce_returns_the_original_network) {
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 31, 2, 3, false, 4);
  data::Data d;
  d.train = train;
  for (Activation act : {Activation::relu, Activation::tanh}) {
    const model::Architecture narrow = test::net({2, 4, 3}, act);
    const std::vector<double> theta = test::random_theta(narrow, 77);
    // The original neurons must not condense among themselves for this to hold.
    const auto f0 = embedding::neuron_features(narrow, theta);
    const auto s0 = embedding::cosine_similarity(f0);
    double worst = -1;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j)
        if (i != j) worst = std::max(worst, s0[i * 4 + j]);
    BOOST_TEST_REQUIRE(worst < 0.99);
    const embedding::NeuronMap maps[] = {
        embedding::multi_step_split(narrow, {2, 11, 3}, embedding::SplitRule::equal, 0),
        embedding::multi_step_split(narrow, {2, 7, 3}, embedding::SplitRule::alpha, 0.3),
        embedding::one_step_split(narrow, 1, 2, -0.5)};
    const auto v0 = embedding::network_values(PETSC_COMM_WORLD, narrow, theta, d);
    for (const auto& map : maps) {
      const auto wide_arch = embedding::target_architecture(narrow, map);
      const auto wide = embedding::apply_map(narrow, theta, map);
      const auto f = embedding::neuron_features(wide_arch, wide);
      const auto groups = embedding::condense(f, 0.99, 1e-3);
      BOOST_TEST(groups.n_dropped == 0);
      BOOST_TEST(groups.group == std::vector<PetscInt>(map.source[0].begin(), map.source[0].end()),
                 boost::test_tools::per_element());
      const auto red = embedding::reduce(wide_arch, wide, f, groups);
      BOOST_TEST(red.arch.widths == narrow.widths, boost::test_tools::per_element());
      const double dt = test::max_diff_all(red.theta, theta);
      BOOST_TEST(dt <= 1e-12 * test::max_abs_of(theta), model::to_string(act) << ": parameters differ by " << dt);
      const auto v1 = embedding::network_values(PETSC_COMM_WORLD, red.arch, red.theta, d);
      BOOST_TEST(std::abs(v1.loss - v0.loss) <= 1e-12 * v0.loss);
      BOOST_TEST(test::max_diff_all(v1.train_out, v0.train_out) <= 1e-12);
    }
  }
}

BOOST_AUTO_TEST_CASE(planted_groups_are_found) {
  // 5 planted directions in (w1, w2, b), 3–6 members each with noise 1e-3 and random norms and
  // output weights, plus 3 neurons of zero amplitude (a = 0, w = 0, and a tiny a), shuffled.
  const double dirs[5][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {-1, -1, 0}, {1, -1, 1}};
  const int members[5] = {3, 6, 4, 5, 3};
  std::vector<int> planted;  // planted group of each neuron, −1 = zero amplitude
  std::vector<std::array<double, 4>> neurons;  // w1, w2, b, a
  std::uint64_t c = 0;
  for (int g = 0; g < 5; ++g)
    for (int k = 0; k < members[g]; ++k) {
      const double norm = test::uniform_in(0.5, 2, 1, c++);
      std::array<double, 4> n{};
      for (int i = 0; i < 3; ++i)
        n[i] = norm * (dirs[g][i] + 1e-3 * test::uniform_in(-1, 1, 2, c++));
      n[3] = test::uniform_in(-2, 2, 3, c++);
      n[3] += n[3] > 0 ? 0.5 : -0.5;
      neurons.push_back(n);
      planted.push_back(g);
    }
  neurons.push_back({1, 2, 3, 0});
  neurons.push_back({0, 0, 0, 5});
  neurons.push_back({1, -2, 0.5, 1e-6});
  planted.insert(planted.end(), {-1, -1, -1});
  const int m = static_cast<int>(neurons.size());
  std::vector<int> perm(m);
  std::iota(perm.begin(), perm.end(), 0);
  for (int i = m - 1; i > 0; --i)  // Fisher–Yates from the counter RNG: the same on every rank
    std::swap(perm[i], perm[static_cast<int>(test::uniform_in(0, i + 1, 4, i))]);
  const model::Architecture arch = test::net({2, m, 1}, Activation::relu);
  std::vector<double> w1(2 * m), b1(m), w2(m);
  std::vector<int> truth(m);
  for (int k = 0; k < m; ++k) {
    const auto& n = neurons[perm[k]];
    w1[2 * k] = n[0];
    w1[2 * k + 1] = n[1];
    b1[k] = n[2];
    w2[k] = n[3];
    truth[k] = planted[perm[k]];
  }
  const auto theta = two_layer(arch, w1, b1, w2, {0.1});
  const auto f = embedding::neuron_features(arch, theta);
  const auto groups = embedding::condense(f, 0.9, 1e-3);
  BOOST_TEST(groups.n_dropped == 3);
  BOOST_TEST(groups.kept.size() == 5u);
  // Same partition: found group ↔ planted group one to one, dropped exactly the planted zeros.
  std::map<int, PetscInt> seen;
  bool ok = true;
  for (int k = 0; k < m; ++k) {
    if ((truth[k] < 0) != (groups.group[k] < 0)) ok = false;
    if (truth[k] < 0) continue;
    auto it = seen.emplace(truth[k], groups.group[k]).first;
    if (it->second != groups.group[k]) ok = false;
  }
  BOOST_TEST(ok);
  BOOST_TEST(seen.size() == 5u);
  // Each kept neuron is its group's largest amplitude, and the order lists groups then drops.
  for (std::size_t g = 0; g < groups.kept.size(); ++g)
    for (int k = 0; k < m; ++k)
      if (groups.group[k] == PetscInt(g)) BOOST_TEST(f.amplitude[k] <= f.amplitude[groups.kept[g]]);
  for (int i = 1; i < m; ++i) {
    const auto a = groups.group[groups.order[i - 1]], b = groups.group[groups.order[i]];
    BOOST_TEST((b < 0 || (a >= 0 && a <= b)));
  }

  // Without the noise the reduced ReLU network is the same function (norms still differ).
  for (int k = 0; k < m; ++k) {
    const int g = truth[k];
    if (g < 0) continue;
    const double norm = std::sqrt(w1[2 * k] * w1[2 * k] + w1[2 * k + 1] * w1[2 * k + 1] + b1[k] * b1[k]);
    const double dn = std::sqrt(dirs[g][0] * dirs[g][0] + dirs[g][1] * dirs[g][1] + dirs[g][2] * dirs[g][2]);
    w1[2 * k] = norm * dirs[g][0] / dn;
    w1[2 * k + 1] = norm * dirs[g][1] / dn;
    b1[k] = norm * dirs[g][2] / dn;
  }
  const auto exact = two_layer(arch, w1, b1, w2, {0.1});
  // The zero-amplitude neurons are still there: drop them by hand from the comparison (the
  // 1e-6 one is the only one that contributes) by zeroing its output weight.
  std::vector<double> exact_no_tiny = exact;
  const model::ParameterLayout layout(arch);
  for (int k = 0; k < m; ++k)
    if (truth[k] < 0) exact_no_tiny[layout.layer(1).weight_offset + k] = 0;
  const auto fe = embedding::neuron_features(arch, exact_no_tiny);
  const auto ge = embedding::condense(fe, 0.999999, 1e-3);
  BOOST_TEST(ge.kept.size() == 5u);
  const auto red = embedding::reduce(arch, exact_no_tiny, fe, ge);
  const data::Dataset probe = data::synthetic_dataset(PETSC_COMM_WORLD, 40, 2, 1, false, 8);
  const double df = test::max_diff_all(test::outputs(arch, exact_no_tiny, probe),
                                       test::outputs(red.arch, red.theta, probe));
  BOOST_TEST(df <= 1e-12, "reduced ReLU network differs by " << df);
  BOOST_CHECK_THROW(embedding::condense(embedding::neuron_features(
                                            arch, std::vector<double>(theta.size(), 0.0)),
                                        0.9, 1e-3),
                    core::InputError);
}

BOOST_AUTO_TEST_CASE(prediction_agreement_matrix) {
  // Global sample i: this network predicts i mod 3, the reference (i / 4) mod 3 (an asymmetric
  // matrix, so a transposed one fails).
  const PetscInt n = 17, k = 3;
  int rank = 0, size = 1;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  PetscInt first = 0, count = 0;
  data::local_rows(n, rank, size, &first, &count);
  std::vector<double> f(count * k, 0.0), g(count * k, 0.0);
  std::vector<std::int64_t> expected(k * k, 0);
  for (PetscInt i = 0; i < n; ++i) ++expected[(i % 3) * k + (i / 4) % 3];
  for (PetscInt r = 0; r < count; ++r) {
    const PetscInt i = first + r;
    f[r * k + i % 3] = 1.0;
    g[r * k + (i / 4) % 3] = 2.0;
  }
  const auto a = embedding::prediction_agreement(PETSC_COMM_WORLD, f, g, count, k, true);
  BOOST_TEST(a.matrix == expected, boost::test_tools::per_element());
  std::int64_t same = 0;
  for (PetscInt c = 0; c < k; ++c) same += expected[c * k + c];
  BOOST_TEST(a.agreement == double(same) / n);
  BOOST_TEST(a.n_samples == n);
  const auto r = embedding::prediction_agreement(PETSC_COMM_WORLD, f, g, count, k, false);
  BOOST_TEST(r.agreement == 2.0);  // |0 − 2| where the two disagree
  BOOST_TEST(r.matrix.empty());
}
