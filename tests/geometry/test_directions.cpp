// The directions of a loss surface against their oracles: per-filter and per-layer norms equal
// θ's, the ReLU rescaling symmetry carried over to filter-normalised directions (and so to the
// surface), random directions bitwise equal to a one-rank recomputation, PCA against LAPACK on
// the explicit n×n covariance, Hessian eigenvectors against the dense Hessian, target and
// plane directions exact, and every bad input one line naming the option or file.
#include <petscsys.h>
// after petscsys.h, which it needs
#include <petscblaslapack.h>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "core/random_vec.hpp"
#include "data/synthetic.hpp"
#include "geometry/directions.hpp"
#include "io/run_schema.hpp"
#include "io/scratch.hpp"
#include "model/parameter_layout.hpp"
#include "objective/curvature_operator.hpp"
#include "objective/replicated.hpp"
#include "spectral/spectral_support.hpp"
#include "support/filled_vec.hpp"

using namespace terrain;
using geometry::BiasPolicy;
using geometry::DirectionConfig;
using geometry::DirectionKind;
using geometry::Normalisation;
using test::MessageHas;
using test::scratch;

using test::ScratchCleanup;
BOOST_TEST_GLOBAL_FIXTURE(ScratchCleanup);

namespace {

// A small network, its data sharded over `comm`, and a point θ (the initial weights).
struct Problem {
  model::Architecture arch;
  data::Dataset train;
  objective::Objective f;
  core::OwnedVec theta;

