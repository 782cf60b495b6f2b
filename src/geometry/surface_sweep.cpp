#include "geometry/surface_sweep.hpp"

#include <cstdio>
#include <string>

#include "core/progress.hpp"
#include "core/signals.hpp"

namespace terrain::geometry {

namespace {
std::string describe(double x, double y, int dims, const PointValues& v) {
  char text[128];
  if (dims == 2)
    std::snprintf(text, sizeof text, "(%.4g, %.4g) loss %.6e", x, y, v[train_loss]);
  else
    std::snprintf(text, sizeof text, "x %.4g loss %.6e", x, v[train_loss]);
  return text;
}
}  // namespace

SweepOutcome sweep_surface(MPI_Comm group, int group_index, const SurfaceGrid& grid,
                           const std::vector<Chunk>& chunks, SurfaceMeasure& measure,
                           SurfaceParts& parts, double save_every) {
  SweepOutcome out;
  PetscInt total = 0;
  for (const Chunk& c : chunks) total += static_cast<PetscInt>(c.points.size());
  core::Progress progress(group, "surface group " + std::to_string(group_index) + ": points",
                          total);
  double last_save = MPI_Wtime();
  bool unsaved = false;
  for (const Chunk& chunk : chunks) {
    std::vector<PointValues> values;
    measure.begin_chunk();
    for (PetscInt p : chunk.points) {
      if (core::StopSignals::received_anywhere(group)) {
        out.stopped = true;
        break;
      }
      values.push_back(measure.measure(grid.x_of(p), grid.y_of(p)));
      progress.update(out.computed + PetscInt(values.size()),
                      describe(grid.x_of(p), grid.y_of(p), grid.dims(), values.back()));
    }
    if (out.stopped) break;  // the unfinished chunk is redone on resume
    for (std::size_t k = 0; k < values.size(); ++k) parts.record(chunk.points[k], values[k]);
    out.computed += PetscInt(values.size());
    unsaved = true;
    // Every rank of the group decides alike: rank 0's clock.
    int save = MPI_Wtime() - last_save >= save_every;
    MPI_Bcast(&save, 1, MPI_INT, 0, group);
    if (save) {
      parts.save(group, group_index);
      last_save = MPI_Wtime();
      unsaved = false;
    }
  }
  if (unsaved) parts.save(group, group_index);
  progress.finish(std::to_string(out.computed) + " points" + (out.stopped ? " (stopped)" : ""));
  return out;
}

}  // namespace terrain::geometry
