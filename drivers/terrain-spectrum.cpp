static const char help[] =
    "terrain-spectrum: the Hessian spectrum at one point of a run: extreme eigenpairs, the full\n"
    "spectrum and exact inertia of the assembled Hessian (small networks), Sylvester inertia by\n"
    "LDL^T, a matrix-free count of negative eigenvalues, the trace (Hutchinson, Hutch++), the\n"
    "spectral density (stochastic Lanczos quadrature), per-layer block spectra, the spread of\n"
    "lambda_max over the ranks' data shards, and what the point is (minimum, maximum, saddle of\n"
    "index k, degenerate) next to |grad L|. Reads a run file (its /params, or a saved step) or a\n"
    "parameter file, writes /spectrum/<name> into it (atomically) or into -output.\n\n"
    "Sample runs:\n"
    "  mpirun -np 2 terrain-train -options_file inputs/quickstart.opts -train_save_every 10000 "
    "-output quickstart.h5\n"
    "  mpirun -np 2 terrain-spectrum -input quickstart.h5 -options_file "
    "inputs/spectra/quickstart_exact.opts\n"
    "  mpirun -np 2 terrain-spectrum -input quickstart.h5 -spectrum_step 10000 -spectrum_name "
    "step10000\n"
    "  mpirun -np 3 terrain-spectrum -input quickstart.h5 -spectrum_all -output analysis.h5\n"
    "  terrain-plot quickstart.h5 --kind eigenvalues --spectrum exact\n\n";

#include <petscvec.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/session.hpp"
#include "study/point_input.hpp"
#include "spectral/spectrum_file.hpp"
#include "spectral/analysis.hpp"
#include "spectral/eigen_options.hpp"
#include "spectral/spectrum_options.hpp"

using namespace terrain;

namespace {

class SpectrumStudy {
 public:
  // Every option block is read first, so -help lists them all and bad options fail early.
  SpectrumStudy()
      : options_(spectral::SpectrumOptions::from_options()),
        eigen_(spectral::EigenOptions::from_options()) {
    if (core::help_requested()) study::list_point_options_for_help();
  }

  void run() {
    setup();
    analyse();
    print_results();
    output_results();
  }

 private:
  // The point, its network and data (objective/point_input.hpp); the output file is opened
  // before the work so a bad path fails early.
  void setup() {
    in_ = study::load_point_input(PETSC_COMM_WORLD, options_.input, options_.step,
                                      options_.data_from_run);
    const bool same = options_.output == options_.input;
    output_ = std::make_unique<io::RunFile>(
        same ? io::RunFile::open_update(PETSC_COMM_WORLD, options_.input)
             : io::RunFile::create(PETSC_COMM_WORLD, options_.output));
    PetscPrintf(PETSC_COMM_WORLD, "terrain-spectrum: %s, %s\n", in_->describe().c_str(),
                spectral::to_string(eigen_.op));
  }

  void analyse() {
    analysis_ =
        std::make_unique<spectral::Analysis>(*in_->objective, in_->data.train, in_->theta, eigen_,
                                             options_);
    analysis_->run();
  }

  static void print_values(const char* label, const std::vector<double>& values,
                           const std::vector<double>& residuals, std::int64_t products,
                           double seconds) {
    PetscPrintf(PETSC_COMM_WORLD, "%s", label);
    for (double v : values) PetscPrintf(PETSC_COMM_WORLD, " % .6e", v);
    double worst = 0;
    for (double r : residuals) worst = std::max(worst, r);
    PetscPrintf(PETSC_COMM_WORLD, "   (max residual %.1e, %lld H.v, %.2f s)\n", worst,
                static_cast<long long>(products), seconds);
  }

  static void print_counts(const char* label, const spectral::Inertia& c) {
    PetscPrintf(PETSC_COMM_WORLD, "%s n- %lld, n0 %lld, n+ %lld at tau %.3e (%s)\n", label,
                static_cast<long long>(c.n_neg), static_cast<long long>(c.n_zero),
                static_cast<long long>(c.n_pos), c.tol, c.method.c_str());
  }

