#pragma once
// The nudged elastic band (Henkelman, Uberuaga & Jónsson 2000; Henkelman & Jónsson 2000)
// between two fixed ends A and B of a PathEnergy, with a climbing image.
//
// Force on interior image i, with τ_i the improved tangent (neb_tangent) and k the spring:
//   F_i = −∇E_i + (∇E_i·τ_i) τ_i + k (|x_{i+1} − x_i| − |x_i − x_{i−1}|) τ_i,
// and on the climbing image (the highest interior image once climb_after steps are done; it
// hands over only to an image higher by 5% of the band's energy range, else two images at the
// saddle's energy take turns and the force jumps) F = −∇E + 2 (∇E·τ) τ, without spring, so it
// climbs along the band to the saddle. Converged: max_i ‖F_i‖∞ ≤ ftol (and, with climb, the climber
// active).
//
// Optimiser: FIRE (Bitzek et al. 2006) on all interior images as one system, unit masses, as
// in ASE: P = F·v; P > 0: v ← (1−α) v + α ‖v‖ F/‖F‖, and after N_min = 5 such steps dt grows
// by 1.1 (at most min(10·step, 0.5/√k): the springs' fastest mode, ω = 2√k, needs dt < 1/√k)
// and α shrinks by 0.99; P ≤ 0 (uphill): v ← 0, α ← 0.1, dt halves
// (never below step/10). Then v ← v + dt F and x ← x + dt v (semi-implicit Euler), the move
// scaled down so that no image moves more than max_move · |B − A| / (K + 1) (a fraction of the
// initial spacing: the cap is free of the parameters' scale). FIRE needs no line search, only
// ∇E, and brakes by itself where a fixed step would oscillate across the narrow valleys.
//
// Growth guard (issue 11). FIRE's uphill test assumes F = −∇(something); the NEB force is not a
// gradient (the projections and the improved tangent make its Jacobian non-symmetric). After
// thousands of downhill steps α has decayed to ~0 and FIRE is undamped inertia, under which a
// non-conservative field can pump energy into a mode with P > 0 throughout: measured between
// two symmetric copies of a 3-4-2 tanh teacher, the spring part of P grew exponentially while
// the band sat at max loss 2e-3, then the band blew up to loss ~1e2 without one uphill reset
// (α floors, FIRE-2.0 half steps, or resets on the perpendicular power alone did not cure it).
// So: when P > 0 but ‖F‖₂ exceeds 10 × its least value since the last restart, the step is
// treated as uphill and the run switches for good to quick-min (Jónsson, Mills & Jacobsen
// 1998): P > 0: v ← (v·F̂) F̂, which drops every velocity component off the force and so cannot
// store energy the force did not supply; P ≤ 0: v ← 0; dt as for FIRE. On Müller–Brown the
// guard never fires (the runs are FIRE's, bitwise); on the teacher pair no band (NEB or AutoNEB,
// step 1e-3..1e-1, k 1 or 10) blows up any more, though it converges slowly (max force ~1e-3 after
// 5000 steps). Quick-min is ~10× slower than FIRE on Müller–Brown, hence
// FIRE first.
//
// Parallel: each step evaluates the K interior images, dealt to the work groups round-robin
// (GroupEvaluator), and every rank of the world then holds every energy and gradient and does
// the same arithmetic in the same order: results are bitwise independent of the number of
// groups for an energy whose values do not depend on its group's size. Deterministic and
// full-batch by default; batch > 0 evaluates step s on the minibatch (seed, s) of the energy
// (the ends keep the energies they came with, normally full-batch ones from linear_band).
//
// Choosing k and step: the climbing image reaches the saddle (to 1e-15 on Müller–Brown) for
// every k and step tried; the whole band's convergence depends on them. On Müller–Brown
// (energies ~100, curvatures up to ~10^3) k = 20..200 with step 1e-3..1e-1 converges to
// ftol = 1e-10 in 340–4800 steps for 4–16 images, while k = 1 needs step 1e-3 (1300–5500
// steps) and does not converge in 20000 at step >= 1e-2 with 8 or 16 images: a spring much
// softer than the energy's curvature across the band leaves a stiff, slow system. Keep step
// below ~1/sqrt(λ_max) (FIRE's dt grows to 10·step) and k not far below the loss's curvature.
//
// Memory per rank: the K + 2 images, K velocities, K forces and the K gradients received
// (about 4K + 2 whole vectors of n doubles), plus this group's share of the gradients to send.
#include <petscsys.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/work_groups.hpp"
#include "geometry/path_energy.hpp"

