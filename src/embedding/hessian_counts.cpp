#include "embedding/hessian_counts.hpp"

#include <cstdio>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/petsc_handle.hpp"
#include "objective/curvature_operator.hpp"
#include "objective/dense_assembly.hpp"
#include "objective/objective.hpp"
#include "objective/replicated.hpp"
#include "spectral/dense_eigenvalues.hpp"
#include "spectral/inertia.hpp"

namespace terrain::embedding {

HessianCounts hessian_counts(MPI_Comm comm, const model::Architecture& arch,
                             const std::vector<double>& theta, const data::Dataset& train,
                             const spectral::ZeroTolerance& tol) {
  TERRAIN_CHECK(static_cast<long>(theta.size()) <= kCountsMaxParams,
                "-embed_counts assembles the dense Hessian: at most " << kCountsMaxParams
                                                                      << " parameters, this network has "
                                                                      << theta.size());
  TERRAIN_CHECK(tol.atol > 0 && tol.rtol >= 0,
                "-embed_counts_tol must be positive and -embed_counts_rtol non-negative, got "
                    << tol.atol << " and " << tol.rtol);
  // Its phases (dense assembly, dense eigenvalues) print their own progress; this line sums up.
  core::Progress progress(comm, "Hessian counts");
  objective::Objective f(comm, arch, train);
  const core::OwnedVec x(f.create_vec()), g(f.create_vec());
  objective::distribute(theta, x);
  HessianCounts c;
  f.gradient(x, g);
  TERRAIN_PETSC(VecNorm(g, NORM_2, &c.grad_norm));
  {
    objective::CurvatureOperator op(f, x, objective::Curvature::hessian);
    const core::OwnedMat dense = objective::assemble_dense(op.mat(), 256);
    c.eigenvalues = spectral::dense_eigenvalues(dense, spectral::DenseSolver::automatic);
  }
  c.inertia = spectral::inertia_from_eigenvalues(c.eigenvalues, tol);
  c.inertia.method = "dense eigenvalues";
  char tau[32];
  std::snprintf(tau, sizeof tau, "%.2e", c.inertia.tol);
  progress.finish(std::to_string(theta.size()) + " parameters: n- " +
                  std::to_string(c.inertia.n_neg) + ", n0 " + std::to_string(c.inertia.n_zero) +
                  ", n+ " + std::to_string(c.inertia.n_pos) + " at tau " + tau);
  return c;
}

}  // namespace terrain::embedding
