#include "geometry/path_file.hpp"

#include <algorithm>
#include <cmath>

namespace terrain::geometry {

namespace {
void write_barrier(io::RunFile& file, const std::string& group, const std::string& prefix,
                   const Barrier& b) {
  file.write_attr(group, prefix + "_barrier", b.rise);
  file.write_attr(group, prefix + "_barrier_t", b.t_rise);
  file.write_attr(group, prefix + "_barrier_chord", b.chord);
  file.write_attr(group, prefix + "_barrier_chord_t", b.t_chord);
  file.write_attr(group, prefix + "_height", b.height);
}

std::vector<double> flatten(const Images& rows) {
  std::vector<double> out;
  for (const auto& r : rows) out.insert(out.end(), r.begin(), r.end());
  return out;
}
}  // namespace

void write_path(io::RunFile& file, const std::string& name, const PathRecord& r) {
  const std::string g = "/path/" + name;
  if (file.has(g)) file.remove(g);
  file.create_group(g);
  const std::size_t n_params = r.pivots.empty() ? 0 : r.pivots.front().size();
  file.write_attr(g, "method", r.method);
  file.write_attr(g, "kind", r.kind);
  file.write_attr(g, "align", r.align);
  file.write_attr(g, "source_a", r.source_a);
  file.write_attr(g, "source_b", r.source_b);
  file.write_attr(g, "n_params", static_cast<std::int64_t>(n_params));
  file.write_attr(g, "n_pivots", static_cast<std::int64_t>(r.pivots.size()));
  file.write_attr(g, "converged", static_cast<std::int64_t>(r.converged));
  file.write_attr(g, "reason", r.reason);
  file.write_attr(g, "steps", r.steps);
  file.write_attr(g, "seconds", r.seconds);
  file.write_attr(g, "group_size", r.group_size);
  file.write_attr(g, "n_groups", r.n_groups);
  file.write_attr(g, "end_distance", r.end_distance);
  write_barrier(file, g, "train", r.train);
  const bool has_test = !r.profile.test_loss.empty();
  if (has_test) write_barrier(file, g, "test", r.test);
  if (!r.permutation.empty()) {
    file.write_attr(g, "align_objective_before", r.align_before);
    file.write_attr(g, "align_objective_after", r.align_after);
  }

  file.write_1d(g + "/t", r.profile.t);
  file.write_1d(g + "/train_loss", r.profile.train_loss);
  file.write_1d(g + "/train_acc", r.profile.train_acc);
  if (has_test) {
    file.write_1d(g + "/test_loss", r.profile.test_loss);
    file.write_1d(g + "/test_acc", r.profile.test_acc);
  }
  file.write_2d(g + "/pivots", r.pivots.size(), n_params, flatten(r.pivots));
  if (!r.pivot_t.empty()) file.write_1d(g + "/pivot_t", r.pivot_t);
  file.write_1d(g + "/pivot_loss", r.pivot_loss);
  if (!r.lambda_min.empty()) {
    file.write_1d(g + "/lambda_min", r.lambda_min);
    file.write_1d(g + "/lambda_min_residual", r.lambda_min_residual);
    file.write_1d(g + "/index", r.index);
    file.write_1d(g + "/index_capped", r.index_capped);
  }
  file.create_group(g + "/history");
  file.write_1d(g + "/history/step", r.history_step);
  file.write_1d(g + "/history/value", r.history_value);
  if (!r.permutation.empty()) {
    file.create_group(g + "/permutation");
    for (std::size_t l = 0; l < r.permutation.size(); ++l) {
      file.write_1d(g + "/permutation/layer" + std::to_string(l), r.permutation[l]);
      file.write_1d(g + "/permutation/sign" + std::to_string(l), r.sign[l]);
    }
  }
  const SaddleRecord& s = r.saddle;
  if (s.refined) {
    const std::string sg = g + "/saddle";
    file.create_group(sg);
    file.write_attr(sg, "converged", static_cast<std::int64_t>(s.converged));
    file.write_attr(sg, "reason", s.reason);
    file.write_attr(sg, "loss", s.loss);
    file.write_attr(sg, "grad_norm", s.grad_norm1);
    file.write_attr(sg, "grad_norm2", s.grad_norm2);
    file.write_attr(sg, "iterations", s.iterations);
    file.write_attr(sg, "n_matvec", s.n_matvec);
    file.write_attr(sg, "pivot", s.pivot);
    file.write_attr(sg, "t", s.t);
    file.write_attr(sg, "distance", s.distance);
    file.write_attr(sg, "index", s.index);
    file.write_attr(sg, "n_neg", s.n_neg);
    file.write_attr(sg, "n_zero", s.n_zero);
    file.write_attr(sg, "n_pos", s.n_pos);
    file.write_attr(sg, "tau", s.tau);
    file.write_attr(sg, "lambda_min", s.lambda_min);
    file.write_attr(sg, "cosine_tangent", s.cosine_tangent);
    file.write_1d(sg + "/params", s.params);
  }
}

void write_connectivity(io::RunFile& file, const ConnectivityRecord& r) {
  const std::string g = "/connectivity";
  if (file.has(g)) file.remove(g);
  file.create_group(g);
  const std::size_t k = r.inputs.size();
  std::string joined;
  for (std::size_t i = 0; i < k; ++i) joined += (i ? "," : "") + r.inputs[i];
  file.write_attr(g, "n_minima", static_cast<std::int64_t>(k));
  file.write_attr(g, "inputs", joined);
  file.write_attr(g, "method", r.method);
  file.write_attr(g, "align", r.align);
  file.write_attr(g, "barrier", "height");
  file.write_2d(g + "/barriers", k, k, r.rise);
  file.write_2d(g + "/barriers_chord", k, k, r.chord);
  file.write_2d(g + "/heights", k, k, r.height);
  file.write_2d(g + "/distances", k, k, r.distance);
  file.write_1d(g + "/minimum_class", r.minimum_class);
  std::int64_t distinct = 0;
  for (std::int64_t c : r.minimum_class) distinct = std::max(distinct, c + 1);
  file.write_attr(g, "n_distinct", distinct);
  file.write_attr(g, "distinct_tol", r.distinct_tol);
  file.write_2d(g + "/tree_edges", k - 1, 2, r.tree_edges);
  file.write_1d(g + "/tree_weights", r.tree_weights);
}

}  // namespace terrain::geometry
