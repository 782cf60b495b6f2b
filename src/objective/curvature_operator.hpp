#pragma once
// The Hessian (or Gauss–Newton matrix) of an Objective at θ as a PETSc MatShell, so KSP, SNES,
// TAO and SLEPc see an ordinary symmetric distributed operator. MatMult applies one vector;
// MatMatMult with a MATDENSE applies all its columns in one pass over the data.
#include <petscmat.h>

#include <cstdint>

#include "core/petsc_handle.hpp"
#include "objective/objective.hpp"

namespace terrain::objective {

class CurvatureOperator {
 public:
  // `theta` is referenced, not copied: changing it changes the operator (the objective
  // notices through the Vec's state). The objective must outlive the operator.
  CurvatureOperator(Objective& objective, Vec theta, Curvature kind);
  CurvatureOperator(const CurvatureOperator&) = delete;
  CurvatureOperator& operator=(const CurvatureOperator&) = delete;

  Mat mat() const { return mat_; }

 private:
  core::OwnedMat mat_;
};

// Curvature products the objective behind `op` has applied so far (all kinds, all operators
// on it), or -1 when `op` is not a CurvatureOperator's Mat: what progress lines count as H.v.
std::int64_t applied_products(Mat op);

}  // namespace terrain::objective
