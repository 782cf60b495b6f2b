static const char help[] =
    "terrain-critical: from a point where training stalled (a run file's /params or a saved\n"
    "step, or a parameter file), converge to a nearby critical point of the loss and classify it.\n"
    "-critical_method trust (default): trust-region Newton on |grad L|^2 in a Lanczos space of\n"
    "the exact Hessian; every step lowers |grad L|, near-zero curvature is damped, so it stays\n"
    "local (-critical_max_distance bounds it). -critical_method newton: Newton-Krylov (PETSc SNES\n"
    "newtonls, MINRES, the l2 line search), which may go far from a point that is not near a\n"
    "critical point. -critical_method sfn: saddle-free Newton steps downhill (they are repelled\n"
    "by saddles) until |grad L|_2 <= -critical_sfn_switch, then trust. One line per\n"
    "iteration, then the Hessian spectrum at the point (all eigenvalues and the inertia when\n"
    "n_params <= 4000, else the extreme ends and a matrix-free count of negative eigenvalues) and\n"
    "what the point is. Writes a new run file: /params = the point, /critical/<name> (history),\n"
    "/spectrum/<name> (classification). Not converged in -critical_max_it: the file is still\n"
    "written (converged = 0, with the reason) and the exit code is 0.\n\n"
    "Sample runs:\n"
    "  mpirun -np 2 terrain-train -options_file inputs/critical/relu_1_4_1_train.opts\n"
    "  mpirun -np 2 terrain-critical -options_file inputs/critical/relu_1_4_1.opts\n"
    "  mpirun -np 2 terrain-critical -input relu_1_4_1_run.h5 -output crit.h5 -critical_gtol 1e-10\n"
    "  mpirun -np 2 terrain-critical -input relu_1_4_1_run.h5 -output sfn.h5 -critical_method sfn\n"
    "  mpirun -np 2 terrain-train -options_file inputs/critical/tanh_1_2_1_train.opts\n"
    "  mpirun -np 2 terrain-critical -options_file inputs/critical/tanh_1_2_1.opts\n"
    "  terrain-plot relu_1_4_1_critical.h5 --kind critical\n\n"
    "-critical_census: a census instead of one point. Every /trajectory/params snapshot of the\n"
    "run files -input a.h5,b.h5,... (one network, one training set) is a start; each converged\n"
    "point gets its exact inertia from the dense Hessian and its canonical form under the hidden\n"
    "units' permutations (and sign flips for tanh/linear); points equal up to symmetry are\n"
    "counted once. Writes /critical_census/<name> to a new run file -output.\n"
    "  mpirun -np 2 terrain-critical -critical_census -input s0.h5,s1.h5 -output census.h5\n"
    "  terrain-plot census.h5 --kind index_loss\n\n";

#include <petscvec.h>

#include <cmath>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "core/session.hpp"
#include "optim/critical_file.hpp"
#include "spectral/spectrum_file.hpp"
#include "study/critical_census.hpp"
#include "study/point_input.hpp"
#include "optim/critical_search.hpp"
#include "optim/newton_krylov.hpp"
#include "spectral/analysis.hpp"
#include "spectral/eigen_options.hpp"
#include "spectral/spectrum_options.hpp"

using namespace terrain;

namespace {

class CriticalStudy {
 public:
  // Every option block is read first, so -help lists them all and bad options fail early.
  CriticalStudy()
      : options_(optim::CriticalOptions::from_options()),
        newton_(optim::NewtonSettings::from_options()),
        eigen_(spectral::EigenOptions::from_options()) {
    if (core::help_requested()) study::list_point_options_for_help();
  }

  CriticalStudy(const CriticalStudy&) = delete;
  CriticalStudy& operator=(const CriticalStudy&) = delete;

  void run() {
    setup();
    search();
    classify();
    print_results();
    output_results();
  }

 private:
  // The point, its network and data; the output file is created before the work so a bad path
  // fails early.
  void setup() {
    in_ = study::load_point_input(PETSC_COMM_WORLD, options_.input, options_.step);
    output_ = std::make_unique<io::RunFile>(io::RunFile::create(PETSC_COMM_WORLD, options_.output));
    PetscPrintf(PETSC_COMM_WORLD, "terrain-critical: %s, method %s, gtol %.1e\n",
                in_->describe().c_str(), optim::to_string(options_.method), newton_.gtol);
    TERRAIN_PETSC(VecDuplicate(in_->theta, start_.out()));
    TERRAIN_PETSC(VecCopy(in_->theta, start_));
  }

  void search() {
    auto print = [](const optim::NewtonIteration& x, const char* phase) {
      if (x.iteration == 0)
        PetscPrintf(PETSC_COMM_WORLD, "%5s %6s %15s %11s %11s %11s %8s %7s %9s\n", "iter", "phase",
                    "loss", "|g|_1", "|g|_2", "|step|", "length", "krylov", "radius");
      PetscPrintf(PETSC_COMM_WORLD, "%5d %6s %15.8e %11.3e %11.3e %11.3e %8.2e %7d %9.2e\n",
                  int(x.iteration), phase, x.loss, x.grad_norm1, x.grad_norm2, x.step_norm,
                  x.step_length, int(x.krylov_iterations), x.radius);
    };
    search_ = optim::search_critical_point(*in_->objective, in_->theta, options_.method, newton_,
                                           options_.sfn, options_.sfn_steps, options_.sfn_switch,
                                           print);
    core::OwnedVec moved;
    TERRAIN_PETSC(VecDuplicate(start_, moved.out()));
    TERRAIN_PETSC(VecWAXPY(moved, -1.0, start_, in_->theta));
    TERRAIN_PETSC(VecNorm(moved, NORM_2, &distance_));
  }

