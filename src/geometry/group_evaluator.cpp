#include "geometry/group_evaluator.hpp"

#include <algorithm>
#include <climits>

#include "core/error.hpp"

namespace terrain::geometry {

GroupEvaluator::GroupEvaluator(const core::WorkGroups& groups, PathEnergy& energy)
    : groups_(groups), energy_(energy), n_(static_cast<std::size_t>(energy.dim())) {
  int same = MPI_UNEQUAL;
  MPI_Comm_compare(energy.comm(), groups.comm(), &same);
  TERRAIN_CHECK(same == MPI_IDENT || same == MPI_CONGRUENT,
                "internal: a path energy must live on its work group's communicator");
  int size = 1;
  MPI_Comm_size(groups.world(), &size);
  // Which world rank leads which group: every rank says (its group if it leads, else -1).
  const int mine = groups.leader() ? groups.index() : -1;
  std::vector<int> led(static_cast<std::size_t>(size));
  MPI_Allgather(&mine, 1, MPI_INT, led.data(), 1, MPI_INT, groups.world());
  leader_of_group_.assign(static_cast<std::size_t>(groups.count()), -1);
  for (int r = 0; r < size; ++r)
    if (led[r] >= 0) leader_of_group_[led[r]] = r;
  counts_.assign(static_cast<std::size_t>(size), 0);
  displacements_.assign(static_cast<std::size_t>(size), 0);
  // Every rank must agree on the dimension, or the packed layout would differ.
  long long dims[2] = {static_cast<long long>(n_), -static_cast<long long>(n_)};
  MPI_Allreduce(MPI_IN_PLACE, dims, 2, MPI_LONG_LONG, MPI_MAX, groups.world());
  TERRAIN_CHECK(dims[0] == -dims[1], "internal: the groups' path energies differ in dimension");
}

std::size_t GroupEvaluator::offset(std::size_t p) const {
  const std::size_t count = static_cast<std::size_t>(groups_.count());
  const int leader = leader_of_group_[p % count];
  return static_cast<std::size_t>(displacements_[leader]) + (p / count) * stride_;
}

void GroupEvaluator::evaluate(std::size_t n_points, const PointFn& point, bool gradients) {
  const std::size_t count = static_cast<std::size_t>(groups_.count());
  const std::size_t index = static_cast<std::size_t>(groups_.index());
  n_points_ = n_points;
  stride_ = gradients ? n_ + 1 : 1;
  const std::size_t per_group_max = (n_points + count - 1) / count;
  TERRAIN_CHECK(static_cast<double>(n_points) * static_cast<double>(stride_) < double(INT_MAX),
                "internal: " << n_points << " path points of " << stride_
                             << " doubles exceed one MPI message (2^31 doubles)");
  // This group's points, packed in increasing p.
  sent_.resize(per_group_max * stride_);
  std::size_t filled = 0;
  for (std::size_t p = index; p < n_points; p += count) {
    const std::vector<double>& x = point(p, scratch_);
    double* out = &sent_[filled];
    if (gradients) {
      out[0] = energy_.value_and_gradient(x, gradient_);
      std::copy(gradient_.begin(), gradient_.end(), out + 1);
    } else {
      out[0] = energy_.value(x);
    }
    filled += stride_;
  }
  // Only leaders send; the layout is known everywhere from the group count alone.
  int size = static_cast<int>(counts_.size());
  int displacement = 0;
  std::fill(counts_.begin(), counts_.end(), 0);
  for (std::size_t g = 0; g < count; ++g) {
    const std::size_t points_of_g = g < n_points ? (n_points - g + count - 1) / count : 0;
    counts_[leader_of_group_[g]] = static_cast<int>(points_of_g * stride_);
  }
  for (int r = 0; r < size; ++r) {
    displacements_[r] = displacement;
    displacement += counts_[r];
  }
  received_.resize(static_cast<std::size_t>(displacement));
  const int send_count = groups_.leader() ? static_cast<int>(filled) : 0;
  MPI_Allgatherv(sent_.data(), send_count, MPI_DOUBLE, received_.data(), counts_.data(),
                 displacements_.data(), MPI_DOUBLE, groups_.world());
}

}  // namespace terrain::geometry
