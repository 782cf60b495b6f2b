// The pieces of a training step against hand-computed values: schedules, the five updates with
// weight decay and clipping, and the minibatch sampler (a permutation per epoch, the same on
// every rank, a pure function of (seed, step)).
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <numeric>

#include "core/petsc_handle.hpp"
#include "optim/minibatch_sampler.hpp"
#include "optim/optimizer.hpp"
#include "optim/schedule.hpp"

using namespace terrain;
using optim::Method;

BOOST_AUTO_TEST_CASE(schedules) {
  optim::Schedule s;
  s.lr = 0.5;
  BOOST_TEST(s.at(0) == 0.5);
  BOOST_TEST(s.at(1000) == 0.5);
  s.kind = optim::ScheduleKind::step;
  s.step_size = 10;
  s.gamma = 0.1;
  BOOST_TEST(s.at(9) == 0.5);
  BOOST_TEST(std::abs(s.at(10) - 0.05) < 1e-15);
  BOOST_TEST(std::abs(s.at(25) - 0.005) < 1e-15);
  s.kind = optim::ScheduleKind::cosine;
  s.lr_min = 0.1;
  s.horizon = 100;
  BOOST_TEST(s.at(0) == 0.5);
  BOOST_TEST(std::abs(s.at(25) - (0.1 + 0.2 * (1 + std::sqrt(0.5)))) < 1e-15);
  BOOST_TEST(std::abs(s.at(50) - 0.3) < 1e-15);
  BOOST_TEST(std::abs(s.at(100) - 0.1) < 1e-15);
  BOOST_TEST(std::abs(s.at(500) - 0.1) < 1e-15);
  s.kind = optim::ScheduleKind::constant;
  s.warmup = 4;
  BOOST_TEST(s.at(0) == 0.125);
  BOOST_TEST(s.at(3) == 0.5);
  BOOST_TEST(s.at(4) == 0.5);
}

namespace {
// θ = (1, −2, 3, ...) and g = (0.5, 0.25, −1, ...) on the ranks' slices; returns θ after `steps`
// updates with the gradient held fixed, gathered to every rank.
std::vector<double> updated(const optim::OptimizerSettings& o, int steps, double lr, double scale) {
  const PetscInt n = 5;
  core::OwnedVec theta, grad;
  VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, n, theta.out());
  VecDuplicate(theta, grad.out());
  for (PetscInt i = 0; i < n; ++i) {
    VecSetValue(theta, i, (i % 2 ? -1.0 : 1.0) * double(i + 1), INSERT_VALUES);
    VecSetValue(grad, i, i == 2 ? -1.0 : 0.5 / double(i + 1), INSERT_VALUES);
  }
  VecAssemblyBegin(theta), VecAssemblyEnd(theta), VecAssemblyBegin(grad), VecAssemblyEnd(grad);
  {
    optim::Optimizer opt(o, theta);
    for (int t = 0; t < steps; ++t) opt.step(theta, grad, lr, t, scale);
  }
  core::OwnedVec all;
  core::PetscHandle<VecScatter> to_all;
  VecScatterCreateToAll(theta, to_all.out(), all.out());
  VecScatterBegin(to_all, theta, all, INSERT_VALUES, SCATTER_FORWARD);
  VecScatterEnd(to_all, theta, all, INSERT_VALUES, SCATTER_FORWARD);
  const double* a;
  VecGetArrayRead(all, &a);
  std::vector<double> out(a, a + n);
  VecRestoreArrayRead(all, &a);
  return out;
}

