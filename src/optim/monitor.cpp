#include "optim/monitor.hpp"

#include "core/error.hpp"
#include "core/petsc_handle.hpp"

namespace terrain::optim {

Monitor::Monitor(objective::Objective& full, const data::Data& data, const TrainConfig& config,
                 std::uint64_t seed)
    : full_(full), data_(data), config_(config) {
  full_grad_.reset(full_.create_vec());
  TERRAIN_PETSC(VecDuplicate(full_grad_, hg_.out()));
  if (config_.monitor_lambda_max)
    tracker_ = std::make_unique<LambdaMaxTracker>(full_, config_.lambda_max, seed);
}

void Monitor::measure(const StepState& s, Vec theta, TrainingRows& rows) {
  const bool minibatch = s.grad == nullptr;
  double loss = s.loss, grad_sq = s.grad_sq;
  Vec grad = s.grad;
  if (minibatch) {
    loss = full_.gradient(theta, full_grad_);
    TERRAIN_PETSC(VecDot(full_grad_, full_grad_, &grad_sq));
    grad = full_grad_;
  }
  rows.step.push_back(s.step);
  rows.loss.push_back(loss);
  rows.grad_norm.push_back(std::sqrt(grad_sq));
  rows.lr.push_back(s.lr);
  if (minibatch) {
    rows.epoch.push_back(s.epoch);
    rows.batch_loss.push_back(s.loss);
    rows.temperature.push_back(s.lr / (2.0 * double(config_.batch)));
  }
  if (data_.train.classification) rows.accuracy.push_back(full_.accuracy(theta));
  if (data_.test.n_global > 0) {
    const objective::Evaluation test = full_.evaluate(theta, data_.test);
    rows.test_loss.push_back(test.loss);
    if (data_.test.classification) rows.test_accuracy.push_back(test.accuracy);
  }
  if (config_.monitor_curvature) {
    full_.curvature_product(objective::Curvature::hessian, theta, grad, hg_);
    double ghg = 0;
    TERRAIN_PETSC(VecDot(grad, hg_, &ghg));
    rows.gHg.push_back(ghg);
    rows.predicted_change.push_back(0.5 * s.lr * s.lr * ghg - s.lr * grad_sq);
  }
  if (tracker_) {
    const LambdaMaxEstimate e = tracker_->estimate(theta);
    rows.lambda_max.push_back(e.value);
    rows.lambda_max_residual.push_back(e.residual);
    rows.lambda_max_hv.push_back(e.hv);
    rows.two_over_lr.push_back(2.0 / s.lr);
  }
}

}  // namespace terrain::optim
