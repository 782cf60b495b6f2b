#pragma once
// The options of terrain-spectrum: what to analyse (-spectrum_*), where the point comes from
// and where the results go (-input, -output), and -hess_vectors. The eigensolver settings are
// EigenOptions (-hess_*).
#include <petscsys.h>

#include <cstdint>
#include <string>

#include "spectral/dense_eigenvalues.hpp"

namespace terrain::spectral {

struct SpectrumOptions {
  // input and output
  std::string input;              // a run file or a parameter file (required)
  std::string output;             // default: the input, updated atomically
  std::string name = "analysis";  // /spectrum/<name>
  PetscInt step = -1;             // a /trajectory/params snapshot by its step; −1: /params
  bool data_from_run = true;      // take the -data_ options from the run file when none are given

  // analyses
  bool extreme = true, full = false, inertia = false, count = false, trace = false, density = false,
       blocks = false, shards = false, all = false;
  bool vectors = false;  // -hess_vectors: store the extreme eigenvectors

  // tolerances
  double zero_tol = 1e-9;  // τ = max(zero_atol, zero_tol · max|λ|)
  double zero_atol = 0;
  double grad_tol = 1e-6;  // ‖∇L‖ above this: not a critical point

  // full spectrum
  PetscInt full_max = 20000;  // largest n_params for the dense Hessian
  PetscInt block = 256;       // identity columns per product in the assembly
  DenseSolver dense_solver = DenseSolver::automatic;

  // matrix-free count
  PetscInt count_nev = 8, count_max = 64;

  // stochastic estimators
  std::uint64_t seed = 0;
  PetscInt trace_probes = 30;
  PetscInt density_probes = 10, density_steps = 80, density_points = 1001;
  double density_sigma = 0;

  static SpectrumOptions from_options();
};

}  // namespace terrain::spectral
