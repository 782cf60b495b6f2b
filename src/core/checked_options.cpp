#include "core/checked_options.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>

namespace terrain::core {

namespace {

// The option's value as given (nullptr when it was given without one), and whether it was given.
PetscErrorCode raw_value(PetscOptionItems* items, const char* name, const char** value,
                         PetscBool* found) {
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsFindPair(items->options, items->prefix, name, value, found));
  PetscFunctionReturn(0);
}

std::string full_name(PetscOptionItems* items, const char* name) {
  return "-" + std::string(items->prefix ? items->prefix : "") + (name + 1);
}

// An option that needs a value but was given none: PETSc would keep the default (numbers, lists)
// or take "" (strings) without a word.
PetscErrorCode require_value(PetscOptionItems* items, const char* name, const char* kind) {
  PetscFunctionBeginUser;
  const char* value = nullptr;
  PetscBool found = PETSC_FALSE;
  PetscCall(raw_value(items, name, &value, &found));
  PetscCheck(!found || (value && *value), PETSC_COMM_SELF, PETSC_ERR_USER,
             "%s needs a value (%s) and was given none", full_name(items, name).c_str(), kind);
  PetscFunctionReturn(0);
}

bool is_integer_literal(const std::string& s) {
  std::size_t i = s[0] == '+' || s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

// PETSc 3.18 casts strtoll's result to PetscInt, so an integer beyond it wraps to another valid
// number: refuse it. Only decimal literals are checked; PETSc rejects or interprets anything else
// (PETSC_DEFAULT, 1.5) itself.
PetscErrorCode check_integers(PetscOptionItems* items, const char* name) {
  PetscFunctionBeginUser;
  const char* value = nullptr;
  PetscBool found = PETSC_FALSE;
  PetscCall(raw_value(items, name, &value, &found));
  if (!found || !value) PetscFunctionReturn(0);
  std::istringstream entries(value);
  for (std::string entry; std::getline(entries, entry, ',');) {
    if (!is_integer_literal(entry)) continue;
    errno = 0;
    const long long n = std::strtoll(entry.c_str(), nullptr, 10);
    const bool in_range = errno != ERANGE && n >= PETSC_MIN_INT && n <= PETSC_MAX_INT;
    const std::string which = entry == value ? std::string() : " (" + entry + ")";
    PetscCheck(in_range, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "%s %s: integer out of range%s; PetscInt holds %" PetscInt_FMT "..%" PetscInt_FMT,
               full_name(items, name).c_str(), value, which.c_str(), PETSC_MIN_INT, PETSC_MAX_INT);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode check_finite(PetscOptionItems* items, const char* name, const PetscReal* values,
                            PetscInt n) {
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; ++i) {
    if (std::isfinite(values[i])) continue;
    const char* value = nullptr;
    PetscBool found = PETSC_FALSE;
    PetscCall(raw_value(items, name, &value, &found));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%s %s: not a finite number",
            full_name(items, name).c_str(), value ? value : "");
  }
  PetscFunctionReturn(0);
}

}  // namespace

PetscErrorCode checked_options_int(PetscOptionItems* items, const char* name, const char* help,
                                   const char* man, PetscInt current, PetscInt* value,
                                   PetscBool* set, PetscInt lower, PetscInt upper) {
  PetscFunctionBeginUser;
  PetscCall(require_value(items, name, "an integer"));
  PetscCall(check_integers(items, name));
  PetscCall(PetscOptionsInt_Private(items, name, help, man, current, value, set, lower, upper));
  PetscFunctionReturn(0);
}

PetscErrorCode checked_options_real(PetscOptionItems* items, const char* name, const char* help,
                                    const char* man, PetscReal current, PetscReal* value,
                                    PetscBool* set) {
  PetscFunctionBeginUser;
  PetscCall(require_value(items, name, "a number"));
  PetscBool given = PETSC_FALSE;
  PetscCall(PetscOptionsReal_Private(items, name, help, man, current, value, &given));
  if (given) PetscCall(check_finite(items, name, value, 1));
  if (set) *set = given;
  PetscFunctionReturn(0);
}

PetscErrorCode checked_options_string(PetscOptionItems* items, const char* name, const char* help,
                                      const char* man, const char* current, char* value,
                                      size_t length, PetscBool* set) {
  PetscFunctionBeginUser;
  PetscCall(require_value(items, name, "a string"));
  PetscCall(PetscOptionsString_Private(items, name, help, man, current, value, length, set));
  PetscFunctionReturn(0);
}

PetscErrorCode checked_options_elist(PetscOptionItems* items, const char* name, const char* help,
                                     const char* man, const char* const* list, PetscInt n,
                                     const char* current, PetscInt* value, PetscBool* set) {
  PetscFunctionBeginUser;
  PetscCall(require_value(items, name, "one of a list"));
  PetscCall(PetscOptionsEList_Private(items, name, help, man, list, n, current, value, set));
  PetscFunctionReturn(0);
}

PetscErrorCode checked_options_int_array(PetscOptionItems* items, const char* name,
                                         const char* help, const char* man, PetscInt* value,
                                         PetscInt* n, PetscBool* set) {
  PetscFunctionBeginUser;
  PetscCall(require_value(items, name, "comma-separated integers"));
  PetscCall(check_integers(items, name));
  PetscCall(PetscOptionsIntArray_Private(items, name, help, man, value, n, set));
  PetscFunctionReturn(0);
}

PetscErrorCode checked_options_real_array(PetscOptionItems* items, const char* name,
                                          const char* help, const char* man, PetscReal* value,
                                          PetscInt* n, PetscBool* set) {
  PetscFunctionBeginUser;
  PetscCall(require_value(items, name, "comma-separated numbers"));
  PetscBool given = PETSC_FALSE;
  PetscCall(PetscOptionsRealArray_Private(items, name, help, man, value, n, &given));
  if (given) PetscCall(check_finite(items, name, value, *n));
  if (set) *set = given;
  PetscFunctionReturn(0);
}

}  // namespace terrain::core
