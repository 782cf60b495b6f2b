static const char help[] =
    "terrain-surface: the loss landscape around a point of a run: 1-D and 2-D loss surfaces\n"
    "(train and test loss and accuracy) along random filter-normalised directions, towards\n"
    "other points, through three points, along the principal components of the trajectory or\n"
    "along Hessian eigenvectors; optional |grad L|, curvature maps (lambda_min, lambda_max and\n"
    "their ratio) and Hutchinson traces at every point, and Keskar's eps-sharpness at the\n"
    "centre. Grid points are shared out over work groups of -surf_group_size ranks, each\n"
    "data-parallel; finished points are kept in <output>.surface-<name>/ so a stopped or killed\n"
    "run continues where it was. Writes /surface/<name> into the input (atomically) or -output.\n\n"
    "Sample runs:\n"
    "  mpirun -np 2 terrain-train -options_file inputs/surfaces/fashion_784_128_10_train.opts\n"
    "  mpirun -np 2 terrain-surface -input fashion_128.h5 -options_file "
    "inputs/surfaces/random_plane.opts\n"
    "  mpirun -np 2 terrain-surface -input fashion_128.h5 -surf_x -0.5:1.5:41 -surf_xdir target "
    "-surf_xtarget fashion_128.h5:0 -surf_name init_line\n"
    "  mpirun -np 4 terrain-surface -input run.h5 -surf_x -1:1:21 -surf_y -1:1:21 "
    "-surf_curvature -surf_group_size 2\n"
    "  terrain-plot fashion_128.h5 --kind contour --surface plane\n\n";

#include "core/session.hpp"
#include "geometry/surface_config.hpp"
#include "study/point_input.hpp"
#include "study/surface_study.hpp"

using namespace terrain;

int main(int argc, char** argv) {
  return core::run_driver(argc, argv, help, [] {
    // Every option block is read first, so -help lists them all and bad options fail early.
    geometry::SurfaceConfig config = geometry::SurfaceConfig::from_options();
    if (core::help_requested()) {
      study::list_point_options_for_help();
      return;
    }
    study::SurfaceStudy(std::move(config)).run();
  });
}
