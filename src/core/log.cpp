#include "core/log.hpp"

namespace terrain::core {

const LogEvents& log_events() {
  static const LogEvents events = [] {
    LogEvents e{};
    PetscClassId id = 0;
    PetscClassIdRegister("terrain", &id);
    PetscLogEventRegister("TerrainForward", id, &e.forward);
    PetscLogEventRegister("TerrainBackward", id, &e.backward);
    PetscLogEventRegister("TerrainGradient", id, &e.gradient);
    PetscLogEventRegister("TerrainCurvMult", id, &e.curvature);
    PetscLogEventRegister("TerrainReduce", id, &e.reduction);
    return e;
  }();
  return events;
}

}  // namespace terrain::core
