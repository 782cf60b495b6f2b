#include "optim/training_trajectory.hpp"

#include <string>

#include "core/error.hpp"

namespace terrain::optim {

using io::RunFile;

namespace {
struct Column {
  const char* name;
  std::vector<double> TrainingRows::*values;
  const char* description;
};

const Column kColumns[] = {
    {"epoch", &TrainingRows::epoch, "epochs completed before this step"},
    {"loss", &TrainingRows::loss, "training loss (all samples) at theta_step"},
    {"accuracy", &TrainingRows::accuracy, "training accuracy at theta_step"},
    {"test_loss", &TrainingRows::test_loss, "test loss at theta_step"},
    {"test_accuracy", &TrainingRows::test_accuracy, "test accuracy at theta_step"},
    {"batch_loss", &TrainingRows::batch_loss, "loss of the minibatch of this step"},
    {"grad_norm", &TrainingRows::grad_norm, "norm of the full training-loss gradient g"},
    {"gHg", &TrainingRows::gHg, "g^T H g with H the Hessian of the training loss"},
    {"predicted_change", &TrainingRows::predicted_change,
     "second-order loss change of a gradient step: lr^2/2 g^T H g - lr g^T g"},
    {"lr", &TrainingRows::lr, "learning rate of the update theta_step -> theta_step+1"},
    {"temperature", &TrainingRows::temperature, "SGD temperature lr/(2B)"},
    {"lambda_max", &TrainingRows::lambda_max, "largest Hessian eigenvalue (Lanczos Ritz value)"},
    {"lambda_max_residual", &TrainingRows::lambda_max_residual,
     "|H y - lambda_max y| of the unit Ritz vector y"},
    {"two_over_lr", &TrainingRows::two_over_lr, "2/lr, the stability limit of gradient descent"},
    {"wall_time", &TrainingRows::wall_time, "seconds since the run started (all sessions)"},
    {"step_time", &TrainingRows::step_time,
     "mean seconds per training step since the previous row"},
};
}  // namespace

void TrainingRows::clear() {
  step.clear();
  lambda_max_hv.clear();
  for (const Column& c : kColumns) (this->*c.values).clear();
}

void append_training_rows(RunFile& file, const TrainingRows& rows) {
  if (rows.size() == 0) return;
  const bool fresh = !file.has("/trajectory/step");
  auto check = [&](const char* name, std::size_t n) {
    TERRAIN_CHECK(n == 0 || n == rows.size(), file.path()
                                                  << ": trajectory column " << name << " has " << n
                                                  << " entries for " << rows.size() << " rows");
    if (fresh) return;
    const bool stored = file.has(std::string("/trajectory/") + name);
    TERRAIN_CHECK(stored == (n > 0), file.path() << ": trajectory column " << name
                                                 << (stored ? " is missing from the rows to append"
                                                            : " is not in the file"));
  };
  for (const Column& c : kColumns) check(c.name, (rows.*c.values).size());
  check("lambda_max_hv", rows.lambda_max_hv.size());

  auto describe = [&](const std::string& path, const char* text) {
    if (fresh) file.write_attr(path, "description", text);
  };
  file.append_1d("/trajectory/step", rows.step);
  describe("/trajectory/step", "step t of the row (theta_t, before its update)");
  for (const Column& c : kColumns) {
    if ((rows.*c.values).empty()) continue;
    const std::string path = std::string("/trajectory/") + c.name;
    file.append_1d(path, rows.*c.values);
    describe(path, c.description);
  }
  if (!rows.lambda_max_hv.empty()) {
    file.append_1d("/trajectory/lambda_max_hv", rows.lambda_max_hv);
    describe("/trajectory/lambda_max_hv", "Hessian-vector products spent on lambda_max");
  }
}

void append_snapshot(RunFile& file, Vec params) {
  const bool fresh = !file.has("/trajectory/params");
  file.append_vec("/trajectory/params", params);
  if (fresh)
    file.write_attr("/trajectory/params", "description",
                    "parameter snapshots, one row per entry of /trajectory/params_step");
}

void append_snapshot_steps(RunFile& file, const std::vector<std::int64_t>& steps) {
  if (!steps.empty()) file.append_1d("/trajectory/params_step", steps);
}

}  // namespace terrain::optim