namespace terrain::geometry {

struct NebSettings {
  PetscInt images = 8;        // interior images (ends fixed)          -path_images
  double spring = 1.0;        // spring constant k                     -path_spring
  bool climb = true;          // climbing image                        -path_climb
  PetscInt climb_after = 50;  // steps before the highest image climbs -path_climb_after
  PetscInt max_steps = 2000;  // total steps of the band               -path_steps
  double step = 0.01;         // FIRE's initial time step dt0          -path_step
  double ftol = 1e-6;         // converged: max_i ‖F_i‖∞ ≤ ftol        -path_ftol
  std::uint64_t seed = 1;     // minibatches (with batch > 0)          -path_seed
  PetscInt batch = 0;         // minibatch size, 0: full batch         -path_batch
  double max_move = 0.5;      // largest move of an image per step, in units of |B − A|/(K+1)
  // Throws InputError naming the offending -path_ option.
  void validate() const;
};

// Everything needed to continue a band bitwise (a plain value: copying it is a deep copy).
struct BandState {
  std::vector<std::vector<double>> images;    // K + 2 whole vectors, [0] = A, [K+1] = B
  std::vector<double> energies;               // per image (ends included), at `images`
  std::vector<std::vector<double>> velocity;  // FIRE's velocity per interior image
  double dt = 0, alpha = 0;                   // FIRE's time step and mixing; dt = 0: not started
  PetscInt n_positive = 0;                    // FIRE's downhill steps since the last reset
  double least_force = 0;  // smallest ‖F‖₂ since the optimiser's last restart (0: not started)
  bool quick_min = false;       // FIRE gave way to quick-min (the growth guard fired)
  PetscInt step = 0;            // steps taken
  PetscInt climbing = -1;       // the climbing image at the last evaluation, or −1
  PetscInt reported_step = -1;  // the step whose row on_step got last (a restart skips it)
};

// One evaluation of the band: the band after `step` steps, its largest force max_i ‖F_i‖∞ and
// largest energy (ends included), and the climbing image (−1: none yet).
struct NebRow {
  PetscInt step;
  double max_force, max_energy;
  PetscInt climbing;
};

// The row as the detail of a progress line (core::Progress::update(row.step, describe(row))):
// "max force 1.2e-05  max energy 0.0312  climbing image 4".
std::string describe(const NebRow& row);

struct NebOutcome {
  bool converged = false;
  std::string reason;
  bool stopped = false;  // stop() returned true
  std::vector<NebRow> history;
};

// Straight line from a to b with `images` interior images (x_i = a + i/(K+1) (b − a), the ends
// copied exactly); the energies of all K + 2 images computed (collective on groups.world()).
BandState linear_band(core::WorkGroups& groups, PathEnergy& group_energy,
                      const std::vector<double>& a, const std::vector<double>& b, PetscInt images);

// The improved tangent of Henkelman & Jónsson (2000) at interior image i, from the images and
// energies of the state: the direction to the higher neighbour where the energy is monotonic
// across i, else the energy-weighted mix of both directions. Unit length (zero if the three
// images coincide).
std::vector<double> neb_tangent(const BandState& state, PetscInt i);

// Runs the band from `state` until converged, state.step = max_steps, or stop() returns true.
// Each loop evaluates the band (so on return `state.energies` are those of `state.images`),
// reports the row through on_step (on every rank; not again for the step a stopped run already
// reported), checks convergence, the step budget and stop() (in this order; stop() is called
// on every rank and must agree across them), then moves the band one step. A stop therefore
// leaves the state at a whole step, and running on from a copy of it continues bitwise.
// Collective on groups.world(); group_energy lives on groups.comm().
NebOutcome run_neb(core::WorkGroups& groups, PathEnergy& group_energy, const NebSettings& settings,
                   BandState& state, const std::function<bool()>& stop,
                   const std::function<void(const NebRow&)>& on_step);

}  // namespace terrain::geometry
