#pragma once
// Shared by the training tests: small problems, run specs, and run files read back whole.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "data/load_data.hpp"
#include "io/run_file.hpp"
#include "io/scratch.hpp"
#include "optim/training_run.hpp"

namespace terrain::test {

// The 1-D target, 64 training and 16 test points, sharded over comm.
inline data::Data target_data(MPI_Comm comm, PetscInt n = 64, PetscInt n_test = 16) {
  data::DataConfig c;
  c.source = data::Source::target1d;
  c.n = n;
  c.n_test = n_test;
  c.seed = 3;
  return data::load_data(comm, c);
}

// A quiet run of a 1-8-8-1 tanh network on the target, every monitor on.
inline optim::RunSpec small_spec(optim::Method method, PetscInt batch, const std::string& output) {
  optim::RunSpec s;
  s.arch.widths = {1, 8, 8, 1};
  s.arch.activation = model::Activation::tanh;
  s.arch.seed = 4;
  optim::TrainConfig& t = s.train;
  t.optimizer.method = method;
  t.batch = batch;
  t.seed = 9;
  t.schedule.lr = method == optim::Method::adam ? 0.01 : 0.05;
  t.steps = 60;
  t.monitor_every = 5;
  t.monitor_lambda_max = true;
  t.save_every = 10;
  t.checkpoint_interval = 0;
  t.schedule.horizon = t.steps;
  t.print_every = 1;
  t.output = output;
  t.output_set = true;
  s.eigen.settings.nev = 0;
  s.verbose = false;
  return s;
}

inline optim::RunResult train(MPI_Comm comm, const data::Data& data, optim::RunSpec spec) {
  spec.train.validate();
  return optim::TrainingRun(comm, data, spec).run();
}

// Every numeric dataset of a run file under `group` (recursively), by path.
inline std::vector<std::string> numeric_datasets(MPI_Comm comm, const std::string& path,
                                                 const std::vector<std::string>& candidates) {
  io::RunFile f = io::RunFile::open_read(comm, path);
  std::vector<std::string> found;
  for (const auto& c : candidates)
    if (f.has(c)) found.push_back(c);
  f.close();
  return found;
}

inline std::vector<double> read_all(MPI_Comm comm, const std::string& path,
                                    const std::string& dataset) {
  io::RunFile f = io::RunFile::open_read(comm, path);
  std::vector<double> v = f.read_doubles(dataset).values;
  f.close();
  return v;
}

// The datasets a training run file can hold (timing columns excluded: they cannot repeat).
inline const std::vector<std::string>& result_datasets() {
  static const std::vector<std::string> all = {"/params",
                                               "/trajectory/step",
                                               "/trajectory/epoch",
                                               "/trajectory/loss",
                                               "/trajectory/accuracy",
                                               "/trajectory/test_loss",
                                               "/trajectory/test_accuracy",
                                               "/trajectory/batch_loss",
                                               "/trajectory/grad_norm",
                                               "/trajectory/gHg",
                                               "/trajectory/predicted_change",
                                               "/trajectory/lr",
                                               "/trajectory/temperature",
                                               "/trajectory/lambda_max",
                                               "/trajectory/lambda_max_residual",
                                               "/trajectory/lambda_max_hv",
                                               "/trajectory/two_over_lr",
                                               "/trajectory/params",
                                               "/trajectory/params_step",
                                               "/checkpoint/velocity",
                                               "/checkpoint/adam_m",
                                               "/checkpoint/adam_v",
                                               "/checkpoint/lambda_max_vector"};
  return all;
}

// Largest relative difference between the result datasets of two run files (0 = bitwise);
// -1 when they do not hold the same datasets or shapes.
inline double result_difference(MPI_Comm comm, const std::string& a, const std::string& b) {
  const auto in_a = numeric_datasets(comm, a, result_datasets());
  const auto in_b = numeric_datasets(comm, b, result_datasets());
  if (in_a != in_b) return -1;
  double worst = 0;
  for (const auto& d : in_a) {
    const std::vector<double> x = read_all(comm, a, d), y = read_all(comm, b, d);
    if (x.size() != y.size()) return -1;
    double scale = 0;
    for (double v : x) scale = std::max(scale, std::abs(v));
    for (std::size_t i = 0; i < x.size(); ++i)
      if (x[i] != y[i]) worst = std::max(worst, std::abs(x[i] - y[i]) / std::max(scale, 1e-300));
  }
  return worst;
}

inline bool bitwise_equal_results(MPI_Comm comm, const std::string& a, const std::string& b) {
  return result_difference(comm, a, b) == 0.0;
}

}  // namespace terrain::test
