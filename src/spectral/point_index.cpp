#include "spectral/point_index.hpp"

#include <algorithm>

#include "objective/curvature_operator.hpp"
#include "objective/replicated.hpp"
#include "spectral/analysis.hpp"

namespace terrain::spectral {

PointIndex point_index(objective::Objective& f, const data::Dataset& train, Vec theta,
                       const EigenOptions& eigen, bool want_vector) {
  SpectrumOptions options;
  const bool dense = f.n_params() <= kDenseIndexMax;
  options.full = dense;
  options.count = !dense;
  options.vectors = want_vector;
  EigenOptions e = eigen;
  e.settings.nev = std::max<PetscInt>(e.settings.nev, 1);
  Analysis analysis(f, train, theta, e, options);
  const SpectrumReport& r = analysis.run();
  PointIndex p;
  p.lambda_min = r.estimates.lambda_min;
  p.index = r.classification.index;
  p.capped = r.count && r.count->capped;
  p.tau = r.zero_tol;
  if (r.inertia) p.inertia = *r.inertia;
  if (!r.full && r.extreme && !r.extreme->smallest.residuals.empty())
    p.residual = r.extreme->smallest.residuals.front();
  if (want_vector && !analysis.smallest_vectors().empty())
    p.lowest_vector = objective::replicate(analysis.smallest_vectors().front());
  return p;
}

}  // namespace terrain::spectral
