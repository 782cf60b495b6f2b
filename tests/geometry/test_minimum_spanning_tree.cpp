// geometry::minimum_spanning_tree (LEMON's Kruskal) against brute force: every labelled tree on
// K nodes (Cayley's K^(K−2), from Prüfer sequences) on random symmetric weights; the tree's
// total is the least, its edges span all nodes, and its route between any two minima is a
// minimax path (the highest edge on it is the least over every tree's route).
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cstdint>
#include <functional>
#include <numeric>
#include <vector>

#include "core/rng.hpp"
#include "geometry/minimum_spanning_tree.hpp"

using namespace terrain;

namespace {

// The edges of the tree with Prüfer sequence `code` on k nodes.
std::vector<std::pair<int, int>> prufer_tree(const std::vector<int>& code, int k) {
  std::vector<int> degree(k, 1);
  for (int c : code) ++degree[c];
  std::vector<std::pair<int, int>> edges;
  for (int c : code)
    for (int leaf = 0; leaf < k; ++leaf)
      if (degree[leaf] == 1) {
        edges.emplace_back(leaf, c);
        --degree[leaf];
        --degree[c];
        break;
      }
  std::vector<int> last;
  for (int i = 0; i < k; ++i)
    if (degree[i] == 1) last.push_back(i);
  edges.emplace_back(last[0], last[1]);
  return edges;
}

// The highest edge weight on the route from a to b in a tree.
double route_max(const std::vector<std::pair<int, int>>& edges, const std::vector<double>& w,
                 int k, int a, int b) {
  std::function<double(int, int, double)> walk = [&](int at, int from, double high) -> double {
    if (at == b) return high;
    for (auto [u, v] : edges) {
      const int next = u == at ? v : (v == at ? u : -1);
      if (next < 0 || next == from) continue;
      const double r = walk(next, at, std::max(high, w[u * k + v]));
      if (r >= 0) return r;
    }
    return -1;
  };
  return walk(a, -1, 0.0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(kruskal_equals_brute_force) {
  for (int k : {2, 3, 5, 6}) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      std::vector<double> w(k * k, 0.0);
      for (int i = 0; i < k; ++i)
        for (int j = i + 1; j < k; ++j)
          w[i * k + j] = w[j * k + i] = core::uniform(seed, core::Stream::test_vector, i * k + j);
      const geometry::SpanningTree tree = geometry::minimum_spanning_tree(w, k);
      BOOST_TEST(tree.edges.size() == std::size_t(2 * (k - 1)));
      std::vector<std::pair<int, int>> mine;
      double total = 0;
      for (int e = 0; e + 1 < k; ++e) {
        const int a = int(tree.edges[2 * e]), b = int(tree.edges[2 * e + 1]);
        BOOST_TEST(a < b);
        BOOST_TEST(tree.weights[e] == w[a * k + b]);
        total += w[a * k + b];
        mine.emplace_back(a, b);
      }
      BOOST_TEST(std::abs(total - tree.total) <= 1e-15);
      // Brute force over every labelled tree.
      double best = 1e300;
      std::vector<double> best_route(k * k, 1e300);
      std::vector<int> code(std::max(0, k - 2), 0);
      for (;;) {
        const auto edges = prufer_tree(code, k);
        double sum = 0;
        for (auto [u, v] : edges) sum += w[u * k + v];
        best = std::min(best, sum);
        for (int a = 0; a < k; ++a)
          for (int b = a + 1; b < k; ++b)
            best_route[a * k + b] = std::min(best_route[a * k + b], route_max(edges, w, k, a, b));
        int p = 0;
        while (p < int(code.size()) && ++code[p] == k) code[p++] = 0;
        if (p == int(code.size())) break;
      }
      BOOST_TEST(std::abs(tree.total - best) <= 1e-14, "k " << k << " seed " << seed);
      for (int a = 0; a < k; ++a)
        for (int b = a + 1; b < k; ++b)
          BOOST_TEST(route_max(mine, w, k, a, b) == best_route[a * k + b]);
    }
  }
}
