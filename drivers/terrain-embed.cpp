static const char help[] =
    "terrain-embed: the embedding principle on one network. split embeds it into a wider network\n"
    "of the same depth (one neuron with ratio alpha, or to any wider widths by equal or alpha\n"
    "splits) with the same output function, so a critical point stays critical; -embed_counts\n"
    "adds the full Hessian spectra and inertia (n-, n0, n+) before and after. features gives the\n"
    "amplitude, direction and angle of each neuron of a two-layer network; reduce groups its\n"
    "neurons by the cosine of their input directions and keeps one neuron per group; compare\n"
    "sets two networks side by side on the same data. Reads a run file or a parameter file,\n"
    "writes a new self-contained run file with the resulting network and /embedding/<name>.\n\n"
    "Sample runs (from the repository root):\n"
    "  mpirun -np 2 terrain-train -options_file inputs/embedding/op_train.opts -output w2.h5\n"
    "  mpirun -np 2 terrain-embed -input w2.h5 -output w5.h5 -options_file "
    "inputs/embedding/op_split.opts\n"
    "  mpirun -np 2 terrain-embed -input w2.h5 -output w3.h5 -embed_mode split -embed_layer 1 "
    "-embed_neuron 0 -embed_alpha 0.3\n"
    "  mpirun -np 2 terrain-embed -input w2.h5 -output w4.h5 -embed_mode split -embed_widths 1,4,1 "
    "-embed_split_neuron 0 -embed_counts\n"
    "  mpirun -np 2 terrain-embed -input w5.h5 -output feat.h5 -embed_mode features\n"
    "  mpirun -np 2 terrain-embed -input w5.h5 -output small.h5 -embed_mode reduce -embed_cos 0.999\n"
    "  mpirun -np 2 terrain-embed -input small.h5 -embed_reference w2.h5 -output cmp.h5 "
    "-embed_mode compare\n\n";

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "core/session.hpp"
#include "embedding/embed_options.hpp"
#include "study/embed_operations.hpp"
#include "embedding/embedding_file.hpp"
#include "study/point_input.hpp"

using namespace terrain;

namespace {

class EmbedStudy {
 public:
  // Every option block is read first, so -help lists them all and bad options fail early.
  EmbedStudy() : options_(embedding::EmbedOptions::from_options()) {
    if (core::help_requested()) study::list_point_options_for_help();
  }

  void run() {
    setup();
    apply();
    print_results();
    output_results();
  }

 private:
  // The point, its network and data; the output is opened first so a bad path fails early.
  void setup() {
    in_ = study::load_point_input(PETSC_COMM_WORLD, options_.input, options_.step,
                                      options_.data_from_run);
    output_ = std::make_unique<io::RunFile>(io::RunFile::create(PETSC_COMM_WORLD, options_.output));
    PetscPrintf(PETSC_COMM_WORLD, "terrain-embed: %s, mode %s\n", in_->describe().c_str(),
                embedding::to_string(options_.mode));
  }

  void apply() {
    outcome_ = study::run_operation(options_, *in_);
    embedding::record_options(options_, outcome_.report);
  }

  static std::string widths(const std::vector<std::int64_t>& w) {
    std::string s;
    for (std::size_t i = 0; i < w.size(); ++i) s += (i ? "," : "") + std::to_string(w[i]);
    return s;
  }

  static void print_counts(const char* label, const embedding::HessianCounts& c) {
    PetscPrintf(PETSC_COMM_WORLD,
                "%s n- %lld, n0 %lld, n+ %lld (|grad L| %.2e, eigenvalues %.3e .. %.3e)\n", label,
                static_cast<long long>(c.inertia.n_neg), static_cast<long long>(c.inertia.n_zero),
                static_cast<long long>(c.inertia.n_pos), c.grad_norm, c.eigenvalues.front(),
                c.eigenvalues.back());
  }

