#include "geometry/linear_assignment.hpp"

#include <lemon/network_simplex.h>
#include <lemon/static_graph.h>

#include <cmath>
#include <limits>
#include <utility>

#include "core/error.hpp"

namespace terrain::geometry {

namespace {

void check_matrix(const std::vector<double>& weight, PetscInt n) {
  TERRAIN_CHECK(
      n >= 0 && static_cast<std::size_t>(n) * static_cast<std::size_t>(n) == weight.size(),
      "linear assignment: a weight matrix of " << weight.size() << " entries is not " << n << " x "
                                               << n);
  for (double w : weight)
    TERRAIN_CHECK(std::isfinite(w), "linear assignment: a weight is not finite (" << w << ")");
}

}  // namespace

// Minimisation of c = −weight. Invariants (Crouse 2016, §4): dual potentials u (rows), v
// (columns) with c[i,j] − u[i] − v[j] ≥ 0 for all pairs and = 0 on assigned pairs; each new row
// is joined by the shortest augmenting path in the reduced costs (Dijkstra over columns: every
// reduced cost is ≥ 0), after which the potentials are updated by the path lengths so the
// invariants hold again with one more row assigned. After n rows the assignment is optimal by
// complementary slackness.
std::vector<PetscInt> max_weight_assignment(const std::vector<double>& weight, PetscInt n) {
  check_matrix(weight, n);
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n, 0.0), v(n, 0.0), dist(n);
  std::vector<PetscInt> col4row(n, -1), row4col(n, -1), path(n, -1), remaining(n);
  std::vector<char> row_seen(n), col_done(n);
  for (PetscInt cur = 0; cur < n; ++cur) {
    // Dijkstra from row `cur` until it reaches an unassigned column (the sink).
    for (PetscInt it = 0; it < n; ++it) remaining[it] = n - it - 1;
    std::fill(row_seen.begin(), row_seen.end(), 0);
    std::fill(col_done.begin(), col_done.end(), 0);
    std::fill(dist.begin(), dist.end(), inf);
    PetscInt n_remaining = n, sink = -1, i = cur;
    double min_val = 0;
    while (sink < 0) {
      row_seen[i] = 1;
      const double* w = weight.data() + static_cast<std::size_t>(i) * n;
      const double base = min_val - u[i];
      PetscInt best = -1;
      double lowest = inf;
      for (PetscInt it = 0; it < n_remaining; ++it) {
        const PetscInt j = remaining[it];
        const double r = base - w[j] - v[j];
        if (r < dist[j]) {
          path[j] = i;
          dist[j] = r;
        }
        if (dist[j] < lowest || (dist[j] == lowest && row4col[j] < 0)) {
          lowest = dist[j];
          best = it;
        }
      }
      TERRAIN_CHECK(best >= 0 && lowest < inf, "internal: linear assignment found no path");
      min_val = lowest;
      const PetscInt j = remaining[best];
      col_done[j] = 1;
      remaining[best] = remaining[--n_remaining];
      if (row4col[j] < 0)
        sink = j;
      else
        i = row4col[j];
    }
    // The potentials: the rows and columns the search settled move by their path lengths.
    u[cur] += min_val;
    for (PetscInt r = 0; r < n; ++r)
      if (row_seen[r] && r != cur) u[r] += min_val - dist[col4row[r]];
    for (PetscInt c = 0; c < n; ++c)
      if (col_done[c]) v[c] -= min_val - dist[c];
    // Augment along the path back from the sink.
    for (PetscInt j = sink;;) {
      const PetscInt r = path[j];
      row4col[j] = r;
      std::swap(col4row[r], j);
      if (r == cur) break;
    }
  }
  return col4row;
}

std::vector<PetscInt> max_weight_assignment_lemon(const std::vector<double>& weight, PetscInt n) {
  check_matrix(weight, n);
  if (n == 0) return {};
  // Rows are nodes 0..n−1 (supply 1), columns n..2n−1 (demand 1), one arc per pair in row-major
  // order (StaticDigraph wants the arcs sorted by source), cost −weight.
  using Graph = lemon::StaticDigraph;
  std::vector<std::pair<int, int>> arcs;
  arcs.reserve(static_cast<std::size_t>(n) * n);
  for (PetscInt i = 0; i < n; ++i)
    for (PetscInt j = 0; j < n; ++j) arcs.emplace_back(int(i), int(n + j));
  Graph g;
  g.build(int(2 * n), arcs.begin(), arcs.end());
  Graph::ArcMap<double> cost(g);
  for (std::size_t k = 0; k < arcs.size(); ++k) cost[g.arc(int(k))] = -weight[k];
  Graph::NodeMap<int> supply(g);
  for (PetscInt k = 0; k < 2 * n; ++k) supply[g.node(int(k))] = k < n ? 1 : -1;
  using Simplex = lemon::NetworkSimplex<Graph, int, double>;
  Simplex simplex(g);
  simplex.costMap(cost).supplyMap(supply);
  TERRAIN_CHECK(simplex.run() == Simplex::OPTIMAL,
                "internal: LEMON's network simplex found no optimal assignment");
  std::vector<PetscInt> perm(n, -1);
  for (std::size_t k = 0; k < arcs.size(); ++k)
    if (simplex.flow(g.arc(int(k))) > 0) perm[k / n] = static_cast<PetscInt>(k % n);
  for (PetscInt i = 0; i < n; ++i)
    TERRAIN_CHECK(perm[i] >= 0, "internal: LEMON left row " << i << " unassigned");
  return perm;
}

double assignment_value(const std::vector<double>& weight, PetscInt n,
                        const std::vector<PetscInt>& perm) {
  TERRAIN_CHECK(static_cast<PetscInt>(perm.size()) == n,
                "internal: an assignment of " << perm.size() << " rows for " << n);
  double s = 0;
  for (PetscInt i = 0; i < n; ++i) s += weight[static_cast<std::size_t>(i) * n + perm[i]];
  return s;
}

}  // namespace terrain::geometry
