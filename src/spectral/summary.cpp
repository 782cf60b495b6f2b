#include "spectral/summary.hpp"

#include <string>

#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace terrain::spectral {

namespace {
void print_values(MPI_Comm comm, const std::string& label, const std::vector<double>& values,
                  const std::vector<double>& residuals, std::int64_t products, double seconds) {
  PetscPrintf(comm, "%s", label.c_str());
  for (double v : values) PetscPrintf(comm, " % .6e", v);
  double worst = 0;
  for (double r : residuals) worst = std::max(worst, r);
  PetscPrintf(comm, "   (max residual %.1e, %lld H.v, %.2f s)\n", worst,
              static_cast<long long>(products), seconds);
}

void print_counts(MPI_Comm comm, const char* label, const Inertia& c) {
  PetscPrintf(comm, "%s n- %lld, n0 %lld, n+ %lld at tau %.3e (%s)\n", label,
              static_cast<long long>(c.n_neg), static_cast<long long>(c.n_zero),
              static_cast<long long>(c.n_pos), c.tol, c.method.c_str());
}
}  // namespace

void print_extreme(MPI_Comm comm, const std::string& op, const ExtremeSpectrum& e) {
  print_values(comm, "largest " + op + " eigenvalues:", e.largest.values, e.largest.residuals,
               e.largest_n_matvec, e.largest_seconds);
  if (e.smallest.requested > 0)
    print_values(comm, "smallest " + op + " eigenvalues:", e.smallest.values,
                 e.smallest.residuals, e.smallest_n_matvec, e.smallest_seconds);
  if (e.largest.values.size() < std::size_t(e.largest.requested) ||
      e.smallest.values.size() < std::size_t(e.smallest.requested))
    PetscPrintf(comm,
                "warning: only %d + %d of %d + %d eigenpairs converged (raise -hess_max_it or "
                "-hess_eps_ncv)\n",
                int(e.largest.values.size()), int(e.smallest.values.size()),
                int(e.largest.requested), int(e.smallest.requested));
}

void summary(MPI_Comm w, const SpectrumReport& r) {
  PetscPrintf(w, "loss %.6e, |grad L| %.3e\n", r.loss, r.grad_norm);
  if (r.extreme) print_extreme(w, r.op, *r.extreme);
  if (r.full) {
    const auto& f = *r.full;
    PetscPrintf(
        w,
        "dense Hessian: assembled in %.2f s (%lld H.v, %d columns per product, asymmetry %.1e)",
        f.assembly_seconds, static_cast<long long>(f.n_matvec), int(f.block), f.asymmetry);
    if (!f.values.empty())
      PetscPrintf(w, "; all %d eigenvalues in %.2f s by %s, from %.6e to %.6e",
                  int(f.values.size()), f.solve_seconds, f.solver.c_str(), f.values.front(),
                  f.values.back());
    PetscPrintf(w, "\n");
  }
  if (r.inertia) print_counts(w, "inertia:  ", *r.inertia);
  if (r.sylvester) {
    print_counts(w, "Sylvester:", r.sylvester->inertia);
    PetscPrintf(w, "           (two LDL^T factorisations in %.2f s)\n", r.sylvester->seconds);
  }
  if (r.inertia && r.sylvester &&
      (r.inertia->n_neg != r.sylvester->inertia.n_neg ||
       r.inertia->n_zero != r.sylvester->inertia.n_zero))
    PetscPrintf(
        w,
        "warning: the dense spectrum and Sylvester's count disagree (an eigenvalue within "
        "rounding of +-tau?)\n");
  if (r.count)
    PetscPrintf(w, "eigenvalues below -tau (matrix-free): %s%lld (nev %d, %lld H.v)\n",
                r.count->capped ? "at least " : "", static_cast<long long>(r.count->n_neg),
                int(r.count->nev), static_cast<long long>(r.count->n_matvec));
  if (r.trace)
    PetscPrintf(w, "trace: Hutchinson %.6e +- %.1e, Hutch++ %.6e +- %.1e (%d probes, %lld H.v)\n",
                r.trace->hutchinson, r.trace->hutchinson_stderr, r.trace->hutchpp,
                r.trace->hutchpp_stderr, int(r.trace->probes),
                static_cast<long long>(r.trace->n_matvec));
  if (r.density) {
    // The smoothed density's mass below -tau is not a count: the Gaussian of width sigma moves
    // the many eigenvalues near zero across -tau, a bias the probes' standard error does not
    // include. Say so, and give the exact count beside it when there is one.
    const std::int64_t exact = r.inertia ? r.inertia->n_neg : (r.count ? r.count->n_neg : -1);
    PetscPrintf(w,
                "density: %d probes x %d Lanczos steps, sigma %.2e (%lld H.v); its mass below "
                "-tau %.1f (probe spread +- %.1f; smoothing by sigma biases it when eigenvalues "
                "cluster near 0)%s\n",
                int(r.density->probes), int(r.density->steps), r.density->sigma,
                static_cast<long long>(r.density->n_matvec), r.density->n_neg,
                r.density->n_neg_stderr,
                exact >= 0 ? (", exact count " + std::to_string(exact)).c_str() : "");
  }
  for (const auto& b : r.blocks) {
    const double lo = b.method == "dense"
                          ? b.values.front()
                          : (b.smallest.values.empty() ? NAN : b.smallest.values.front());
    const double hi = b.method == "dense"
                          ? b.values.back()
                          : (b.largest.values.empty() ? NAN : b.largest.values.front());
    PetscPrintf(w, "block of layer %d (%d parameters, %s): eigenvalues from %.6e to %.6e\n",
                b.layer, int(b.size), b.method.c_str(), lo, hi);
  }
  if (r.shards)
    PetscPrintf(
        w,
        "lambda_max over %d shards: min %.6e, max %.6e, mean %.6e, std %.1e (all data: %.6e)\n",
        int(r.shards->lambda_max.size()), r.shards->min, r.shards->max, r.shards->mean,
        r.shards->std, r.shards->full);
  const auto& e = r.estimates;
  PetscPrintf(w,
              "lambda_max %.6e, lambda_min %.6e, lambda_min+ %.6e, condition number %.3e, "
              "negative fraction %.3e (%s)\n",
              e.lambda_max, e.lambda_min, e.lambda_min_positive, e.condition_number,
              e.negative_fraction, e.source.c_str());
  PetscPrintf(w, "classification: %s\n", r.classification.text.c_str());
}

}  // namespace terrain::spectral