  void print_results() {
    const embedding::EmbeddingReport& r = outcome_.report;
    const MPI_Comm w = PETSC_COMM_WORLD;
    PetscPrintf(w, "widths %s -> %s, %lld -> %lld parameters\n", widths(r.source_widths).c_str(),
                widths(r.target_widths).c_str(), static_cast<long long>(r.n_params_before),
                static_cast<long long>(r.n_params_after));
    if (!r.widening.empty())
      PetscPrintf(w, "split %s, %s%s\n", r.split_rule.c_str(), r.widening.c_str(),
                  r.split_neuron >= 0 ? (" of neuron " + std::to_string(r.split_neuron)).c_str()
                                      : "");
    PetscPrintf(w, "loss %.12e -> %.12e", r.loss_before, r.loss_after);
    if (!std::isnan(r.test_loss_before))
      PetscPrintf(w, ", test loss %.12e -> %.12e", r.test_loss_before, r.test_loss_after);
    PetscPrintf(w, "\n");
    if (!std::isnan(r.max_output_difference))
      PetscPrintf(w, "max |f_after - f_before| on the training samples: %.3e\n",
                  r.max_output_difference);
    if (r.counts_before) {
      PetscPrintf(w, "Hessian counts at tau = max(%.1e, %.1e * max|lambda|) = %.3e before, %.3e after:\n",
                  r.counts_tol.atol, r.counts_tol.rtol, r.counts_before->inertia.tol,
                  r.counts_after->inertia.tol);
      print_counts("  before:", *r.counts_before);
      print_counts("  after: ", *r.counts_after);
      if (r.counts_before->grad_norm > r.counts_before->inertia.tol)
        PetscPrintf(w,
                    "warning: |grad L| %.2e exceeds tau: not a critical point to this tolerance, "
                    "the new zero eigenvalues may count as nonzero\n",
                    r.counts_before->grad_norm);
    }
    if (r.features) {
      double max_a = 0;
      for (double a : r.features->amplitude) max_a = std::max(max_a, a);
      PetscPrintf(w, "features of %d neurons, largest amplitude %.3e\n", int(r.features->m), max_a);
    }
    if (r.grouping)
      PetscPrintf(w, "reduce: %d groups at cos >= %.3g, %d neurons dropped (amplitude <= %.1e max)\n",
                  int(r.grouping->kept.size()), r.grouping->cos_threshold,
                  int(r.grouping->n_dropped), r.grouping->amp_tol);
    if (r.comparison) {
      const auto& c = *r.comparison;
      PetscPrintf(w, "against the reference: loss %.6e vs %.6e", c.loss, c.reference_loss);
      if (!std::isnan(c.test_loss))
        PetscPrintf(w, ", test loss %.6e vs %.6e", c.test_loss, c.reference_test_loss);
      if (c.agreement.classification)
        PetscPrintf(w, "; predictions agree on %.4f of the %lld %s samples\n",
                    c.agreement.agreement, static_cast<long long>(c.agreement.n_samples),
                    c.set.c_str());
      else
        PetscPrintf(w, "; max |difference| %.3e on the %lld %s samples\n", c.agreement.agreement,
                    static_cast<long long>(c.agreement.n_samples), c.set.c_str());
    }
  }

  void output_results() {
    io::RunFile& file = *output_;
    study::write_point_file(file, in_->data, outcome_.arch, outcome_.theta);
    embedding::write_embedding_report(file, options_.name, outcome_.report);
    file.commit();
    PetscPrintf(PETSC_COMM_WORLD, "wrote %s:/embedding/%s\n", options_.output.c_str(),
                options_.name.c_str());
  }

  embedding::EmbedOptions options_;
  std::unique_ptr<study::PointInput> in_;
  std::unique_ptr<io::RunFile> output_;
  study::Outcome outcome_;
};

}  // namespace

int main(int argc, char** argv) {
  return core::run_driver(argc, argv, help, [] {
    EmbedStudy study;
    if (core::help_requested()) return;
    study.run();
  });
}
