#include "spectral/lanczos.hpp"

#include <petscblaslapack.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "spectral/columns.hpp"

namespace terrain::spectral {

namespace {
// One recurrence: the basis so far, T so far, and the vector the operator writes into.
class Recurrence {
 public:
  Recurrence(Vec start, const LanczosSettings& settings) : settings_(settings) {
    TERRAIN_PETSC(VecDuplicate(start, w_.out()));
    const Vec v0 = run_.basis.push_back_duplicate(start);
    TERRAIN_PETSC(VecCopy(start, v0));
    double norm = 0;
    TERRAIN_PETSC(VecNormalize(v0, &norm));
    if (!(norm > 0)) throw core::Error(settings_.zero_start);
    active_ = settings_.max_steps >= 1;
  }

  bool active() const { return active_; }
  Vec current() const { return run_.basis.back(); }  // v_j, to multiply next
  Vec product() const { return w_; }                 // where A v_j goes

  // With A v_j in product(): α_j, β_j, and v_{j+1} unless the run ends here.
  void step() {
    const PetscInt k = static_cast<PetscInt>(run_.basis.size()), j = k - 1;
    c1_.resize(k), c2_.resize(k);
    // Classical Gram–Schmidt twice against the whole basis.
    TERRAIN_PETSC(VecMDot(w_, k, run_.basis.data(), c1_.data()));
    for (double& c : c1_) c = -c;
    TERRAIN_PETSC(VecMAXPY(w_, k, c1_.data(), run_.basis.data()));
    TERRAIN_PETSC(VecMDot(w_, k, run_.basis.data(), c2_.data()));
    for (double& c : c2_) c = -c;
    TERRAIN_PETSC(VecMAXPY(w_, k, c2_.data(), run_.basis.data()));
    const double alpha = -(c1_[j] + c2_[j]);
    double beta = 0;
    TERRAIN_PETSC(VecNorm(w_, NORM_2, &beta));
    run_.t.alpha.push_back(alpha);
    run_.residual = beta;
    scale_ = std::max({scale_, std::abs(alpha), beta});
    if ((settings_.stop && settings_.stop(run_.t, beta)) || beta <= settings_.breakdown * scale_ ||
        k >= settings_.max_steps) {
      active_ = false;
      return;
    }
    run_.t.beta.push_back(beta);
    const Vec next = run_.basis.push_back_duplicate(w_);
    TERRAIN_PETSC(VecAXPBY(next, 1.0 / beta, 0.0, w_));
  }

  LanczosRun take() { return std::move(run_); }

 private:
  const LanczosSettings& settings_;
  LanczosRun run_;
  core::OwnedVec w_;
  std::vector<double> c1_, c2_;
  double scale_ = 0;  // largest |α|, β so far: the breakdown threshold's scale
  bool active_ = true;
};

}  // namespace

LanczosRun lanczos(const Apply& apply, Vec start, const LanczosSettings& settings) {
  Recurrence r(start, settings);
  while (r.active()) {
    apply(r.current(), r.product());
    r.step();
  }
  return r.take();
}

std::vector<Tridiagonal> lanczos(Mat op, Mat starts, PetscInt steps) {
  const MPI_Comm comm = core::comm_of(op);
  PetscInt N = 0, n = 0, runs = 0;
  TERRAIN_PETSC(MatGetSize(op, &N, nullptr));
  TERRAIN_PETSC(MatGetLocalSize(op, &n, nullptr));
  TERRAIN_PETSC(MatGetSize(starts, nullptr, &runs));
  LanczosSettings settings;
  settings.max_steps = std::min(steps, N);
  TERRAIN_CHECK(settings.max_steps >= 1, "Lanczos needs at least one step");

  std::vector<Recurrence> recurrences;
  recurrences.reserve(runs);
  {
    core::OwnedVec start;
    TERRAIN_PETSC(MatCreateVecs(op, start.out(), nullptr));
    for (PetscInt p = 0; p < runs; ++p) {
      copy_column(starts, p, start);
      settings.zero_start = "Lanczos start vector " + std::to_string(p) + " is zero";
      recurrences.emplace_back(start, settings);
    }
  }

  core::OwnedMat X, Y;
  while (true) {
    std::vector<Recurrence*> live;
    for (Recurrence& r : recurrences)
      if (r.active()) live.push_back(&r);
    if (live.empty()) break;
    const PetscInt m = static_cast<PetscInt>(live.size());
    PetscInt cols = 0;
    if (X) TERRAIN_PETSC(MatGetSize(X, nullptr, &cols));
    if (cols != m) {
      Y.reset();
      TERRAIN_PETSC(MatCreateDense(comm, n, PETSC_DECIDE, N, m, nullptr, X.out()));
    }
    for (PetscInt c = 0; c < m; ++c) copy_to_column(live[c]->current(), X, c);
    TERRAIN_PETSC(MatAssemblyBegin(X, MAT_FINAL_ASSEMBLY));
    TERRAIN_PETSC(MatAssemblyEnd(X, MAT_FINAL_ASSEMBLY));
    const bool reuse = Y.get() != nullptr;
    TERRAIN_PETSC(MatMatMult(op, X, reuse ? MAT_REUSE_MATRIX : MAT_INITIAL_MATRIX, PETSC_DEFAULT,
                             Y.inout()));
    for (PetscInt c = 0; c < m; ++c) {
      copy_column(Y, c, live[c]->product());
      live[c]->step();
    }
  }
  std::vector<Tridiagonal> result;
  for (Recurrence& r : recurrences) result.push_back(r.take().t);
  return result;
}

Quadrature gauss_quadrature(const Tridiagonal& t) {
  const PetscBLASInt k = static_cast<PetscBLASInt>(t.alpha.size());
  Quadrature q;
  if (k == 0) return q;
  std::vector<double> d(t.alpha), e(t.beta), z(std::size_t(k) * k), work(std::max(1, 2 * k - 2));
  e.resize(std::max<PetscBLASInt>(k - 1, 1));
  PetscBLASInt info = 0, ldz = k;
  LAPACKsteqr_("I", &k, d.data(), e.data(), z.data(), &ldz, work.data(), &info);
  if (info != 0) throw core::Error("LAPACK dsteqr failed with info = " + std::to_string(info));
  q.nodes = d;  // ascending
  q.weights.resize(k);
  for (PetscBLASInt i = 0; i < k; ++i) q.weights[i] = z[std::size_t(i) * k] * z[std::size_t(i) * k];
  return q;
}

}  // namespace terrain::spectral
