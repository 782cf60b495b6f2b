#pragma once
// Where a surface keeps its finished points until it is whole, so that a stopped or killed run
// loses at most the chunks in flight. The directory "<output>.surface-<name>/" holds
//
//   plan.h5                      attrs fingerprint (SurfaceConfig::fingerprint), n_points,
//                                columns; /directions (geometry/direction_record.hpp): what
//                                the surface is, written before its first point
//   part_s<session>_g<group>.h5  attrs fingerprint, columns; datasets point int64[k],
//                                values float64[k, n_columns]: one group's finished points of
//                                one session, rewritten atomically (temporary + rename) by the
//                                group's first rank at every save
//
// A point is written by the group that computed it, never by gathering the grid. A new session
// finding the directory resumes: the plan's fingerprint must match, else it is refused with one
// line naming the option that differs; the plan's directions are used as they are (so another
// rank count cannot change them), and every part file's points count as done.
#include <mpi.h>

#include <string>
#include <vector>

#include "geometry/direction_record.hpp"
#include "geometry/surface_point.hpp"

namespace terrain::geometry {

class SurfaceParts {
 public:
  // Collective on world. When the directory exists, checks its plan and reads the directions
  // and every finished point (resumed()); otherwise nothing is created before begin().
  SurfaceParts(MPI_Comm world, const std::string& output, const std::string& name,
               const std::string& fingerprint, PetscInt n_points);
  // Collective: creates the directory and the plan of a new surface.
  void begin(const DirectionRecord& directions);
  // The directions of a resumed surface: dx, dy on every rank, the rest on rank 0.
  const DirectionRecord& directions() const { return directions_; }

  const std::string& directory() const { return directory_; }
  bool resumed() const { return resumed_; }
  // On every rank: 1 for the points finished when this session started (or collected).
  const std::vector<int>& done() const { return done_; }
  PetscInt n_done() const;
  // On rank 0 of world only (after the constructor or collect()): the values of every point,
  // NaN where not done.
  const std::vector<PointValues>& values() const { return values_; }

  // A group keeps its points in memory (every rank of the group, the same values).
  void record(PetscInt point, const PointValues& v);
  // Collective on `group` (whose rank 0 writes): the group's points of this session into its
  // part file. Every rank of the group throws the same InputError when the write fails.
  void save(MPI_Comm group, int group_index);
  // Collective on world, after every group saved: rereads all part files (rank 0) so that
  // values() and done() cover the whole surface.
  void collect();
  // Collective: deletes the directory (after the whole surface is in its file).
  void remove();

 private:
  void read_parts();  // rank 0

  MPI_Comm world_;
  std::string directory_, fingerprint_;
  PetscInt n_points_ = 0, session_ = 0;
  bool resumed_ = false;
  DirectionRecord directions_;
  std::vector<int> done_;
  std::vector<PointValues> values_;
  std::vector<std::int64_t> mine_points_;  // this group's points of this session
  std::vector<double> mine_values_;
};

}  // namespace terrain::geometry
