#include "geometry/polyline.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace terrain::geometry {

double distance(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}

std::vector<double> arc_positions(const Images& images) {
  TERRAIN_CHECK(images.size() >= 2, "internal: a path needs at least its two ends");
  std::vector<double> t(images.size(), 0.0);
  for (std::size_t i = 1; i < images.size(); ++i)
    t[i] = t[i - 1] + distance(images[i - 1], images[i]);
  const double total = t.back();
  if (total == 0) {  // one point (two minima aligned onto each other): spaced by index
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = double(i) / double(t.size() - 1);
    return t;
  }
  for (double& x : t) x /= total;
  t.back() = 1.0;
  return t;
}

std::vector<double> polyline_point(const Images& images, const std::vector<double>& positions,
                                   double t) {
  // The segment [t_i, t_{i+1}] holding t; zero-length segments (repeated images) are skipped.
  std::size_t i = std::upper_bound(positions.begin(), positions.end(), t) - positions.begin();
  if (i == 0) return images.front();
  if (i >= positions.size()) return images.back();
  const double span = positions[i] - positions[i - 1];
  const double s = span > 0 ? (t - positions[i - 1]) / span : 0.0;
  const std::vector<double>& a = images[i - 1];
  const std::vector<double>& b = images[i];
  std::vector<double> x(a.size());
  for (std::size_t k = 0; k < a.size(); ++k) x[k] = s == 0 ? a[k] : a[k] + s * (b[k] - a[k]);
  return x;
}

}  // namespace terrain::geometry
