#pragma once
// /spectrum/<name> of the run file: the one place that writes and reads it. Two writers share
// the group's layout: write_spectrum stores extreme eigenpairs alone (terrain-train's
// /spectrum/final), write_spectrum_report a whole spectral::SpectrumReport (terrain-spectrum,
// terrain-critical) through write_spectrum and adds the rest.
//
// write_spectrum:
//   /spectrum/<name>           attrs  operator str, tolerance float64, n_matvec int64
//     largest, largest_residuals     float64[k], largest first (descending)
//     smallest, smallest_residuals   float64[k], smallest first (ascending)
//     eigenvalues, residuals         float64, both ends together, descending
//
// write_spectrum_report:
//   /spectrum/<name>  attrs  operator, tolerance, n_matvec            (as write_spectrum)
//                            n_params, loss, grad_norm, zero_tol, seconds, nranks int64,
//                            source str (file and dataset of the point), step int64 (−1: /params),
//                            classification str, kind str (minimum|maximum|saddle|degenerate|
//                            unknown), index int64 (n−, −1 unknown), degenerate int64 (1/0/−1),
//                            critical int64 0/1, grad_tol,
//                            lambda_max, lambda_min, lambda_min_positive, condition_number,
//                            negative_fraction float64 (NaN: unknown), estimates_source str
//     largest, largest_residuals, smallest, smallest_residuals, eigenvalues, residuals
//                            float64[k]   the extreme pairs (write_spectrum's layout)
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

#include <cstdint>
#include <string>
#include <vector>

#include "io/point_reader.hpp"
#include "io/run_file.hpp"
#include "spectral/results.hpp"

namespace terrain::spectral {

// Extreme eigenvalues of an operator (Hessian, Gauss–Newton…) at one point.
struct Spectrum {
  std::string op = "hessian";                       // written as the attribute `operator`
  std::vector<double> largest, largest_residuals;    // any order; stored descending
  std::vector<double> smallest, smallest_residuals;  // any order; stored ascending
  double tolerance = 0;
  std::int64_t n_matvec = 0;  // operator applications the solves took
};
// Writes /spectrum/<name>, replacing an earlier one. Residual lists must be empty or match
// their eigenvalues.
void write_spectrum(io::RunFile& file, const std::string& name, const Spectrum& s);
Spectrum read_spectrum(const io::RunFile& file, const std::string& name);

// Writes /spectrum/<name>, replacing an earlier one entirely.
void write_spectrum_report(io::RunFile& file, const std::string& name,
                           const SpectrumReport& r, const io::PointSource& point,
                           const std::vector<Vec>& largest_vectors = {},
                           const std::vector<Vec>& smallest_vectors = {});

// Reads back what write_spectrum_report wrote (not the eigenvectors).
SpectrumReport read_spectrum_report(const io::RunFile& file, const std::string& name);

}  // namespace terrain::spectral
