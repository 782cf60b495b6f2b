#include "study/embed_operations.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "embedding/network_values.hpp"
#include "embedding/neuron_split.hpp"
#include "embedding/reduction.hpp"
#include "io/run_schema.hpp"
#include "io/point_reader.hpp"
#include "model/parameter_layout.hpp"
#include "objective/replicated.hpp"

namespace terrain::study {

using namespace embedding;  // the maps, features and counts this layer composes

namespace {

std::vector<std::int64_t> widths_of(const model::Architecture& a) {
  return {a.widths.begin(), a.widths.end()};
}

// The fields every mode shares, from the networks before and after.
void fill_common(EmbeddingReport& r, const EmbedOptions& o, const PointInput& in,
                 const model::Architecture& before, const model::Architecture& after,
                 const NetworkValues& vb, const NetworkValues& va) {
  r.mode = to_string(o.mode);
  r.source = in.point.source;
  r.step = in.point.step;
  r.source_widths = widths_of(before);
  r.target_widths = widths_of(after);
  r.n_params_before = model::ParameterLayout(before).size();
  r.n_params_after = model::ParameterLayout(after).size();
  r.loss_before = vb.loss;
  r.loss_after = va.loss;
  r.test_loss_before = vb.test_loss;
  r.test_loss_after = va.test_loss;
}

// The compare fields: `mine` against `reference` on the test set (the train set without one).
Comparison compare(MPI_Comm comm, const data::Data& d, const NetworkValues& mine,
                   const NetworkValues& reference) {
  Comparison c;
  const bool test = d.test.n_global > 0;
  const data::Dataset& ds = test ? d.test : d.train;
  c.set = test ? "test" : "train";
  c.agreement = prediction_agreement(comm, test ? mine.test_out : mine.train_out,
                                     test ? reference.test_out : reference.train_out, ds.n_local,
                                     ds.d_out, ds.classification);
  c.loss = mine.loss;
  c.reference_loss = reference.loss;
  c.test_loss = mine.test_loss;
  c.reference_test_loss = reference.test_loss;
  return c;
}

Outcome split(const EmbedOptions& o, const PointInput& in,
              const std::vector<double>& theta) {
  const MPI_Comm comm = in.objective->comm();
  Outcome out;
  EmbeddingReport& r = out.report;
  NeuronMap map;
  if (o.one_step()) {
    map = one_step_split(in.arch, static_cast<int>(o.layer), o.neuron, o.alpha);
    r.split_rule = "one-step";
    r.layer = o.layer;
    r.neuron = o.neuron;
    r.alpha = o.alpha;
  } else {
    map = multi_step_split(in.arch, o.widths, o.rule, o.alpha);
    r.split_rule = to_string(o.rule);
    if (o.rule == SplitRule::alpha) r.alpha = o.alpha;
  }
  out.theta = apply_map(in.arch, theta, map);
  out.arch = target_architecture(in.arch, map);
  const NetworkValues vb = network_values(comm, in.arch, theta, in.data);
  const NetworkValues va = network_values(comm, out.arch, out.theta, in.data);
  fill_common(r, o, in, in.arch, out.arch, vb, va);
  r.max_output_difference = max_difference(comm, vb.train_out, va.train_out);
  r.map = map;
  if (o.counts) {
    r.counts_tol = o.counts_tol;
    r.counts_before = hessian_counts(comm, in.arch, theta, in.data.train, o.counts_tol);
    r.counts_after = hessian_counts(comm, out.arch, out.theta, in.data.train, o.counts_tol);
    r.grad_norm_before = r.counts_before->grad_norm;
    r.grad_norm_after = r.counts_after->grad_norm;
  }
  return out;
}

Outcome features(const EmbedOptions& o, const PointInput& in,
                 const std::vector<double>& theta) {
  require_two_layer(in.arch, "-embed_mode features");
  Outcome out;
  out.arch = in.arch;
  out.theta = theta;
  const NetworkValues v = network_values(in.objective->comm(), in.arch, theta, in.data);
  fill_common(out.report, o, in, in.arch, in.arch, v, v);
  out.report.features = neuron_features(in.arch, theta);
  return out;
}

Outcome reduce(const EmbedOptions& o, const PointInput& in,
               const std::vector<double>& theta) {
  require_two_layer(in.arch, "-embed_mode reduce");
  const MPI_Comm comm = in.objective->comm();
  Outcome out;
  EmbeddingReport& r = out.report;
  r.features = neuron_features(in.arch, theta);
  r.grouping = condense(*r.features, o.cos, o.amp_tol);
  r.similarity = cosine_similarity(*r.features);
  Reduced red = reduce(in.arch, theta, *r.features, *r.grouping);
  out.arch = red.arch;
  out.theta = std::move(red.theta);
  const NetworkValues vb = network_values(comm, in.arch, theta, in.data);
  const NetworkValues va = network_values(comm, out.arch, out.theta, in.data);
  fill_common(r, o, in, in.arch, out.arch, vb, va);
  r.max_output_difference = max_difference(comm, vb.train_out, va.train_out);
  r.comparison = compare(comm, in.data, va, vb);
  r.reference = in.point.source;  // the comparison is against the network before the reduction
  return out;
}

Outcome compare_with_reference(const EmbedOptions& o, const PointInput& in,
                               const std::vector<double>& theta) {
  const MPI_Comm comm = in.objective->comm();
  const model::Architecture ref_arch = io::read_model(comm, o.reference);
  TERRAIN_CHECK(ref_arch.widths.front() == in.arch.widths.front() &&
                    ref_arch.widths.back() == in.arch.widths.back() && ref_arch.loss == in.arch.loss,
                "-embed_reference " << o.reference << " has d_in " << ref_arch.widths.front()
                                    << ", d_out " << ref_arch.widths.back() << ", loss "
                                    << ref_arch.loss << "; the input has " << in.arch.widths.front()
                                    << ", " << in.arch.widths.back() << ", " << in.arch.loss);
  std::vector<double> ref_theta;
  {
    core::OwnedVec ref_vec;
    TERRAIN_PETSC(VecCreateMPI(comm, PETSC_DECIDE, model::ParameterLayout(ref_arch).size(),
                               ref_vec.out()));
    io::read_point(comm, o.reference, ref_arch, -1, ref_vec);
    ref_theta = objective::replicate(ref_vec);
  }
  Outcome out;
  out.arch = in.arch;
  out.theta = theta;
  const NetworkValues vr = network_values(comm, ref_arch, ref_theta, in.data);
  const NetworkValues vm = network_values(comm, in.arch, theta, in.data);
  fill_common(out.report, o, in, ref_arch, in.arch, vr, vm);
  out.report.reference = o.reference + ":/params";
  out.report.comparison = compare(comm, in.data, vm, vr);
  return out;
}

}  // namespace

Outcome run_operation(const EmbedOptions& o, const PointInput& in) {
  const std::vector<double> theta = objective::replicate(in.theta);
  switch (o.mode) {
    case Mode::split: return split(o, in, theta);
    case Mode::features: return features(o, in, theta);
    case Mode::reduce: return reduce(o, in, theta);
    case Mode::compare: return compare_with_reference(o, in, theta);
  }
  throw core::InputError("unknown -embed_mode");
}

}  // namespace terrain::study
