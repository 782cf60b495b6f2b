#pragma once
// PETSc 3.18 reads option values more loosely than terrain's one-line contract allows: an
// integer beyond PetscInt wraps (`-train_steps 99999999999` runs 1215752191 steps), an option
// left without a value (`-train_lr` last on a line) silently keeps its default, and `inf` is a
// valid real. These replacements of PETSc's options-block macros check the raw value first and
// then call PETSc's own reader, so help output and everything else stay PETSc's. They are the one
// place every driver's options pass through: core/error.hpp includes this header, and every
// options block reports through TERRAIN_OPTIONS from there. Bool options keep PETSc's meaning of a
// bare name (true); options PETSc or SLEPc read themselves (-hess_eps_*) are not covered.
#include <petscsys.h>

namespace terrain::core {

PetscErrorCode checked_options_int(PetscOptionItems* items, const char* name, const char* help,
                                   const char* man, PetscInt current, PetscInt* value,
                                   PetscBool* set, PetscInt lower, PetscInt upper);
PetscErrorCode checked_options_real(PetscOptionItems* items, const char* name, const char* help,
                                    const char* man, PetscReal current, PetscReal* value,
                                    PetscBool* set);
PetscErrorCode checked_options_string(PetscOptionItems* items, const char* name, const char* help,
                                      const char* man, const char* current, char* value,
                                      size_t length, PetscBool* set);
PetscErrorCode checked_options_elist(PetscOptionItems* items, const char* name, const char* help,
                                     const char* man, const char* const* list, PetscInt n,
                                     const char* current, PetscInt* value, PetscBool* set);
PetscErrorCode checked_options_int_array(PetscOptionItems* items, const char* name,
                                         const char* help, const char* man, PetscInt* value,
                                         PetscInt* n, PetscBool* set);
PetscErrorCode checked_options_real_array(PetscOptionItems* items, const char* name,
                                          const char* help, const char* man, PetscReal* value,
                                          PetscInt* n, PetscBool* set);

}  // namespace terrain::core

#undef PetscOptionsInt
#undef PetscOptionsBoundedInt
#undef PetscOptionsRangeInt
#undef PetscOptionsReal
#undef PetscOptionsString
#undef PetscOptionsEList
#undef PetscOptionsIntArray
#undef PetscOptionsRealArray
#define PetscOptionsInt(a, b, c, d, e, f) \
  ::terrain::core::checked_options_int(PetscOptionsObject, a, b, c, d, e, f, PETSC_MIN_INT, PETSC_MAX_INT)
#define PetscOptionsBoundedInt(a, b, c, d, e, f, g) \
  ::terrain::core::checked_options_int(PetscOptionsObject, a, b, c, d, e, f, g, PETSC_MAX_INT)
#define PetscOptionsRangeInt(a, b, c, d, e, f, g, h) \
  ::terrain::core::checked_options_int(PetscOptionsObject, a, b, c, d, e, f, g, h)
#define PetscOptionsReal(a, b, c, d, e, f) \
  ::terrain::core::checked_options_real(PetscOptionsObject, a, b, c, d, e, f)
#define PetscOptionsString(a, b, c, d, e, f, g) \
  ::terrain::core::checked_options_string(PetscOptionsObject, a, b, c, d, e, f, g)
#define PetscOptionsEList(a, b, c, d, e, f, g, h) \
  ::terrain::core::checked_options_elist(PetscOptionsObject, a, b, c, d, e, f, g, h)
#define PetscOptionsIntArray(a, b, c, d, e, f) \
  ::terrain::core::checked_options_int_array(PetscOptionsObject, a, b, c, d, e, f)
#define PetscOptionsRealArray(a, b, c, d, e, f) \
  ::terrain::core::checked_options_real_array(PetscOptionsObject, a, b, c, d, e, f)
