// The forward-only loss (Network::forward_loss, forward_loss_from_first) against the full
// forward pass for every activation × loss × bias × residual, and the Objective paths that use
// it: loss, accuracy and evaluate agree with the cached forward, gradients are bitwise those
// without a preceding loss, and a loss-then-gradient caller pays one forward per θ.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/petsc_handle.hpp"
#include "data/synthetic.hpp"
#include "model/network.hpp"
#include "objective/objective.hpp"
#include "objective/replicated.hpp"
#include "support/network_cases.hpp"

using namespace terrain;

namespace {

using Case = testing::NetworkCase;

model::Architecture architecture(const Case& c, std::vector<PetscInt> widths = {5, 7, 7, 7, 4}) {
  model::Architecture a;
  a.widths = widths;  // the 7→7 layers carry skips when residual (one of even, one of odd parity)
  a.activation = c.activation;
  a.loss = c.loss;
  a.bias = c.bias;
  a.residual = c.residual;
  a.init_scale = 1.5;
  a.init_bias = 0.2;
  a.seed = 5;
  return a;
}

double max_over_ranks(double v) {
  MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  return v;
}

double relative(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

// Activations that activate_values computes with exactly activate()'s scalar arithmetic.
bool exact(model::Activation a) {
  return a != model::Activation::tanh && a != model::Activation::sigmoid;
}

}  // namespace

BOOST_DATA_TEST_CASE(forward_loss_matches_full_forward, boost::unit_test::data::make(testing::all_network_cases()), c) {
  for (const auto& widths : {std::vector<PetscInt>{5, 7, 7, 7, 4}, std::vector<PetscInt>{5, 4}}) {
    const model::Architecture arch = architecture(c, widths);
    const bool ce = c.loss == model::Loss::cross_entropy;
    const data::Dataset d = data::synthetic_dataset(PETSC_COMM_WORLD, 23, 5, 4, ce);
    const model::Network net(arch);
    objective::Objective f(PETSC_COMM_WORLD, arch, d);
    core::OwnedVec theta(f.create_vec());
    f.initial_parameters(theta);
    const std::vector<double> t = objective::replicate(theta);
    const model::Targets targets{d.Y.data(), ce ? d.labels.data() : nullptr};

    model::PassState s;
    net.forward(t.data(), d.X.data(), d.n_local, s, true);
    const double full = model::loss_sum(arch.loss, s.out.back().data(), d.n_local, 4, targets);
    const double correct = ce ? double(model::count_correct(s.out.back().data(), d.n_local, 4, d.labels.data())) : 0.0;

    model::ForwardWork work;
    const model::BlockSums a = net.forward_loss(t.data(), d.X.data(), d.n_local, targets, work);
    const double* buffer_a = work.a.data();
    const double* buffer_b = work.b.data();
    const model::BlockSums again = net.forward_loss(t.data(), d.X.data(), d.n_local, targets, work);
    // z1 by hand: bias rows plus X W₁ᵀ.
    const model::LayerBlock& b0 = net.layout().layer(0);
    std::vector<double> z1(std::size_t(d.n_local) * b0.fan_out, 0.0);
    for (PetscInt i = 0; i < d.n_local; ++i)
      for (PetscInt o = 0; o < b0.fan_out; ++o) {
        double v = b0.bias_offset >= 0 ? t[b0.bias_offset + o] : 0.0;
        for (PetscInt j = 0; j < b0.fan_in; ++j) v += d.X[i * b0.fan_in + j] * t[b0.weight_offset + o * b0.fan_in + j];
        z1[i * b0.fan_out + o] = v;
      }
    const model::BlockSums from_first = net.forward_loss_from_first(t.data(), z1.data(), d.n_local, targets, work);

    const double tol = exact(c.activation) ? 0.0 : 1e-14;
    BOOST_TEST(max_over_ranks(relative(a.loss_sum, full)) <= tol, c << " " << widths.size() << " widths: forward_loss vs forward");
    BOOST_TEST(max_over_ranks(std::abs(a.correct - correct)) == 0.0, c << ": correct count");
    BOOST_TEST(max_over_ranks(std::abs(again.loss_sum - a.loss_sum)) == 0.0, c << ": repeated call bitwise");
    BOOST_TEST(max_over_ranks(work.a.data() != buffer_a || work.b.data() != buffer_b) == 0.0,
               c << ": the ping-pong buffers are reused, not reallocated");
    BOOST_TEST(max_over_ranks(relative(from_first.loss_sum, full)) <= 1e-13, c << ": from_first vs forward");
    BOOST_TEST(max_over_ranks(std::abs(from_first.correct - correct)) == 0.0, c << ": from_first correct count");
  }
}

BOOST_DATA_TEST_CASE(objective_paths_agree_and_gradients_are_unchanged,
                     boost::unit_test::data::make(testing::all_network_cases()), c) {
  const model::Architecture arch = architecture(c);
  const bool ce = c.loss == model::Loss::cross_entropy;
  const data::Dataset d = data::synthetic_dataset(PETSC_COMM_WORLD, 31, 5, 4, ce);
  objective::Objective plain(PETSC_COMM_WORLD, arch, d), f(PETSC_COMM_WORLD, arch, d);
  core::OwnedVec theta(f.create_vec()), g0, g1, hv0, hv1, v;
  VecDuplicate(theta, g0.out()), VecDuplicate(theta, g1.out());
  VecDuplicate(theta, hv0.out()), VecDuplicate(theta, hv1.out()), VecDuplicate(theta, v.out());
  f.initial_parameters(theta);
  VecSet(v, 0.01);

  // Reference: gradient and product without any loss call first.
  const double l0 = plain.gradient(theta, g0);
  const double acc0 = plain.accuracy(theta);
  plain.curvature_product(objective::Curvature::hessian, theta, v, hv0);

  // The forward-only path, then the full one at the same θ.
  const double l1 = f.loss(theta);
  const double acc1 = f.accuracy(theta);
  const objective::Evaluation e = f.evaluate(theta, d);
  BOOST_TEST(f.counters().forward_passes == 0, c << ": loss and accuracy ran no full forward");
  BOOST_TEST(f.counters().loss_passes == 2, c << ": one forward-only pass for loss + accuracy, one for evaluate");
  const double lg = f.gradient(theta, g1);
  f.curvature_product(objective::Curvature::hessian, theta, v, hv1);
  const double tol = exact(c.activation) ? 0.0 : 1e-14;
  BOOST_TEST(relative(l1, l0) <= tol, c << ": forward-only loss vs the gradient's");
  BOOST_TEST(relative(e.loss, l0) <= tol, c << ": evaluate vs the gradient's loss");
  BOOST_TEST(lg == l0, c << ": the gradient's loss is bitwise unchanged");
  PetscBool same = PETSC_FALSE;
  VecEqual(g0, g1, &same);
  BOOST_TEST(bool(same), c << ": gradient after a loss bitwise the same");
  VecEqual(hv0, hv1, &same);
  BOOST_TEST(bool(same), c << ": H·v after a loss bitwise the same");
  if (ce) {
    BOOST_TEST(acc1 == acc0, c << ": accuracy");
    BOOST_TEST(e.accuracy == acc0, c << ": evaluate's accuracy");
  } else {
    BOOST_TEST(std::isnan(acc1));
    BOOST_TEST(std::isnan(e.accuracy));
  }
  // From the cache now: bitwise the gradient's loss.
  BOOST_TEST(f.loss(theta) == l0, c << ": loss from the cached forward");
}

// loss(θ) then gradient(θ) at successive θ (a monitor or line search that then steps): after
// the first repeat the loss runs the cached forward, so each θ costs one forward; a caller that
// stops asking for gradients goes back to the forward-only path.
BOOST_AUTO_TEST_CASE(loss_then_gradient_pays_one_forward_per_point) {
  const model::Architecture arch = architecture({model::Activation::tanh, model::Loss::cross_entropy, true, false});
  const data::Dataset d = data::synthetic_dataset(PETSC_COMM_WORLD, 31, 5, 4, true);
  objective::Objective f(PETSC_COMM_WORLD, arch, d);
  core::OwnedVec theta(f.create_vec()), g;
  VecDuplicate(theta, g.out());
  f.initial_parameters(theta);
  for (int step = 0; step < 4; ++step) {
    f.loss(theta);
    f.gradient(theta, g);
    VecAXPY(theta, -0.1, g);
  }
  BOOST_TEST(f.counters().repeated_forwards == 1);
  BOOST_TEST(f.counters().forward_passes == 4);
  BOOST_TEST(f.counters().loss_passes == 1);
  // Losses alone now: one (full) forward at the first θ, forward-only from the second on.
  for (int step = 0; step < 3; ++step) {
    f.loss(theta);
    VecScale(theta, 0.99);
  }
  BOOST_TEST(f.counters().forward_passes == 5);
  BOOST_TEST(f.counters().loss_passes == 3);
}
