#pragma once
// λ_min and the index (eigenvalues below −τ) of the Hessian at one point, the way
// terrain-critical classifies its points: the dense spectrum and its inertia when the network
// has at most optim's kCriticalFullSpectrumMax (4000) parameters, else the smallest end by
// Krylov–Schur and the matrix-free count (a lower bound when capped). Also the eigenvector of
// λ_min when asked, for the direction a saddle descends along.
#include <petscvec.h>

#include <cstdint>
#include <vector>

#include "data/dataset.hpp"
#include "objective/objective.hpp"
#include "spectral/eigen_options.hpp"
#include "spectral/results.hpp"

namespace terrain::spectral {

inline constexpr PetscInt kDenseIndexMax = 4000;

struct PointIndex {
  double lambda_min = 0;
  double residual = 0;      // of λ_min (0 from the dense spectrum)
  std::int64_t index = -1;  // n−
  bool capped = false;      // the matrix-free count reached its cap: index is a lower bound
  Inertia inertia;          // with the dense spectrum; n_neg only otherwise
  double tau = 0;           // the zero tolerance used
  std::vector<double> lowest_vector;  // whole, unit norm (with want_vector)
};

// Collective on f.comm(); `train` is f's training shard; θ is not changed.
PointIndex point_index(objective::Objective& f, const data::Dataset& train, Vec theta,
                       const EigenOptions& eigen, bool want_vector = false);

}  // namespace terrain::spectral
