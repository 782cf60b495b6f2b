#include "geometry/surface_file.hpp"

namespace terrain::geometry {

void write_surface(io::RunFile& f, const std::string& name, const SurfaceGrid& grid,
                   const std::vector<int>& columns, const std::vector<PointValues>& values,
                   const std::vector<int>& done, const DirectionRecord& directions,
                   const SurfaceSummary& summary, const SharpnessReport* sharpness) {
  const std::string g = "/surface/" + name;
  f.remove(g);
  f.create_group(g);
  PetscInt n_done = 0;
  for (int d : done) n_done += d;
  f.write_attr(g, "dims", grid.dims());
  f.write_attr(g, "nx", grid.nx());
  f.write_attr(g, "ny", grid.ny());
  f.write_attr(g, "x_range", grid.x_range().text);
  f.write_attr(g, "y_range", grid.y_range().text);
  f.write_attr(g, "centre", summary.centre);
  f.write_attr(g, "complete", n_done == grid.size());
  f.write_attr(g, "n_done", n_done);
  f.write_attr(g, "n_points", grid.size());
  f.write_attr(g, "group_size", summary.group_size);
  f.write_attr(g, "n_groups", summary.n_groups);
  f.write_attr(g, "chunk", summary.chunk);
  f.write_attr(g, "seconds", summary.seconds);
  f.write_attr(g, "sweep_seconds", summary.sweep_seconds);
  f.write_attr(g, "fingerprint", summary.fingerprint);
  std::string names;
  for (int c : columns) names += std::string(names.empty() ? "" : ",") + column_name(c);
  f.write_attr(g, "columns", names);

  f.write_1d(g + "/xcoordinates", grid.xs());
  if (grid.dims() == 2) f.write_1d(g + "/ycoordinates", grid.ys());
  // Point p = i·ny + j is element [i, j] of a row-major [nx, ny] array: the values go out in
  // point order.
  auto write = [&](const std::string& dataset, const auto& v) {
    if (grid.dims() == 2)
      f.write_2d(dataset, grid.nx(), grid.ny(), v);
    else
      f.write_1d(dataset, v);
  };
  std::vector<double> column(values.size());
  for (int c : columns) {
    for (std::size_t p = 0; p < values.size(); ++p) column[p] = values[p][c];
    write(g + "/" + column_name(c), column);
  }
  write(g + "/done", std::vector<std::int64_t>(done.begin(), done.end()));
  directions.write(f, g);
  if (sharpness) write_sharpness(f, g + "/sharpness", *sharpness);
}

}  // namespace terrain::geometry
