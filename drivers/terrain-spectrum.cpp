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
#include "io/file_maintenance.hpp"
#include "study/point_input.hpp"
#include "spectral/spectrum_file.hpp"
#include "spectral/analysis.hpp"
#include "spectral/eigen_options.hpp"
#include "spectral/spectrum_options.hpp"
#include "spectral/summary.hpp"

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
    spectral::summary(PETSC_COMM_WORLD, analysis_->report());
    output_results();
  }

 private:
  // The point, its network and data (study/point_input.hpp); the output file is opened
  // before the work so a bad path fails early.
  void setup() {
    in_ = study::load_point_input(PETSC_COMM_WORLD, options_.input, options_.step,
                                      options_.data_from_run);
    in_place_ = io::same_file(options_.output, options_.input);  // however it is spelled
    output_ = std::make_unique<io::RunFile>(
        in_place_ ? io::RunFile::open_update(PETSC_COMM_WORLD, options_.input)
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

  void output_results() {
    io::RunFile& file = *output_;
    if (!in_place_) {  // a new, self-contained file
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
  bool in_place_ = false;  // -output is the -input file: add to it instead of writing a new one
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
