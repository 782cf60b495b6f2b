#include "geometry/minimum_spanning_tree.hpp"

#include <lemon/kruskal.h>
#include <lemon/list_graph.h>

#include "core/error.hpp"

namespace terrain::geometry {

SpanningTree minimum_spanning_tree(const std::vector<double>& weight, std::size_t k) {
  TERRAIN_CHECK(k >= 2 && weight.size() == k * k,
                "internal: a spanning tree needs a K x K weight matrix with K >= 2");
  lemon::ListGraph graph;
  std::vector<lemon::ListGraph::Node> nodes;
  lemon::ListGraph::NodeMap<std::int64_t> index(graph);
  for (std::size_t i = 0; i < k; ++i) {
    nodes.push_back(graph.addNode());
    index[nodes.back()] = static_cast<std::int64_t>(i);
  }
  lemon::ListGraph::EdgeMap<double> cost(graph);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i + 1; j < k; ++j)
      cost[graph.addEdge(nodes[i], nodes[j])] = weight[i * k + j];
  std::vector<lemon::ListGraph::Edge> chosen;
  SpanningTree tree;
  tree.total = lemon::kruskal(graph, cost, std::back_inserter(chosen));
  for (const auto& e : chosen) {
    std::int64_t a = index[graph.u(e)], b = index[graph.v(e)];
    if (a > b) std::swap(a, b);
    tree.edges.push_back(a);
    tree.edges.push_back(b);
    tree.weights.push_back(cost[e]);
  }
  return tree;
}

}  // namespace terrain::geometry
