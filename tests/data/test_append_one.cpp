// -data_append_one: x̃ = [x; 1] on the training and test sets, from the options and from a
// DataConfig, and the network it is for: without biases on x̃, f = Σ a_k σ(w_kᵀ x̃) is exactly
// the network with hidden biases b_k = (w_k)_{d+1} and no output bias on x (the chapter's
// network of Fig. 1.7).
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "data/load_data.hpp"
#include "data_test_support.hpp"
#include "model/parameter_layout.hpp"
#include "model/predict.hpp"

using namespace terrain;
using namespace terrain::test;
using data::DataConfig;
using data::Source;

namespace {

DataConfig iris_config() {
  DataConfig c;
  c.source = Source::csv;
  c.file = inputs_dir() + "/data/iris.csv";
  c.test_fraction = 0.2;
  return c;
}

// Every row of `with` is the row of `without` followed by a 1, bitwise, on every rank's shard.
bool is_appended(const data::Dataset& without, const data::Dataset& with) {
  bool ok = with.d_in == without.d_in + 1 && with.n_local == without.n_local &&
            with.n_global == without.n_global && with.Y == without.Y &&
            with.labels == without.labels && with.X.size() == std::size_t(with.n_local * with.d_in);
  for (PetscInt i = 0; ok && i < with.n_local; ++i) {
    for (PetscInt p = 0; p < without.d_in; ++p)
      ok = ok && with.X[i * with.d_in + p] == without.X[i * without.d_in + p];
    ok = ok && with.X[i * with.d_in + without.d_in] == 1.0;
  }
  return all_ranks(ok);
}

}  // namespace

BOOST_AUTO_TEST_CASE(append_one_adds_a_constant_column_to_train_and_test) {
  for (DataConfig c : {iris_config(), DataConfig{}}) {
    if (c.source == Source::target1d) c.n_test = 7;
    const data::Data plain = data::load_data(PETSC_COMM_WORLD, c);
    c.append_one = true;
    const data::Data tilde = data::load_data(PETSC_COMM_WORLD, c);
    BOOST_TEST(plain.test.n_global > 0);
    BOOST_TEST(is_appended(plain.train, tilde.train), data::to_string(c.source) << " train");
    BOOST_TEST(is_appended(plain.test, tilde.test), data::to_string(c.source) << " test");
    BOOST_TEST(tilde.source.find("-data_append_one") != std::string::npos, tilde.source);
    BOOST_TEST(tilde.name == plain.name);
  }
}

BOOST_AUTO_TEST_CASE(append_one_from_options) {
  {
    DataOptions options(
        {{"-data_source", "target1d"}, {"-data_n", "9"}, {"-data_append_one", ""}});
    const DataConfig c = DataConfig::from_options();
    BOOST_TEST(c.append_one);
    const data::Data d = data::load_data(PETSC_COMM_WORLD, c);
    BOOST_TEST(d.train.d_in == 2);
    BOOST_TEST(d.train.n_global == 9);
  }
  DataOptions off({{"-data_source", "target1d"}});
  BOOST_TEST(!DataConfig::from_options().append_one);
}

// The chapter's network: no biases on x̃ = [x; 1] against biases on x with the output bias 0.
BOOST_AUTO_TEST_CASE(no_bias_on_appended_input_is_the_chapters_network) {
  DataConfig c = iris_config();
  const data::Data plain = data::load_data(PETSC_COMM_WORLD, c);
  c.append_one = true;
  const data::Data tilde = data::load_data(PETSC_COMM_WORLD, c);
  const PetscInt d = plain.train.d_in, m = 5, d_out = plain.train.d_out;
  model::Architecture folded, biased;
  folded.widths = {d + 1, m, d_out};
  folded.bias = false;
  biased.widths = {d, m, d_out};
  biased.bias = true;
  for (model::Activation act : {model::Activation::tanh, model::Activation::relu}) {
    folded.activation = biased.activation = act;
    const model::ParameterLayout lf(folded), lb(biased);
    std::vector<double> tf(lf.size()), tb(lb.size(), 0.0);
    for (std::size_t i = 0; i < tf.size(); ++i) tf[i] = std::sin(1.0 + 0.7 * double(i));
    // W̃ = [W, b] row by row; the output layer's weights as they are, its bias 0.
    for (PetscInt k = 0; k < m; ++k) {
      for (PetscInt p = 0; p < d; ++p)
        tb[lb.layer(0).weight_offset + k * d + p] = tf[lf.layer(0).weight_offset + k * (d + 1) + p];
      tb[lb.layer(0).bias_offset + k] = tf[lf.layer(0).weight_offset + k * (d + 1) + d];
    }
    for (PetscInt i = 0; i < d_out * m; ++i)
      tb[lb.layer(1).weight_offset + i] = tf[lf.layer(1).weight_offset + i];
    const PetscInt n = plain.train.n_local;
    std::vector<double> ff(std::size_t(n * d_out) + 1), fb(std::size_t(n * d_out) + 1);
    if (n) {
      model::predict(folded, tf.data(), tilde.train.X.data(), n, ff.data());
      model::predict(biased, tb.data(), plain.train.X.data(), n, fb.data());
    }
    double diff = 0, scale = 0;
    for (std::size_t i = 0; i < ff.size(); ++i) {
      diff = std::max(diff, std::abs(ff[i] - fb[i]));
      scale = std::max(scale, std::abs(fb[i]));
    }
    MPI_Allreduce(MPI_IN_PLACE, &diff, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, &scale, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
    BOOST_TEST(scale > 0.1);
    BOOST_TEST(diff <= 1e-14 * scale, model::to_string(act) << ": " << diff);
  }
}
