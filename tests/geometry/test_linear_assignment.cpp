// The linear assignment of geometry/linear_assignment.hpp: the Jonker–Volgenant solver equals
// brute force over all n! permutations for n ≤ 7 (random and tie-heavy matrices) and LEMON's
// network simplex at n = 200; bad input is refused. With TERRAIN_ASSIGNMENT_BENCH=<file> (a raw
// n × n float64 matrix, row-major) the case scipy_benchmark solves it and prints
// "assignment n=<n> seconds=<s> objective=<v>" (and LEMON's time for n ≤ 1024), the numbers
// tests/cli/assignment_scipy.sh compares with scipy.optimize.linear_sum_assignment.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <vector>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "geometry/linear_assignment.hpp"

using namespace terrain;

namespace {

std::vector<double> random_matrix(PetscInt n, std::uint64_t seed) {
  std::vector<double> w(static_cast<std::size_t>(n) * n);
  for (std::size_t i = 0; i < w.size(); ++i)
    w[i] = core::normal(seed, core::Stream::test_vector, i);
  return w;
}

// Entries in {0, 1, 2}: many optimal assignments, exactly representable sums.
std::vector<double> tied_matrix(PetscInt n, std::uint64_t seed) {
  std::vector<double> w(static_cast<std::size_t>(n) * n);
  for (std::size_t i = 0; i < w.size(); ++i)
    w[i] = std::floor(3 * core::uniform(seed, core::Stream::test_vector, i));
  return w;
}

double brute_force(const std::vector<double>& w, PetscInt n) {
  std::vector<PetscInt> p(n);
  std::iota(p.begin(), p.end(), PetscInt(0));
  double best = -INFINITY;
  do best = std::max(best, geometry::assignment_value(w, n, p));
  while (std::next_permutation(p.begin(), p.end()));
  return best;
}

bool is_permutation(std::vector<PetscInt> p) {
  std::sort(p.begin(), p.end());
  for (std::size_t i = 0; i < p.size(); ++i)
    if (p[i] != PetscInt(i)) return false;
  return true;
}

bool bench_requested() { return std::getenv("TERRAIN_ASSIGNMENT_BENCH") != nullptr; }

}  // namespace

BOOST_AUTO_TEST_CASE(equals_brute_force_on_small_random_and_tied_matrices) {
  for (PetscInt n = 1; n <= 7; ++n)
    for (std::uint64_t seed = 1; seed <= 6; ++seed)
      for (bool tied : {false, true}) {
        std::vector<double> w = tied ? tied_matrix(n, seed) : random_matrix(n, seed);
        if (seed % 3 == 0)  // a large common offset and negative entries change nothing
          for (double& x : w) x = 1e3 * x - 5e3;
        const std::vector<PetscInt> p = geometry::max_weight_assignment(w, n);
        BOOST_TEST_REQUIRE(is_permutation(p));
        const double got = geometry::assignment_value(w, n, p), best = brute_force(w, n);
        BOOST_TEST(std::abs(got - best) <= 1e-12 * std::max(1.0, std::abs(best)),
                   "n " << n << " seed " << seed << (tied ? " tied" : "") << ": " << got
                        << " against the brute-force optimum " << best);
        const std::vector<PetscInt> q = geometry::max_weight_assignment_lemon(w, n);
        BOOST_TEST_REQUIRE(is_permutation(q));
        BOOST_TEST(std::abs(geometry::assignment_value(w, n, q) - best) <=
                   1e-12 * std::max(1.0, std::abs(best)));
      }
}

BOOST_AUTO_TEST_CASE(equals_lemon_at_n_200) {
  const PetscInt n = 200;
  for (bool tied : {false, true}) {
    const std::vector<double> w = tied ? tied_matrix(n, 11) : random_matrix(n, 11);
    const std::vector<PetscInt> p = geometry::max_weight_assignment(w, n);
    const std::vector<PetscInt> q = geometry::max_weight_assignment_lemon(w, n);
    BOOST_TEST_REQUIRE(is_permutation(p));
    BOOST_TEST_REQUIRE(is_permutation(q));
    const double vp = geometry::assignment_value(w, n, p), vq = geometry::assignment_value(w, n, q);
    BOOST_TEST(std::abs(vp - vq) <= 1e-12 * std::abs(vq), (tied ? "tied: " : "")
                                                              << vp << " vs " << vq);
    // and both beat the identity and a greedy row-by-row choice (the optimum is not trivial)
    BOOST_TEST(vp > geometry::assignment_value(w, n, [&] {
                 std::vector<PetscInt> id(n);
                 std::iota(id.begin(), id.end(), PetscInt(0));
                 return id;
               }()));
  }
}

