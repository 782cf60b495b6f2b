#pragma once
// The saddle a path between two minima crosses, made exact: from the path's highest point
// (NEB's climbing image, or the maximum of a sampled profile) the trust-region Newton of
// terrain-critical (optim/critical_search.hpp, method trust) converges to the nearby critical
// point to ‖∇L‖₁ ≤ gtol, and spectral::point_index classifies it: its index (a minimum-energy
// path crosses an index-1 saddle), inertia, λ_min, and |cos| of the lowest eigenvector with the
// path's tangent at the start (near 1 when the path crosses the saddle along its descent
// direction).
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "objective/objective.hpp"
#include "optim/critical_search.hpp"
#include "optim/newton_krylov.hpp"
#include "spectral/eigen_options.hpp"
#include "spectral/point_index.hpp"

namespace terrain::optim {

struct SaddleRefinement {
  bool converged = false;
  std::string reason;
  std::vector<double> params;  // the last iterate, whole
  double loss = 0, grad_norm1 = 0, grad_norm2 = 0;
  std::int64_t iterations = 0, n_matvec = 0;
  double distance = 0;         // ‖params − start‖₂
  spectral::PointIndex index;  // at params
  double cosine_tangent = 0;   // NaN without a tangent
};

// Collective on f.comm(). `start` and `tangent` (may be empty) are whole vectors; newton.gtol is
// the bound. `report` sees each Newton row.
SaddleRefinement refine_saddle(objective::Objective& f, const data::Dataset& train,
                               const std::vector<double>& start, const std::vector<double>& tangent,
                               const NewtonSettings& newton, const spectral::EigenOptions& eigen,
                               const CriticalReport& report = {});

}  // namespace terrain::optim
