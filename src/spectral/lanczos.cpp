#include "spectral/lanczos.hpp"

#include <petscblaslapack.h>
#include <slepcbv.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "spectral/columns.hpp"

namespace terrain::spectral {

namespace {
// The BVs of the runs, destroyed on every exit path.
struct Bases {
  std::vector<BV> bv;
  ~Bases() {
    for (BV& b : bv) BVDestroy(&b);
  }
};

}  // namespace

std::vector<Tridiagonal> lanczos(Mat op, Mat starts, PetscInt steps) {
  MPI_Comm comm;
  TERRAIN_PETSC(PetscObjectGetComm(reinterpret_cast<PetscObject>(op), &comm));
  PetscInt N = 0, n = 0, runs = 0;
  TERRAIN_PETSC(MatGetSize(op, &N, nullptr));
  TERRAIN_PETSC(MatGetLocalSize(op, &n, nullptr));
  TERRAIN_PETSC(MatGetSize(starts, nullptr, &runs));
  steps = std::min(steps, N);
  TERRAIN_CHECK(steps >= 1, "Lanczos needs at least one step");

  Vec w;
  TERRAIN_PETSC(MatCreateVecs(op, &w, nullptr));
  Bases bases;
  std::vector<Tridiagonal> result(runs);
  std::vector<bool> active(runs, true);
  std::vector<double> scale(runs, 0.0);  // largest |α|, β so far: the breakdown threshold's scale
  std::vector<double> h(steps + 2);
  for (PetscInt p = 0; p < runs; ++p) {
    BV bv;
    TERRAIN_PETSC(BVCreate(comm, &bv));
    TERRAIN_PETSC(BVSetType(bv, BVSVEC));
    TERRAIN_PETSC(BVSetSizesFromVec(bv, w, steps + 1));
    TERRAIN_PETSC(BVSetOrthogonalization(bv, BV_ORTHOG_CGS, BV_ORTHOG_REFINE_ALWAYS, PETSC_DEFAULT,
                                         BV_ORTHOG_BLOCK_GS));
    bases.bv.push_back(bv);
    copy_column(starts, p, w);
    double norm = 0;
    TERRAIN_PETSC(VecNorm(w, NORM_2, &norm));
    TERRAIN_CHECK(norm > 0, "Lanczos start vector " << p << " is zero");
    TERRAIN_PETSC(VecScale(w, 1.0 / norm));
    TERRAIN_PETSC(BVInsertVec(bv, 0, w));
  }

  Mat X = nullptr, Y = nullptr;
  for (PetscInt j = 0; j < steps; ++j) {
    std::vector<PetscInt> live;
    for (PetscInt p = 0; p < runs; ++p)
      if (active[p]) live.push_back(p);
    if (live.empty()) break;
    const PetscInt m = static_cast<PetscInt>(live.size());
    PetscInt cols = 0;
    if (X) TERRAIN_PETSC(MatGetSize(X, nullptr, &cols));
    if (cols != m) {
      TERRAIN_PETSC(MatDestroy(&X));
      TERRAIN_PETSC(MatDestroy(&Y));
      TERRAIN_PETSC(MatCreateDense(comm, n, PETSC_DECIDE, N, m, nullptr, &X));
    }
    for (PetscInt c = 0; c < m; ++c) {
      Vec v;
      TERRAIN_PETSC(BVGetColumn(bases.bv[live[c]], j, &v));
      copy_to_column(v, X, c);
      TERRAIN_PETSC(BVRestoreColumn(bases.bv[live[c]], j, &v));
    }
    TERRAIN_PETSC(MatAssemblyBegin(X, MAT_FINAL_ASSEMBLY));
    TERRAIN_PETSC(MatAssemblyEnd(X, MAT_FINAL_ASSEMBLY));
    TERRAIN_PETSC(MatMatMult(op, X, Y ? MAT_REUSE_MATRIX : MAT_INITIAL_MATRIX, PETSC_DEFAULT, &Y));
    for (PetscInt c = 0; c < m; ++c) {
      const PetscInt p = live[c];
      BV bv = bases.bv[p];
      copy_column(Y, c, w);
      if (j + 1 == steps) {  // the last α needs no new basis vector
        double alpha = 0;
        Vec v;
        TERRAIN_PETSC(BVGetColumn(bv, j, &v));
        TERRAIN_PETSC(VecDot(w, v, &alpha));
        TERRAIN_PETSC(BVRestoreColumn(bv, j, &v));
        result[p].alpha.push_back(alpha);
        continue;
      }
      TERRAIN_PETSC(BVInsertVec(bv, j + 1, w));
      double beta = 0;
      PetscBool lindep = PETSC_FALSE;
      std::fill(h.begin(), h.end(), 0.0);
      TERRAIN_PETSC(BVOrthogonalizeColumn(bv, j + 1, h.data(), &beta, &lindep));
      const double alpha = h[j];
      result[p].alpha.push_back(alpha);
      scale[p] = std::max({scale[p], std::abs(alpha), beta});
      if (lindep || beta <= 1e-12 * scale[p]) {
        active[p] = false;  // invariant subspace: T is complete
        continue;
      }
      result[p].beta.push_back(beta);
      TERRAIN_PETSC(BVScaleColumn(bv, j + 1, 1.0 / beta));
    }
  }
  TERRAIN_PETSC(MatDestroy(&X));
  TERRAIN_PETSC(MatDestroy(&Y));
  TERRAIN_PETSC(VecDestroy(&w));
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
