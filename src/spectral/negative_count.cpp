#include "spectral/negative_count.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"

namespace terrain::spectral {

NegativeCount count_negative(Mat op, double tol, PetscInt start_nev, PetscInt max_nev,
                             const EigenSettings& settings) {
  TERRAIN_CHECK(start_nev >= 1 && max_nev >= start_nev,
                "the negative count needs 1 <= start nev <= max nev, got " << start_nev << " and "
                                                                           << max_nev);
  PetscInt N = 0;
  TERRAIN_PETSC(MatGetSize(op, &N, nullptr));
  max_nev = std::min(max_nev, N);
  NegativeCount c;
  core::VecList seed_space;
  for (PetscInt nev = std::min(start_nev, max_nev);; nev = std::min(2 * nev, max_nev)) {
    EigenSettings s = settings;
    s.nev = nev;
    core::VecList vectors;
    const Eigenpairs e = extreme_eigenpairs(op, End::smallest, s, &vectors, &seed_space.get());
    seed_space = std::move(vectors);
    c.nev = nev;
    c.smallest = e.values;
    c.n_neg = std::count_if(e.values.begin(), e.values.end(), [&](double v) { return v < -tol; });
    const bool complete = c.n_neg < static_cast<std::int64_t>(e.values.size()) ||
                          static_cast<PetscInt>(e.values.size()) == N;
    if (complete || nev >= max_nev) {
      c.capped = !complete;
      const auto above =
          std::find_if(e.values.begin(), e.values.end(), [&](double v) { return v >= tol; });
      if (complete && above != e.values.end()) c.lambda_min_positive = *above;
      break;
    }
  }
  return c;
}

}  // namespace terrain::spectral
