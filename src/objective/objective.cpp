#include "objective/objective.hpp"

// PetscObjectStateGet is public API but declared in the implementation header in 3.18.
#include <petsc/private/petscimpl.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "core/log.hpp"

namespace terrain::objective {

Objective::Objective(MPI_Comm comm, const model::Architecture& arch, const data::Dataset& train)
    : comm_(comm), net_(arch), train_(train) {
  TERRAIN_CHECK(train.d_in == arch.widths.front(),
                "the data have " << train.d_in << " input features but -model_widths starts with "
                                 << arch.widths.front());
  TERRAIN_CHECK(train.d_out == arch.widths.back(),
                "the data have " << train.d_out << (train.classification ? " classes" : " targets")
                                 << " but -model_widths ends with " << arch.widths.back());
  TERRAIN_CHECK(arch.loss != model::Loss::cross_entropy || train.classification,
                "-model_loss cross_entropy needs class labels, but the data are regression targets");
  TERRAIN_CHECK(train.n_global > 0, "the training set is empty");
  const core::OwnedVec v(create_vec());
  const PetscInt* ranges = nullptr;
  TERRAIN_PETSC(VecGetOwnershipRanges(v, &ranges));
  int size = 0;
  MPI_Comm_size(comm_, &size);
  ownership_.assign(ranges, ranges + size + 1);
  use_all_samples();
}

Vec Objective::create_vec() const {
  Vec v;
  TERRAIN_PETSC(VecCreateMPI(comm_, PETSC_DECIDE, n_params(), &v));
  return v;
}

void Objective::initial_parameters(Vec theta) const {
  PetscInt begin = 0, end = 0;
  TERRAIN_PETSC(VecGetOwnershipRange(theta, &begin, &end));
  double* a = nullptr;
  TERRAIN_PETSC(VecGetArrayWrite(theta, &a));
  model::initial_parameters(net_.architecture(), net_.layout(), begin, end, a);
  TERRAIN_PETSC(VecRestoreArrayWrite(theta, &a));
}

void Objective::use_all_samples() {
  x_ = train_.X.data();
  targets_.y = train_.Y.data();
  targets_.labels = train_.classification ? train_.labels.data() : nullptr;
  n_local_ = train_.n_local;
  n_global_ = train_.n_global;
  batch_x_.clear(), batch_y_.clear(), batch_labels_.clear();
  invalidate();
}

void Objective::use_batch(const std::vector<PetscInt>& global_indices) {
  TERRAIN_CHECK(!global_indices.empty(), "a minibatch must not be empty");
  const PetscInt d = train_.d_in, k = train_.d_out;
  batch_x_.clear(), batch_y_.clear(), batch_labels_.clear();
  for (PetscInt g : global_indices) {
    TERRAIN_CHECK(g >= 0 && g < train_.n_global, "minibatch index " << g << " outside [0, "
                                                                    << train_.n_global << ")");
    const PetscInt i = g - train_.first_row;
    if (i < 0 || i >= train_.n_local) continue;
    batch_x_.insert(batch_x_.end(), &train_.X[i * d], &train_.X[i * d] + d);
    batch_y_.insert(batch_y_.end(), &train_.Y[i * k], &train_.Y[i * k] + k);
    if (train_.classification) batch_labels_.push_back(train_.labels[i]);
  }
  x_ = batch_x_.data();
  targets_.y = batch_y_.data();
  targets_.labels = train_.classification ? batch_labels_.data() : nullptr;
  n_local_ = static_cast<PetscInt>(batch_x_.size() / d);
  n_global_ = static_cast<PetscInt>(global_indices.size());
  invalidate();
}

void Objective::set_theta(Vec theta) {
  PetscObjectId id = 0;
  PetscObjectState state = 0;
  TERRAIN_PETSC(PetscObjectGetId(reinterpret_cast<PetscObject>(theta), &id));
  TERRAIN_PETSC(PetscObjectStateGet(reinterpret_cast<PetscObject>(theta), &state));
  if (id == theta_id_ && state == theta_state_) return;
  PetscInt n_local = 0;
  TERRAIN_PETSC(VecGetLocalSize(theta, &n_local));
  const double* a = nullptr;
  TERRAIN_PETSC(VecGetArrayRead(theta, &a));
  gather(a, n_local, 1, theta_);
  TERRAIN_PETSC(VecRestoreArrayRead(theta, &a));
  theta_id_ = id;
  theta_state_ = state;
  // Leaving a θ: learn whether loss() callers follow with a gradient at the same θ.
  if (sums_valid_ && !sums_used_by_forward_) prefer_full_forward_ = false;
  if (forward_for_loss_) prefer_full_forward_ = false;  // the full forward served only a loss
  sums_used_by_forward_ = forward_for_loss_ = false;
  invalidate();
}

void Objective::ensure_forward() {
  if (forward_valid_) return;
  const core::LogEvents& ev = core::log_events();
  PetscLogEventBegin(ev.forward, 0, 0, 0, 0);
  net_.forward(theta_.data(), x_, n_local_, pass_, true);
  loss_sum_ = model::loss_sum(net_.architecture().loss, pass_.out.back().data(), n_local_,
                              net_.d_out(), targets_);
  PetscLogEventEnd(ev.forward, 0, 0, 0, 0);
  ++counters_.forward_passes;
  if (sums_valid_) {  // a forward-only loss at this θ was not enough for the caller
    ++counters_.repeated_forwards;
    sums_used_by_forward_ = prefer_full_forward_ = true;
  }
  forward_valid_ = true;
  backward_valid_ = false;
}

void Objective::ensure_backward() {
  ensure_forward();
  if (backward_valid_) return;
  const core::LogEvents& ev = core::log_events();
  PetscLogEventBegin(ev.backward, 0, 0, 0, 0);
  net_.backward(theta_.data(), targets_, 1.0 / double(n_global_), pass_);
  PetscLogEventEnd(ev.backward, 0, 0, 0, 0);
  backward_valid_ = true;
  forward_for_loss_ = false;
}

model::BlockSums Objective::local_sums(bool need_correct) {
  if (!forward_valid_ && !sums_valid_ && prefer_full_forward_) {
    ensure_forward();
    forward_for_loss_ = true;
  }
  if (forward_valid_) {
    model::BlockSums s{loss_sum_, 0.0};
    if (need_correct && targets_.labels)
      s.correct = double(model::count_correct(pass_.out.back().data(), n_local_, net_.d_out(),
                                              targets_.labels));
    return s;
  }
  if (!sums_valid_) {
    const core::LogEvents& ev = core::log_events();
    PetscLogEventBegin(ev.forward, 0, 0, 0, 0);
    sums_ = net_.forward_loss(theta_.data(), x_, n_local_, targets_, work_);
    PetscLogEventEnd(ev.forward, 0, 0, 0, 0);
    ++counters_.loss_passes;
    sums_valid_ = true;
  }
  return sums_;
}

double Objective::loss(Vec theta) {
  set_theta(theta);
  double sum = local_sums(false).loss_sum;
  MPI_Allreduce(MPI_IN_PLACE, &sum, 1, MPI_DOUBLE, MPI_SUM, comm_);
  return sum / double(n_global_);
}

double Objective::gradient(Vec theta, Vec grad) {
  set_theta(theta);
  ensure_forward();
  double value = loss_sum_;
  MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_DOUBLE, MPI_SUM, comm_);
  value /= double(n_global_);
  ensure_backward();
  const core::LogEvents& ev = core::log_events();
  PetscLogEventBegin(ev.gradient, 0, 0, 0, 0);
  buffer_.assign(n_params(), 0.0);
  net_.add_gradient(pass_, buffer_.data());
  PetscLogEventEnd(ev.gradient, 0, 0, 0, 0);
  double* g = nullptr;
  TERRAIN_PETSC(VecGetArrayWrite(grad, &g));
  reduce_scatter(buffer_, 1, g, ownership_[1] - ownership_[0]);
  TERRAIN_PETSC(VecRestoreArrayWrite(grad, &g));
  ++counters_.gradients;
  return value;
}

