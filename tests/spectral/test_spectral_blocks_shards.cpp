// Per-layer block spectra against LAPACK on the diagonal blocks of the dense Hessian (all three
// ways: cut from an assembled Hessian, assembled from products with vectors supported on the
// layer, and extreme pairs matrix-free), and each rank's shard λ_max against the λ_max of the
// Hessian of exactly those rows computed on one rank.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/petsc_handle.hpp"
#include "data/synthetic.hpp"
#include "objective/curvature_operator.hpp"
#include "objective/restricted_operator.hpp"
#include "spectral/layer_blocks.hpp"
#include "spectral/shard_spread.hpp"
#include "spectral_support.hpp"

using namespace terrain;

namespace {

const model::Architecture kArch =
    test::network({3, 6, 5, 2}, model::Activation::tanh, model::Loss::mse);

// LAPACK eigenvalues of the diagonal block [begin, end) of the replicated N × N matrix h.
std::vector<double> block_eigenvalues(const std::vector<double>& h, PetscInt N, PetscInt begin,
                                      PetscInt end) {
  const PetscInt p = end - begin;
  std::vector<double> b(std::size_t(p) * p);
  for (PetscInt j = 0; j < p; ++j)
    for (PetscInt i = 0; i < p; ++i) b[i + j * p] = h[(begin + i) + (begin + j) * N];
  return testing::lapack_eigenvalues(b, p);
}

}  // namespace

BOOST_AUTO_TEST_CASE(layer_blocks_match_lapack_on_the_dense_blocks) {
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 40, 3, 2, false);
  objective::Objective f(PETSC_COMM_WORLD, kArch, train);
  core::OwnedVec theta(f.create_vec());
  f.initial_parameters(theta);
  test::descend(f, theta, 200, 0.2);
  objective::CurvatureOperator H(f, theta, objective::Curvature::hessian);
  const PetscInt N = f.n_params();
  const std::vector<double> h = test::gathered_dense(H.mat());
  const double scale = test::max_abs(h);

  spectral::BlockSettings settings;
  settings.block = 5;
  settings.extreme.nev = 2;
  core::OwnedMat dense(objective::assemble_dense(H.mat(), 32));
  const auto from_products =
      spectral::layer_block_spectra(H.mat(), nullptr, f.network().layout(), settings);
  const auto from_dense =
      spectral::layer_block_spectra(H.mat(), dense, f.network().layout(), settings);
  settings.dense_max = 0;
  const auto extreme =
      spectral::layer_block_spectra(H.mat(), nullptr, f.network().layout(), settings);

  BOOST_TEST_REQUIRE(from_products.size() == 3u);
  PetscInt covered = 0;
  for (int l = 0; l < 3; ++l) {
    PetscInt begin = 0, end = 0;
    spectral::layer_range(f.network().layout(), l, &begin, &end);
    covered += end - begin;
    const std::vector<double> expected = block_eigenvalues(h, N, begin, end);
    for (const auto* blocks : {&from_products, &from_dense}) {
      const spectral::BlockSpectrum& b = (*blocks)[l];
      BOOST_TEST(b.method == "dense");
      BOOST_TEST(b.offset == begin);
      BOOST_TEST(b.size == end - begin);
      BOOST_TEST_REQUIRE(b.values.size() == expected.size());
      for (std::size_t i = 0; i < expected.size(); ++i)
        BOOST_TEST(std::abs(b.values[i] - expected[i]) <= 1e-12 * scale,
                   "layer " << l << " eigenvalue " << i);
    }
    const spectral::BlockSpectrum& x = extreme[l];
    BOOST_TEST(x.method == "extreme");
    BOOST_TEST_REQUIRE(x.largest.values.size() == 2u);
    BOOST_TEST_REQUIRE(x.smallest.values.size() == 2u);
    for (int i = 0; i < 2; ++i) {
      BOOST_TEST(std::abs(x.largest.values[i] - expected[expected.size() - 1 - i]) <= 1e-8,
                 "layer " << l);
      BOOST_TEST(std::abs(x.smallest.values[i] - expected[i]) <= 1e-8, "layer " << l);
      BOOST_TEST(x.largest.residuals[i] <= 1e-9);
    }
  }
  BOOST_TEST(covered == N);  // the blocks tile the parameter vector
}

