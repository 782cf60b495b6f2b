#pragma once
// Parametric curves between two minima with trained bends (Garipov, Izmailov, Podoprikhin,
// Vetrov & Wilson 2018). A curve has points p_0 = A, p_1 … p_{N−1} (the bends), p_N = B and
// θ(t) = Σ_i b_i(t) p_i for t in [0, 1]:
//   bezier:    b_i(t) = C(N, i) t^i (1−t)^(N−i) (Bernstein; the bends are control points);
//   polychain: the bends are the corners at t = i/N, θ linear in between.
// θ(0) = A and θ(1) = B exactly (bitwise): the other weights are exactly zero there and are
// skipped. The weights sum to 1 up to rounding.
//
// Training minimises the mean loss along the curve, E_{t~U(0,1)} L(θ(t)), over the bends: each
// step draws `samples` values t_m = uniform(seed, path_curve stream, step·samples + m) — a
// function of the step alone, never of a group or a rank, so the group count cannot change
// them — deals them to the work groups, and every rank forms the Monte Carlo gradient
// g_i = (1/M) Σ_m b_i(t_m) ∇L(θ(t_m)) for each bend (sums in the order of m), then takes
// SGD with momentum: v_i ← μ v_i + g_i, p_i ← p_i − lr v_i (the ends never move).
// With batch > 0 all t of step s use the minibatch (seed, s) of the energy.
//
// Memory per rank: the N + 1 points, N − 1 velocities and gradient sums, and the M gradients
// received (whole vectors of n doubles).
#include <petscsys.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/work_groups.hpp"
#include "geometry/neb.hpp"
#include "geometry/path_energy.hpp"

namespace terrain::geometry {

enum class CurveKind { bezier, polychain };

struct Curve {
  CurveKind kind = CurveKind::bezier;
  std::vector<std::vector<double>> points;  // [0] = A, back() = B, bends in between

  std::vector<double> coefficients(double t) const;  // b_i(t) for every point
  void coefficients(double t, std::vector<double>& weights) const;
  std::vector<double> at(double t) const;               // θ(t)
  void at(double t, std::vector<double>& theta) const;  // into theta (reused, no allocation)
};

// The straight line from a to b with `bends` bends evenly spaced on it (θ(t) = a + t (b − a)
// for both kinds).
Curve straight_curve(CurveKind kind, const std::vector<double>& a, const std::vector<double>& b,
                     PetscInt bends);

struct CurveSettings {
  PetscInt steps = 2000;  // total training steps        -path_steps
  double lr = 0.01;       //                             -path_lr
  double momentum = 0.9;  //                             -path_momentum
  PetscInt samples = 4;   // t values per step           -path_curve_samples
  std::uint64_t seed = 1;
  PetscInt batch = 0;  // minibatch size, 0: full batch  -path_batch
  void validate() const;
};

// Everything needed to continue training bitwise (a plain value: copies are deep).
struct CurveState {
  Curve curve;
  std::vector<std::vector<double>> velocity;  // per bend; empty: zeros
  PetscInt step = 0;
};

// After step `step`: the mean loss of the step's samples (at the bends before its update).
struct CurveRow {
  PetscInt step;
  double mean_loss;
};

// "mean loss 0.0123": the detail of a progress line.
std::string describe(const CurveRow& row);

// Trains until state.step = steps or stop() returns true (checked before each step, on every
// rank; the state is then at a whole step). on_step gets each step's row on every rank. The
// outcome's history stays empty (the rows are CurveRows: they go to on_step); converged means
// every step was taken. Collective on groups.world(); group_energy lives on groups.comm().
NebOutcome train_curve(core::WorkGroups& groups, PathEnergy& group_energy,
                       const CurveSettings& settings, CurveState& state,
                       const std::function<bool()>& stop,
                       const std::function<void(const CurveRow&)>& on_step);

}  // namespace terrain::geometry
