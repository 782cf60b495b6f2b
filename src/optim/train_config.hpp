#pragma once
// What terrain-train does: the -train_ options, the initial parameters and the output file.
#include <petscsys.h>

#include <string>

namespace terrain::optim {

struct TrainConfig {
  double lr = 0.1;
  PetscInt steps = 100;
  PetscInt print_every = 0;    // progress line every k steps; 0: about 10 lines per run
  PetscInt monitor_every = 1;  // trajectory row every k steps (and always the last)
  std::string init_file;       // -model_init_file: parameters instead of the seed's draw
  std::string output = "run.h5";

  static TrainConfig from_options();
};

}  // namespace terrain::optim
