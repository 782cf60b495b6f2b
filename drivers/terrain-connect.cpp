static const char help[] =
    "terrain-connect: paths between minima of one network and the barriers on them. B is\n"
    "optionally aligned to A by the hidden-unit symmetries (weight or activation matching:\n"
    "permutations, and sign flips for tanh); the path is the straight line, a nudged elastic\n"
    "band with a finite spring and a climbing image (neb), AutoNEB (NEB cycles that insert\n"
    "images where the loss rises above the chord), or a Bezier / polygonal-chain curve whose\n"
    "bends are trained with t ~ U(0,1). The path's loss and accuracy are sampled on a dense t\n"
    "grid (train and test), both barriers are measured, the highest image is refined to a\n"
    "critical point with terrain-critical's Newton and its exact index measured, and lambda_min\n"
    "and the index are measured at every image. With more than two minima every pair is joined\n"
    "and the minimum spanning tree of the barrier heights is written. Images and grid points are\n"
    "shared out over work groups of -path_group_size ranks; a stopped run continues from\n"
    "<output>.path-<name>.state.h5. Writes /path/<name> (and /connectivity) into a new file.\n\n"
    "Sample runs:\n"
    "  mpirun -np 2 terrain-connect -options_file inputs/paths/iris_pair.opts\n"
    "  mpirun -np 2 terrain-connect -input a.h5,b.h5 -output ab.h5 -path_method linear "
    "-path_align weights -path_name aligned\n"
    "  mpirun -np 4 terrain-connect -input a.h5,b.h5 -output neb.h5 -path_method neb "
    "-path_images 12 -path_group_size 2\n"
    "  mpirun -np 2 terrain-connect -input a.h5,b.h5 -output curve.h5 -path_method bezier "
    "-path_steps 1000\n"
    "  mpirun -np 2 terrain-connect -input m0.h5,m1.h5,m2.h5,m3.h5 -output tree.h5 -path_align "
    "weights\n"
    "  terrain-plot ab.h5 --kind path\n\n";

#include "core/session.hpp"
#include "geometry/connect_config.hpp"
#include "optim/newton_krylov.hpp"
#include "spectral/eigen_options.hpp"
#include "study/connect_study.hpp"
#include "study/point_input.hpp"

using namespace terrain;

int main(int argc, char** argv) {
  return core::run_driver(argc, argv, help, [] {
    // Every option block is read first, so -help lists them all and bad options fail early.
    geometry::ConnectConfig config = geometry::ConnectConfig::from_options();
    optim::NewtonSettings newton = optim::NewtonSettings::from_options();
    spectral::EigenOptions eigen = spectral::EigenOptions::from_options();
    if (core::help_requested()) {
      study::list_point_options_for_help();
      return;
    }
    study::ConnectStudy(std::move(config), std::move(newton), std::move(eigen)).run();
  });
}
