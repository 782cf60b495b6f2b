// The counter-based generator: moments of the normal draws and independence of streams.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "core/rng.hpp"

using namespace terrain::core;

BOOST_AUTO_TEST_CASE(normal_draws_have_unit_moments) {
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = normal(42, Stream::init_weights, i);
    sum += x;
    sum2 += x * x;
  }
  // Standard errors: 1/sqrt(n) ≈ 0.0022 for the mean, sqrt(2/n) ≈ 0.0032 for the variance.
  BOOST_TEST(std::abs(sum / n) < 0.011);
  BOOST_TEST(std::abs(sum2 / n - 1.0) < 0.016);
}

BOOST_AUTO_TEST_CASE(streams_and_seeds_differ) {
  BOOST_TEST(random_bits(1, Stream::init_weights, 7) != random_bits(1, Stream::probe, 7));
  BOOST_TEST(random_bits(1, Stream::init_weights, 7) != random_bits(2, Stream::init_weights, 7));
  BOOST_TEST(uniform(3, Stream::direction, 0) > 0.0);
  BOOST_TEST(uniform(3, Stream::direction, 0) < 1.0);
}
