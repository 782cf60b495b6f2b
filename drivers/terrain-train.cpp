static const char help[] =
    "terrain-train: trains a fully connected network on data sharded over the MPI ranks\n"
    "(full-batch GD, minibatch SGD, momentum, Nesterov, Adam; schedules, weight decay, clipping),\n"
    "records the trajectory with curvature monitors (g'Hg, lambda_max) and parameter snapshots,\n"
    "checkpoints atomically (continue with -restart; SIGTERM/SIGUSR1 checkpoint and exit 0), then\n"
    "computes the extreme eigenvalues of the exact Hessian at the final point. With\n"
    "-ensemble_seeds it trains many networks at once on groups of ranks.\n\n"
    "Sample runs:\n"
    "  mpirun -np 2 terrain-train -options_file inputs/quickstart.opts\n"
    "  mpirun -np 2 terrain-train -options_file inputs/iris.opts -train_steps 0   # evaluate only\n"
    "  mpirun -np 3 terrain-train -options_file inputs/fashion_mnist.opts -hess_nev 10\n"
    "  mpirun -np 2 terrain-train -options_file inputs/training/sgd_momentum_iris.opts\n"
    "  mpirun -np 2 terrain-train -options_file inputs/training/sgd_momentum_iris.opts \\\n"
    "               -restart sgd_momentum_iris.h5          # continue after an interruption\n"
    "  mpirun -np 3 terrain-train -options_file inputs/training/ensemble_relu1d.opts\n\n";

#include "core/session.hpp"
#include "core/signals.hpp"
#include "data/load_data.hpp"
#include "optim/ensemble.hpp"
#include "optim/training_run.hpp"

using namespace terrain;

int main(int argc, char** argv) {
  return core::run_driver(argc, argv, help, [] {
    // 1. Every option block first, so -help lists them all and bad options fail early.
    optim::RunSpec spec;
    const model::ModelConfig model = model::ModelConfig::from_options();
    spec.arch = model.arch;
    const data::DataConfig data_config = data::DataConfig::from_options();
    spec.train = optim::TrainConfig::from_options(model.init_file);
    spec.eigen = spectral::EigenOptions::from_options();
    const optim::EnsembleConfig ensemble = optim::EnsembleConfig::from_options(spec.arch);
    if (core::help_requested()) return;
    // From here on SIGTERM/SIGUSR1 only ask for a checkpoint (also during the data load).
    core::StopSignals stop_signals;

    // 2. Many runs on groups of ranks, or one run on all of them.
    if (ensemble.enabled()) {
      optim::run_ensemble(PETSC_COMM_WORLD, data_config, spec, ensemble);
      return;
    }
    const data::Data data = data::load_data(PETSC_COMM_WORLD, data_config);
    optim::TrainingRun(PETSC_COMM_WORLD, data, spec).run();
  });
}
