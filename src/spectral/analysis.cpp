#include "spectral/analysis.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "objective/dense_assembly.hpp"
#include "spectral/classification.hpp"
#include "spectral/dense_eigenvalues.hpp"
#include "spectral/density.hpp"
#include "spectral/inertia.hpp"
#include "spectral/layer_blocks.hpp"
#include "spectral/negative_count.hpp"
#include "spectral/shard_spread.hpp"
#include "spectral/trace.hpp"

namespace terrain::spectral {

Analysis::Analysis(objective::Objective& f, const data::Dataset& train, Vec theta,
                   const EigenOptions& eigen, const SpectrumOptions& options)
    : f_(f), train_(train), theta_(theta), eigen_(eigen), options_(options) {}

const SpectrumReport& Analysis::run() {
  check_requests();
  const double start = MPI_Wtime();
  const std::int64_t before = products();
  op_ = std::make_unique<objective::CurvatureOperator>(f_, theta_, eigen_.op);
  measure_point();
  extreme();
  full_spectrum();
  choose_tolerance();
  inertia();
  count();
  trace();
  density();
  blocks();
  shards();
  derive();
  classify_point();
  report_.n_matvec = products() - before;
  report_.seconds = MPI_Wtime() - start;
  return report_;
}

void Analysis::check_requests() {
  const PetscInt N = f_.n_params();
  const bool fits = N <= options_.full_max;
  full_ = options_.full || (options_.all && fits);
  sylvester_ = options_.inertia || (options_.all && fits);
  assemble_ = full_ || sylvester_;
  if (assemble_ && !fits) {
    const char* which = options_.full ? "-spectrum_full" : "-spectrum_inertia";
    TERRAIN_CHECK(false, which << " needs the dense Hessian, but the network has " << N
                               << " parameters, above -spectrum_full_max " << options_.full_max
                               << " (the matrix alone takes " << 8.0 * double(N) * double(N) / 1e9
                               << " GB); raise -spectrum_full_max, or use -spectrum_count and "
                                  "-spectrum_density");
  }
}

void Analysis::measure_point() {
  core::OwnedVec g;
  TERRAIN_PETSC(VecDuplicate(theta_, g.out()));
  report_.loss = f_.gradient(theta_, g);
  TERRAIN_PETSC(VecNorm(g, NORM_2, &report_.grad_norm));
  report_.op = to_string(eigen_.op);
  report_.n_params = f_.n_params();
  report_.tolerance = eigen_.settings.tol;
}

void Analysis::extreme() {
  // The ends also set τ and classify the point when there is no dense spectrum.
  if (!options_.extreme && full_) return;
  EigenSettings s = eigen_.settings;
  s.nev = std::max<PetscInt>(s.nev, 1);
  const std::int64_t before = products();
  ExtremeSpectrum e;
  double t = MPI_Wtime();
  e.largest = extreme_eigenpairs(op_->mat(), End::largest, s,
                                 options_.vectors ? &largest_vectors_ : nullptr);
  e.largest_seconds = MPI_Wtime() - t;
  e.largest_n_matvec = products() - before;
  // The Gauss–Newton matrix is positive semi-definite: its smallest end is a cluster at 0 that
  // an absolute tolerance cannot resolve, and says nothing, so only its largest end is computed.
  if (eigen_.op == objective::Curvature::hessian) {
    t = MPI_Wtime();
    e.smallest = extreme_eigenpairs(op_->mat(), End::smallest, s,
                                    options_.vectors ? &smallest_vectors_ : nullptr);
    e.smallest_seconds = MPI_Wtime() - t;
    e.smallest_n_matvec = products() - before - e.largest_n_matvec;
  }
  e.n_matvec = products() - before;
  report_.extreme = std::move(e);
}

void Analysis::full_spectrum() {
  if (!assemble_) return;
  FullSpectrum full;
  full.block = options_.block;
  const std::int64_t before = products();
  double t = MPI_Wtime();
  dense_ = objective::assemble_dense(op_->mat(), options_.block);
  full.assembly_seconds = MPI_Wtime() - t;
  full.n_matvec = products() - before;
  full.asymmetry = objective::asymmetry(dense_);
  if (!full_) {  // only the Sylvester count needs the matrix
    report_.full = std::move(full);
    return;
  }
  t = MPI_Wtime();
  full.values = dense_eigenvalues(dense_, options_.dense_solver, &full.solver);
  full.solve_seconds = MPI_Wtime() - t;
  report_.full = std::move(full);
}

void Analysis::choose_tolerance() {
  double scale = 0;
  if (report_.full && !report_.full->values.empty())
    scale = std::max(std::abs(report_.full->values.front()), std::abs(report_.full->values.back()));
  else if (report_.extreme) {
    for (const Eigenpairs* e : {&report_.extreme->largest, &report_.extreme->smallest})
      for (double v : e->values) scale = std::max(scale, std::abs(v));
  }
  // A Hessian that is exactly 0 (the origin of a deep linear network) has no scale: then
  // zero_tol is taken as absolute.
  report_.zero_tol = std::max(options_.zero_atol, options_.zero_tol * (scale > 0 ? scale : 1.0));
}

void Analysis::inertia() {
  if (report_.full && !report_.full->values.empty())
    report_.inertia = inertia_from_eigenvalues(report_.full->values, report_.zero_tol);
  if (!sylvester_) return;
  SylvesterInertia s;
  const double t = MPI_Wtime();
  s.inertia = sylvester_inertia(dense_, report_.zero_tol);
  s.seconds = MPI_Wtime() - t;
  report_.sylvester = s;
}

void Analysis::count() {
  // The Gauss–Newton matrix has no negative eigenvalues to count (and a smallest end at 0 that
  // an absolute tolerance cannot converge).
  if (!options_.count || eigen_.op != objective::Curvature::hessian) return;
  const std::int64_t before = products();
  NegativeCount c = count_negative(op_->mat(), report_.zero_tol, options_.count_nev,
                                   options_.count_max, eigen_.settings);
  c.n_matvec = products() - before;
  report_.count = std::move(c);
}

void Analysis::trace() {
  if (!options_.trace) return;
  const std::int64_t before = products();
  TraceEstimate t =
      estimate_trace(op_->mat(), options_.trace_probes, options_.seed, options_.block);
  t.n_matvec = products() - before;
  report_.trace = std::move(t);
}

void Analysis::density() {
  if (!options_.density) return;
  DensitySettings s;
  s.probes = options_.density_probes;
  s.steps = options_.density_steps;
  s.points = options_.density_points;
  s.sigma = options_.density_sigma;
  s.seed = options_.seed;
  s.zero_tol = report_.zero_tol;
  const std::int64_t before = products();
  Density d = estimate_density(op_->mat(), s);
  d.n_matvec = products() - before;
  report_.density = std::move(d);
}

void Analysis::blocks() {
  if (!options_.blocks) return;
  BlockSettings s;
  s.dense_max = options_.full_max;
  s.block = options_.block;
  s.solver = options_.dense_solver;
  s.extreme = eigen_.settings;
  s.extreme.nev = std::max<PetscInt>(s.extreme.nev, 1);
  s.largest_only = eigen_.op != objective::Curvature::hessian;
  report_.blocks = layer_block_spectra(op_->mat(), dense_, f_.network().layout(), s);
}

void Analysis::shards() {
  if (!options_.shards) return;
  // The full-data λ_max is filled in by derive(), from the best source.
  report_.shards = shard_spread(f_.network().architecture(), train_, theta_, eigen_.op,
                                eigen_.settings, kUnknown);
}

void Analysis::derive() {
  Estimates& e = report_.estimates;
  const double tol = report_.zero_tol;
  if (report_.full && !report_.full->values.empty()) {
    const std::vector<double>& v = report_.full->values;
    e.source = "dense spectrum";
    e.lambda_min = v.front();
    e.lambda_max = v.back();
    const auto positive = std::find_if(v.begin(), v.end(), [&](double x) { return x >= tol; });
    if (positive != v.end()) e.lambda_min_positive = *positive;
  } else if (report_.extreme) {
    e.source = "matrix-free";
    const ExtremeSpectrum& x = *report_.extreme;
    if (!x.largest.values.empty()) e.lambda_max = x.largest.values.front();
    if (!x.smallest.values.empty()) e.lambda_min = x.smallest.values.front();
    if (e.lambda_min >= tol)
      e.lambda_min_positive = e.lambda_min;
    else if (report_.count)
      e.lambda_min_positive = report_.count->lambda_min_positive;
  }
  if (std::isfinite(e.lambda_min_positive) && e.lambda_max >= tol)
    e.condition_number = e.lambda_max / e.lambda_min_positive;
  const double N = double(report_.n_params);
  if (report_.inertia)
    e.negative_fraction = double(report_.inertia->n_neg) / N;
  else if (report_.sylvester)
    e.negative_fraction = double(report_.sylvester->inertia.n_neg) / N;
  else if (report_.count && !report_.count->capped)
    e.negative_fraction = double(report_.count->n_neg) / N;
  else if (report_.density)
    e.negative_fraction = report_.density->n_neg / N;
  if (report_.shards) report_.shards->full = e.lambda_max;
}

void Analysis::classify_point() {
  Classification& c = report_.classification;
  if (eigen_.op != objective::Curvature::hessian) {
    c.grad_norm = report_.grad_norm;
    c.grad_tol = options_.grad_tol;
    c.critical = report_.grad_norm <= options_.grad_tol;
    c.text = std::string("not classified: -hess_operator ") + to_string(eigen_.op) +
             " is positive semi-definite by construction";
    return;
  }
  const Inertia* exact = report_.inertia     ? &*report_.inertia
                         : report_.sylvester ? &report_.sylvester->inertia
                                             : nullptr;
  if (exact) {
    c = classify(*exact, report_.grad_norm, options_.grad_tol);
    return;
  }
  const Estimates& e = report_.estimates;
  const std::int64_t n_neg = report_.count ? report_.count->n_neg : -1;
  const bool capped = report_.count && report_.count->capped;
  c = classify(e.lambda_min, e.lambda_max, report_.zero_tol, n_neg, capped, report_.grad_norm,
               options_.grad_tol);
}

}  // namespace terrain::spectral
