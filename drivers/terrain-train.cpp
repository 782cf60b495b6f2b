static const char help[] =
    "terrain-train: trains a fully connected network by full-batch gradient descent on data\n"
    "sharded over the MPI ranks, then computes the extreme eigenvalues of the exact Hessian at\n"
    "the final point, and writes everything to an HDF5 run file.\n\n"
    "Sample runs:\n"
    "  mpirun -np 2 terrain-train -options_file inputs/quickstart.opts\n"
    "  mpirun -np 2 terrain-train -options_file inputs/iris.opts -train_steps 0   # evaluate only\n"
    "  mpirun -np 3 terrain-train -options_file inputs/fashion_mnist.opts -hess_nev 10\n\n";

#include <petscvec.h>

#include <cmath>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/session.hpp"
#include "data/load_data.hpp"
#include "io/run_schema.hpp"
#include "objective/curvature_operator.hpp"
#include "optim/gradient_descent.hpp"
#include "optim/train_config.hpp"
#include "spectral/eigen_options.hpp"

using namespace terrain;

namespace {

class Training {
 public:
  // Reads every option block first, so -help lists them all and bad options fail early.
  Training()
      : arch_(model::Architecture::from_options()),
        data_config_(data::DataConfig::from_options()),
        train_(optim::TrainConfig::from_options()),
        eigen_(spectral::EigenOptions::from_options()) {}
  ~Training() { VecDestroy(&theta_); }

  void run() {
    setup();
    initialize();
    train();
    measure_spectrum();
    output_results();
  }

 private:
  void setup() {
    data_ = data::load_data(PETSC_COMM_WORLD, data_config_);
    objective_ = std::make_unique<objective::Objective>(PETSC_COMM_WORLD, arch_, data_.train);
    theta_ = objective_->create_vec();
    PetscPrintf(PETSC_COMM_WORLD, "terrain-train: %s, %d training / %d test samples, %d parameters\n",
                data_.name.c_str(), int(data_.train.n_global), int(data_.test.n_global),
                int(objective_->n_params()));
  }

  void initialize() {
    if (train_.init_file.empty())
      objective_->initial_parameters(theta_);
    else
      io::read_params(PETSC_COMM_WORLD, train_.init_file, arch_, theta_);
  }

  void train() {
    const double start = MPI_Wtime();
    optim::gradient_descent(*objective_, theta_, train_.lr, train_.steps,
                            [&](PetscInt step, double loss, Vec theta, Vec grad) {
      double norm = 0;
      TERRAIN_PETSC(VecNorm(grad, NORM_2, &norm));
      const double elapsed = MPI_Wtime() - start;
      const bool last = step == train_.steps;
      if (step % train_.monitor_every == 0 || last) record(step, loss, norm, elapsed, theta);
      if (step % train_.print_every == 0 || last) {
        const double eta = step > 0 ? elapsed / step * (train_.steps - step) : 0.0;
        PetscPrintf(PETSC_COMM_WORLD, "step %6d/%d  loss %.6e  |grad| %.3e  elapsed %.1f s  ETA %.1f s\n",
                    int(step), int(train_.steps), loss, norm, elapsed, eta);
      }
      final_loss_ = loss;
      final_grad_norm_ = norm;
    });
  }

  void record(PetscInt step, double loss, double grad_norm, double elapsed, Vec theta) {
    trajectory_.step.push_back(step);
    trajectory_.loss.push_back(loss);
    trajectory_.grad_norm.push_back(grad_norm);
    trajectory_.lr.push_back(train_.lr);
    trajectory_.wall_time.push_back(elapsed);
    if (data_.train.classification) trajectory_.accuracy.push_back(objective_->accuracy(theta));
    if (data_.test.n_global > 0) {
      const objective::Evaluation test = objective_->evaluate(theta, data_.test);
      trajectory_.test_loss.push_back(test.loss);
      if (data_.test.classification) trajectory_.test_accuracy.push_back(test.accuracy);
    }
  }

  void measure_spectrum() {
    if (eigen_.settings.nev == 0) return;
    objective::CurvatureOperator op(*objective_, theta_, eigen_.op);
    const long before = objective_->counters().curvature_vectors;
    const auto top = spectral::extreme_eigenpairs(op.mat(), spectral::End::largest, eigen_.settings);
    const auto bottom = spectral::extreme_eigenpairs(op.mat(), spectral::End::smallest, eigen_.settings);
    spectrum_.op = spectral::to_string(eigen_.op);
    spectrum_.largest = top.values;
    spectrum_.largest_residuals = top.residuals;
    spectrum_.smallest = bottom.values;
    spectrum_.smallest_residuals = bottom.residuals;
    spectrum_.tolerance = eigen_.settings.tol;
    spectrum_.n_matvec = objective_->counters().curvature_vectors - before;
    print_eigenvalues("largest", top);
    print_eigenvalues("smallest", bottom);
    if (int(top.values.size()) < top.requested || int(bottom.values.size()) < bottom.requested)
      PetscPrintf(PETSC_COMM_WORLD, "warning: only %d + %d of %d + %d eigenpairs converged (raise -hess_max_it "
                  "or -hess_eps_ncv)\n", int(top.values.size()), int(bottom.values.size()),
                  int(top.requested), int(bottom.requested));
  }

  void print_eigenvalues(const char* which, const spectral::Eigenpairs& e) {
    PetscPrintf(PETSC_COMM_WORLD, "%s %s eigenvalues:", which, spectral::to_string(eigen_.op));
    for (double v : e.values) PetscPrintf(PETSC_COMM_WORLD, " % .6e", v);
    double worst = 0;
    for (double r : e.residuals) worst = std::max(worst, r);
    PetscPrintf(PETSC_COMM_WORLD, "   (max residual %.1e)\n", worst);
  }

  void output_results() {
    io::RunFile file = io::RunFile::create(PETSC_COMM_WORLD, train_.output);
    io::write_header(file);
    io::write_model(file, arch_, objective_->network().layout());
    io::write_data_info(file, data_.name, data_.source, data_.train.n_global, data_.test.n_global,
                        data_.train.d_in, data_.train.d_out);
    io::write_trajectory(file, trajectory_);
    io::write_params(file, theta_);
    if (eigen_.settings.nev > 0) io::write_spectrum(file, "final", spectrum_);
    file.commit();
    PetscPrintf(PETSC_COMM_WORLD, "final loss %.6e, |grad| %.3e", final_loss_, final_grad_norm_);
    if (!trajectory_.accuracy.empty())
      PetscPrintf(PETSC_COMM_WORLD, ", train accuracy %.4f", trajectory_.accuracy.back());
    if (!trajectory_.test_loss.empty())
      PetscPrintf(PETSC_COMM_WORLD, ", test loss %.6e", trajectory_.test_loss.back());
    if (!trajectory_.test_accuracy.empty())
      PetscPrintf(PETSC_COMM_WORLD, ", test accuracy %.4f", trajectory_.test_accuracy.back());
    PetscPrintf(PETSC_COMM_WORLD, "; wrote %s\n", train_.output.c_str());
  }

  model::Architecture arch_;
  data::DataConfig data_config_;
  optim::TrainConfig train_;
  spectral::EigenOptions eigen_;
  data::Data data_;
  std::unique_ptr<objective::Objective> objective_;
  Vec theta_ = nullptr;
  io::Trajectory trajectory_;
  io::Spectrum spectrum_;
  double final_loss_ = 0, final_grad_norm_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  return core::run_driver(argc, argv, help, [] {
    Training training;
    if (core::help_requested()) return;
    training.run();
  });
}
