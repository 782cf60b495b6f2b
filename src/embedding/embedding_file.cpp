#include "embedding/embedding_file.hpp"

#include <cstdint>
#include <vector>

namespace terrain::embedding {

using io::RunFile;

namespace {
std::vector<std::int64_t> ints(const std::vector<PetscInt>& v) { return {v.begin(), v.end()}; }

void write_features(RunFile& f, const std::string& g, const embedding::NeuronFeatures& x) {
  f.write_1d(g + "/amplitude", x.amplitude);
  f.write_2d(g + "/direction", x.m, x.cols(), x.direction);
  if (!x.angle.empty()) f.write_1d(g + "/angle", x.angle);
  f.write_2d(g + "/output_weights", x.d_out, x.m, x.output_weights);
}

void write_comparison(RunFile& f, const std::string& g, const embedding::Comparison& c) {
  f.write_attr(g, "agreement", c.agreement.agreement);
  f.write_attr(g, "agreement_set", c.set);
  f.write_attr(g, "n_agreement_samples", c.agreement.n_samples);
  f.write_attr(g, "max_difference", c.agreement.max_difference);
  f.write_attr(g, "loss", c.loss);
  f.write_attr(g, "reference_loss", c.reference_loss);
  f.write_attr(g, "test_loss", c.test_loss);
  f.write_attr(g, "reference_test_loss", c.reference_test_loss);
  if (c.agreement.classification)
    f.write_2d(g + "/agreement_matrix", c.agreement.classes, c.agreement.classes,
               c.agreement.matrix);
}

void write_counts(RunFile& f, const std::string& g, const std::string& when,
                  const embedding::HessianCounts& c) {
  const auto& i = c.inertia;
  f.write_1d(g + "/counts_" + when, std::vector<std::int64_t>{i.n_neg, i.n_zero, i.n_pos});
  f.write_1d(g + "/eigenvalues_" + when, c.eigenvalues);
}
}  // namespace

void write_embedding_report(RunFile& f, const std::string& name,
                            const embedding::EmbeddingReport& r) {
  const std::string g = "/embedding/" + name;
  if (f.has(g)) f.remove(g);
  f.create_group(g);
  f.write_attr(g, "mode", r.mode);
  f.write_attr(g, "source", r.source);
  f.write_attr(g, "step", r.step);
  f.write_attr(g, "source_widths", r.source_widths);
  f.write_attr(g, "target_widths", r.target_widths);
  f.write_attr(g, "n_params_before", r.n_params_before);
  f.write_attr(g, "n_params_after", r.n_params_after);
  f.write_attr(g, "loss_before", r.loss_before);
  f.write_attr(g, "loss_after", r.loss_after);
  f.write_attr(g, "test_loss_before", r.test_loss_before);
  f.write_attr(g, "test_loss_after", r.test_loss_after);
  f.write_attr(g, "max_output_difference", r.max_output_difference);
  if (r.map) {
    f.write_attr(g, "split_rule", r.split_rule);
    if (!r.widening.empty()) {
      f.write_attr(g, "widening", r.widening);
      f.write_attr(g, "split_neuron", r.split_neuron);
    }
    f.write_attr(g, "alpha", r.alpha);
    f.write_attr(g, "layer", r.layer);
    f.write_attr(g, "neuron", r.neuron);
    f.write_attr(g, "grad_norm_before", r.grad_norm_before);
    f.write_attr(g, "grad_norm_after", r.grad_norm_after);
    for (int l = 1; l <= r.map->n_hidden(); ++l) {
      f.write_1d(g + "/map_l" + std::to_string(l), ints(r.map->source[l - 1]));
      f.write_1d(g + "/alpha_l" + std::to_string(l), r.map->share[l - 1]);
    }
  }
  if (r.counts_before && r.counts_after) {
    f.write_attr(g, "counts_tol", r.counts_tol.atol);
    f.write_attr(g, "counts_rtol", r.counts_tol.rtol);
    f.write_attr(g, "counts_tau_before", r.counts_before->inertia.tol);
    f.write_attr(g, "counts_tau_after", r.counts_after->inertia.tol);
    write_counts(f, g, "before", *r.counts_before);
    write_counts(f, g, "after", *r.counts_after);
  }
  if (r.features) write_features(f, g, *r.features);
  if (r.grouping) {
    const auto& gr = *r.grouping;
    f.write_1d(g + "/group", ints(gr.group));
    f.write_1d(g + "/kept", ints(gr.kept));
    f.write_1d(g + "/order", ints(gr.order));
    const std::size_t m = gr.group.size();
    f.write_2d(g + "/similarity", m, m, r.similarity);
    f.write_attr(g, "width_before", static_cast<std::int64_t>(m));
    f.write_attr(g, "width_after", static_cast<std::int64_t>(gr.kept.size()));
    f.write_attr(g, "n_dropped", gr.n_dropped);
    f.write_attr(g, "cos", gr.cos_threshold);
    f.write_attr(g, "amp_tol", gr.amp_tol);
  }
  if (!r.reference.empty()) f.write_attr(g, "reference", r.reference);
  if (r.comparison) write_comparison(f, g, *r.comparison);
}

}  // namespace terrain::embedding
