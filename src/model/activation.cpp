#include "model/activation.hpp"

#include <cmath>

namespace terrain::model {

namespace {
// One loop per activation keeps the branch out of the inner loop.
template <class F>
void sweep(const double* z, std::size_t m, double* s, double* d1, double* d2, F f) {
  double unused1, unused2;
  for (std::size_t i = 0; i < m; ++i)
    f(z[i], s[i], d1 ? d1[i] : unused1, d2 ? d2[i] : unused2);
}
}  // namespace

void activate(Activation a, const double* z, std::size_t m, double* s, double* d1, double* d2) {
  switch (a) {
    case Activation::linear:
      sweep(z, m, s, d1, d2, [](double x, double& y, double& g, double& h) { y = x; g = 1; h = 0; });
      break;
    case Activation::relu:
      sweep(z, m, s, d1, d2, [](double x, double& y, double& g, double& h) {
        y = x > 0 ? x : 0;
        g = x > 0 ? 1 : 0;
        h = 0;
      });
      break;
    case Activation::tanh:
      sweep(z, m, s, d1, d2, [](double x, double& y, double& g, double& h) {
        y = std::tanh(x);
        g = 1 - y * y;
        h = -2 * y * g;
      });
      break;
    case Activation::sigmoid:
      sweep(z, m, s, d1, d2, [](double x, double& y, double& g, double& h) {
        y = 1 / (1 + std::exp(-x));
        g = y * (1 - y);
        h = g * (1 - 2 * y);
      });
      break;
    case Activation::softplus:
      sweep(z, m, s, d1, d2, [](double x, double& y, double& g, double& h) {
        // log(1+e^x) without overflow; σ' is the logistic function.
        y = x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
        g = 1 / (1 + std::exp(-x));
        h = g * (1 - g);
      });
      break;
  }
}

}  // namespace terrain::model
