#include "geometry/surface_grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "core/error.hpp"

namespace terrain::geometry {

namespace {
// A whole number or a finite real, all of `s`.
bool parse_double(const std::string& s, double* v) {
  if (s.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(*v);
}
bool parse_count(const std::string& s, PetscInt* n) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9)
    return false;
  *n = static_cast<PetscInt>(std::strtol(s.c_str(), nullptr, 10));
  return true;
}
}  // namespace

Range Range::parse(const std::string& text, const std::string& option) {
  Range r;
  r.text = text;
  const std::size_t a = text.find(':'), b = a == std::string::npos ? a : text.find(':', a + 1);
  const bool three = b != std::string::npos && text.find(':', b + 1) == std::string::npos;
  TERRAIN_CHECK(three && parse_double(text.substr(0, a), &r.lo) &&
                    parse_double(text.substr(a + 1, b - a - 1), &r.hi) &&
                    parse_count(text.substr(b + 1), &r.n),
                option << " must be lo:hi:n (e.g. -1:1:51), got '" << text << "'");
  TERRAIN_CHECK(r.n >= 1, option << " needs at least one point, got n = " << r.n);
  if (r.n == 1)
    TERRAIN_CHECK(r.lo == r.hi,
                  option << " with n = 1 is a single value: give v:v:1, got '" << text << "'");
  else
    TERRAIN_CHECK(r.lo < r.hi,
                  option << " must run from low to high (lo < hi), got '" << text << "'");
  return r;
}

std::vector<double> Range::coordinates() const {
  std::vector<double> c(n);
  // n = 1 has lo = hi (parse), so the last point is also the first.
  for (PetscInt k = 0; k < n; ++k)
    c[k] = k + 1 == n ? hi : lo + (hi - lo) * double(k) / double(n - 1);
  return c;
}

SurfaceGrid::SurfaceGrid(Range x, bool two_d, Range y)
    : x_(std::move(x)), y_(std::move(y)), two_d_(two_d), xs_(x_.coordinates()) {
  ys_ = two_d_ ? y_.coordinates() : std::vector<double>{0.0};
  if (!two_d_) y_ = Range{};
}

std::vector<Chunk> SurfaceGrid::chunks(PetscInt chunk) const {
  std::vector<Chunk> out;
  // 2-D: rows i of ny points along y; 1-D: one row of nx points along x.
  const PetscInt rows = two_d_ ? nx() : 1, row_length = two_d_ ? ny() : nx();
  for (PetscInt r = 0; r < rows; ++r)
    for (PetscInt s = 0; s < row_length; s += chunk) {
      Chunk c;
      c.index = static_cast<PetscInt>(out.size());
      for (PetscInt k = s; k < std::min(s + chunk, row_length); ++k)
        c.points.push_back(r * row_length + k);
      out.push_back(std::move(c));
    }
  return out;
}

std::vector<std::size_t> SurfaceGrid::shape() const {
  if (two_d_) return {std::size_t(nx()), std::size_t(ny())};
  return {std::size_t(nx())};
}

}  // namespace terrain::geometry
