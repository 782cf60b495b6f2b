// The surface grid: ranges, coordinates, the documented storage order on a non-square grid,
// and chunks that never cross a row.
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

#include "core/error.hpp"
#include "geometry/surface_grid.hpp"

using namespace terrain;
using geometry::Range;
using geometry::SurfaceGrid;

namespace {
bool throws_naming(const std::string& text, const std::string& needle) {
  try {
    Range::parse(text, "-surf_x");
  } catch (const core::InputError& e) {
    const std::string what = e.what();
    return what.find("-surf_x") != std::string::npos && what.find(needle) != std::string::npos;
  }
  return false;
}
}  // namespace

BOOST_AUTO_TEST_CASE(ranges_parse_and_span_exactly) {
  const Range r = Range::parse("-1:1:51", "-surf_x");
  BOOST_TEST(r.n == 51);
  const std::vector<double> c = r.coordinates();
  BOOST_TEST(c.front() == -1.0);
  BOOST_TEST(c.back() == 1.0);
  BOOST_TEST(c[25] == 0.0);
  BOOST_TEST(Range::parse("0.5:0.5:1", "-surf_x").coordinates() == std::vector<double>{0.5});
  BOOST_TEST(Range::parse("-2e-1:3:4", "-surf_x").coordinates()[1] == -0.2 + 3.2 / 3);
}

BOOST_AUTO_TEST_CASE(bad_ranges_name_the_option) {
  BOOST_TEST(throws_naming("", "lo:hi:n"));
  BOOST_TEST(throws_naming("-1:1", "lo:hi:n"));
  BOOST_TEST(throws_naming("-1:1:5:3", "lo:hi:n"));
  BOOST_TEST(throws_naming("a:1:5", "lo:hi:n"));
  BOOST_TEST(throws_naming("-1:1:2.5", "lo:hi:n"));
  BOOST_TEST(throws_naming("-1:1:-3", "lo:hi:n"));
  BOOST_TEST(throws_naming("-1:1:0", "at least one point"));
  BOOST_TEST(throws_naming("1:-1:5", "lo < hi"));
  BOOST_TEST(throws_naming("1:1:5", "lo < hi"));
  BOOST_TEST(throws_naming("0:1:1", "single value"));
  BOOST_TEST(throws_naming("nan:1:3", "lo:hi:n"));
  BOOST_TEST(throws_naming("0:inf:3", "lo:hi:n"));
}

BOOST_AUTO_TEST_CASE(storage_order_is_x_first_on_a_non_square_grid) {
  const SurfaceGrid g(Range::parse("0:6:7", "-surf_x"), true, Range::parse("10:13:4", "-surf_y"));
  BOOST_TEST(g.dims() == 2);
  BOOST_TEST(g.nx() == 7);
  BOOST_TEST(g.ny() == 4);
  BOOST_TEST(g.size() == 28);
  BOOST_TEST((g.shape() == std::vector<std::size_t>{7, 4}));
  // Point p = i·ny + j is (x_i, y_j): element [i, j] of a row-major [nx, ny] array.
  for (PetscInt i = 0; i < 7; ++i)
    for (PetscInt j = 0; j < 4; ++j) {
      BOOST_TEST(g.x_of(i * 4 + j) == double(i));
      BOOST_TEST(g.y_of(i * 4 + j) == 10.0 + j);
    }
}

BOOST_AUTO_TEST_CASE(chunks_cover_every_point_once_within_rows) {
  const SurfaceGrid g(Range::parse("0:6:7", "-surf_x"), true, Range::parse("0:4:5", "-surf_y"));
  const auto chunks = g.chunks(2);
  BOOST_TEST(chunks.size() == 7u * 3u);  // rows of 5 points: 2 + 2 + 1
  std::set<PetscInt> seen;
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    BOOST_TEST(chunks[k].index == PetscInt(k));
    const auto& pts = chunks[k].points;
    BOOST_TEST(pts.size() <= 2u);
    for (std::size_t m = 0; m < pts.size(); ++m) {
      BOOST_TEST(seen.insert(pts[m]).second);
      BOOST_TEST(g.x_of(pts[m]) == g.x_of(pts[0]));  // one row
      if (m) BOOST_TEST(pts[m] == pts[m - 1] + 1);
    }
  }
  BOOST_TEST(seen.size() == std::size_t(g.size()));
  // 1-D: chunks run along x.
  const SurfaceGrid line(Range::parse("-1:1:9", "-surf_x"), false, Range{});
  BOOST_TEST(line.dims() == 1);
  BOOST_TEST(line.ny() == 1);
  const auto lc = line.chunks(4);
  BOOST_TEST(lc.size() == 3u);
  BOOST_TEST(lc[1].points.front() == 4);
  BOOST_TEST(line.x_of(8) == 1.0);
}
