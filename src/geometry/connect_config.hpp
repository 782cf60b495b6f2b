#pragma once
// The options of terrain-connect: the minima to connect (-input a.h5,b.h5[,c.h5…]), where the
// results go (-output), and the path between each pair (-path_*): how B is aligned to A by the
// hidden-unit symmetries, which path (the straight line, a nudged elastic band, AutoNEB, or a
// Bezier / polygonal-chain curve), how densely it is sampled, and what is measured on it (the
// refined saddle, λ_min and the index at every image).
#include <petscsys.h>

#include <cstdint>
#include <string>
#include <vector>

#include "geometry/autoneb.hpp"
#include "geometry/path_curve.hpp"

namespace terrain::geometry {

enum class PathMethod { linear, neb, autoneb, bezier, polychain };
enum class AlignMethod { none, weights, activations };
const char* to_string(PathMethod m);
const char* to_string(AlignMethod m);

struct ConnectConfig {
  std::vector<std::string> inputs;  // run or parameter files, /params of each (two or more)
  std::string output;               // a new file (required; never one of the inputs)
  std::string name;                 // /path/<name>; default: the method (linear, neb, ...)
  PathMethod method = PathMethod::linear;
  AlignMethod align = AlignMethod::none;
  bool rescale = false;         // ReLU: both ends to the rescaling normal form first
  PetscInt align_sweeps = 100;  // weight matching: most sweeps over the hidden layers
  PetscInt samples = 61;        // dense t grid of the profile (the images are added)
  bool test = true;             // test loss and accuracy along the path, with a test set
  // NEB and AutoNEB
  PetscInt images = 8;  // interior images of the band
  double spring = 10.0;
  bool climb = true;
  PetscInt climb_after = 50;
  PetscInt steps = 2000;  // NEB steps (per AutoNEB cycle), or curve training steps
  double step = 0.01;     // NEB optimiser step
  double ftol = 1e-6;     // NEB converged when max_i ‖F_i‖∞ ≤ ftol
  PetscInt cycles = 4, insert = 2, segment_samples = 8, max_images = 32;  // AutoNEB
  // curves
  PetscInt bends = 1;
  double lr = 0.01, momentum = 0.9;
  PetscInt curve_samples = 4;  // t values per training step
  std::uint64_t seed = 1;
  PetscInt batch = 0;  // minibatch size of the path optimisers; 0: the full training set
  // measurements on the path
  bool saddle = false;  // refine the highest image to a critical point (default for NEB)
  double saddle_gtol = 1e-10;
  bool curvature = false;      // λ_min and the index at every image (default for NEB)
  double distinct_tol = 1e-6;  // minima closer than this after alignment are one (relative)
  PetscInt group_size = 0;     // ranks per work group; 0: one group of every rank
  double save_every = 60;      // seconds between saves of the optimiser's state

  bool band() const { return method == PathMethod::neb || method == PathMethod::autoneb; }
  bool curve() const { return method == PathMethod::bezier || method == PathMethod::polychain; }
  // The optimisers' settings from these options.
  AutoNebSettings autoneb_settings() const;  // .neb for a plain NEB
  CurveSettings curve_settings() const;
  // Every option that changes the path, as text: a resumed path must have the same.
  std::string fingerprint() const;
  static ConnectConfig from_options();
};

}  // namespace terrain::geometry
