#pragma once
// Full-batch gradient descent θ ← θ − lr ∇L(θ), the simplest trainer and the reference the
// landscape studies start from.
#include <petscvec.h>

#include <functional>

#include "objective/objective.hpp"

namespace terrain::optim {

// Called at every step t = 0..steps with the loss and gradient at θ_t (before the update),
// so the last call sees the final parameters.
using StepMonitor = std::function<void(PetscInt step, double loss, Vec theta, Vec grad)>;

// Runs `steps` steps from θ (updated in place). Stops with an InputError naming the step
// when the loss or gradient stops being finite.
void gradient_descent(objective::Objective& objective, Vec theta, double lr, PetscInt steps,
                      const StepMonitor& monitor);

}  // namespace terrain::optim
