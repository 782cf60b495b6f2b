#pragma once
// The loss profile of a path θ(t), t ∈ [0, 1], θ(0) = A, θ(1) = B: train (and test) loss and
// accuracy on a dense grid of t, and the two barriers of the mode-connectivity literature:
//
//   rise  = max_t L(t) − max(L_A, L_B)                (Draxler et al. 2018; 0 when monotone)
//   chord = max_t [L(t) − ((1 − t) L_A + t L_B)]      (Frankle et al. 2020; Entezari et al.)
//   height = max_t L(t)                               (the saddle loss a minimum spanning tree
//   uses)
//
// The grid points are dealt round-robin to the work groups (each evaluates its points
// data-parallel with one forward-only pass per dataset); every rank of the world receives the
// whole profile, independent of the group count.
#include <functional>
#include <vector>

#include "core/work_groups.hpp"
#include "data/dataset.hpp"
#include "objective/objective.hpp"

namespace terrain::geometry {

struct PathProfile {
  std::vector<double> t;
  std::vector<double> train_loss, train_acc;
  std::vector<double> test_loss, test_acc;  // empty without a test set
};

struct Barrier {
  double rise = 0, t_rise = 0;    // max_t L(t) − max(L_A, L_B), and where
  double chord = 0, t_chord = 0;  // max_t [L(t) − chord(t)], and where
  double height = 0;              // max_t L(t)
};

// The barriers of a sampled profile (t ascending from 0 to 1; loss[0] = L_A, back() = L_B).
Barrier barrier_of(const std::vector<double>& t, const std::vector<double>& loss);

// `samples` equally spaced values from 0 to 1, merged with `extra` (e.g. the images'
// positions), ascending, values closer than 1e-12 kept once.
std::vector<double> profile_grid(PetscInt samples, const std::vector<double>& extra);

// θ(t), whole on every rank.
using PathPoint = std::function<std::vector<double>(double t)>;

// Collective on groups.world(). `f` is this rank's group objective, `train` its training set,
// `test` the group's test set (null: no test columns). Group 0 prints the progress.
PathProfile sample_profile(const core::WorkGroups& groups, objective::Objective& f,
                           const data::Dataset& train, const data::Dataset* test,
                           const std::vector<double>& t, const PathPoint& point);

}  // namespace terrain::geometry
