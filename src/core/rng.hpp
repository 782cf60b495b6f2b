#pragma once
// Counter-based random numbers: every value is a pure function of (seed, stream, index), so
// no decomposition over ranks can change what is drawn (DESIGN.md §2).
#include <cstdint>

namespace terrain::core {

// Independent purposes draw from independent streams.
enum class Stream : std::uint64_t {
  init_weights = 1,
  data_inputs = 2,
  teacher_weights = 3,
  data_split = 4,
  direction = 5,
  probe = 6,
  minibatch = 7,
  test_vector = 8,
  path_curve = 9,  // the t values of a curve's training steps
  alignment = 10,  // the layer orders of weight matching (geometry/weight_matching.hpp)
};

// SplitMix64's finaliser: a bijective 64-bit mix with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr std::uint64_t random_bits(std::uint64_t seed, Stream stream, std::uint64_t index) {
  return mix64(mix64(mix64(seed) ^ static_cast<std::uint64_t>(stream)) ^ index);
}

// Uniform on the open interval (0, 1), 53 random bits.
constexpr double uniform(std::uint64_t seed, Stream stream, std::uint64_t index) {
  return (static_cast<double>(random_bits(seed, stream, index) >> 11) + 0.5) * 0x1.0p-53;
}

// Standard normal (Box–Muller over the counters 2*index and 2*index+1).
double normal(std::uint64_t seed, Stream stream, std::uint64_t index);

}  // namespace terrain::core
