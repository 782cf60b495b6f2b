#pragma once
// Learning-rate schedules as pure functions of the step, so a restarted run needs no schedule
// state: constant, step decay, cosine decay, each optionally behind a linear warm-up.
#include <petscsys.h>

namespace terrain::optim {

enum class ScheduleKind { constant, step, cosine };
const char* to_string(ScheduleKind k);

struct Schedule {
  ScheduleKind kind = ScheduleKind::constant;
  double lr = 0.1;         // base learning rate
  double gamma = 0.1;      // step: factor applied every step_size steps
  PetscInt step_size = 0;  // step: decay interval (steps)
  double lr_min = 0.0;     // cosine: final learning rate
  PetscInt horizon = 0;    // cosine: steps from lr to lr_min (constant lr_min afterwards)
  PetscInt warmup = 0;     // linear warm-up: lr·(t+1)/warmup for t < warmup

  // The learning rate of the update θ_t → θ_{t+1}.
  double at(PetscInt step) const;
};

}  // namespace terrain::optim