// The same updates written out one coordinate at a time.
std::vector<double> reference(const optim::OptimizerSettings& o, int steps, double lr,
                              double scale) {
  std::vector<double> out;
  for (int i = 0; i < 5; ++i) {
    double x = (i % 2 ? -1.0 : 1.0) * double(i + 1);
    const double g = scale * (i == 2 ? -1.0 : 0.5 / double(i + 1));
    double v = 0, m = 0, s = 0;
    for (int t = 0; t < steps; ++t) {
      const double d = g + o.weight_decay * x;
      switch (o.method) {
        case Method::gd:
        case Method::sgd:
          x -= lr * d;
          break;
        case Method::momentum:
          v = o.momentum * v + d, x -= lr * v;
          break;
        case Method::nesterov:
          v = o.momentum * v + d, x -= lr * (d + o.momentum * v);
          break;
        case Method::adam: {
          m = o.beta1 * m + (1 - o.beta1) * g;
          s = o.beta2 * s + (1 - o.beta2) * g * g;
          const double mh = m / (1 - std::pow(o.beta1, t + 1)),
                       sh = s / (1 - std::pow(o.beta2, t + 1));
          x = x * (1 - lr * o.weight_decay) - lr * mh / (std::sqrt(sh) + o.epsilon);
          break;
        }
      }
    }
    out.push_back(x);
  }
  return out;
}
}  // namespace

BOOST_AUTO_TEST_CASE(updates_match_their_formulas) {
  for (Method method :
       {Method::gd, Method::sgd, Method::momentum, Method::nesterov, Method::adam}) {
    for (double wd : {0.0, 0.1}) {
      optim::OptimizerSettings o;
      o.method = method;
      o.momentum = 0.8;
      o.weight_decay = wd;
      const std::vector<double> a = updated(o, 7, 0.05, 0.6), b = reference(o, 7, 0.05, 0.6);
      double worst = 0;
      for (int i = 0; i < 5; ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
      BOOST_TEST(worst <= 1e-14, optim::to_string(method) << " wd " << wd << ": " << worst);
    }
  }
}

BOOST_AUTO_TEST_CASE(each_epoch_is_a_permutation_and_every_rank_draws_the_same) {
  const PetscInt n = 103, batch = 10;
  optim::MinibatchSampler sampler(n, batch, 42);
  BOOST_TEST(sampler.batches_per_epoch() == 10);
  for (PetscInt epoch = 0; epoch < 3; ++epoch) {
    std::vector<PetscInt> seen;
    for (PetscInt k = 0; k < 10; ++k) {
      const auto& b = sampler.batch(epoch * 10 + k);
      BOOST_TEST(b.size() == std::size_t(batch));
      seen.insert(seen.end(), b.begin(), b.end());
    }
    std::sort(seen.begin(), seen.end());
    BOOST_TEST((std::adjacent_find(seen.begin(), seen.end()) == seen.end()),
               "repeated sample in epoch " << epoch);
    BOOST_TEST(seen.front() >= 0);
    BOOST_TEST(seen.back() < n);
  }
  // Epochs differ, seeds differ, and the list is a pure function of (seed, step).
  const std::vector<PetscInt> e0 = optim::MinibatchSampler::permutation(n, 42, 0);
  BOOST_TEST((e0 != optim::MinibatchSampler::permutation(n, 42, 1)));
  BOOST_TEST((e0 != optim::MinibatchSampler::permutation(n, 43, 0)));
  optim::MinibatchSampler fresh(n, batch, 42);
  BOOST_TEST((fresh.batch(17) == sampler.batch(17)));
  // Rank 0's list, broadcast, equals every rank's own.
  std::vector<PetscInt> mine = sampler.batch(25), root = mine;
  MPI_Bcast(root.data(), int(root.size()), MPIU_INT, 0, PETSC_COMM_WORLD);
  int same = mine == root;
  MPI_Allreduce(MPI_IN_PLACE, &same, 1, MPI_INT, MPI_LAND, PETSC_COMM_WORLD);
  BOOST_TEST(same);
  // Shuffling is unbiased enough: the first position is spread over all samples.
  std::vector<int> first(n, 0);
  for (PetscInt e = 0; e < 2000; ++e) ++first[optim::MinibatchSampler::permutation(n, 1, e)[0]];
  BOOST_TEST(*std::max_element(first.begin(), first.end()) < 60);  // mean 19.4
}
