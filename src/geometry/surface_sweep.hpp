#pragma once
// One work group's share of a surface: its chunks one after another, every point measured
// data-parallel over the group's ranks, the finished chunks saved to the group's part file
// every -surf_save_every seconds, at the end, and when a stop signal (SIGTERM, SIGUSR1) arrives
// — then the chunk in flight is dropped (it is redone on resume, so a chunk's warm starts are
// always the same) and the sweep returns.
#include <mpi.h>

#include <vector>

#include "geometry/surface_grid.hpp"
#include "geometry/surface_parts.hpp"
#include "geometry/surface_point.hpp"

namespace terrain::geometry {

struct SweepOutcome {
  bool stopped = false;
  PetscInt computed = 0;  // points this group finished in this session
};

// Collective on `group`. Throws InputError (on every rank of the group) when a save fails.
SweepOutcome sweep_surface(MPI_Comm group, int group_index, const SurfaceGrid& grid,
                           const std::vector<Chunk>& chunks, SurfaceMeasure& measure,
                           SurfaceParts& parts, double save_every);

}  // namespace terrain::geometry
