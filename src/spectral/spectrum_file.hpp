#pragma once
// terrain-spectrum's part of the run file: the point it analyses (a run file's /params or a
// /trajectory/params snapshot), the -data_ options a run recorded, and everything of a
// spectral::SpectrumReport under /spectrum/<name>:
//
//   /spectrum/<name>  attrs  operator, tolerance, n_matvec            (as io::write_spectrum)
//                            n_params, loss, grad_norm, zero_tol, seconds, nranks int64,
//                            source str (file and dataset of the point), step int64 (−1: /params),
//                            classification str, kind str (minimum|maximum|saddle|degenerate|
//                            unknown), index int64 (n−, −1 unknown), degenerate int64 (1/0/−1),
//                            critical int64 0/1, grad_tol,
//                            lambda_max, lambda_min, lambda_min_positive, condition_number,
//                            negative_fraction float64 (NaN: unknown), estimates_source str
//     largest, largest_residuals, smallest, smallest_residuals, eigenvalues, residuals
//                            float64[k]   the extreme pairs (io::write_spectrum's layout)
//     largest_vectors, smallest_vectors   float64[k, n_params]   (-hess_vectors)
//     full/eigenvalues       float64[n_params] ascending; attrs solver, asymmetry, block,
//                            assembly_seconds, solve_seconds, n_matvec
//     inertia                attrs n_neg, n_zero, n_pos int64, tol, method     (dense spectrum)
//     sylvester              attrs n_neg, n_zero, n_pos, tol, method, seconds  (LDLᵀ)
//     count                  attrs n_neg, capped, nev, n_matvec, lambda_min_positive;
//                            smallest float64[nev]
//     trace                  attrs hutchinson, hutchinson_stderr, hutchpp, hutchpp_stderr,
//                            probes, seed, n_matvec; samples float64[probes]
//     density                grid, values float64[points]; alpha float64[probes, steps],
//                            beta float64[probes, steps − 1] (NaN-padded after a run's own
//                            length), lanczos_steps int64[probes]; attrs sigma, probes, steps,
//                            seed, moment1, moment2, n_neg, n_neg_stderr, n_matvec
//     blocks/layer<l>        attrs layer, offset, size, method (dense|extreme); eigenvalues
//                            (dense, ascending) or largest/smallest (+ _residuals)
//     shards                 lambda_max float64[nranks], n_samples int64[nranks];
//                            attrs full, min, max, mean, std
#include <mpi.h>
#include <petscvec.h>

#include <string>
#include <utility>
#include <vector>

#include "io/run_file.hpp"
#include "model/architecture.hpp"
#include "spectral/results.hpp"

namespace terrain::io {

// Reads the parameters at `step` into theta: step −1 is the final /params of a run file (or
// the `params` of any parameter file); otherwise the row of /trajectory/params whose
// /trajectory/params_step is `step`. Errors name the file and list what is there.
void read_point(MPI_Comm comm, const std::string& path, const model::Architecture& arch,
                PetscInt step, Vec theta);

// The options a run recorded in its root attribute `options` whose names start with
// `prefix` ("-data_"): (name, value) pairs, value empty for a bare flag. None when the
// attribute is absent.
std::vector<std::pair<std::string, std::string>> recorded_options(const RunFile& file,
                                                                  const std::string& prefix);

struct PointSource {
  std::string source;  // "run.h5:/params", "run.h5:/trajectory/params (step 200)"
  PetscInt step = -1;
};

// Writes /spectrum/<name>, replacing an earlier one entirely.
void write_spectrum_report(RunFile& file, const std::string& name,
                           const spectral::SpectrumReport& r, const PointSource& point,
                           const std::vector<Vec>& largest_vectors = {},
                           const std::vector<Vec>& smallest_vectors = {});

// Reads back what write_spectrum_report wrote (not the eigenvectors).
spectral::SpectrumReport read_spectrum_report(const RunFile& file, const std::string& name);

}  // namespace terrain::io
