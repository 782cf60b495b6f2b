#pragma once
// The diagonal block A[r, r] of a symmetric operator for a contiguous range r = [begin, end) of
// its indices (e.g. one layer's weights and bias), as a MatShell: a product extends x by zeros,
// applies A, and keeps the rows in r. Each rank owns the part of r inside its own rows of A, so
// extending and restricting are local copies, never communication. MatMult and MatMatMult with
// MATDENSE (one pass of A for all columns) are supported.
#include <petscmat.h>

#include "core/petsc_handle.hpp"

namespace terrain::objective {

class RestrictedOperator {
 public:
  // `op` is referenced (it must support MatMatMult with MATDENSE, as CurvatureOperator does).
  RestrictedOperator(Mat op, PetscInt begin, PetscInt end);
  RestrictedOperator(const RestrictedOperator&) = delete;
  RestrictedOperator& operator=(const RestrictedOperator&) = delete;

  Mat mat() const { return mat_; }
  PetscInt size() const { return end_ - begin_; }

 private:
  core::OwnedMat mat_;
  PetscInt begin_ = 0, end_ = 0;
};

// This rank's rows of the range [begin, end) of a vector laid out like `op`: [first, last) in
// global indices of op, and the local size last − first (possibly 0).
void restricted_rows(Mat op, PetscInt begin, PetscInt end, PetscInt* first, PetscInt* last);

}  // namespace terrain::objective
