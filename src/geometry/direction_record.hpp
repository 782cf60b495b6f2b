#pragma once
// The directions of a surface as they are stored: both vectors whole, and what they are. A
// surface keeps them in its plan (geometry/surface_parts.hpp) so that a resumed surface uses
// exactly the directions it began with, whatever the rank count now, and writes them next to
// the values as
//
//   <group>/xdirection, ydirection   float64[n_params], attrs kind, normalisation, bias_policy,
//                                    seed (−1: not random), component (−1: not pca/eigen),
//                                    source, norm, eigenvalue, residual,
//                                    explained_variance_ratio
//   <group>                          attrs cosine, orthogonalized
//   <group>/landmarks                attr names (comma-separated); x, y float64[k]
//   <group>/pca                      (pca directions) explained_variance_ratio [k],
//                                    proj_xcoord, proj_ycoord float64[T], step int64[T]
#include <cstdint>
#include <string>
#include <vector>

#include "geometry/directions.hpp"
#include "io/run_file.hpp"

namespace terrain::geometry {

struct DirectionInfo {
  std::string kind = "none", normalisation = "none", bias_policy = "keep", source;
  std::int64_t seed = -1, component = -1;
  double norm = 0, eigenvalue = 0, residual = 0, explained_variance_ratio = 0;
};

struct DirectionRecord {
  DirectionInfo x, y;          // y.kind "none" for a 1-D surface
  std::vector<double> dx, dy;  // whole vectors (dy empty for 1-D)
  double cosine = 0;
  bool orthogonalized = false;
  std::vector<std::string> landmark_names;
  std::vector<double> landmark_x, landmark_y;
  std::vector<double> explained_variance_ratio, proj_x, proj_y;
  std::vector<std::int64_t> proj_step;

  bool two_d() const { return !dy.empty(); }

  // Collective on the directions' communicator: every rank gets the whole record.
  static DirectionRecord from(const DirectionSet& set);
  // Collective on the file's communicator (rank 0's record is written).
  void write(io::RunFile& file, const std::string& group) const;
  static DirectionRecord read(const io::RunFile& file, const std::string& group);
};

}  // namespace terrain::geometry
