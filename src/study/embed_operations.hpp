#pragma once
// terrain-embed's four operations on one point (study::PointInput): each returns the network
// the output file holds (architecture and replicated parameters) and the report for
// /embedding/<name>. Collective on the point's communicator.
//   split     the critical embedding to -embed_widths or one step; losses, output difference,
//             gradient norms, and with -embed_counts the dense spectra and inertia at both points
//   features  amplitude, direction, angle of a two-layer network (the network is unchanged)
//   reduce    condensation groups and the reduced network, compared with the original
//   compare   this network against -embed_reference on the same data
#include <vector>

#include "embedding/embed_options.hpp"
#include "embedding/report.hpp"
#include "model/architecture.hpp"
#include "study/point_input.hpp"

namespace terrain::study {

struct Outcome {
  model::Architecture arch;
  std::vector<double> theta;
  embedding::EmbeddingReport report;
};

Outcome run_operation(const embedding::EmbedOptions& options, const PointInput& in);

}  // namespace terrain::study