  void classify() {
    spectral::SpectrumOptions s = optim::critical_spectrum_options(in_->objective->n_params());
    s.input = options_.input;
    s.output = options_.output;
    s.name = options_.name;
    s.step = options_.step;
    analysis_ = std::make_unique<spectral::Analysis>(*in_->objective, in_->data.train, in_->theta,
                                                     eigen_, s);
    analysis_->run();
  }

  void print_results() {
    const MPI_Comm w = PETSC_COMM_WORLD;
    const optim::NewtonResult& r = search_.result;
    const optim::NewtonIteration& last = r.history.back();
    if (r.converged)
      PetscPrintf(w, "converged: %s after %d iterations (%lld H.v, %.2f s)\n", r.reason.c_str(),
                  int(r.history.size() - 1), static_cast<long long>(r.n_matvec), r.seconds);
    else
      PetscPrintf(w,
                  "warning: not converged: %s after %d iterations, |grad L|_1 %.3e (%lld H.v, "
                  "%.2f s); the last iterate is written\n",
                  r.reason.c_str(), int(r.history.size() - 1), last.grad_norm1,
                  static_cast<long long>(r.n_matvec), r.seconds);
    // Newton converges to *a* critical point: from a plateau that is not near one it may be far
    // away and even higher in loss, so say how far and what the loss did.
    PetscPrintf(w, "distance from the start: |theta - theta_start|_2 = %.3e, loss %.8e -> %.8e\n",
                distance_, r.history.front().loss, last.loss);
    const spectral::SpectrumReport& s = analysis_->report();
    if (s.full)
      PetscPrintf(w, "Hessian: all %d eigenvalues from %.6e to %.6e\n", int(s.full->values.size()),
                  s.full->values.front(), s.full->values.back());
    if (s.extreme && !s.extreme->smallest.values.empty() && !s.extreme->largest.values.empty())
      PetscPrintf(w, "Hessian: lambda_min %.6e, lambda_max %.6e\n",
                  s.extreme->smallest.values.front(), s.extreme->largest.values.front());
    if (s.inertia)
      PetscPrintf(w, "inertia: n- %lld, n0 %lld, n+ %lld at tau %.3e\n",
                  static_cast<long long>(s.inertia->n_neg),
                  static_cast<long long>(s.inertia->n_zero),
                  static_cast<long long>(s.inertia->n_pos), s.inertia->tol);
    if (s.count)
      PetscPrintf(w, "eigenvalues below -tau (matrix-free): %s%lld\n",
                  s.count->capped ? "at least " : "", static_cast<long long>(s.count->n_neg));
    PetscPrintf(w, "classification: %s\n", s.classification.text.c_str());
  }

  void output_results() {
    io::RunFile& file = *output_;
    study::write_point_file(file, in_->data, in_->arch, in_->theta);
    optim::CriticalRecord c;
    c.method = optim::to_string(options_.method);
    c.result = search_.result;
    c.sfn_iterations = search_.sfn_iterations;
    c.gtol = newton_.gtol;
    c.source = in_->point.source;
    c.step = in_->point.step;
    c.distance = distance_;
    {
      core::OwnedVec g;
      TERRAIN_PETSC(VecDuplicate(in_->theta, g.out()));
      in_->objective->gradient(in_->theta, g);
      PetscReal inf = 0;
      TERRAIN_PETSC(VecNorm(g, NORM_INFINITY, &inf));
      c.grad_norm_inf = inf;
    }
    optim::write_critical(file, options_.name, c, options_.store_start ? start_.get() : nullptr);
    spectral::write_spectrum_report(file, options_.name, analysis_->report(), in_->point);
    file.commit();
    PetscPrintf(PETSC_COMM_WORLD, "wrote %s:/critical/%s and /spectrum/%s\n",
                options_.output.c_str(), options_.name.c_str(), options_.name.c_str());
  }

  optim::CriticalOptions options_;
  optim::NewtonSettings newton_;
  spectral::EigenOptions eigen_;
  std::unique_ptr<study::PointInput> in_;
  std::unique_ptr<io::RunFile> output_;
  std::unique_ptr<spectral::Analysis> analysis_;
  optim::CriticalSearch search_;
  core::OwnedVec start_;  // a copy of the start point
  PetscReal distance_ = 0;  // ‖θ_last − θ_start‖₂
};

}  // namespace

int main(int argc, char** argv) {
  return core::run_driver(argc, argv, help, [] {
    const study::CensusOptions census = study::CensusOptions::from_options();
    if (census.enabled && !core::help_requested()) {
      study::run_critical_census(PETSC_COMM_WORLD, census, optim::CriticalOptions::from_options(),
                                 optim::NewtonSettings::from_options(),
                                 spectral::EigenOptions::from_options());
      return;
    }
    CriticalStudy study;
    if (core::help_requested()) return;
    study.run();
  });
}
