static const char help[] =
    "terrain-hvp-check: checks terrain's derivatives on your own network and data before you\n"
    "trust a landscape measurement: the gradient and the Hessian-vector product against central\n"
    "differences along random directions, and the symmetry <u,Hv> = <Hu,v> of the Hessian and of\n"
    "the Gauss-Newton matrix. Prints each error; exits 1 when one exceeds -check_tol. The\n"
    "gradient's error is relative to max(|FD slope|, |grad L|_2, h |v^T H v|), so a trained point\n"
    "with a tiny gradient is judged against the finite difference's own accuracy.\n\n"
    "Sample runs:\n"
    "  mpirun -np 2 terrain-hvp-check -options_file inputs/checks/iris_hvp_check.opts\n"
    "  mpirun -np 2 terrain-hvp-check -options_file inputs/quickstart.opts -model_init_file build/quickstart.h5 \\\n"
    "      -options_left no   # the study's -train_ and -hess_ options are not this driver's\n\n";

#include <cmath>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "core/random_vec.hpp"
#include "core/session.hpp"
#include "data/load_data.hpp"
#include "io/run_schema.hpp"
#include "objective/finite_differences.hpp"
#include "model/architecture.hpp"

using namespace terrain;

namespace {

struct CheckConfig {
  PetscInt directions = 3;
  double h = 1e-5;
  double tol = 1e-6;
  PetscInt seed = 1;

  static CheckConfig from_options() {
    CheckConfig c;
    TERRAIN_OPTIONS(read(&c));
    TERRAIN_CHECK(c.directions >= 1, "-check_directions must be at least 1");
    TERRAIN_CHECK(c.h > 0, "-check_h must be positive");
    TERRAIN_CHECK(c.tol > 0, "-check_tol must be positive");
    return c;
  }

 private:
  static PetscErrorCode read(CheckConfig* c) {
    PetscFunctionBeginUser;
    PetscOptionsBegin(PETSC_COMM_WORLD, "check_", "Derivative check", "terrain-hvp-check");
    PetscCall(PetscOptionsInt("-directions", "Random unit directions to test", "", c->directions, &c->directions, nullptr));
    PetscCall(PetscOptionsReal("-h", "Central-difference step along a unit direction", "", c->h, &c->h, nullptr));
    PetscCall(PetscOptionsReal("-tol", "Largest relative error accepted", "", c->tol, &c->tol, nullptr));
    PetscCall(PetscOptionsInt("-seed", "Seed of the random directions", "", c->seed, &c->seed, nullptr));
    PetscOptionsEnd();
    PetscFunctionReturn(0);
  }
};

// A unit vector drawn from (seed, index, global parameter index).
void random_unit_direction(Vec v, std::uint64_t seed, std::uint64_t index) {
  PetscInt n = 0;
  TERRAIN_PETSC(VecGetSize(v, &n));
  core::fill_random(v, core::Distribution::normal, seed, core::Stream::direction,
                    index * std::uint64_t(n));
  TERRAIN_PETSC(VecNormalize(v, nullptr));
}

double dot(Vec a, Vec b) {
  double r = 0;
  TERRAIN_PETSC(VecDot(a, b, &r));
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  return core::run_driver(argc, argv, help, [] {
    // 1. Options: the network, the data, the point, the check.
    const model::ModelConfig model = model::ModelConfig::from_options();
    const model::Architecture& arch = model.arch;
    const data::DataConfig data_config = data::DataConfig::from_options();
    const CheckConfig check = CheckConfig::from_options();
    if (core::help_requested()) return;

    // 2. The objective at the point (seed draw or -model_init_file).
    const data::Data data = data::load_data(PETSC_COMM_WORLD, data_config);
    objective::Objective f(PETSC_COMM_WORLD, arch, data.train);
    const core::OwnedVec theta(f.create_vec());
    core::OwnedVec g, u, v, hu, hv, fd;
    if (model.init_file.empty()) f.initial_parameters(theta);
    else io::read_params(PETSC_COMM_WORLD, model.init_file, arch, theta);
    for (core::OwnedVec* w : {&g, &u, &v, &hu, &hv, &fd}) TERRAIN_PETSC(VecDuplicate(theta, w->out()));
    const double loss = f.gradient(theta, g);
    double gradient_norm = 0;
    TERRAIN_PETSC(VecNorm(g, NORM_2, &gradient_norm));
    PetscPrintf(PETSC_COMM_WORLD, "terrain-hvp-check: %s, %d samples, %d parameters, loss %.6e, h = %.1e\n",
                data.name.c_str(), int(data.train.n_global), int(f.n_params()), loss, check.h);

    // 3. Each direction: slope, H·v and the symmetries.
    double worst = 0;
    PetscPrintf(PETSC_COMM_WORLD, "%4s %14s %14s %14s %14s\n", "dir", "grad vs FD", "Hv vs FD", "H symmetry", "GGN symmetry");
    for (PetscInt k = 0; k < check.directions; ++k) {
      random_unit_direction(v, check.seed, 2 * k);
      random_unit_direction(u, check.seed, 2 * k + 1);
      const double slope = dot(g, v);
      const double fd_slope = objective::central_difference_slope(f, theta, v, check.h);
      f.curvature_product(objective::Curvature::hessian, theta, v, hv);
      // Relative to the slope's natural scale, not to the slope alone: near a minimum g·v → 0
      // while the central difference keeps its O(h²) truncation and O(ε L / h) rounding, so a
      // plain relative error fails at every trained point. ‖g‖₂ bounds any unit slope and
      // h·|vᵀHv| is the slope's change over the step.
      const double grad_scale =
          std::max({std::abs(fd_slope), gradient_norm, check.h * std::abs(dot(v, hv)), 1e-300});
      const double grad_error = std::abs(slope - fd_slope) / grad_scale;
      objective::central_difference_hessian_product(f, theta, v, check.h, fd);
      const double hess_error = objective::relative_difference(hv, fd);
      f.curvature_product(objective::Curvature::hessian, theta, u, hu);
      double hv_norm = 0, hu_norm = 0;
      TERRAIN_PETSC(VecNorm(hv, NORM_2, &hv_norm));
      TERRAIN_PETSC(VecNorm(hu, NORM_2, &hu_norm));
      const double sym = std::abs(dot(u, hv) - dot(hu, v)) / std::max(hv_norm + hu_norm, 1e-300);
      f.curvature_product(objective::Curvature::gauss_newton, theta, v, hv);
      f.curvature_product(objective::Curvature::gauss_newton, theta, u, hu);
      TERRAIN_PETSC(VecNorm(hv, NORM_2, &hv_norm));
      TERRAIN_PETSC(VecNorm(hu, NORM_2, &hu_norm));
      const double ggn_sym = std::abs(dot(u, hv) - dot(hu, v)) / std::max(hv_norm + hu_norm, 1e-300);
      PetscPrintf(PETSC_COMM_WORLD, "%4d %14.3e %14.3e %14.3e %14.3e\n", int(k), grad_error, hess_error, sym, ggn_sym);
      worst = std::max({worst, grad_error, hess_error, sym, ggn_sym});
    }

    // 4. Verdict (the same reduced numbers on every rank).
    PetscPrintf(PETSC_COMM_WORLD, "largest relative error %.3e (tolerance %.1e): %s\n", worst, check.tol,
                worst <= check.tol ? "PASS" : "FAIL");
    TERRAIN_CHECK(worst <= check.tol, "derivative check failed: relative error " << worst << " > -check_tol "
                                                                                  << check.tol);
  });
}
