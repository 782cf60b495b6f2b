#include "geometry/path_curve.hpp"

#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "geometry/group_evaluator.hpp"

namespace terrain::geometry {

void Curve::coefficients(double t, std::vector<double>& w) const {
  TERRAIN_CHECK(points.size() >= 2, "internal: a curve needs its two ends");
  TERRAIN_CHECK(t >= 0 && t <= 1, "internal: curve parameter " << t << " outside [0, 1]");
  const std::size_t last = points.size() - 1;  // N
  w.assign(points.size(), 0.0);
  if (kind == CurveKind::bezier) {
    // C(N, i) t^i (1−t)^(N−i); at t = 0 or 1 only one term is nonzero (0^0 = 1).
    double binomial = 1;
    for (std::size_t i = 0; i <= last; ++i) {
      w[i] = binomial * std::pow(t, double(i)) * std::pow(1 - t, double(last - i));
      binomial = binomial * double(last - i) / double(i + 1);
    }
  } else {
    const double x = t * double(last);
    std::size_t segment = static_cast<std::size_t>(std::floor(x));
    if (segment >= last) segment = last - 1;
    const double s = x - double(segment);
    w[segment] = 1 - s;
    w[segment + 1] = s;
  }
}

std::vector<double> Curve::coefficients(double t) const {
  std::vector<double> w;
  coefficients(t, w);
  return w;
}

void Curve::at(double t, std::vector<double>& theta) const {
  thread_local std::vector<double> w;
  coefficients(t, w);
  const std::size_t n = points[0].size();
  theta.resize(n);
  bool first = true;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (w[i] == 0) continue;  // exact ends: θ(0) = 1·A, nothing added
    const std::vector<double>& p = points[i];
    if (first) {
      for (std::size_t j = 0; j < n; ++j) theta[j] = w[i] * p[j];
      first = false;
    } else {
      for (std::size_t j = 0; j < n; ++j) theta[j] += w[i] * p[j];
    }
  }
  if (first) std::fill(theta.begin(), theta.end(), 0.0);
}

std::vector<double> Curve::at(double t) const {
  std::vector<double> theta;
  at(t, theta);
  return theta;
}

Curve straight_curve(CurveKind kind, const std::vector<double>& a, const std::vector<double>& b,
                     PetscInt bends) {
  TERRAIN_CHECK(bends >= 1, "-path_bends " << bends << " must be at least 1");
  TERRAIN_CHECK(a.size() == b.size(), "internal: the ends of a curve differ in dimension ("
                                          << a.size() << " and " << b.size() << ")");
  Curve c;
  c.kind = kind;
  const std::size_t last = static_cast<std::size_t>(bends) + 1;
  c.points.resize(last + 1);
  c.points[0] = a;
  c.points[last] = b;
  for (std::size_t i = 1; i < last; ++i) {
    const double s = double(i) / double(last);
    c.points[i].resize(a.size());
    for (std::size_t j = 0; j < a.size(); ++j) c.points[i][j] = a[j] + s * (b[j] - a[j]);
  }
  return c;
}

void CurveSettings::validate() const {
  TERRAIN_CHECK(steps >= 0, "-path_steps " << steps << " must be >= 0");
  TERRAIN_CHECK(lr > 0 && std::isfinite(lr), "-path_lr " << lr << " must be > 0");
  TERRAIN_CHECK(momentum >= 0 && momentum < 1,
                "-path_momentum " << momentum << " must lie in [0, 1)");
  TERRAIN_CHECK(samples >= 1, "-path_curve_samples " << samples << " must be at least 1");
  TERRAIN_CHECK(batch >= 0, "-path_batch " << batch << " must be >= 0 (0: full batch)");
}

NebOutcome train_curve(core::WorkGroups& groups, PathEnergy& group_energy,
                       const CurveSettings& settings, CurveState& state,
                       const std::function<bool()>& stop,
                       const std::function<void(const CurveRow&)>& on_step) {
  settings.validate();
  Curve& curve = state.curve;
  TERRAIN_CHECK(curve.points.size() >= 3, "internal: a curve to train needs at least one bend");
  const std::size_t n = curve.points[0].size(), bends = curve.points.size() - 2;
  for (const auto& p : curve.points)
    TERRAIN_CHECK(p.size() == n, "internal: the points of a curve differ in dimension");
  TERRAIN_CHECK(static_cast<PetscInt>(n) == group_energy.dim(),
                "internal: a curve of dimension " << n << " for an energy of dimension "
                                                  << group_energy.dim());
  if (state.velocity.empty()) state.velocity.assign(bends, std::vector<double>(n, 0.0));
  TERRAIN_CHECK(state.velocity.size() == bends, "internal: a curve needs one velocity per bend");

  GroupEvaluator evaluator(groups, group_energy);
  const std::size_t m_count = static_cast<std::size_t>(settings.samples);
  std::vector<double> t(m_count), weights, g(bends * n);
  NebOutcome outcome;
  for (;;) {
    if (state.step >= settings.steps) {
      outcome.converged = true;
      std::ostringstream os;
      os << "trained " << state.step << " steps";
      outcome.reason = os.str();
      break;
    }
    if (stop && stop()) {
      outcome.stopped = true;
      outcome.reason = "stopped";
      break;
    }
    if (settings.batch > 0) group_energy.use_batch(settings.seed, state.step, settings.batch);
    for (std::size_t m = 0; m < m_count; ++m)
      t[m] = core::uniform(settings.seed, core::Stream::path_curve,
                           static_cast<std::uint64_t>(state.step) * m_count + m);
    evaluator.evaluate(
        m_count,
        [&](std::size_t m, std::vector<double>& x) -> const std::vector<double>& {
          curve.at(t[m], x);
          return x;
        },
        true);
    double mean_loss = 0;
    std::fill(g.begin(), g.end(), 0.0);
    for (std::size_t m = 0; m < m_count; ++m) {
      mean_loss += evaluator.value(m);
      curve.coefficients(t[m], weights);
      const double* grad = evaluator.gradient(m);
      for (std::size_t i = 0; i < bends; ++i) {
        const double w = weights[i + 1] / double(m_count);
        double* gi = &g[i * n];
        for (std::size_t j = 0; j < n; ++j) gi[j] += w * grad[j];
      }
    }
    mean_loss /= double(m_count);
    for (std::size_t i = 0; i < bends; ++i) {
      std::vector<double>& v = state.velocity[i];
      std::vector<double>& p = curve.points[i + 1];
      const double* gi = &g[i * n];
      for (std::size_t j = 0; j < n; ++j) {
        v[j] = settings.momentum * v[j] + gi[j];
        p[j] -= settings.lr * v[j];
      }
    }
    ++state.step;
    if (on_step) on_step(CurveRow{state.step, mean_loss});
  }
  if (settings.batch > 0) group_energy.use_all();
  return outcome;
}

std::string describe(const CurveRow& row) {
  std::ostringstream os;
  os << "mean loss " << row.mean_loss;
  return os.str();
}

}  // namespace terrain::geometry
