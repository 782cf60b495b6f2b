#pragma once
// Minibatches by global sample index. Epoch e is a permutation of 0..n−1 drawn from
// (seed, e) with the counter generator; step t uses batch t mod k of epoch t / k, where
// k = ⌊n/B⌋ batches of exactly B samples (the n mod B samples left over by an epoch's
// permutation wait for another epoch, so every step has the same noise temperature lr/(2B)).
// Every rank computes the same list, so the sample sequence cannot depend on the rank count,
// and the position is a function of the step alone: a restart needs no sampler state.
#include <petscsys.h>

#include <cstdint>
#include <vector>

namespace terrain::optim {

class MinibatchSampler {
 public:
  MinibatchSampler(PetscInt n_samples, PetscInt batch, std::uint64_t seed);

  PetscInt batch_size() const { return batch_; }
  PetscInt batches_per_epoch() const { return n_ / batch_; }
  // The global sample indices of step t (valid until the next call).
  const std::vector<PetscInt>& batch(PetscInt step);
  // Epochs completed before step t, fractional: t / batches_per_epoch.
  double epoch(PetscInt step) const { return double(step) / double(batches_per_epoch()); }

  // The permutation of epoch e (Fisher–Yates over counter-based random numbers).
  static std::vector<PetscInt> permutation(PetscInt n, std::uint64_t seed, std::uint64_t epoch);

 private:
  PetscInt n_, batch_;
  std::uint64_t seed_;
  std::int64_t epoch_ = -1;  // the epoch whose permutation is cached
  std::vector<PetscInt> order_, current_;
};

}  // namespace terrain::optim
