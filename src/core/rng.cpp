#include "core/rng.hpp"

#include <cmath>

namespace terrain::core {

double normal(std::uint64_t seed, Stream stream, std::uint64_t index) {
  const double u1 = uniform(seed, stream, 2 * index);
  const double u2 = uniform(seed, stream, 2 * index + 1);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace terrain::core