BOOST_AUTO_TEST_CASE(a_planted_permutation_is_found_and_the_solver_is_deterministic) {
  // w[i, σ(i)] = 1 on a random σ, the rest uniform in (0, 0.5): σ is the unique optimum.
  const PetscInt n = 64;
  std::vector<PetscInt> sigma(n);
  std::iota(sigma.begin(), sigma.end(), PetscInt(0));
  for (PetscInt i = n; i > 1; --i)
    std::swap(sigma[i - 1],
              sigma[static_cast<PetscInt>(core::uniform(3, core::Stream::test_vector, i) * i)]);
  std::vector<double> w(static_cast<std::size_t>(n) * n);
  for (std::size_t k = 0; k < w.size(); ++k)
    w[k] = 0.5 * core::uniform(4, core::Stream::test_vector, k);
  for (PetscInt i = 0; i < n; ++i) w[i * n + sigma[i]] = 1.0;
  const std::vector<PetscInt> p = geometry::max_weight_assignment(w, n);
  BOOST_TEST((p == sigma));
  BOOST_TEST((geometry::max_weight_assignment(w, n) == p));
  // an all-equal matrix: the fixed tie rule gives the identity
  const std::vector<double> flat(static_cast<std::size_t>(n) * n, 2.0);
  std::vector<PetscInt> id(n);
  std::iota(id.begin(), id.end(), PetscInt(0));
  BOOST_TEST((geometry::max_weight_assignment(flat, n) == id));
}

BOOST_AUTO_TEST_CASE(bad_matrices_are_refused) {
  BOOST_TEST(geometry::max_weight_assignment({}, 0).empty());
  BOOST_CHECK_THROW(geometry::max_weight_assignment(std::vector<double>(5, 1.0), 2),
                    core::InputError);
  std::vector<double> w(4, 1.0);
  w[2] = NAN;
  BOOST_CHECK_THROW(geometry::max_weight_assignment(w, 2), core::InputError);
  w[2] = INFINITY;
  BOOST_CHECK_THROW(geometry::max_weight_assignment_lemon(w, 2), core::InputError);
}

BOOST_AUTO_TEST_CASE(scipy_benchmark,
                     *boost::unit_test::precondition([](boost::unit_test::test_unit_id) {
                       return bench_requested();
                     })) {
  const char* file = std::getenv("TERRAIN_ASSIGNMENT_BENCH");
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  BOOST_TEST_REQUIRE(in.good(), "cannot read " << file);
  const std::size_t bytes = static_cast<std::size_t>(in.tellg());
  const PetscInt n = static_cast<PetscInt>(std::llround(std::sqrt(bytes / 8.0)));
  BOOST_TEST_REQUIRE(static_cast<std::size_t>(n) * n * 8 == bytes, file << " is not n x n doubles");
  std::vector<double> w(static_cast<std::size_t>(n) * n);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(w.data()), static_cast<std::streamsize>(bytes));
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  const std::vector<PetscInt> p = geometry::max_weight_assignment(w, n);
  const double seconds = std::chrono::duration<double>(clock::now() - t0).count();
  BOOST_TEST_REQUIRE(is_permutation(p));
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank == 0)
    std::printf("assignment n=%d seconds=%.4f objective=%.17g\n", static_cast<int>(n), seconds,
                geometry::assignment_value(w, n, p));
  std::fflush(stdout);
  if (n <= 1024) {
    const auto t1 = clock::now();
    const std::vector<PetscInt> q = geometry::max_weight_assignment_lemon(w, n);
    const double lemon_seconds = std::chrono::duration<double>(clock::now() - t1).count();
    if (rank == 0)
      std::printf("lemon n=%d seconds=%.4f objective=%.17g\n", static_cast<int>(n), lemon_seconds,
                  geometry::assignment_value(w, n, q));
    std::fflush(stdout);
  }
}
