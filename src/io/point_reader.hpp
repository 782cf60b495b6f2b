#pragma once
// Reading a point from a file: the parameters of a run file (its /params or a
// /trajectory/params snapshot by step, validated against an Architecture), the options a run
// recorded, and where a point came from, for the files that describe results at it.
#include <mpi.h>
#include <petscvec.h>

#include <string>
#include <utility>
#include <vector>

#include "io/run_file.hpp"
#include "model/architecture.hpp"

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

}  // namespace terrain::io