BOOST_AUTO_TEST_CASE(restricted_operator_products_agree) {
  const data::Dataset train = data::synthetic_dataset(PETSC_COMM_WORLD, 40, 3, 2, false);
  objective::Objective f(PETSC_COMM_WORLD, kArch, train);
  core::OwnedVec theta(f.create_vec());
  f.initial_parameters(theta);
  objective::CurvatureOperator H(f, theta, objective::Curvature::hessian);
  const std::vector<double> h = test::gathered_dense(H.mat());
  const PetscInt N = f.n_params(), begin = 7, end = 31;
  objective::RestrictedOperator R(H.mat(), begin, end);
  // MatMult with e_j equals column j of the block, on every rank's rows.
  core::OwnedVec e, y;
  TERRAIN_PETSC(MatCreateVecs(R.mat(), e.out(), y.out()));
  PetscInt lo = 0, hi = 0;
  TERRAIN_PETSC(VecGetOwnershipRange(y, &lo, &hi));
  double worst = 0;
  for (PetscInt j = 0; j < end - begin; ++j) {
    TERRAIN_PETSC(VecSet(e, 0.0));
    TERRAIN_PETSC(VecSetValue(e, j, 1.0, INSERT_VALUES));
    TERRAIN_PETSC(VecAssemblyBegin(e));
    TERRAIN_PETSC(VecAssemblyEnd(e));
    TERRAIN_PETSC(MatMult(R.mat(), e, y));
    const double* a = nullptr;
    TERRAIN_PETSC(VecGetArrayRead(y, &a));
    for (PetscInt i = lo; i < hi; ++i)
      worst = std::max(worst, std::abs(a[i - lo] - h[(begin + i) + (begin + j) * N]));
    TERRAIN_PETSC(VecRestoreArrayRead(y, &a));
  }
  BOOST_TEST(test::world_max(worst) <= 1e-13 * test::max_abs(h));
}

BOOST_AUTO_TEST_CASE(shard_lambda_max_is_that_of_each_ranks_rows) {
  const PetscInt n = 41;
  const data::Dataset shard = data::synthetic_dataset(PETSC_COMM_WORLD, n, 3, 2, false);
  const data::Dataset whole = data::synthetic_dataset(PETSC_COMM_SELF, n, 3, 2, false);
  objective::Objective f(PETSC_COMM_WORLD, kArch, shard);
  core::OwnedVec theta(f.create_vec());
  f.initial_parameters(theta);
  test::descend(f, theta, 100, 0.2);
  spectral::EigenSettings settings;
  const spectral::ShardSpread s =
      spectral::shard_spread(kArch, shard, theta, objective::Curvature::hessian, settings, 1.5);
  int size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  BOOST_TEST_REQUIRE(s.lambda_max.size() == std::size_t(size));
  BOOST_TEST(s.full == 1.5);

  // Every rank recomputes every shard on its own: the rows PETSc's split gives rank r.
  core::PetscHandle<VecScatter> gather;
  core::OwnedVec all;
  TERRAIN_PETSC(VecScatterCreateToAll(theta, gather.out(), all.out()));
  TERRAIN_PETSC(VecScatterBegin(gather, theta, all, INSERT_VALUES, SCATTER_FORWARD));
  TERRAIN_PETSC(VecScatterEnd(gather, theta, all, INSERT_VALUES, SCATTER_FORWARD));
  objective::Objective serial(PETSC_COMM_SELF, kArch, whole);
  double worst = 0;
  for (int r = 0; r < size; ++r) {
    PetscInt first = 0, count = 0;
    data::local_rows(n, r, size, &first, &count);
    std::vector<PetscInt> rows(count);
    std::iota(rows.begin(), rows.end(), first);
    serial.use_batch(rows);
    objective::CurvatureOperator H(serial, all, objective::Curvature::hessian);
    const std::vector<double> lambda = test::dense_spectrum(H.mat());
    BOOST_TEST(s.n_samples[r] == count);
    worst = std::max(worst, std::abs(s.lambda_max[r] - lambda.back()) / lambda.back());
  }
  BOOST_TEST(test::world_max(worst) <= 1e-9, "shard lambda_max off by " << worst);
  const double mean = std::accumulate(s.lambda_max.begin(), s.lambda_max.end(), 0.0) / size;
  BOOST_TEST(std::abs(s.mean - mean) <= 1e-14 * std::abs(mean));
  BOOST_TEST(s.min <= s.mean);
  BOOST_TEST(s.mean <= s.max);
  BOOST_TEST((size == 1 ? s.std == 0.0 : s.std > 0.0));
}

BOOST_AUTO_TEST_CASE(empty_shards_are_an_input_error) {
  // 2 samples on 3 ranks leave one rank without data (at 1 and 2 ranks every rank has some).
  const data::Dataset shard = data::synthetic_dataset(PETSC_COMM_WORLD, 2, 3, 2, false);
  objective::Objective f(PETSC_COMM_WORLD, kArch, shard);
  core::OwnedVec theta(f.create_vec());
  f.initial_parameters(theta);
  int size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  if (size > 2)
    BOOST_CHECK_THROW(spectral::shard_spread(kArch, shard, theta, objective::Curvature::hessian,
                                             spectral::EigenSettings{}, 0.0),
                      core::InputError);
  else
    BOOST_CHECK_NO_THROW(spectral::shard_spread(kArch, shard, theta, objective::Curvature::hessian,
                                                spectral::EigenSettings{}, 0.0));
}
