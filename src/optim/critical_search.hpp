#pragma once
// terrain-critical's search for a critical point from a start θ, by one of three methods:
//   trust   (the default) trust-region Newton on ½‖∇L‖² (optim/trust_region_newton.hpp): a
//           nearby critical point of any index, also where H is singular; never jumps away.
//   newton  Newton–Krylov on ∇L = 0 with a line search (optim/newton_krylov.hpp): quadratic
//           near a non-degenerate point, but from a point that is not near one its steps along
//           near-null curvature can carry it far (and differently at other rank counts).
//   sfn     escape, then converge: saddle-free Newton steps (optim/saddle_free_newton.hpp) with
//           a backtracking (Armijo) line search on the loss, which go downhill and are repelled
//           by saddles, until ‖∇L‖₂ ≤ -critical_sfn_switch, or -critical_sfn_steps steps are
//           done, or the line search finds no decrease; then the trust-region Newton converges
//           to the critical point there. (A switch on "no negative Ritz value" was tried and is too
//           eager: a small Krylov space often misses the negative curvature.)
// The history has one row per iteration of both phases (iteration 0 = the start).
#include <petscvec.h>

#include <functional>
#include <string>

#include "objective/objective.hpp"
#include "optim/newton_krylov.hpp"
#include "optim/saddle_free_newton.hpp"
#include "spectral/spectrum_options.hpp"

namespace terrain::optim {

enum class CriticalMethod { newton, sfn, trust };
const char* to_string(CriticalMethod m);

// The -critical_ options of terrain-critical besides NewtonSettings, and -input / -output.
struct CriticalOptions {
  std::string input;   // run file or parameter file (required)
  std::string output;  // new run file (required, not the input)
  PetscInt step = -1;  // a /trajectory/params snapshot; −1: /params
  std::string name;    // /critical/<name> and /spectrum/<name>; default: the method's name
  CriticalMethod method = CriticalMethod::trust;
  SaddleFreeSettings sfn{20, 1e-3};  // -critical_sfn_krylov, -critical_sfn_damping
  PetscInt sfn_steps = 500;          // most saddle-free Newton steps before Newton
  double sfn_switch = 1e-6;          // Newton takes over once ‖∇L‖₂ ≤ this
  bool store_start = true;           // /critical/<name>/start_params

  static CriticalOptions from_options();
};

struct CriticalSearch {
  NewtonResult result;         // history of both phases, n_matvec and seconds of both
  PetscInt sfn_iterations = 0;  // rows 1..sfn_iterations of the history are saddle-free steps
};

// What terrain-critical measures at the point it found (spectral::Analysis): the full spectrum
// and its inertia when n_params ≤ 4000, else the extreme ends and the matrix-free count of
// negative eigenvalues (the dense spectrum costs n² memory and n³ time).
inline constexpr PetscInt kCriticalFullSpectrumMax = 4000;
spectral::SpectrumOptions critical_spectrum_options(PetscInt n_params);

// Called after each row of the history with its phase ("sfn" or "newton").
using CriticalReport = std::function<void(const NewtonIteration&, const char* phase)>;

// Collective on obj.comm(); θ is the start on entry and the last iterate on return.
// newton.on_iteration is not used: `report` sees the rows of both phases.
CriticalSearch search_critical_point(objective::Objective& obj, Vec theta, CriticalMethod method,
                                     const NewtonSettings& newton, const SaddleFreeSettings& sfn,
                                     PetscInt sfn_steps, double sfn_switch,
                                     const CriticalReport& report = {});

}  // namespace terrain::optim
