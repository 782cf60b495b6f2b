#pragma once
// The train/test split of a file's rows. Each row's fate is a pure function of (seed, row),
// so every rank computes the whole split without reading any data and no rank count can
// change it.
#include <petscsys.h>

#include <cstdint>
#include <vector>

namespace terrain::data {

struct RowSplit {
  std::vector<PetscInt> train;  // file rows of the training set, in file order
  std::vector<PetscInt> test;   // file rows of the test set, in file order
};

// Exactly round(test_fraction·n) rows are test rows: those with the smallest
// uniform(seed, Stream::data_split, row). Throws InputError if no training row is left.
RowSplit split_rows(PetscInt n, double test_fraction, std::uint64_t seed);

}  // namespace terrain::data
