#pragma once
// terrain-connect's part of the run file:
//
//   /path/<name>        attrs  method str (linear|neb|autoneb|bezier|polychain), kind str
//                              (polyline: straight between the pivots; bezier; polychain),
//                              align str (none|weights|activations), source_a, source_b str,
//                              n_params, n_pivots, converged int64, reason str, steps int64,
//                              seconds float64, group_size, n_groups int64,
//                              train_barrier (= max_t L − max(L_A, L_B)), train_barrier_t,
//                              train_barrier_chord (= max_t [L − ((1−t)L_A + t L_B)]),
//                              train_barrier_chord_t, train_height (max_t L), and test_* alike
//                              (with a test set); end_distance (max_i |A_i − B_i| /
//                              max(1, ‖A‖∞, ‖B‖∞) after the alignment: 0 for two copies of one
//                              minimum); for an alignment align_objective_before/after
//     t                   float64[m]          ascending, 0 … 1 (arc length for a polyline)
//     train_loss, train_acc, test_loss, test_acc   float64[m] (test_* with a test set)
//     pivots              float64[k, n_params] the images (polyline, ends included) or the
//                                              curve's control points (ends and bends)
//     pivot_t             float64[k]          (polyline) each image's t
//     pivot_loss          float64[k]          training loss at each pivot
//     lambda_min, lambda_min_residual  float64[k]   (with -path_curvature) at each pivot
//     index               int64[k]            eigenvalues below −τ at each pivot
//     index_capped        int64[k]            1: the index is a lower bound
//     history/step, history/value float64    the optimiser's rows (max force for NEB, mean
//                                              loss for curves)
//     permutation/layer<l>  int64[width_l]    (with an alignment) B's unit j of the aligned
//                                              copy is B's unit perm[j] …
//     permutation/sign<l>   int64[width_l]    … times sign[j] (±1)
//     saddle/             attrs converged, reason, loss, grad_norm (‖∇L‖₁), grad_norm2,
//                               iterations, n_matvec, pivot (the image it started from), t,
//                               distance (from that image), index, n_neg, n_zero, n_pos, tau,
//                               lambda_min, cosine_tangent (|cos| of the lowest eigenvector with
//                               the path's tangent there)
//       params            float64[n_params]
//   /connectivity       attrs  n_minima, method, align, barrier (which matrix the tree uses)
//     inputs              str attribute list, joined by ','
//     barriers            float64[K, K]   rise (max_t L − max(L_i, L_j)), 0 on the diagonal
//     barriers_chord      float64[K, K]
//     heights             float64[K, K]   max_t L (the tree's weight; diagonal: L of each minimum)
//     distances           float64[K, K]   end_distance of each pair
//     minimum_class       int64[K]        minima closer than distinct_tol (attr) after alignment
//                                         share a class; attr n_distinct = the number of classes
//     tree_edges          int64[K−1, 2]   the minimum spanning tree by height
//     tree_weights        float64[K−1]
#include <cstdint>
#include <string>
#include <vector>

#include "geometry/path_profile.hpp"
#include "geometry/polyline.hpp"
#include "io/run_file.hpp"

namespace terrain::geometry {

struct SaddleRecord {
  bool refined = false;
  bool converged = false;
  std::string reason;
  std::vector<double> params;
  double loss = 0, grad_norm1 = 0, grad_norm2 = 0;
  std::int64_t iterations = 0, n_matvec = 0, pivot = -1;
  double t = 0, distance = 0;
  std::int64_t index = -1, n_neg = -1, n_zero = -1, n_pos = -1;
  double tau = 0, lambda_min = 0, cosine_tangent = 0;
};

struct PathRecord {
  std::string method, kind, align, source_a, source_b;
  PathProfile profile;
  Barrier train, test;
  Images pivots;
  std::vector<double> pivot_t;  // polyline only
  std::vector<double> pivot_loss;
  std::vector<double> lambda_min, lambda_min_residual;  // empty without -path_curvature
  std::vector<std::int64_t> index, index_capped;
  std::vector<double> history_step, history_value;
  bool converged = true;
  std::string reason;
  std::int64_t steps = 0, group_size = 1, n_groups = 1;
  double seconds = 0;
  std::vector<std::vector<std::int64_t>> permutation, sign;  // per hidden layer; empty: none
  double align_before = 0, align_after = 0;
  double end_distance = 0;  // relative_max_distance(A, aligned B): 0 for copies of one minimum
  SaddleRecord saddle;
};

// Collective on the file's communicator; rank 0's values are written. Replaces /path/<name>.
void write_path(io::RunFile& file, const std::string& name, const PathRecord& r);

struct ConnectivityRecord {
  std::vector<std::string> inputs;
  std::string method, align;
  std::vector<double> rise, chord, height;  // K×K row-major
  std::vector<double> distance;             // K×K: end_distance of each pair
  std::vector<std::int64_t> minimum_class;  // K: minima within distinct_tol share a class
  double distinct_tol = 0;
  std::vector<std::int64_t> tree_edges;  // (K−1)×2
  std::vector<double> tree_weights;
};

void write_connectivity(io::RunFile& file, const ConnectivityRecord& r);

}  // namespace terrain::geometry
