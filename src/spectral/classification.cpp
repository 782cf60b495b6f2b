#include "spectral/classification.hpp"

#include <cstdio>

namespace terrain::spectral {

namespace {
std::string describe(const Classification& c, std::int64_t n_zero, bool capped) {
  std::string what;
  switch (c.kind) {
    case PointKind::minimum:
      what = "local minimum";
      break;
    case PointKind::maximum:
      what = "local maximum";
      break;
    case PointKind::saddle:
      what = c.index >= 0 ? "strict saddle of index " + std::string(capped ? "at least " : "") +
                                std::to_string(c.index)
                          : std::string("strict saddle (index not counted: -spectrum_count)");
      if (n_zero > 0) what += " with " + std::to_string(n_zero) + " zero eigenvalues";
      break;
    case PointKind::degenerate:
      what = "degenerate";
      if (n_zero > 0)
        what += " (" + std::to_string(n_zero) + " zero eigenvalues";
      else
        what += " (zero eigenvalues";
      what += c.index > 0 ? ", " + std::to_string(c.index) + " negative)" : ", none negative)";
      break;
    case PointKind::unknown:
      what = "unknown";
      break;
  }
  char norms[96];
  std::snprintf(norms, sizeof norms, "|grad L| = %.3e %s %.1e", c.grad_norm,
                c.critical ? "<=" : ">", c.grad_tol);
  if (c.critical) return what + " (" + norms + ")";
  return "not a critical point (" + std::string(norms) + "); curvature like a " + what;
}

Classification base(double grad_norm, double grad_tol) {
  Classification c;
  c.grad_norm = grad_norm;
  c.grad_tol = grad_tol;
  c.critical = grad_norm <= grad_tol;
  return c;
}
}  // namespace

const char* to_string(PointKind k) {
  switch (k) {
    case PointKind::minimum:
      return "minimum";
    case PointKind::maximum:
      return "maximum";
    case PointKind::saddle:
      return "saddle";
    case PointKind::degenerate:
      return "degenerate";
    case PointKind::unknown:
      return "unknown";
  }
  return "unknown";
}

Classification classify(const Inertia& counts, double grad_norm, double grad_tol) {
  Classification c = base(grad_norm, grad_tol);
  c.index = counts.n_neg;
  c.degenerate = counts.n_zero > 0 ? 1 : 0;
  if (counts.n_neg > 0 && counts.n_pos > 0)
    c.kind = PointKind::saddle;
  else if (counts.n_zero > 0)
    c.kind = PointKind::degenerate;
  else if (counts.n_neg == 0)
    c.kind = PointKind::minimum;
  else
    c.kind = PointKind::maximum;
  c.text = describe(c, counts.n_zero, false);
  return c;
}

Classification classify(double lambda_min, double lambda_max, double tol, std::int64_t n_neg,
                        bool capped, double grad_norm, double grad_tol) {
  Classification c = base(grad_norm, grad_tol);
  if (lambda_min >= tol) {
    c.kind = PointKind::minimum;
    c.index = 0;
    c.degenerate = 0;
  } else if (lambda_max < -tol) {
    c.kind = PointKind::maximum;
    c.degenerate = 0;
  } else if (lambda_min < -tol && lambda_max >= tol) {
    c.kind = PointKind::saddle;
    c.index = n_neg;
  } else {
    // One end lies in [−τ, τ): a zero eigenvalue and at most one sign.
    c.kind = PointKind::degenerate;
    c.degenerate = 1;
    c.index = lambda_min < -tol ? n_neg : 0;
  }
  c.text = describe(c, -1, capped && c.kind == PointKind::saddle);
  return c;
}

}  // namespace terrain::spectral