  explicit Problem(model::Architecture a, MPI_Comm comm = PETSC_COMM_WORLD)
      : arch(std::move(a)),
        train(data::synthetic_dataset(comm, 40, arch.widths.front(), arch.widths.back(),
                                      arch.loss == model::Loss::cross_entropy)),
        f(comm, arch, train),
        theta(f.create_vec()) {
    f.initial_parameters(theta);
  }
  const model::ParameterLayout& layout() const { return f.network().layout(); }
  PetscInt n() const { return f.n_params(); }
};

model::Architecture tanh_net() {
  return test::network({3, 6, 5, 3}, model::Activation::tanh, model::Loss::cross_entropy);
}

double norm2(const std::vector<double>& a, std::size_t begin, std::size_t n) {
  double s = 0;
  for (std::size_t i = begin; i < begin + n; ++i) s += a[i] * a[i];
  return s;
}

double rel(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

// The drawn direction (stream `direction`, offset 0), whole.
std::vector<double> drawn(PetscInt n, std::uint64_t seed, std::uint64_t offset = 0) {
  std::vector<double> d(static_cast<std::size_t>(n));
  core::fill_random(d.data(), 0, n, core::Distribution::normal, seed, core::Stream::direction, offset);
  return d;
}

std::vector<double> normalised(const Problem& p, Normalisation n, BiasPolicy b, Vec theta,
                               std::uint64_t seed) {
  core::OwnedVec d(p.f.create_vec());
  core::fill_random(d, core::Distribution::normal, seed, core::Stream::direction);
  geometry::normalise(p.layout(), n, b, theta, d);
  return objective::replicate(d);
}

DirectionConfig config(DirectionKind x, DirectionKind y) {
  DirectionConfig c;
  c.x = x;
  c.y = y;
  return c;
}

// Writes a run file of `arch` with /params = params and, when given, snapshots with steps.
void write_run(const std::string& path, const model::Architecture& arch, Vec params,
               const std::vector<Vec>& snapshots = {}, const std::vector<std::int64_t>& steps = {}) {
  io::RunFile file = io::RunFile::create(PETSC_COMM_WORLD, path);
  io::write_header(file);
  io::write_model(file, arch, model::ParameterLayout(arch));
  io::write_params(file, params);
  for (Vec v : snapshots) file.append_vec("/trajectory/params", v);
  if (!steps.empty()) file.append_1d("/trajectory/params_step", steps);
  file.commit();
}

// θ + s·(a random vector from `seed`), a new Vec.
core::OwnedVec moved(const Problem& p, double s, std::uint64_t seed) {
  core::OwnedVec v(p.f.create_vec());
  core::fill_random(v, core::Distribution::normal, seed, core::Stream::test_vector);
  TERRAIN_PETSC(VecAYPX(v, s, p.theta));
  return v;
}

}  // namespace

BOOST_DATA_TEST_CASE(filter_and_layer_norms_equal_theta_s, boost::unit_test::data::make({true, false}),
                     with_bias) {
  const Problem p(test::network({3, 6, 5, 3}, model::Activation::tanh, model::Loss::cross_entropy,
                                with_bias));
  const std::vector<double> t = objective::replicate(p.theta);
  const std::vector<double> raw = drawn(p.n(), 4);
  for (BiasPolicy b : {BiasPolicy::zero, BiasPolicy::filter, BiasPolicy::keep}) {
    const std::vector<double> f = normalised(p, Normalisation::filter, b, p.theta, 4);
    const std::vector<double> l = normalised(p, Normalisation::layer, b, p.theta, 4);
    double worst = 0;
    for (int k = 0; k < p.layout().n_layers(); ++k) {
      const model::LayerBlock& blk = p.layout().layer(k);
      const std::size_t w = static_cast<std::size_t>(blk.weight_offset), fan_in = blk.fan_in,
                        rows = blk.fan_out, bo = static_cast<std::size_t>(blk.bias_offset);
      for (std::size_t i = 0; i < rows; ++i) {
        double nd = norm2(f, w + i * fan_in, fan_in), nt = norm2(t, w + i * fan_in, fan_in);
        if (with_bias && b == BiasPolicy::filter) {
          nd += f[bo + i] * f[bo + i];
          nt += t[bo + i] * t[bo + i];
        }
        worst = std::max(worst, rel(std::sqrt(nd), std::sqrt(nt)));
        // Bias entries: zeroed, or as drawn.
        if (with_bias && b == BiasPolicy::zero) BOOST_TEST(f[bo + i] == 0.0);
        if (with_bias && b == BiasPolicy::keep) BOOST_TEST(f[bo + i] == raw[bo + i]);
      }
      worst = std::max(worst, rel(std::sqrt(norm2(l, w, rows * fan_in)), std::sqrt(norm2(t, w, rows * fan_in))));
      if (with_bias && b == BiasPolicy::filter)
        worst = std::max(worst, rel(std::sqrt(norm2(l, bo, rows)), std::sqrt(norm2(t, bo, rows))));
    }
    BOOST_TEST(worst <= 1e-14, "bias " << to_string(b) << ": worst relative norm error " << worst);
  }
  // weight: d_i·|θ_i|; unit: norm 1; none: as drawn except zeroed biases.
  const std::vector<double> w = normalised(p, Normalisation::weight, BiasPolicy::filter, p.theta, 4);
  const std::vector<double> u = normalised(p, Normalisation::unit, BiasPolicy::keep, p.theta, 4);
  const std::vector<double> none = normalised(p, Normalisation::none, BiasPolicy::keep, p.theta, 4);
  for (std::size_t i = 0; i < t.size(); ++i) {
    BOOST_TEST(w[i] == raw[i] * std::abs(t[i]));
    BOOST_TEST(none[i] == raw[i]);
  }
  BOOST_TEST(std::abs(std::sqrt(norm2(u, 0, u.size())) - 1.0) <= 1e-15);
}

// ReLU is positively homogeneous: layer l × c and layer l+1 × 1/c leave the network's function
// unchanged. Filter (and layer) normalisation follows the rescaling row by row, so
// θ' + x·d' + y·e' is the rescaled θ + x·d + y·e and the filter-normalised surface is the same;
// without normalisation it is not.
BOOST_AUTO_TEST_CASE(relu_rescaling_leaves_the_filter_normalised_surface_unchanged) {
  Problem p(test::network({3, 6, 5, 3}, model::Activation::relu, model::Loss::cross_entropy));
  const double c = 3.7;
  const model::LayerBlock& l0 = p.layout().layer(0);
  const model::LayerBlock& l1 = p.layout().layer(1);
  auto rescale = [&](std::vector<double> v) {
    for (PetscInt i = 0; i < l0.fan_in * l0.fan_out; ++i) v[l0.weight_offset + i] *= c;
    for (PetscInt i = 0; i < l0.fan_out; ++i) v[l0.bias_offset + i] *= c;
    for (PetscInt i = 0; i < l1.fan_in * l1.fan_out; ++i) v[l1.weight_offset + i] /= c;
    return v;
  };
  const std::vector<double> t = objective::replicate(p.theta);
  core::OwnedVec theta_c(p.f.create_vec());
  objective::distribute(rescale(t), theta_c);
  BOOST_TEST(rel(p.f.loss(theta_c), p.f.loss(p.theta)) <= 1e-13);  // the symmetry itself

  for (Normalisation n : {Normalisation::filter, Normalisation::layer}) {
    const std::vector<double> d = normalised(p, n, BiasPolicy::zero, p.theta, 8);
    const std::vector<double> dc = normalised(p, n, BiasPolicy::zero, theta_c, 8);
    const std::vector<double> expected = rescale(d);
    double worst = 0;
    for (std::size_t i = 0; i < d.size(); ++i)
      worst = std::max(worst, std::abs(dc[i] - expected[i]) / (std::abs(expected[i]) + 1e-300));
    BOOST_TEST(worst <= 1e-14, to_string(n) << ": d(c θ) vs c d(θ): " << worst);
  }
  // With bias policy filter layer l's rows (weights with their bias) still scale by c.
  {
    const std::vector<double> d = normalised(p, Normalisation::filter, BiasPolicy::filter, p.theta, 8);
    const std::vector<double> dc = normalised(p, Normalisation::filter, BiasPolicy::filter, theta_c, 8);
    double worst = 0;
    for (PetscInt i = 0; i < l0.fan_in * l0.fan_out; ++i)
      worst = std::max(worst, rel(dc[l0.weight_offset + i], c * d[l0.weight_offset + i]));
    for (PetscInt i = 0; i < l0.fan_out; ++i)
      worst = std::max(worst, rel(dc[l0.bias_offset + i], c * d[l0.bias_offset + i]));
    BOOST_TEST(worst <= 1e-14);
  }

  // The surface: the same losses at θ and at its rescaling, for the filter-normalised plane;
  // different ones for the plane of raw directions.
  auto surface_gap = [&](Normalisation n) {
    DirectionConfig cfg = config(DirectionKind::random, DirectionKind::random);
    cfg.normalisation = n;
    cfg.seed = 21;
    const geometry::DirectionSet a = geometry::make_directions(cfg, p.f, p.arch, p.theta, "");
    const geometry::DirectionSet b = geometry::make_directions(cfg, p.f, p.arch, theta_c, "");
    core::OwnedVec pa(p.f.create_vec()), pb(p.f.create_vec());
    double worst = 0;
    for (double x : {-0.8, 0.3, 1.0})
      for (double y : {-0.5, 0.6}) {
        TERRAIN_PETSC(VecCopy(p.theta, pa));
        TERRAIN_PETSC(VecAXPBYPCZ(pa, x, y, 1.0, a.x.v, a.y.v));
        TERRAIN_PETSC(VecCopy(theta_c, pb));
        TERRAIN_PETSC(VecAXPBYPCZ(pb, x, y, 1.0, b.x.v, b.y.v));
        worst = std::max(worst, rel(p.f.loss(pb), p.f.loss(pa)));
      }
    return worst;
  };
  const double filter_gap = surface_gap(Normalisation::filter);
  const double raw_gap = surface_gap(Normalisation::none);
  BOOST_TEST(filter_gap <= 1e-12, "filter-normalised surface moved by " << filter_gap);
  BOOST_TEST(raw_gap >= 1e-3, "the un-normalised surface should change, moved by " << raw_gap);
}

// x from offset 0, y from offset n_params, normalised on whole vectors: the distributed result
// is bitwise the one-rank recomputation, whatever the rank count.
BOOST_AUTO_TEST_CASE(random_directions_are_bitwise_a_one_rank_recomputation) {
  Problem p(tanh_net());
  Problem serial(tanh_net(), PETSC_COMM_SELF);
  for (Normalisation n : {Normalisation::filter, Normalisation::layer, Normalisation::weight,
                          Normalisation::unit, Normalisation::none}) {
    DirectionConfig cfg = config(DirectionKind::random, DirectionKind::random);
    cfg.normalisation = n;
    cfg.bias = BiasPolicy::filter;
    cfg.seed = 12345;
    const geometry::DirectionSet set = geometry::make_directions(cfg, p.f, p.arch, p.theta, "");
    const geometry::DirectionSet one = geometry::make_directions(cfg, serial.f, serial.arch, serial.theta, "");
    const std::vector<double> x = objective::replicate(set.x.v), y = objective::replicate(set.y.v);
    const std::vector<double> x1 = objective::replicate(one.x.v), y1 = objective::replicate(one.y.v);
    // Independent of make_directions: the draw at offsets 0 and n, normalised here.
    core::OwnedVec dx(serial.f.create_vec()), dy(serial.f.create_vec());
    objective::distribute(drawn(p.n(), 12345), dx);
    objective::distribute(drawn(p.n(), 12345, static_cast<std::uint64_t>(p.n())), dy);
    geometry::normalise(serial.layout(), n, BiasPolicy::filter, serial.theta, dx);
    geometry::normalise(serial.layout(), n, BiasPolicy::filter, serial.theta, dy);
    int mismatches = 0;
    const std::vector<double> ex = objective::replicate(dx), ey = objective::replicate(dy);
    for (std::size_t i = 0; i < x.size(); ++i)
      mismatches += (x[i] != x1[i]) + (y[i] != y1[i]) + (x[i] != ex[i]) + (y[i] != ey[i]);
    mismatches = static_cast<int>(test::world_max(mismatches));
    BOOST_TEST(mismatches == 0, to_string(n) << ": " << mismatches << " entries differ");
    BOOST_TEST(x != y);
    BOOST_TEST(set.x.seed == 12345);
    BOOST_TEST(set.x.kind == DirectionKind::random);
    BOOST_TEST(std::abs(set.cosine) < 0.9);
    BOOST_TEST(set.cosine == one.cosine);
  }
}

BOOST_AUTO_TEST_CASE(orthogonalize_keeps_y_s_norm) {
  Problem p(tanh_net());
  DirectionConfig cfg = config(DirectionKind::random, DirectionKind::random);
  cfg.seed = 3;
  const geometry::DirectionSet plain = geometry::make_directions(cfg, p.f, p.arch, p.theta, "");
  cfg.orthogonalize = true;
  const geometry::DirectionSet ortho = geometry::make_directions(cfg, p.f, p.arch, p.theta, "");
  double ny = 0, xy = 0;
  TERRAIN_PETSC(VecNorm(ortho.y.v, NORM_2, &ny));
  TERRAIN_PETSC(VecDot(ortho.x.v, ortho.y.v, &xy));
  BOOST_TEST(ortho.orthogonalized);
  BOOST_TEST(!plain.orthogonalized);
  BOOST_TEST(plain.cosine != 0.0);
  BOOST_TEST(std::abs(ortho.cosine) <= 1e-15);
  BOOST_TEST(std::abs(xy) / (ortho.x.norm * ny) <= 1e-15);
  BOOST_TEST(rel(ny, plain.y.norm) <= 1e-14);
  BOOST_TEST(rel(ortho.y.norm, plain.y.norm) <= 1e-14);
}

// PCA from the T×T Gram matrix against the n×n covariance Σ_t M_t M_tᵀ and LAPACK.
BOOST_AUTO_TEST_CASE(pca_matches_lapack_on_the_explicit_covariance) {
  Problem p(tanh_net());
  const PetscInt N = p.n();
  // Snapshots around θ with distinct scales (distinct eigenvalues), the centre itself among them.
  std::vector<core::OwnedVec> owned;
  std::vector<Vec> snapshots;
  const std::vector<std::int64_t> steps = {0, 10, 20, 30, 40, 50, 60};
  for (std::size_t t = 0; t < steps.size(); ++t) {
    owned.push_back(t == 4 ? moved(p, 0.0, 0) : moved(p, 0.2 + 0.3 * double(t), 100 + t));
    snapshots.push_back(owned.back());
  }
  const std::string path = scratch("trajectory.h5");
  write_run(path, p.arch, p.theta, snapshots, steps);

  const geometry::DirectionSet set =
      geometry::make_directions(config(DirectionKind::pca, DirectionKind::pca), p.f, p.arch, p.theta, path);

  // The oracle on whole vectors.
  const std::vector<double> t = objective::replicate(p.theta);
  std::vector<std::vector<double>> m;
  for (Vec s : snapshots) {
    std::vector<double> v = objective::replicate(s);
    for (PetscInt i = 0; i < N; ++i) v[i] -= t[i];
    m.push_back(std::move(v));
  }
  std::vector<double> cov(static_cast<std::size_t>(N * N), 0.0);
  for (const auto& v : m)
    for (PetscInt j = 0; j < N; ++j)
      for (PetscInt i = 0; i < N; ++i) cov[i + j * N] += v[i] * v[j];
  double trace = 0;
  for (PetscInt i = 0; i < N; ++i) trace += cov[i + i * N];
  std::vector<double> w(static_cast<std::size_t>(N));
  PetscBLASInt n = static_cast<PetscBLASInt>(N), lwork = 3 * n + 64, info = 0;
  std::vector<double> work(static_cast<std::size_t>(lwork));
  LAPACKsyev_("V", "U", &n, cov.data(), &n, w.data(), work.data(), &lwork, &info);
  BOOST_TEST_REQUIRE(info == 0);

  BOOST_TEST(set.explained_variance_ratio.size() == 6u);  // the centre left out
  for (std::size_t k = 0; k < set.explained_variance_ratio.size(); ++k)
    BOOST_TEST(std::abs(set.explained_variance_ratio[k] - w[N - 1 - k] / trace) <= 1e-13,
               "ratio " << k << ": " << set.explained_variance_ratio[k] << " vs " << w[N - 1 - k] / trace);
  BOOST_TEST(set.x.explained_variance_ratio == set.explained_variance_ratio[0]);
  BOOST_TEST(set.y.explained_variance_ratio == set.explained_variance_ratio[1]);
  BOOST_TEST(set.x.component == 0);
  BOOST_TEST(set.y.component == 1);
  BOOST_TEST(set.x.source == path + ":/trajectory/params");

  const std::vector<double> dx = objective::replicate(set.x.v), dy = objective::replicate(set.y.v);
  for (auto [d, k] : {std::pair{&dx, 0}, std::pair{&dy, 1}}) {
    const double* u = &cov[static_cast<std::size_t>((N - 1 - k) * N)];
    double along = 0;
    for (PetscInt i = 0; i < N; ++i) along += (*d)[i] * u[i];
    const double sign = along < 0 ? -1.0 : 1.0;
    double worst = 0;
    for (PetscInt i = 0; i < N; ++i) worst = std::max(worst, std::abs((*d)[i] - sign * u[i]));
    BOOST_TEST(worst <= 1e-12, "component " << k << " differs from LAPACK's by " << worst);
  }
  // Projections: ⟨M_t, d⟩ / ‖d‖², every snapshot in file order, the centre at 0.
  BOOST_TEST(set.proj_step == steps);
  BOOST_TEST_REQUIRE(set.proj_x.size() == steps.size());
  BOOST_TEST_REQUIRE(set.proj_y.size() == steps.size());
  for (std::size_t s = 0; s < m.size(); ++s) {
    double px = 0, py = 0;
    for (PetscInt i = 0; i < N; ++i) {
      px += m[s][i] * dx[i];
      py += m[s][i] * dy[i];
    }
    px /= norm2(dx, 0, dx.size());
    py /= norm2(dy, 0, dy.size());
    BOOST_TEST(std::abs(set.proj_x[s] - px) <= 1e-13 * (1 + std::abs(px)));
    BOOST_TEST(std::abs(set.proj_y[s] - py) <= 1e-13 * (1 + std::abs(py)));
  }
  BOOST_TEST(set.proj_x[4] == 0.0);
  BOOST_TEST(std::abs(set.cosine) <= 1e-13);

  // Too few snapshots besides the centre.
  const std::string short_path = scratch("short_trajectory.h5");
  write_run(short_path, p.arch, p.theta, {snapshots[4], snapshots[1]}, {40, 10});
  DirectionConfig cfg = config(DirectionKind::pca, DirectionKind::none);
  cfg.trajectory = short_path;
  BOOST_CHECK_EXCEPTION(geometry::make_directions(cfg, p.f, p.arch, p.theta, path), core::InputError,
                        (MessageHas{short_path, "at least 2 snapshots", "found 1"}));
}

// Hessian eigenvectors against the dense Hessian's (Davis–Kahan: a residual r with a gap δ
// to the rest of the spectrum leaves the vector within r/δ of the true one).
BOOST_AUTO_TEST_CASE(eigen_directions_match_the_dense_hessian) {
  Problem p(tanh_net());
  test::descend(p.f, p.theta, 200, 0.3);
  std::vector<double> h;
  {
    objective::CurvatureOperator H(p.f, p.theta, objective::Curvature::hessian);
    h = test::gathered_dense(H.mat());
  }
  const PetscInt N = p.n();
  std::vector<double> w(static_cast<std::size_t>(N));
  PetscBLASInt n = static_cast<PetscBLASInt>(N), lwork = 3 * n + 64, info = 0;
  std::vector<double> work(static_cast<std::size_t>(lwork));
  LAPACKsyev_("V", "U", &n, h.data(), &n, w.data(), work.data(), &lwork, &info);
  BOOST_TEST_REQUIRE(info == 0);

  auto check = [&](const geometry::Direction& d, PetscInt index, const char* what) {
    BOOST_TEST(std::abs(d.eigenvalue - w[index]) <= 1e-9, what << ": " << d.eigenvalue << " vs " << w[index]);
    BOOST_TEST(d.residual <= 1e-10, what << ": residual " << d.residual);
    // The residual recomputed from the vector.
    objective::CurvatureOperator H(p.f, p.theta, objective::Curvature::hessian);
    core::OwnedVec hv(p.f.create_vec());
    TERRAIN_PETSC(MatMult(H.mat(), d.v, hv));
    TERRAIN_PETSC(VecAXPY(hv, -d.eigenvalue, d.v));
    double r = 0;
    TERRAIN_PETSC(VecNorm(hv, NORM_2, &r));
    BOOST_TEST(r <= 1e-10, what << ": recomputed residual " << r);
    BOOST_TEST(std::abs(d.norm - 1.0) <= 1e-14);
    double gap = 1e300;
    for (PetscInt j = 0; j < N; ++j)
      if (j != index) gap = std::min(gap, std::abs(w[j] - w[index]));
    const std::vector<double> v = objective::replicate(d.v);
    const double* u = &h[static_cast<std::size_t>(index * N)];
    double along = 0, worst = 0;
    for (PetscInt i = 0; i < N; ++i) along += v[i] * u[i];
    for (PetscInt i = 0; i < N; ++i) worst = std::max(worst, std::abs(v[i] - (along < 0 ? -1 : 1) * u[i]));
    BOOST_TEST(worst <= 2e-10 / gap + 1e-12, what << ": vector off by " << worst << " (gap " << gap << ")");
  };
  DirectionConfig cfg = config(DirectionKind::eigen_top, DirectionKind::eigen_top);
  cfg.eigen_tol = 1e-10;
  const geometry::DirectionSet top = geometry::make_directions(cfg, p.f, p.arch, p.theta, "");
  check(top.x, N - 1, "largest");
  check(top.y, N - 2, "second largest");
  BOOST_TEST(top.y.component == 1);
  BOOST_TEST(std::abs(top.cosine) <= 1e-8);
  cfg.y = DirectionKind::eigen_bottom;
  const geometry::DirectionSet ends = geometry::make_directions(cfg, p.f, p.arch, p.theta, "");
  check(ends.x, N - 1, "largest");
  check(ends.y, 0, "smallest");
  BOOST_TEST(ends.y.component == 0);
  BOOST_TEST(ends.y.kind == DirectionKind::eigen_bottom);
}

BOOST_AUTO_TEST_CASE(targets_and_the_plane_through_three_points) {
  Problem p(tanh_net());
  const core::OwnedVec b = moved(p, 0.5, 1), c = moved(p, 0.4, 2), s200 = moved(p, 0.1, 3);
  const std::string b_path = scratch("b.h5"), c_path = scratch("c.h5");
  write_run(b_path, p.arch, b, {b, s200}, {100, 200});
  write_run(c_path, p.arch, c);
  const std::vector<double> a = objective::replicate(p.theta), bb = objective::replicate(b),
                            cc = objective::replicate(c), ss = objective::replicate(s200);

  DirectionConfig cfg = config(DirectionKind::target, DirectionKind::none);
  cfg.x_target = b_path;
  const geometry::DirectionSet line = geometry::make_directions(cfg, p.f, p.arch, p.theta, "");
  std::vector<double> x = objective::replicate(line.x.v);
  int inexact = 0;
  for (std::size_t i = 0; i < x.size(); ++i) inexact += x[i] != bb[i] - a[i];
  BOOST_TEST(inexact == 0);
  BOOST_TEST(line.x.source == b_path + ":/params");
  BOOST_TEST_REQUIRE(line.landmarks.size() == 2u);
  BOOST_TEST(line.landmarks[1].name == "x_target");
  BOOST_TEST(line.landmarks[1].x == 1.0);

  cfg.x_target = b_path + ":200";  // a saved step
  const geometry::DirectionSet step = geometry::make_directions(cfg, p.f, p.arch, p.theta, "");
  x = objective::replicate(step.x.v);
  BOOST_TEST(step.x.source == b_path + ":/trajectory/params (step 200)");
  inexact = 0;
  for (std::size_t i = 0; i < x.size(); ++i) inexact += x[i] != ss[i] - a[i];
  BOOST_TEST(inexact == 0);

  cfg.x_target = b_path;
  cfg.y = DirectionKind::target;
  cfg.y_target = c_path;
  const geometry::DirectionSet plane = geometry::make_directions(cfg, p.f, p.arch, p.theta, "");
  x = objective::replicate(plane.x.v);
  const std::vector<double> y = objective::replicate(plane.y.v);
  BOOST_TEST(plane.orthogonalized);
  BOOST_TEST(std::abs(plane.cosine) <= 1e-15);
  BOOST_TEST_REQUIRE(plane.landmarks.size() == 3u);
  const geometry::Landmark& lc = plane.landmarks[2];
  BOOST_TEST(lc.name == "y_target");
  BOOST_TEST(plane.landmarks[0].x == 0.0);
  BOOST_TEST(plane.landmarks[0].y == 0.0);
  BOOST_TEST(std::abs(lc.y - 1.0) <= 1e-14);  // y is C − A minus its projection on x
  double worst = 0, scale = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    worst = std::max(worst, std::abs(a[i] + lc.x * x[i] + lc.y * y[i] - cc[i]));
    scale = std::max(scale, std::abs(cc[i]));
  }
  BOOST_TEST(worst <= 1e-14 * scale, "C reproduced to " << worst);
  // B at (1, 0): exactly x.
  for (std::size_t i = 0; i < x.size(); ++i) inexact += a[i] + x[i] != bb[i] && std::abs(a[i] + x[i] - bb[i]) > 1e-15 * scale;
  BOOST_TEST(inexact == 0);
}

