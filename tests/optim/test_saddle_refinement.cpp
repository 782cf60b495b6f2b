// optim::refine_saddle and spectral::point_index against LAPACK. The set-up is the one a path
// between two minima of a network meets: a minimum θ_A of a 3-2-2 tanh student and its copy θ_B
// with the two hidden units swapped (another minimum, the same loss); the straight line between
// them is symmetric about t = 1/2, where both hidden units are equal. Refined from that midpoint
// the trust-region Newton must reach a critical point to |grad L|_1 <= 1e-10 whose inertia is the
// dense Hessian's (LAPACK) at the same tolerance, with a negative eigenvalue (the line between
// two minima rises to a saddle, not a minimum), and the cosine with the path's tangent in [0, 1].
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "core/petsc_handle.hpp"
#include "geometry/symmetry_canonical.hpp"
#include "objective/replicated.hpp"
#include "optim/critical_search.hpp"
#include "optim/critical_support.hpp"
#include "optim/saddle_refinement.hpp"
#include "spectral/point_index.hpp"

using namespace terrain;
using test::dense_inertia;
using test::SmallTanh;

BOOST_AUTO_TEST_CASE(midpoint_of_a_minimum_and_its_swapped_copy) {
  SmallTanh p(PETSC_COMM_WORLD);
  optim::NewtonSettings polish;
  polish.gtol = 1e-12;
  const optim::CriticalSearch minimum = optim::search_critical_point(
      *p.f, p.theta, optim::CriticalMethod::trust, polish, {20, 1e-3}, 0, 0);
  BOOST_TEST_REQUIRE(minimum.result.converged);
  const std::vector<double> a = objective::replicate(p.theta);
  geometry::HiddenSymmetry swap = geometry::identity_symmetry(p.f->network().architecture());
  swap.perm[0] = {1, 0};
  const std::vector<double> b = geometry::apply_symmetry(p.f->network().architecture(), a, swap);
  std::vector<double> mid(a.size()), tangent(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    mid[i] = 0.5 * (a[i] + b[i]);
    tangent[i] = b[i] - a[i];
  }

  optim::NewtonSettings newton;
  newton.gtol = 1e-10;
  spectral::EigenOptions eigen;
  eigen.settings.tol = 1e-10;
  const optim::SaddleRefinement r =
      optim::refine_saddle(*p.f, p.data.train, mid, tangent, newton, eigen);
  BOOST_TEST(r.converged);
  BOOST_TEST(r.grad_norm1 <= 1e-10);
  BOOST_TEST(r.params.size() == a.size());

  core::OwnedVec at(p.f->create_vec());
  objective::distribute(r.params, at);
  const std::array<int, 3> lapack = dense_inertia(*p.f, at, r.index.tau);
  BOOST_TEST(r.index.inertia.n_neg == lapack[0]);
  BOOST_TEST(r.index.inertia.n_zero == lapack[1]);
  BOOST_TEST(r.index.inertia.n_pos == lapack[2]);
  BOOST_TEST(r.index.index == lapack[0]);
  BOOST_TEST(r.index.index >= 1);
  BOOST_TEST(r.index.lambda_min < 0);
  BOOST_TEST((r.cosine_tangent >= 0 && r.cosine_tangent <= 1 + 1e-12));
  // The lowest eigenvector is one: ‖H v − λ_min v‖ small.
  BOOST_TEST(r.index.lowest_vector.size() == a.size());

  // point_index at the minimum: no negative eigenvalue, LAPACK's counts.
  const spectral::PointIndex m = spectral::point_index(*p.f, p.data.train, p.theta, eigen);
  const std::array<int, 3> at_min = dense_inertia(*p.f, p.theta, m.tau);
  BOOST_TEST(m.index == 0);
  BOOST_TEST(m.inertia.n_neg == at_min[0]);
  BOOST_TEST(m.inertia.n_pos == at_min[2]);
  BOOST_TEST(m.lambda_min > -m.tau);
}
