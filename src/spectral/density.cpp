#include "spectral/density.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "core/progress.hpp"
#include "spectral/lanczos.hpp"
#include "spectral/probes.hpp"

namespace terrain::spectral {

namespace {
// Probe ids of the density, apart from the trace's (see trace.cpp).
constexpr std::uint64_t kDensityProbes = std::uint64_t(1) << 40;
}  // namespace

void broaden(Density& d, PetscInt points, double sigma) {
  std::vector<Quadrature> q;
  double lo = INFINITY, hi = -INFINITY;
  for (std::size_t p = 0; p < d.alpha.size(); ++p) {
    q.push_back(gauss_quadrature({d.alpha[p], d.beta[p]}));
    lo = std::min(lo, q.back().nodes.front());
    hi = std::max(hi, q.back().nodes.back());
  }
  if (sigma <= 0) sigma = hi > lo ? 0.01 * (hi - lo) : std::max(1e-3 * std::abs(hi), 1e-12);
  d.sigma = sigma;
  // ±8σ beyond the outermost nodes: the Gaussian mass left outside is below 1e-15.
  const double a = lo - 8 * sigma, b = hi + 8 * sigma, h = (b - a) / double(points - 1);
  d.grid.resize(points);
  d.values.assign(points, 0.0);
  for (PetscInt g = 0; g < points; ++g) d.grid[g] = a + h * double(g);
  const double norm = 1.0 / (std::sqrt(2 * M_PI) * sigma * double(q.size()));
  for (const Quadrature& quad : q)
    for (std::size_t k = 0; k < quad.nodes.size(); ++k) {
      // Only grid points within 9σ of the node matter (exp(−40) < 1e-17).
      const double node = quad.nodes[k];
      const PetscInt g0 = std::max<PetscInt>(0, PetscInt(std::floor((node - 9 * sigma - a) / h)));
      const PetscInt g1 =
          std::min<PetscInt>(points - 1, PetscInt(std::ceil((node + 9 * sigma - a) / h)));
      for (PetscInt g = g0; g <= g1; ++g) {
        const double z = (d.grid[g] - node) / sigma;
        d.values[g] += norm * quad.weights[k] * std::exp(-0.5 * z * z);
      }
    }
}

core::OwnedMat density_probes(Mat op, PetscInt probes, std::uint64_t seed) {
  return rademacher_probes(op, probes, seed, kDensityProbes);
}

Density estimate_density(Mat op, const DensitySettings& s) {
  TERRAIN_CHECK(s.probes >= 1, "the density needs at least one probe, got " << s.probes);
  TERRAIN_CHECK(s.steps >= 1, "the density needs at least one Lanczos step, got " << s.steps);
  TERRAIN_CHECK(s.points >= 3, "the density grid needs at least 3 points, got " << s.points);
  PetscInt N = 0;
  TERRAIN_PETSC(MatGetSize(op, &N, nullptr));
  // The Lanczos runs report nothing while they run: a line at the start (the density is asked
  // for explicitly and costs probes x steps H.v) and one at the end when it took long.
  const MPI_Comm comm = core::comm_of(op);
  const std::string what = std::to_string(s.probes) + " probes x " +
                           std::to_string(std::min(s.steps, N)) + " Lanczos steps";
  core::Progress progress(comm, "SLQ density");
  progress.announce("started: " + what + ", all probes per product");
  const core::OwnedMat starts = density_probes(op, s.probes, s.seed);
  const std::vector<Tridiagonal> t = lanczos(op, starts, s.steps);
  progress.finish(what);

  Density d;
  d.probes = s.probes;
  d.steps = std::min(s.steps, N);
  d.seed = s.seed;
  std::vector<double> m1, m2, below;
  for (const Tridiagonal& run : t) {
    d.alpha.push_back(run.alpha);
    d.beta.push_back(run.beta);
    const Quadrature q = gauss_quadrature(run);
    double a = 0, b = 0, c = 0;
    for (std::size_t k = 0; k < q.nodes.size(); ++k) {
      a += q.weights[k] * q.nodes[k];
      b += q.weights[k] * q.nodes[k] * q.nodes[k];
      if (q.nodes[k] < -s.zero_tol) c += q.weights[k];
    }
    m1.push_back(a);
    m2.push_back(b);
    below.push_back(c * double(N));
  }
  const double P = double(t.size());
  d.moment1 = std::accumulate(m1.begin(), m1.end(), 0.0) / P;
  d.moment2 = std::accumulate(m2.begin(), m2.end(), 0.0) / P;
  d.n_neg = std::accumulate(below.begin(), below.end(), 0.0) / P;
  double ss = 0;
  for (double x : below) ss += (x - d.n_neg) * (x - d.n_neg);
  d.n_neg_stderr = t.size() > 1 ? std::sqrt(ss / (P - 1) / P) : kUnknown;
  broaden(d, s.points, s.sigma);
  return d;
}

}  // namespace terrain::spectral
