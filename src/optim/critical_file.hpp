#pragma once
// terrain-critical's part of the run file:
//
//   /critical/<name>  attrs  method str (trust|newton|sfn), converged int64 0/1, reason str,
//                            iterations int64 (rows − 1), sfn_iterations int64 (rows 1..k are
//                            saddle-free steps), loss, grad_norm1, grad_norm2, grad_norm_inf,
//                            gtol float64 (at the last iterate), n_matvec int64, seconds float64,
//                            source str (file and dataset of the start), step int64 (−1: /params),
//                            distance float64 (‖θ_last − θ_start‖₂: how far from the start the
//                            point is; Newton may converge to a distant critical point)
//     iteration          int64[rows]    0 = the start point
//     loss, grad_norm1, grad_norm2, step_norm, step_length   float64[rows]
//     krylov_iterations  int64[rows]    MINRES iterations (newton) or Lanczos steps (trust, sfn)
//     trust_radius       float64[rows]  the trust radius after the row (trust; 0 otherwise)
//     start_params       float64[n_params]   (optional) the start point
//
// /params of the file is the last iterate (the critical point when converged).
#include <petscvec.h>

#include <cstdint>
#include <string>

#include "io/run_file.hpp"
#include "optim/newton_krylov.hpp"

namespace terrain::optim {

struct CriticalRecord {
  std::string method;
  optim::NewtonResult result;
  std::int64_t sfn_iterations = 0;
  double gtol = 0;
  double grad_norm_inf = 0;  // at the last iterate
  double distance = 0;       // ‖θ_last − θ_start‖₂
  std::string source;
  std::int64_t step = -1;
};

// Writes /critical/<name>, replacing an earlier one; `start` may be null.
void write_critical(io::RunFile& file, const std::string& name, const CriticalRecord& r,
                    Vec start = nullptr);

// Reads back what write_critical wrote (not start_params); validates the column lengths.
CriticalRecord read_critical(const io::RunFile& file, const std::string& name);

}  // namespace terrain::optim
