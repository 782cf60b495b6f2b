#pragma once
// terrain-embed's part of the run file. The output of terrain-embed is a new self-contained run
// file: the header, /model = the network after the operation, /data, /params = its parameters,
// and one group per operation:
//
//   /embedding/<name>  (name = -embed_name, default the mode)
//     attrs  mode str (split|features|reduce|compare)
//            source str (the input point: "run.h5:/params" or ".../trajectory/params (step k)")
//            step int64 (−1: /params)
//            source_widths, target_widths int64[L+1]      the networks before and after
//            n_params_before, n_params_after int64
//            loss_before, loss_after float64              training loss (mean, as terrain-train)
//            test_loss_before, test_loss_after float64    NaN without a test set
//            max_output_difference float64                max |f_after − f_before| over every
//                                                         output of every training sample (split,
//                                                         reduce; NaN otherwise)
//     "Before" is the input network and "after" the one in /model, except for compare, where
//     "before" is the reference (-embed_reference) and "after" the input network.
//
//   split      attrs  split_rule str (one-step|equal|alpha), alpha float64 (NaN for equal),
//                     layer, neuron int64 (one-step; −1 otherwise),
//                     widening str (round-robin|one-neuron), split_neuron int64 (the neuron j
//                     every new neuron copies; −1 for round-robin) (to -embed_widths only),
//                     grad_norm_before, grad_norm_after float64 (‖∇L‖₂; with -embed_counts)
//              map_l<l>    int64[target width of hidden layer l], l = 1..L−1: the source neuron
//                          of each target neuron (neurons 0-based; the first source-width
//                          entries are the original neurons in place, copies are appended)
//              alpha_l<l>  float64[same]: each target neuron's share of its source's outgoing
//                          weights (the shares of one source sum to 1)
//              with -embed_counts:
//              counts_before, counts_after int64[3]   (n−, n0, n+): λ < −τ, −τ ≤ λ < τ, λ ≥ τ
//              counts_tol, counts_rtol float64 attrs  the rule τ = max(counts_tol,
//                                                     counts_rtol·max|λ|) (-embed_counts_tol,
//                                                     -embed_counts_rtol; rtol 0: absolute)
//              counts_tau_before, counts_tau_after float64 attrs  the τ each count used (per
//                                                     spectrum: its own max|λ|)
//              eigenvalues_before, eigenvalues_after float64[n_params] ascending (dense spectra)
//   features   (two-layer networks, m hidden neurons)
//              amplitude float64[m]            A = ‖a‖·‖(w, b)‖ (a: the neuron's output weights)
//              direction float64[m, d_in+1]    unit (w, b); the last column is b (0 without
//                                              biases); a zero row for w = 0
//              angle float64[m]                atan2(b, w) in [−π, π) (only when d_in = 1)
//              output_weights float64[d_out, m]
//   reduce     the features datasets above (of the input network), and
//              group int64[m]                  group of each original neuron, −1 = dropped
//              kept int64[groups]              the neuron kept for each group (its largest amplitude);
//                                              groups are numbered by their lowest neuron
//              order int64[m]                  neurons sorted by group, dropped last
//              similarity float64[m, m]        cosine of the input directions, original order
//              attrs width_before, width_after, n_dropped int64, cos, amp_tol float64,
//              plus the compare fields (this network = the reduced one, reference = the input)
//   compare    attrs reference str (the other network: "ref.h5:/params"),
//                    agreement float64         classification: fraction of samples whose argmax
//                                              predictions agree; regression: max |difference|
//                    agreement_set str         "test", or "train" when there is no test set
//                    n_agreement_samples int64
//                    max_difference float64    max |f − f_ref| over all outputs of that set
//                    loss, reference_loss, test_loss, reference_test_loss float64
//              agreement_matrix int64[C, C]    classification only; rows: this network's
//                                              predicted class, columns: the reference's
#include <string>

#include "embedding/report.hpp"
#include "io/run_file.hpp"

namespace terrain::embedding {

// Writes /embedding/<name>, replacing an earlier one entirely.
void write_embedding_report(io::RunFile& file, const std::string& name,
                            const embedding::EmbeddingReport& r);

}  // namespace terrain::embedding
