#pragma once
// The directions of a loss surface (Li et al. 2018, "Visualizing the Loss Landscape of Neural
// Nets", and beyond), each one flat parameter vector of the network's layout:
//
//   random        Gaussian, entry i drawn from (seed, Stream::direction, i) for x and
//                 (seed, Stream::direction, n_params + i) for y: no rank count changes it
//   target        θ_B − θ_A towards another point (a run file's /params, a saved step
//                 "run.h5:200", or a parameter file): interpolation at x = 1, extrapolation past
//   pca           the principal components of a trajectory's snapshots θ_t − θ (the surface's
//                 centre, where Li et al. take θ_final; no mean is subtracted), from the T×T
//                 Gram matrix of distributed dot products and LAPACK (never an n×n matrix);
//                 a snapshot equal to θ is left out of it (geometry/trajectory_pca.hpp)
//   eigen_top     Hessian eigenvectors at θ (SLEPc): the largest; y takes the second largest
//   eigen_bottom  the smallest (most negative) eigenvector; y takes the second smallest
//                 (-surf_eigen_tol is the absolute residual; -surf_eps_* options pass to SLEPc)
// pca and eigen vectors have norm 1 and the sign that makes their entry of largest magnitude
// positive, so they come out the same at every rank count.
//
// When x and y have the same kind (pca, eigen_*) y is the next component. Two target
// directions give the plane through three points θ_A (the centre), θ_B and θ_C.
//
// Normalisation (random directions only; the others are kept as they are unless asked):
//   filter  per neuron: the row of W (and its bias entry under bias policy `filter`) scaled
//           to the norm of the same row of θ
//   layer   per layer: W's block scaled to ‖θ's W block‖ (bias block likewise under `filter`)
//   weight  entrywise d_i ← d_i·|θ_i|
//   unit    the whole direction to norm 1
//   none    as drawn
// Bias policy: zero (bias entries of d set to 0, under every normalisation), filter
// (normalised with their neuron, their layer's bias block, or entrywise), keep (left as
// drawn). unit and none treat the biases that are not zeroed as part of the whole vector.
// A row or block of d is scaled only when it is non-zero; a direction that comes out zero
// (θ zero where it is normalised) is an error.
//
// -surf_orthogonalize makes y orthogonal to x (Gram–Schmidt, then y rescaled to its norm
// before) — for a plane through three points it is implied, and y is then C − A minus its
// projection on x, so the three points sit at (0,0), (1,0) and (x_C, y_C) with y_C = 1.
// Gram–Schmidt and the cosine are computed on whole vectors (the same at every rank count).
#include <mpi.h>
#include <petscvec.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/petsc_handle.hpp"
#include "model/architecture.hpp"
#include "objective/objective.hpp"

namespace terrain::geometry {

enum class DirectionKind { none, random, target, pca, eigen_top, eigen_bottom };
enum class Normalisation { filter, layer, weight, unit, none };
enum class BiasPolicy { zero, filter, keep };

const char* to_string(DirectionKind k);
const char* to_string(Normalisation n);
const char* to_string(BiasPolicy b);
inline std::ostream& operator<<(std::ostream& os, DirectionKind k) { return os << to_string(k); }
inline std::ostream& operator<<(std::ostream& os, Normalisation n) { return os << to_string(n); }
inline std::ostream& operator<<(std::ostream& os, BiasPolicy b) { return os << to_string(b); }

// The -surf_ direction options (read in one options block, `-help` lists them).
struct DirectionConfig {
  DirectionKind x = DirectionKind::random;
  DirectionKind y = DirectionKind::none;                // none: a 1-D surface
  Normalisation normalisation = Normalisation::filter;  // applied to random directions
  BiasPolicy bias = BiasPolicy::zero;
  std::uint64_t seed = 0;
  std::string x_target, y_target;  // target kinds: "file.h5" or "file.h5:<step>"; given
                                   // alone (-surf_xdir unset) the option makes its axis a target
  std::string trajectory;          // pca: the run file whose /trajectory/params to use
  bool orthogonalize = false;
  double eigen_tol = 1e-8;  // eigen kinds: absolute residual of the eigenvectors

  // Reads -surf_xdir, -surf_ydir, -surf_norm, -surf_bias, -surf_seed, -surf_xtarget,
  // -surf_ytarget, -surf_trajectory, -surf_orthogonalize, -surf_eigen_tol. Throws
  // core::InputError naming the option on a bad value.
  static DirectionConfig from_options();
};

// One direction and what it is, for the file's attributes.
struct Direction {
  core::OwnedVec v;  // on the objective's communicator, its layout
  DirectionKind kind = DirectionKind::none;
  Normalisation normalisation = Normalisation::none;
  BiasPolicy bias = BiasPolicy::keep;
  std::int64_t seed = -1;       // random: the seed; -1 otherwise
  std::int64_t component = -1;  // pca / eigen: which component (0-based); -1 otherwise
  // target: "b.h5:/params" or "b.h5:/trajectory/params (step 200)";
  // pca: "run.h5:/trajectory/params"; eigen kinds: "Hessian at theta"; random: empty
  std::string source;
  double eigenvalue = 0, residual = 0;  // eigen kinds
  double explained_variance_ratio = 0;  // pca
  double norm = 0;                      // ‖v‖₂ as used
};

// A named point of the plane: the centre, a target, ... with its (x, y) coordinates.
struct Landmark {
  std::string name;  // "centre", "x_target", "y_target"
  double x = 0, y = 0;
};

struct DirectionSet {
  Direction x, y;     // y.kind == none for a 1-D surface (y.v empty)
  double cosine = 0;  // ⟨x, y⟩ / (‖x‖‖y‖) of the directions used (0 for 1-D)
  bool orthogonalized = false;
  // centre (0, 0); x_target (1, 0) when x is a target; y_target, when y is one, at the
  // coordinates of θ_C − θ in the basis {x, y} as used.
  std::vector<Landmark> landmarks;
  // pca: every component's share of the variance, and each snapshot's coordinates
  // (⟨θ_t − θ_centre, d⟩ / ‖d‖² for the x and y directions used) with its step, every
  // snapshot of the file in its order (the centre's, if there, at 0).
  std::vector<double> explained_variance_ratio, proj_x, proj_y;
  std::vector<std::int64_t> proj_step;
};

// Filter/layer/weight/unit/none normalisation of `d` against θ (both on one communicator,
// same layout), in place. Deterministic: the same entries for any rank count.
void normalise(const model::ParameterLayout& layout, Normalisation n, BiasPolicy bias, Vec theta,
               Vec d);

// Collective on the objective's communicator. `input` is the file θ came from (the pca
// default trajectory, and the architecture every target must match). Throws InputError with
// one line naming the option or file on a bad target (missing, other architecture), a
// trajectory with fewer than 2 snapshots, or a direction that comes out zero.
DirectionSet make_directions(const DirectionConfig& config, objective::Objective& objective,
                             const model::Architecture& arch, Vec theta, const std::string& input);

}  // namespace terrain::geometry