BOOST_AUTO_TEST_CASE(bad_inputs_are_one_line_naming_the_option_or_file) {
  Problem p(tanh_net());
  const std::string missing = scratch("missing.h5"), centre = scratch("centre.h5"),
                    other = scratch("other.h5"), wrong_length = scratch("wrong_length.h5"),
                    b_path = scratch("b2.h5"), line = scratch("line.h5");
  write_run(centre, p.arch, p.theta);
  {
    Problem q(test::network({3, 6, 4, 3}, model::Activation::tanh, model::Loss::cross_entropy));
    write_run(other, q.arch, q.theta);
  }
  {
    const core::OwnedVec longer = testing::filled_vec(p.n() + 1, 0.5);
    io::RunFile file = io::RunFile::create(PETSC_COMM_WORLD, wrong_length);
    io::write_params(file, longer);  // a bare parameter file, no /model
    file.commit();
  }
  const core::OwnedVec b = moved(p, 0.5, 1);
  write_run(b_path, p.arch, b);
  {
    // C = A + 2 (B − A): on the line through A and B.
    core::OwnedVec c(p.f.create_vec());
    TERRAIN_PETSC(VecAXPBYPCZ(c, 2.0, -1.0, 0.0, b, p.theta));
    write_run(line, p.arch, c);
  }
  auto x_target = [&](const std::string& spec) {
    DirectionConfig cfg = config(DirectionKind::target, DirectionKind::none);
    cfg.x_target = spec;
    return geometry::make_directions(cfg, p.f, p.arch, p.theta, "");
  };
  BOOST_CHECK_EXCEPTION(x_target(missing), core::InputError, (MessageHas{"-surf_xtarget", missing}));
  BOOST_CHECK_EXCEPTION(x_target(other), core::InputError, (MessageHas{"-surf_xtarget", other, "-model_widths 3,6,4,3"}));
  BOOST_CHECK_EXCEPTION(x_target(wrong_length), core::InputError,
                        (MessageHas{"-surf_xtarget", wrong_length, std::to_string(p.n() + 1) + " entries"}));
  BOOST_CHECK_EXCEPTION(x_target(centre), core::InputError,
                        (MessageHas{"-surf_xtarget", centre, "zero"}));
  BOOST_CHECK_EXCEPTION(x_target(b_path + ":7"), core::InputError,
                        (MessageHas{"-surf_xtarget", b_path, "step 7"}));
  {
    DirectionConfig cfg = config(DirectionKind::target, DirectionKind::target);
    cfg.x_target = b_path;
    cfg.y_target = line;
    BOOST_CHECK_EXCEPTION(geometry::make_directions(cfg, p.f, p.arch, p.theta, ""), core::InputError,
                          (MessageHas{"-surf_ytarget", line, "on a line"}));
  }
  {
    // A zero θ makes every filter-normalised direction zero.
    core::OwnedVec zero(p.f.create_vec());
    TERRAIN_PETSC(VecSet(zero, 0.0));
    BOOST_CHECK_EXCEPTION(
        geometry::make_directions(config(DirectionKind::random, DirectionKind::none), p.f, p.arch, zero, ""),
        core::InputError, (MessageHas{"-surf_xdir", "zero"}));
  }
  {
    DirectionConfig cfg = config(DirectionKind::pca, DirectionKind::none);
    BOOST_CHECK_EXCEPTION(geometry::make_directions(cfg, p.f, p.arch, p.theta, centre), core::InputError,
                          (MessageHas{centre, "/trajectory/params", "-surf_trajectory"}));
  }

  // Options: each bad value names its option.
  struct Bad {
    std::vector<std::pair<const char*, const char*>> options;
    std::string named;
  };
  const std::vector<Bad> bad = {
      {{{"-surf_xdir", "sideways"}}, "-surf_xdir"},
      {{{"-surf_ydir", "up"}}, "-surf_ydir"},
      {{{"-surf_norm", "max"}}, "-surf_norm"},
      {{{"-surf_bias", "drop"}}, "-surf_bias"},
      {{{"-surf_seed", "-3"}}, "-surf_seed"},
      {{{"-surf_seed", "x"}}, "-surf_seed"},
      {{{"-surf_eigen_tol", "0"}}, "-surf_eigen_tol"},
      {{{"-surf_xdir", "none"}}, "-surf_xdir"},
      {{{"-surf_xdir", "target"}}, "-surf_xtarget"},
      {{{"-surf_ydir", "target"}}, "-surf_ytarget"},
      {{{"-surf_xdir", "random"}, {"-surf_xtarget", "b.h5"}}, "-surf_xtarget"},
  };
  for (const Bad& c : bad) {
    for (auto [name, value] : c.options) TERRAIN_PETSC(PetscOptionsSetValue(nullptr, name, value));
    BOOST_CHECK_EXCEPTION(DirectionConfig::from_options(), core::InputError, (MessageHas{c.named}));
    for (auto [name, value] : c.options) TERRAIN_PETSC(PetscOptionsClearValue(nullptr, name));
  }
  // And good ones are read: a target alone makes x a target; -surf_ytarget likewise.
  TERRAIN_PETSC(PetscOptionsSetValue(nullptr, "-surf_xtarget", "b.h5:200"));
  TERRAIN_PETSC(PetscOptionsSetValue(nullptr, "-surf_ytarget", "c.h5"));
  TERRAIN_PETSC(PetscOptionsSetValue(nullptr, "-surf_norm", "layer"));
  TERRAIN_PETSC(PetscOptionsSetValue(nullptr, "-surf_bias", "keep"));
  TERRAIN_PETSC(PetscOptionsSetValue(nullptr, "-surf_seed", "77"));
  TERRAIN_PETSC(PetscOptionsSetValue(nullptr, "-surf_orthogonalize", nullptr));
  const DirectionConfig good = DirectionConfig::from_options();
  for (const char* name : {"-surf_xtarget", "-surf_ytarget", "-surf_norm", "-surf_bias", "-surf_seed",
                           "-surf_orthogonalize"})
    TERRAIN_PETSC(PetscOptionsClearValue(nullptr, name));
  BOOST_TEST(good.x == DirectionKind::target);
  BOOST_TEST(good.y == DirectionKind::target);
  BOOST_TEST(good.x_target == "b.h5:200");
  BOOST_TEST(good.normalisation == Normalisation::layer);
  BOOST_TEST(good.bias == BiasPolicy::keep);
  BOOST_TEST(good.seed == 77u);
  BOOST_TEST(good.orthogonalize);
}
