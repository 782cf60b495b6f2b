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
    "  mpirun -np 2 terrain-train -options_file inputs/quickstart.opts -train_save_every 500 "
    "-output quickstart.h5\n"
    "  mpirun -np 2 terrain-surface -input quickstart.h5 -surf_x -1:1:41 -surf_y -1:1:31\n"
    "  mpirun -np 2 terrain-surface -input quickstart.h5 -surf_x -0.25:1.25:61 -surf_xdir target "
    "-surf_xtarget quickstart.h5:0 -surf_name to_init\n"
    "  mpirun -np 2 terrain-surface -input quickstart.h5 -surf_x -1:1:21 -surf_y -1:1:21 -surf_xdir "
    "pca -surf_ydir pca -surf_name pca\n"
    "  mpirun -np 4 terrain-surface -input quickstart.h5 -surf_x -1:1:21 -surf_y -1:1:21 "
    "-surf_curvature -surf_group_size 2 -surf_sharpness -surf_name curvature\n"
    "  mpirun -np 2 terrain-surface -input li2018_d10_plain.h5 -options_file "
    "inputs/surfaces/li2018_surface2d.opts\n"
    "  terrain-plot quickstart.h5 --kind contour --surface loss\n\n";

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
