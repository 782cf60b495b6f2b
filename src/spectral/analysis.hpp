#pragma once
// Everything terrain-spectrum measures at one point θ, in one object: the analyses chosen by
// SpectrumOptions run in a fixed order (extreme ends, dense spectrum and inertia, matrix-free
// count, trace, density, layer blocks, shards), then the derived numbers (τ, λ_min⁺, condition
// number, negative fraction) and the classification. Collective on the objective's
// communicator.
#include <petscvec.h>

#include <memory>
#include <vector>

#include "core/petsc_handle.hpp"
#include "data/dataset.hpp"
#include "objective/curvature_operator.hpp"
#include "spectral/eigen_options.hpp"
#include "spectral/results.hpp"
#include "spectral/spectrum_options.hpp"

namespace terrain::spectral {

class Analysis {
 public:
  // `f`, `train` (this rank's shard, for -spectrum_shards) and `theta` must outlive the analysis.
  Analysis(objective::Objective& f, const data::Dataset& train, Vec theta,
           const EigenOptions& eigen, const SpectrumOptions& options);
  Analysis(const Analysis&) = delete;
  Analysis& operator=(const Analysis&) = delete;

  // Throws InputError before any work when the options ask for something impossible here
  // (a dense Hessian above -spectrum_full_max).
  const SpectrumReport& run();

  const SpectrumReport& report() const { return report_; }
  // The extreme eigenvectors (with -hess_vectors), in the order of report().extreme.
  const std::vector<Vec>& largest_vectors() const { return largest_vectors_.get(); }
  const std::vector<Vec>& smallest_vectors() const { return smallest_vectors_.get(); }

 private:
  void check_requests();
  void measure_point();
  void extreme();
  void full_spectrum();
  void choose_tolerance();
  void inertia();
  void count();
  void trace();
  void density();
  void blocks();
  void shards();
  void derive();
  void classify_point();
  std::int64_t products() const { return f_.counters().curvature_vectors; }

  objective::Objective& f_;
  const data::Dataset& train_;
  Vec theta_;
  EigenOptions eigen_;
  SpectrumOptions options_;
  bool assemble_ = false, full_ = false, sylvester_ = false;
  std::unique_ptr<objective::CurvatureOperator> op_;
  core::OwnedMat dense_;
  SpectrumReport report_;
  core::VecList largest_vectors_, smallest_vectors_;
};

}  // namespace terrain::spectral