double Objective::accuracy(Vec theta) {
  if (!train_.classification) return std::numeric_limits<double>::quiet_NaN();
  set_theta(theta);
  double correct = local_sums(true).correct;
  MPI_Allreduce(MPI_IN_PLACE, &correct, 1, MPI_DOUBLE, MPI_SUM, comm_);
  return correct / double(n_global_);
}

Evaluation Objective::evaluate(Vec theta, const data::Dataset& data) {
  set_theta(theta);
  TERRAIN_CHECK(data.d_in == train_.d_in && data.d_out == train_.d_out,
                "the evaluation set's shape does not match the training set");
  const model::Targets t{data.Y.data(), data.classification ? data.labels.data() : nullptr};
  const core::LogEvents& ev = core::log_events();
  PetscLogEventBegin(ev.forward, 0, 0, 0, 0);
  const model::BlockSums local = net_.forward_loss(theta_.data(), data.X.data(), data.n_local, t, work_);
  PetscLogEventEnd(ev.forward, 0, 0, 0, 0);
  ++counters_.loss_passes;
  double sums[2] = {local.loss_sum, local.correct};
  MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm_);
  Evaluation e;
  e.loss = sums[0] / double(data.n_global);
  e.accuracy = data.classification ? sums[1] / double(data.n_global)
                                   : std::numeric_limits<double>::quiet_NaN();
  return e;
}

