#pragma once
// AutoNEB (Draxler, Veschgini, Salmhofer & Hamprecht 2018): a nudged elastic band (neb.hpp, with
// its finite spring and climbing image) refined where it is too coarse. Each cycle runs the
// band for neb.max_steps steps (or to neb.ftol), then samples the loss inside every segment
// i → i+1 at samples_per_segment evenly spaced interior points s = j/(S+1) (values only, dealt
// to the groups like the images), measures the rise of each sample above the segment's chord
// (1−s) E_i + s E_{i+1}, and inserts a new image at the highest-rising sample of the segments
// whose rise exceeds rise_tolerance · (max − min of the band's energies) — the largest rises
// first, at most insert_per_cycle per cycle and never beyond max_images interior images. It
// stops after `cycles` NEB runs, or when no segment rises (the last run of the band, with its
// climbing image, then gave the saddle). After an insertion FIRE starts afresh (zero
// velocities, dt0), and climb_after counts from the cycle's first step.
//
// The state (the band and where the cycles are) continues bitwise from any copy, as run_neb's.
// Memory: as neb.hpp for up to max_images + 2 images; the samples are evaluated one at a time.
#include <petscsys.h>

#include "geometry/neb.hpp"

namespace terrain::geometry {

struct AutoNebSettings {
  NebSettings neb;
  PetscInt cycles = 4;               // most NEB runs                      -path_cycles
  PetscInt insert_per_cycle = 2;     // most images inserted per cycle     -path_insert
  PetscInt samples_per_segment = 8;  // loss samples inside each segment   -path_segment_samples
  PetscInt max_images = 32;          // most interior images               -path_max_images
  double rise_tolerance = 0.02;      // smallest rise that inserts, relative to the energy range
  void validate() const;
};

struct AutoNebState {
  BandState band;
  PetscInt cycle = 0;        // cycles completed (NEB run and insertion)
  PetscInt cycle_start = 0;  // band.step when the current cycle began
  bool finished = false;     // no further cycle: a call only re-evaluates the band
};

// Collective on groups.world(); stop() and on_step as for run_neb (the rows of every cycle go
// to on_step and into the history; after an insertion the new band's row repeats the step).
NebOutcome run_autoneb(core::WorkGroups& groups, PathEnergy& group_energy,
                       const AutoNebSettings& settings, AutoNebState& state,
                       const std::function<bool()>& stop,
                       const std::function<void(const NebRow&)>& on_step);

}  // namespace terrain::geometry