  void print_results() {
    const spectral::SpectrumReport& r = analysis_->report();
    const MPI_Comm w = PETSC_COMM_WORLD;
    PetscPrintf(w, "loss %.6e, |grad L| %.3e\n", r.loss, r.grad_norm);
    if (r.extreme) {
      const auto& e = *r.extreme;
      print_values("largest: ", e.largest.values, e.largest.residuals, e.largest_n_matvec,
                   e.largest_seconds);
      if (e.smallest.requested > 0)
        print_values("smallest:", e.smallest.values, e.smallest.residuals, e.smallest_n_matvec,
                     e.smallest_seconds);
      if (e.largest.values.size() < std::size_t(e.largest.requested) ||
          e.smallest.values.size() < std::size_t(e.smallest.requested))
        PetscPrintf(w,
                    "warning: only %d + %d of %d + %d eigenpairs converged (raise -hess_max_it or "
                    "-hess_eps_ncv)\n",
                    int(e.largest.values.size()), int(e.smallest.values.size()),
                    int(e.largest.requested), int(e.smallest.requested));
    }
    if (r.full) {
      const auto& f = *r.full;
      PetscPrintf(
          w,
          "dense Hessian: assembled in %.2f s (%lld H.v, %d columns per product, asymmetry %.1e)",
          f.assembly_seconds, static_cast<long long>(f.n_matvec), int(f.block), f.asymmetry);
      if (!f.values.empty())
        PetscPrintf(w, "; all %d eigenvalues in %.2f s by %s, from %.6e to %.6e",
                    int(f.values.size()), f.solve_seconds, f.solver.c_str(), f.values.front(),
                    f.values.back());
      PetscPrintf(w, "\n");
    }
    if (r.inertia) print_counts("inertia:  ", *r.inertia);
    if (r.sylvester) {
      print_counts("Sylvester:", r.sylvester->inertia);
      PetscPrintf(w, "           (two LDL^T factorisations in %.2f s)\n", r.sylvester->seconds);
    }
    if (r.inertia && r.sylvester &&
        (r.inertia->n_neg != r.sylvester->inertia.n_neg ||
         r.inertia->n_zero != r.sylvester->inertia.n_zero))
      PetscPrintf(
          w,
          "warning: the dense spectrum and Sylvester's count disagree (an eigenvalue within "
          "rounding of +-tau?)\n");
    if (r.count)
      PetscPrintf(w, "eigenvalues below -tau (matrix-free): %s%lld (nev %d, %lld H.v)\n",
                  r.count->capped ? "at least " : "", static_cast<long long>(r.count->n_neg),
                  int(r.count->nev), static_cast<long long>(r.count->n_matvec));
    if (r.trace)
      PetscPrintf(w, "trace: Hutchinson %.6e +- %.1e, Hutch++ %.6e +- %.1e (%d probes, %lld H.v)\n",
                  r.trace->hutchinson, r.trace->hutchinson_stderr, r.trace->hutchpp,
                  r.trace->hutchpp_stderr, int(r.trace->probes),
                  static_cast<long long>(r.trace->n_matvec));
    if (r.density)
      PetscPrintf(w,
                  "density: %d probes x %d Lanczos steps, sigma %.2e; eigenvalues below -tau ~ "
                  "%.1f +- %.1f (%lld H.v)\n",
                  int(r.density->probes), int(r.density->steps), r.density->sigma, r.density->n_neg,
                  r.density->n_neg_stderr, static_cast<long long>(r.density->n_matvec));
    for (const auto& b : r.blocks) {
      const double lo = b.method == "dense"
                            ? b.values.front()
                            : (b.smallest.values.empty() ? NAN : b.smallest.values.front());
      const double hi = b.method == "dense"
                            ? b.values.back()
                            : (b.largest.values.empty() ? NAN : b.largest.values.front());
      PetscPrintf(w, "block of layer %d (%d parameters, %s): eigenvalues from %.6e to %.6e\n",
                  b.layer, int(b.size), b.method.c_str(), lo, hi);
    }
    if (r.shards)
      PetscPrintf(
          w,
          "lambda_max over %d shards: min %.6e, max %.6e, mean %.6e, std %.1e (all data: %.6e)\n",
          int(r.shards->lambda_max.size()), r.shards->min, r.shards->max, r.shards->mean,
          r.shards->std, r.shards->full);
    const auto& e = r.estimates;
    PetscPrintf(w,
                "lambda_max %.6e, lambda_min %.6e, lambda_min+ %.6e, condition number %.3e, "
                "negative fraction %.3e (%s)\n",
                e.lambda_max, e.lambda_min, e.lambda_min_positive, e.condition_number,
                e.negative_fraction, e.source.c_str());
    PetscPrintf(w, "classification: %s\n", r.classification.text.c_str());
  }

  void output_results() {
    io::RunFile& file = *output_;
    if (options_.output != options_.input) {  // a new, self-contained file
      study::write_point_file(file, in_->data, in_->arch, in_->theta);
    }
    const spectral::SpectrumReport& r = analysis_->report();
    spectral::write_spectrum_report(file, options_.name, r, in_->point, analysis_->largest_vectors(),
                              analysis_->smallest_vectors());
    file.commit();
    PetscPrintf(PETSC_COMM_WORLD, "wrote %s:/spectrum/%s (%lld H.v, %.1f s)\n",
                options_.output.c_str(), options_.name.c_str(), static_cast<long long>(r.n_matvec),
                r.seconds);
  }

  spectral::SpectrumOptions options_;
  spectral::EigenOptions eigen_;
  std::unique_ptr<study::PointInput> in_;
  std::unique_ptr<io::RunFile> output_;
  std::unique_ptr<spectral::Analysis> analysis_;
};

}  // namespace

int main(int argc, char** argv) {
  return core::run_driver(argc, argv, help, [] {
    SpectrumStudy study;
    if (core::help_requested()) return;
    study.run();
  });
}