void Objective::curvature_product(Curvature kind, Vec theta, Vec x, Vec y) {
  const double* xa = nullptr;
  double* ya = nullptr;
  PetscInt n_local = 0;
  TERRAIN_PETSC(VecGetLocalSize(x, &n_local));
  TERRAIN_PETSC(VecGetArrayRead(x, &xa));
  TERRAIN_PETSC(VecGetArrayWrite(y, &ya));
  products(kind, theta, xa, n_local, ya, n_local, 1);
  TERRAIN_PETSC(VecRestoreArrayWrite(y, &ya));
  TERRAIN_PETSC(VecRestoreArrayRead(x, &xa));
}

void Objective::curvature_product(Curvature kind, Vec theta, Mat X, Mat Y) {
  PetscInt m = 0, my = 0, ldx = 0, ldy = 0;
  TERRAIN_PETSC(MatGetSize(X, nullptr, &m));
  TERRAIN_PETSC(MatGetSize(Y, nullptr, &my));
  TERRAIN_CHECK(m == my, "curvature product: X has " << m << " columns, Y has " << my);
  TERRAIN_PETSC(MatDenseGetLDA(X, &ldx));
  TERRAIN_PETSC(MatDenseGetLDA(Y, &ldy));
  const double* xa = nullptr;
  double* ya = nullptr;
  TERRAIN_PETSC(MatDenseGetArrayRead(X, &xa));
  TERRAIN_PETSC(MatDenseGetArrayWrite(Y, &ya));
  products(kind, theta, xa, ldx, ya, ldy, m);
  TERRAIN_PETSC(MatDenseRestoreArrayWrite(Y, &ya));
  TERRAIN_PETSC(MatDenseRestoreArrayRead(X, &xa));
}

