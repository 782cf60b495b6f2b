#include "optim/minibatch_sampler.hpp"

#include <numeric>
#include <utility>

#include "core/error.hpp"
#include "core/rng.hpp"

namespace terrain::optim {

MinibatchSampler::MinibatchSampler(PetscInt n_samples, PetscInt batch, std::uint64_t seed)
    : n_(n_samples), batch_(batch), seed_(seed) {
  TERRAIN_CHECK(batch >= 1 && batch <= n_samples, "-train_batch "
                                                      << batch << " must lie in [1, " << n_samples
                                                      << "] (the number of training samples)");
  current_.resize(batch_);
}

std::vector<PetscInt> MinibatchSampler::permutation(PetscInt n, std::uint64_t seed,
                                                    std::uint64_t epoch) {
  std::vector<PetscInt> order(n);
  std::iota(order.begin(), order.end(), PetscInt(0));
  // One independent stream per epoch; draw i picks the partner of position i.
  const std::uint64_t epoch_seed = core::mix64(seed ^ core::mix64(epoch));
  for (PetscInt i = n - 1; i > 0; --i) {
    const std::uint64_t bits =
        core::random_bits(epoch_seed, core::Stream::minibatch, static_cast<std::uint64_t>(i));
    // Lemire's multiply-shift: uniform in [0, i] up to a bias of i/2^64.
    const auto j = static_cast<PetscInt>(
        (static_cast<unsigned __int128>(bits) * static_cast<unsigned __int128>(i + 1)) >> 64);
    std::swap(order[i], order[j]);
  }
  return order;
}

const std::vector<PetscInt>& MinibatchSampler::batch(PetscInt step) {
  const PetscInt k = batches_per_epoch();
  const std::int64_t epoch = step / k;
  if (epoch != epoch_) {
    order_ = permutation(n_, seed_, static_cast<std::uint64_t>(epoch));
    epoch_ = epoch;
  }
  const PetscInt first = (step % k) * batch_;
  std::copy(order_.begin() + first, order_.begin() + first + batch_, current_.begin());
  return current_;
}

}  // namespace terrain::optim
