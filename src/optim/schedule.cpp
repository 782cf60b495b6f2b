#include "optim/schedule.hpp"

#include <algorithm>
#include <cmath>

namespace terrain::optim {

const char* to_string(ScheduleKind k) {
  static const char* const names[] = {"constant", "step", "cosine"};
  return names[static_cast<int>(k)];
}

double Schedule::at(PetscInt step) const {
  double rate = lr;
  switch (kind) {
    case ScheduleKind::constant:
      break;
    case ScheduleKind::step:
      rate = lr * std::pow(gamma, double(step / step_size));
      break;
    case ScheduleKind::cosine: {
      const double progress = double(std::min(step, horizon)) / double(horizon);
      rate = lr_min + (lr - lr_min) * 0.5 * (1.0 + std::cos(M_PI * progress));
      break;
    }
  }
  if (step < warmup) rate *= double(step + 1) / double(warmup);
  return rate;
}

}  // namespace terrain::optim