void Objective::products(Curvature kind, Vec theta, const double* x, PetscInt ldx, double* y,
                         PetscInt ldy, PetscInt m) {
  set_theta(theta);
  ensure_backward();
  gather(x, ldx, m, x_all_);
  const core::LogEvents& ev = core::log_events();
  PetscLogEventBegin(ev.curvature, 0, 0, 0, 0);
  y_all_.assign(std::size_t(m) * n_params(), 0.0);
  net_.add_curvature_product(theta_.data(), pass_, x_all_.data(), m, y_all_.data(),
                             kind == Curvature::gauss_newton);
  PetscLogEventEnd(ev.curvature, 0, 0, 0, 0);
  reduce_scatter(y_all_, m, y, ldy);
  counters_.curvature_vectors += m;
}

void Objective::gather(const double* local, PetscInt lda, PetscInt m, std::vector<double>& all) {
  const int size = static_cast<int>(ownership_.size()) - 1;
  const PetscInt N = n_params();
  all.resize(std::size_t(m) * N);
  if (size == 1) {
    for (PetscInt j = 0; j < m; ++j) std::copy(local + j * lda, local + j * lda + N, &all[j * N]);
    return;
  }
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  const PetscInt n_local = ownership_[rank + 1] - ownership_[rank];
  std::vector<double> packed(std::size_t(m) * n_local);
  for (PetscInt j = 0; j < m; ++j) std::copy(local + j * lda, local + j * lda + n_local, &packed[j * n_local]);
  std::vector<int> counts(size), displs(size);
  for (int r = 0; r < size; ++r) {
    counts[r] = static_cast<int>(m * (ownership_[r + 1] - ownership_[r]));
    displs[r] = static_cast<int>(m * ownership_[r]);
  }
  buffer_.resize(std::size_t(m) * N);
  PetscLogEventBegin(core::log_events().reduction, 0, 0, 0, 0);
  MPI_Allgatherv(packed.data(), counts[rank], MPI_DOUBLE, buffer_.data(), counts.data(),
                 displs.data(), MPI_DOUBLE, comm_);
  PetscLogEventEnd(core::log_events().reduction, 0, 0, 0, 0);
  // buffer_ holds rank blocks [col 0 .. col m-1] of each rank's rows; unpack to full columns.
  for (int r = 0; r < size; ++r) {
    const PetscInt nr = ownership_[r + 1] - ownership_[r];
    for (PetscInt j = 0; j < m; ++j)
      std::copy(&buffer_[displs[r] + j * nr], &buffer_[displs[r] + (j + 1) * nr],
                &all[j * N + ownership_[r]]);
  }
}

void Objective::reduce_scatter(const std::vector<double>& contribution, PetscInt m, double* local,
                               PetscInt lda) {
  const int size = static_cast<int>(ownership_.size()) - 1;
  const PetscInt N = n_params();
  if (size == 1) {
    for (PetscInt j = 0; j < m; ++j)
      std::copy(&contribution[j * N], &contribution[(j + 1) * N], local + j * lda);
    return;
  }
  int rank = 0;
  MPI_Comm_rank(comm_, &rank);
  std::vector<int> counts(size);
  buffer_.resize(std::size_t(m) * N);
  for (int r = 0; r < size; ++r) {
    const PetscInt nr = ownership_[r + 1] - ownership_[r];
    counts[r] = static_cast<int>(m * nr);
    for (PetscInt j = 0; j < m; ++j)
      std::copy(&contribution[j * N + ownership_[r]], &contribution[j * N + ownership_[r + 1]],
                &buffer_[m * ownership_[r] + j * nr]);
  }
  std::vector<double> mine(counts[rank]);
  PetscLogEventBegin(core::log_events().reduction, 0, 0, 0, 0);
  MPI_Reduce_scatter(buffer_.data(), mine.data(), counts.data(), MPI_DOUBLE, MPI_SUM, comm_);
  PetscLogEventEnd(core::log_events().reduction, 0, 0, 0, 0);
  const PetscInt n_local = ownership_[rank + 1] - ownership_[rank];
  for (PetscInt j = 0; j < m; ++j)
    std::copy(&mine[j * n_local], &mine[(j + 1) * n_local], local + j * lda);
}

}  // namespace terrain::objective
