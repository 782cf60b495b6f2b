#pragma once
// The grid of a loss surface: 1-D (x only) or 2-D, any nx and ny, from ranges "lo:hi:n".
//
// Storage order: point (i, j) at coordinates (x_i, y_j) is number p = i·ny + j, and every value
// array is stored [nx, ny] row-major (x the first, slow index; [nx] for 1-D) — the layout of
// loss-landscape's files, so value[i, j] belongs to (xcoordinates[i], ycoordinates[j]).
//
// Work is dealt out in chunks: runs of at most `chunk` consecutive points along the fast axis
// (y in 2-D, x in 1-D) that never cross a row. A chunk is the unit of restart and of warm starts
// (each curvature solve of a chunk starts from the previous point's eigenvectors), so its
// results depend only on the chunk and the ranks computing it, never on which group ran what
// before.
#include <petscsys.h>

#include <string>
#include <vector>

namespace terrain::geometry {

struct Range {
  double lo = 0, hi = 0;
  PetscInt n = 0;
  std::string text;  // as given: "-1:1:51"

  // "lo:hi:n" with lo < hi and n ≥ 2, or "v:v:1" (a single coordinate); anything else is an
  // InputError naming `option`.
  static Range parse(const std::string& text, const std::string& option);
  // lo + (hi − lo)·k/(n − 1): exactly lo first and hi last.
  std::vector<double> coordinates() const;
};

struct Chunk {
  PetscInt index = 0;
  std::vector<PetscInt> points;  // point numbers p, consecutive along the fast axis
};

class SurfaceGrid {
 public:
  SurfaceGrid(Range x, bool two_d, Range y);
  int dims() const { return two_d_ ? 2 : 1; }
  PetscInt nx() const { return x_.n; }
  PetscInt ny() const { return two_d_ ? y_.n : 1; }
  PetscInt size() const { return nx() * ny(); }
  const Range& x_range() const { return x_; }
  const Range& y_range() const { return y_; }
  const std::vector<double>& xs() const { return xs_; }
  const std::vector<double>& ys() const { return ys_; }  // {0} for 1-D
  double x_of(PetscInt p) const { return xs_[p / ny()]; }
  double y_of(PetscInt p) const { return ys_[p % ny()]; }
  // The chunks of at most `chunk` points, in point order.
  std::vector<Chunk> chunks(PetscInt chunk) const;
  // The dataset shape: {nx} or {nx, ny}.
  std::vector<std::size_t> shape() const;

 private:
  Range x_, y_;
  bool two_d_ = false;
  std::vector<double> xs_, ys_;
};

}  // namespace terrain::geometry
