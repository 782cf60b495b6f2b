#pragma once
// Principal components of a training trajectory around a centre θ (Li et al. 2018, §6, with the
// surface's centre in place of θ_final): M_t = θ_t − θ for every snapshot of
// /trajectory/params. Never an n×n matrix: each rank holds its owned parameters of every
// snapshot (n_local × T), the T×T Gram matrix G = MᵀM is one local GEMM and one allreduce,
// LAPACK's dsyev gives G = U Λ Uᵀ, and component k is M u_k / ‖M u_k‖ (the k-th eigenvector
// of the covariance M Mᵀ, whose eigenvalues are Λ's). Snapshots equal to θ (the centre itself)
// are left out of G: they are zero and would only add a zero eigenvalue.
#include <mpi.h>
#include <petscvec.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/petsc_handle.hpp"
#include "model/architecture.hpp"

namespace terrain::geometry {

class TrajectoryPca {
 public:
  // Collective on theta's communicator. Reads every snapshot of `path` (validated against
  // `arch` by io::read_point), keeps the first `count` components. Throws InputError naming
  // the file when it has fewer than 2 snapshots besides the centre, or when component k <
  // count has no variance (the snapshots span fewer dimensions).
  TrajectoryPca(const std::string& path, const model::Architecture& arch, Vec theta, int count);

  // Component k (unit norm, sign: its entry of largest magnitude is positive), k < count.
  Vec component(int k) const { return components_[static_cast<std::size_t>(k)]; }
  // The eigenvalues of G, descending, and each one's share of their sum (every component).
  const std::vector<double>& eigenvalues() const { return eigenvalues_; }
  const std::vector<double>& explained_variance_ratio() const { return ratio_; }
  // The step of every snapshot, in file order (the centre's included).
  const std::vector<std::int64_t>& steps() const { return steps_; }
  // ⟨M_t, d⟩ / ‖d‖² for every snapshot t, in file order (0 for the centre). Collective.
  std::vector<double> project(Vec d) const;

 private:
  void read_snapshots(const std::string& path, const model::Architecture& arch, Vec theta);

  MPI_Comm comm_;
  PetscInt n_local_ = 0;
  std::vector<double> m_;  // n_local × T, column-major: this rank's entries of each M_t
  std::vector<std::int64_t> steps_;
  std::vector<double> eigenvalues_, ratio_;
  core::VecList components_;
};

// Flips v so that its entry of largest magnitude (the lowest index on a tie) is positive: a
// sign that eigensolvers leave arbitrary, fixed the same way at every rank count.
void fix_sign(Vec v);

}  // namespace terrain::geometry
