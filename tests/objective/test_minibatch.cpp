// A minibatch given by global sample indices is the same objective as a data set holding just
// those rows: loss, gradient and H·v agree with a one-rank objective built from the subset.
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "core/petsc_handle.hpp"
#include "data/synthetic.hpp"
#include "objective/finite_differences.hpp"
#include "support/dense.hpp"

using namespace terrain;

namespace {
std::vector<double> replicate(Vec x, PetscInt n) {
  core::OwnedMat wrap;
  PetscInt local = 0;
  VecGetLocalSize(x, &local);
  const double* a;
  VecGetArrayRead(x, &a);
  MPI_Comm comm;
  PetscObjectGetComm(reinterpret_cast<PetscObject>(x), &comm);
  MatCreateDense(comm, local, PETSC_DECIDE, n, 1, const_cast<double*>(a), wrap.out());
  std::vector<double> all = testing::replicate_dense(wrap);
  VecRestoreArrayRead(x, &a);
  return all;
}

// loss, then gradient and H·θ, replicated.
std::vector<double> evaluate(objective::Objective& f) {
  core::OwnedVec theta(f.create_vec()), g, hv;
  VecDuplicate(theta, g.out()), VecDuplicate(theta, hv.out());
  f.initial_parameters(theta);
  std::vector<double> out{f.gradient(theta, g)};
  f.curvature_product(objective::Curvature::hessian, theta, theta, hv);
  for (Vec x : {g.get(), hv.get()}) {
    const std::vector<double> all = replicate(x, f.n_params());
    out.insert(out.end(), all.begin(), all.end());
  }
  return out;
}
}  // namespace

BOOST_AUTO_TEST_CASE(minibatch_equals_the_subset_data_set) {
  model::Architecture arch;
  arch.widths = {3, 8, 4};
  arch.activation = model::Activation::tanh;
  arch.loss = model::Loss::cross_entropy;
  arch.seed = 2;
  const PetscInt n = 50;
  const data::Dataset shard = data::synthetic_dataset(PETSC_COMM_WORLD, n, 3, 4, true);
  const data::Dataset whole = data::synthetic_dataset(PETSC_COMM_SELF, n, 3, 4, true);

  // Every third sample, in descending order: order and ownership must not matter.
  std::vector<PetscInt> batch;
  for (PetscInt i = n - 1; i >= 0; i -= 3) batch.push_back(i);
  data::Dataset subset = whole;
  subset.X.clear(), subset.Y.clear(), subset.labels.clear();
  for (PetscInt i : batch) {
    subset.X.insert(subset.X.end(), &whole.X[i * 3], &whole.X[i * 3] + 3);
    subset.Y.insert(subset.Y.end(), &whole.Y[i * 4], &whole.Y[i * 4] + 4);
    subset.labels.push_back(whole.labels[i]);
  }
  subset.n_global = subset.n_local = static_cast<PetscInt>(batch.size());

  objective::Objective distributed(PETSC_COMM_WORLD, arch, shard);
  distributed.use_batch(batch);
  BOOST_TEST(distributed.n_samples() == PetscInt(batch.size()));
  objective::Objective reference(PETSC_COMM_SELF, arch, subset);
  const std::vector<double> a = evaluate(distributed), b = evaluate(reference);
  double worst = 0, scale = 0;
  for (double x : b) scale = std::max(scale, std::abs(x));
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]) / scale);
  MPI_Allreduce(MPI_IN_PLACE, &worst, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  BOOST_TEST(worst <= 1e-13);

  // Back to every sample: the full-data loss, not the batch's.
  distributed.use_all_samples();
  objective::Objective full(PETSC_COMM_WORLD, arch, shard);
  const std::vector<double> c = evaluate(distributed), d = evaluate(full);
  BOOST_TEST(c[0] == d[0]);
}
