#pragma once
// The minimum spanning tree of K minima joined by paths, weighted by each path's height
// (max_t L): in that tree the route between any two minima is a minimax path, so its highest
// edge is the lowest barrier height over every route through the sampled paths (AutoNEB's
// "energy landscape graph"). Kruskal's algorithm from LEMON (liblemon-dev).
#include <cstdint>
#include <vector>

namespace terrain::geometry {

struct SpanningTree {
  std::vector<std::int64_t> edges;  // (K−1) pairs (i, j), i < j, in LEMON's order of choice
  std::vector<double> weights;      // weight of each edge
  double total = 0;
};

// weight: K×K row-major, symmetric (only i < j is read). Ties are broken by LEMON's order,
// which depends only on the input, so the tree is deterministic.
SpanningTree minimum_spanning_tree(const std::vector<double>& weight, std::size_t k);

}  // namespace terrain::geometry
