#include "geometry/plane_evaluator.hpp"

#include <cblas.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/error.hpp"

namespace terrain::geometry {

namespace {
// out = X Wᵀ + b for the first layer's block of the parameter vector p: bias rows as GEMM's C
// (beta = 1), the arithmetic of Network::forward.
void first_layer(const model::Network& net, const data::Dataset& data, const double* p,
                 std::vector<double>& out) {
  const model::LayerBlock& b = net.layout().layer(0);
  const PetscInt n = data.n_local;
  out.assign(std::size_t(n) * b.fan_out, 0.0);
  if (b.bias_offset >= 0)
    for (PetscInt i = 0; i < n; ++i)
      std::memcpy(&out[std::size_t(i) * b.fan_out], p + b.bias_offset, sizeof(double) * b.fan_out);
  if (n > 0)
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, b.fan_out, b.fan_in, 1.0, data.X.data(),
                b.fan_in, p + b.weight_offset, b.fan_in, b.bias_offset >= 0 ? 1.0 : 0.0,
                out.data(), b.fan_out);
}
}  // namespace

PlaneEvaluator::PlaneEvaluator(MPI_Comm comm, const model::Network& net, const data::Dataset& data,
                               const std::vector<double>& theta, const std::vector<double>& dx,
                               const std::vector<double>* dy)
    : comm_(comm), net_(net), data_(data), theta_(theta), dx_(dx) {
  const PetscInt n = net.n_params();
  const model::Architecture& a = net.architecture();
  TERRAIN_CHECK(PetscInt(theta.size()) == n, "plane evaluation: the point has " << theta.size()
                                                 << " parameters, the network " << n);
  TERRAIN_CHECK(PetscInt(dx.size()) == n, "plane evaluation: the x direction has " << dx.size()
                                              << " entries, the network " << n << " parameters");
  TERRAIN_CHECK(!dy || PetscInt(dy->size()) == n, "plane evaluation: the y direction has "
                                                      << dy->size() << " entries, the network "
                                                      << n << " parameters");
  TERRAIN_CHECK(data.d_in == a.widths.front() && data.d_out == a.widths.back(),
                "plane evaluation: the data have " << data.d_in << " inputs and " << data.d_out
                                                   << " outputs, the network " << a.widths.front()
                                                   << " and " << a.widths.back());
  TERRAIN_CHECK(a.loss != model::Loss::cross_entropy || data.classification,
                "plane evaluation: cross-entropy needs class labels");
  if (dy) dy_ = *dy;
  targets_.y = data.Y.data();
  targets_.labels = data.classification ? data.labels.data() : nullptr;
  first_layer(net, data, theta_.data(), z0_);
  first_layer(net, data, dx_.data(), z1_);
  if (dy) first_layer(net, data, dy_.data(), z2_);
  point_.resize(n);
  z_.resize(z0_.size());
}

objective::Evaluation PlaneEvaluator::at(double x, double y) {
  TERRAIN_CHECK(!dy_.empty() || y == 0, "plane evaluation: y = " << y << " on a line (no y direction)");
  const std::size_t n = theta_.size(), m = z_.size();
  const double *t = theta_.data(), *dx = dx_.data(), *z0 = z0_.data(), *z1 = z1_.data();
  double *p = point_.data(), *z = z_.data();
  if (dy_.empty()) {
    for (std::size_t i = 0; i < n; ++i) p[i] = t[i] + x * dx[i];
    for (std::size_t i = 0; i < m; ++i) z[i] = z0[i] + x * z1[i];
  } else {
    const double *dy = dy_.data(), *z2 = z2_.data();
    for (std::size_t i = 0; i < n; ++i) p[i] = t[i] + x * dx[i] + y * dy[i];
    for (std::size_t i = 0; i < m; ++i) z[i] = z0[i] + x * z1[i] + y * z2[i];
  }
  const model::BlockSums local =
      net_.forward_loss_from_first(p, z, data_.n_local, targets_, work_);
  double sums[2] = {local.loss_sum, local.correct};
  MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm_);
  objective::Evaluation e;
  e.loss = sums[0] / double(data_.n_global);
  e.accuracy = data_.classification ? sums[1] / double(data_.n_global)
                                    : std::numeric_limits<double>::quiet_NaN();
  return e;
}

}  // namespace terrain::geometry
