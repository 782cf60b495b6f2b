#pragma once
// The samples one rank holds: a contiguous block of rows of the global training (or test) set.
#include <petscsys.h>

#include <string>
#include <vector>

namespace terrain::data {

struct Dataset {
  PetscInt n_global = 0;   // rows on all ranks together
  PetscInt first_row = 0;  // global index of this rank's first row
  PetscInt n_local = 0;    // rows on this rank: the PETSc split, N/p (+1 on the first N%p ranks)
  PetscInt d_in = 0;
  PetscInt d_out = 0;              // target dimension, or number of classes
  std::vector<double> X;           // n_local × d_in, row-major
  std::vector<double> Y;           // n_local × d_out, row-major: targets, or one-hot labels
  std::vector<PetscInt> labels;    // n_local class indices in [0, d_out); empty for regression
  bool classification = false;     // labels are meaningful (the same on every rank)
};

// The training and test sets of one study plus where they came from.
struct Data {
  Dataset train;
  Dataset test;  // n_global == 0 when there is no test set
  std::string name;    // e.g. "iris", "target1d", "fashion-mnist"
  std::string source;  // file path(s) or generator description
  std::vector<std::string> class_names;  // classification: the name of each label, when known
};

// The rows [first, first + count) that rank `rank` of `size` owns out of n (PETSc's split).
inline void local_rows(PetscInt n, int rank, int size, PetscInt* first, PetscInt* count) {
  const PetscInt base = n / size, extra = n % size;
  *count = base + (rank < extra ? 1 : 0);
  *first = rank * base + (rank < extra ? rank : extra);
}

}  // namespace terrain::data
