#include "optim/saddle_refinement.hpp"

#include <cmath>
#include <numeric>

#include "core/petsc_handle.hpp"
#include "objective/replicated.hpp"

namespace terrain::optim {

namespace {
double dot(const std::vector<double>& a, const std::vector<double>& b) {
  return std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}
}  // namespace

SaddleRefinement refine_saddle(objective::Objective& f, const data::Dataset& train,
                               const std::vector<double>& start, const std::vector<double>& tangent,
                               const NewtonSettings& newton, const spectral::EigenOptions& eigen,
                               const CriticalReport& report) {
  core::OwnedVec theta;
  theta.reset(f.create_vec());
  objective::distribute(start, theta);
  const CriticalSearch search = search_critical_point(f, theta, CriticalMethod::trust, newton,
                                                      SaddleFreeSettings{20, 1e-3}, 0, 0, report);
  SaddleRefinement r;
  const NewtonIteration& last = search.result.history.back();
  r.converged = search.result.converged;
  r.reason = search.result.reason;
  r.loss = last.loss;
  r.grad_norm1 = last.grad_norm1;
  r.grad_norm2 = last.grad_norm2;
  r.iterations = static_cast<std::int64_t>(search.result.history.size()) - 1;
  r.n_matvec = search.result.n_matvec;
  r.params = objective::replicate(theta);
  double moved = 0;
  for (std::size_t i = 0; i < start.size(); ++i)
    moved += (r.params[i] - start[i]) * (r.params[i] - start[i]);
  r.distance = std::sqrt(moved);
  r.index = spectral::point_index(f, train, theta, eigen, /*want_vector=*/true);
  r.cosine_tangent = std::nan("");
  const std::vector<double>& v = r.index.lowest_vector;
  if (!v.empty() && tangent.size() == v.size()) {
    const double norms = std::sqrt(dot(v, v) * dot(tangent, tangent));
    if (norms > 0) r.cosine_tangent = std::abs(dot(v, tangent)) / norms;
  }
  return r;
}

}  // namespace terrain::optim
