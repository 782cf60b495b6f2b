#pragma once
// terrain-surface's phases: the centre and its data (study/point_input.hpp), the directions
// (made, or taken from the plan of a surface being resumed), the sharpness at the centre, the
// sweep over work groups (geometry/surface_sweep.hpp), and /surface/<name> in the output file.
#include <memory>

#include "core/work_groups.hpp"
#include "geometry/direction_record.hpp"
#include "geometry/sharpness.hpp"
#include "geometry/surface_config.hpp"
#include "geometry/surface_parts.hpp"
#include "study/point_input.hpp"

namespace terrain::study {

class SurfaceStudy {
 public:
  explicit SurfaceStudy(geometry::SurfaceConfig config);
  ~SurfaceStudy();
  void run();

 private:
  void setup();
  void make_directions();
  void measure_sharpness();
  void sweep();
  void output_results();

  geometry::SurfaceConfig config_;
  MPI_Comm world_ = PETSC_COMM_WORLD;
  double start_ = 0;
  std::unique_ptr<PointInput> in_;  // on the world, then on this rank's group
  std::vector<double> centre_;      // θ, whole on every rank
  std::string source_;              // where θ came from
  bool has_test_ = false;
  std::unique_ptr<geometry::SurfaceGrid> grid_;
  std::unique_ptr<geometry::SurfaceParts> parts_;
  geometry::DirectionRecord directions_;
  std::unique_ptr<geometry::SharpnessReport> sharpness_;
  std::unique_ptr<core::WorkGroups> groups_;
  bool stopped_ = false;
  PetscInt computed_ = 0;
  double sweep_seconds_ = 0;
};

}  // namespace terrain::study
