#pragma once
// PETSc log events for terrain's kernels, so -log_view shows where the time goes.
#include <petsclog.h>

namespace terrain::core {

struct LogEvents {
  PetscLogEvent forward, backward, gradient, curvature, reduction;
};

// Registered on first use (after PetscInitialize).
const LogEvents& log_events();

}  // namespace terrain::core
