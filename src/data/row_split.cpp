#include "data/row_split.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace terrain::data {

RowSplit split_rows(PetscInt n, double test_fraction, std::uint64_t seed) {
  const PetscInt n_test = static_cast<PetscInt>(std::llround(test_fraction * double(n)));
  TERRAIN_CHECK(n_test < n, "-data_test_fraction " << test_fraction << " of " << n
                                                   << " rows leaves no training rows");
  RowSplit split;
  if (n_test == 0) {
    split.train.resize(n);
    std::iota(split.train.begin(), split.train.end(), PetscInt(0));
    return split;
  }
  // (hash, row) pairs order totally, so ties cannot make the choice depend on anything else.
  std::vector<std::pair<double, PetscInt>> keys(n);
  for (PetscInt r = 0; r < n; ++r)
    keys[r] = {core::uniform(seed, core::Stream::data_split, static_cast<std::uint64_t>(r)), r};
  std::nth_element(keys.begin(), keys.begin() + n_test, keys.end());
  std::vector<char> is_test(n, 0);
  for (PetscInt i = 0; i < n_test; ++i) is_test[keys[i].second] = 1;
  split.train.reserve(n - n_test);
  split.test.reserve(n_test);
  for (PetscInt r = 0; r < n; ++r) (is_test[r] ? split.test : split.train).push_back(r);
  return split;
}

}  // namespace terrain::data
