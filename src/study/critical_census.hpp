#pragma once
// terrain-critical -critical_census: a census of the critical points of one small network
// (Dauphin et al. 2014, Fig. 1; Pennington & Bahri 2017). The starts are the /trajectory/params
// snapshots of one or more run files of the same network and data (e.g. many seeds); each
// start goes to optim::search_critical_point with the -critical_ options; a converged point
// (‖∇L‖₁ ≤ -critical_gtol) gets its exact inertia (n−, n0, n+) from the full dense Hessian
// spectrum (spectral::Analysis's dense path, τ = -spectrum_zero_tol · max|λ|), and its canonical
// form under the hidden units' permutations and (odd activations) sign flips
// (geometry/symmetry_canonical.hpp). Converged points whose canonical forms are within
// -critical_census_dedup_tol (geometry::relative_max_distance) are one distinct point.
//
// The tolerance, 1e-6 by default: two Newton runs that converge to one non-degenerate point
// stop within about |H^-1 grad L| of it, ≤ gtol / λ_min⁺ in the worst case (1e-10 / 2.4e-5
// in the study), and in practice far closer since the last Newton step is quadratic (the
// merged copies of the study are within 3.1e-8, starts/match_distance); its distinct
// points are ≥ 3.7e-2 apart. At a degenerate point (n0 > 0) Newton stops anywhere
// on the flat critical set, O(1) apart: those stay distinct points, but one critical level
// (same inertia, loss within kLevelLossTol), which points/level records.
//
// The starts are dealt round-robin over core::WorkGroups of -critical_census_group_size ranks,
// each group data-parallel; the results are gathered over the world and written to a new run
// file: header, /model, /data, /params (the distinct point of lowest loss, when any converged)
// and /critical_census/<name> (see write_census).
#include <mpi.h>
#include <petscsys.h>

#include <cstdint>
#include <string>
#include <vector>

#include "optim/critical_search.hpp"
#include "optim/newton_krylov.hpp"
#include "spectral/eigen_options.hpp"

namespace terrain::study {

struct CensusOptions {
  bool enabled = false;           // -critical_census
  PetscInt group_size = 0;        // ranks per work group; 0: one group of all ranks
  PetscInt every = 1;             // every k-th snapshot of each run (the last one always)
  bool include_final = false;     // also each run's /params
  double dedup_tol = 1e-6;        // same point when the canonical forms are this close

  // Reads the -critical_census_ options; validates them only when the census is on.
  static CensusOptions from_options();
};

// One start and what its search found. Counts are −1 when the search did not converge.
struct CensusStart {
  std::int64_t run = 0;    // index into the inputs
  std::int64_t step = -1;  // the snapshot's step; −1: /params
  bool converged = false;
  double loss = 0, grad_norm1 = 0, distance = 0;  // at the last iterate; ‖θ − θ_start‖₂
  double start_loss = 0;
  std::int64_t n_neg = -1, n_zero = -1, n_pos = -1;
  double alpha = -1;  // n−/n
  double lambda_min = 0, lambda_max = 0, tau = 0;
  std::int64_t n_matvec = 0, iterations = 0;
  double seconds = 0;
  std::int64_t distinct = -1;  // index into the distinct points
  double match_distance = -1;  // relative_max_distance to that point's form (0: it is the first)
};

struct CensusPoint {
  std::vector<double> params;  // the canonical form of its first start's point
  std::int64_t first_start = 0, multiplicity = 0;
  // Distinct points of one critical level: the same inertia and losses within
  // kLevelLossTol relative. At a degenerate point (n0 > 0) Newton from two starts stops at two
  // points of the same flat critical set, O(1) apart: two distinct points, one level.
  std::int64_t level = 0;
};
inline constexpr double kLevelLossTol = 1e-9;

struct CensusResult {
  std::vector<std::string> inputs;
  std::vector<CensusStart> starts;
  std::vector<CensusPoint> points;
  int n_groups = 1, group_size = 1;
  double seconds = 0;
};

// Greedy deduplication in start order: each converged start joins the first earlier distinct
// point within `tol` (relative_max_distance of canonical forms) or opens a new one. Sets
// starts[i].distinct and returns the distinct points. `canonical[i]` is empty for a start that
// did not converge. Then numbers the levels in order of first appearance.
std::vector<CensusPoint> deduplicate(const std::vector<std::vector<double>>& canonical,
                                     std::vector<CensusStart>& starts, double tol);

// The whole census: reads the inputs (-input a.h5,b.h5,...), searches, classifies, writes
// critical.output. Collective on `world`. Bad input (no snapshots, another network or other
// data among the inputs, a network too large for the dense spectrum) is one InputError.
CensusResult run_critical_census(MPI_Comm world, const CensusOptions& census,
                                 const optim::CriticalOptions& critical,
                                 const optim::NewtonSettings& newton,
                                 const spectral::EigenOptions& eigen);

}  // namespace terrain::study
