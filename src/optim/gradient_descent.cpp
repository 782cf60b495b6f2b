#include "optim/gradient_descent.hpp"

#include <cmath>

#include "core/error.hpp"

namespace terrain::optim {

void gradient_descent(objective::Objective& objective, Vec theta, double lr, PetscInt steps,
                      const StepMonitor& monitor) {
  Vec grad;
  TERRAIN_PETSC(VecDuplicate(theta, &grad));
  for (PetscInt step = 0; step <= steps; ++step) {
    const double loss = objective.gradient(theta, grad);
    double norm = 0;
    TERRAIN_PETSC(VecNorm(grad, NORM_2, &norm));
    // Both values are reduced over ranks, so every rank takes the same branch.
    TERRAIN_CHECK(std::isfinite(loss) && std::isfinite(norm),
                  "the loss became " << loss << " (gradient norm " << norm << ") at step " << step
                                     << ": training diverged; lower -train_lr");
    monitor(step, loss, theta, grad);
    if (step < steps) TERRAIN_PETSC(VecAXPY(theta, -lr, grad));
  }
  TERRAIN_PETSC(VecDestroy(&grad));
}

}  // namespace terrain::optim
