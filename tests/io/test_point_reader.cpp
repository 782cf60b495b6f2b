// Reading a point: from /params and from /trajectory/params snapshots by step, with one-line
// errors naming the file and the steps there, and the -data_ options a run recorded come back
// as PETSc parsed them.
#include <boost/test/unit_test.hpp>
#include <vector>

#include "io/point_reader.hpp"
#include "io/run_schema.hpp"
#include "io/scratch.hpp"
#include "support/filled_vec.hpp"
#include "model/parameter_layout.hpp"

using namespace terrain;
using io::RunFile;
using test::MessageHas;
using test::scratch;

using test::ScratchCleanup;

BOOST_TEST_GLOBAL_FIXTURE(ScratchCleanup);

namespace {

model::Architecture architecture() {
  model::Architecture a;
  a.widths = {2, 3, 1};
  return a;  // 13 parameters
}

core::OwnedVec filled(double offset) { return testing::filled_vec(13, offset); }

}  // namespace

BOOST_AUTO_TEST_CASE(points_from_params_and_from_snapshots) {
  const std::string path = scratch("run.h5");
  const model::Architecture arch = architecture();
  const core::OwnedVec final_params = filled(1000);
  const core::OwnedVec snapshot[3] = {filled(0), filled(10), filled(20)};
  {
    RunFile file = RunFile::create(PETSC_COMM_WORLD, path);
    io::write_header(file);
    io::write_model(file, arch, model::ParameterLayout(arch));
    io::write_params(file, final_params);
    for (const core::OwnedVec& v : snapshot) file.append_vec("/trajectory/params", v);
    file.append_1d("/trajectory/params_step", std::vector<std::int64_t>{0, 50, 100});
    file.commit();
  }
  const core::OwnedVec theta = filled(-1);
  auto first_entry = [&](PetscInt step) {
    io::read_point(PETSC_COMM_WORLD, path, arch, step, theta);
    double x = 0;
    PetscInt zero = 0, begin = 0;
    TERRAIN_PETSC(VecGetOwnershipRange(theta, &begin, nullptr));
    if (begin == 0) TERRAIN_PETSC(VecGetValues(theta, 1, &zero, &x));
    MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
    return x;
  };
  BOOST_TEST(first_entry(-1) == 1000.0);
  BOOST_TEST(first_entry(50) == 10.0);
  BOOST_TEST(first_entry(100) == 20.0);
  double norm = 0;  // the whole row, not just its first entry
  TERRAIN_PETSC(VecNorm(theta, NORM_1, &norm));
  BOOST_TEST(norm == 13 * 20.0 + 78.0);
  BOOST_CHECK_EXCEPTION(io::read_point(PETSC_COMM_WORLD, path, arch, 70, theta), core::InputError,
                        (MessageHas{path, "no snapshot of step 70", "saved steps: 0, 50, 100"}));

  const std::string bare = scratch("bare.h5");
  {
    RunFile file = RunFile::create(PETSC_COMM_WORLD, bare);
    io::write_model(file, arch, model::ParameterLayout(arch));
    io::write_params(file, final_params);
    file.commit();
  }
  BOOST_CHECK_EXCEPTION(io::read_point(PETSC_COMM_WORLD, bare, arch, 50, theta), core::InputError,
                        (MessageHas{bare, "no /trajectory/params", "-spectrum_step 50"}));
  model::Architecture other = arch;
  other.widths = {2, 4, 1};
  const core::OwnedVec wrong = testing::filled_vec(17, 0);
  BOOST_CHECK_EXCEPTION(io::read_point(PETSC_COMM_WORLD, path, other, 50, wrong), core::InputError,
                        (MessageHas{path, "-model_widths 2,3,1"}));
}

BOOST_AUTO_TEST_CASE(recorded_data_options) {
  const std::string path = scratch("options.h5");
  {
    RunFile file = RunFile::create(PETSC_COMM_WORLD, path);
    file.write_attr("/", "options",
                    "-data_interval -2,3 -data_n 50 -data_source target1d -hess_nev 5 "
                    "-model_widths 1,4,1 -data_sampling grid -output x.h5 ");
    file.commit();
  }
  RunFile file = RunFile::open_read(PETSC_COMM_WORLD, path);
  const auto recorded = io::recorded_options(file, "-data_");
  const std::map<std::string, std::string> data(recorded.begin(), recorded.end());
  BOOST_TEST(recorded.size() == 4u);
  BOOST_TEST(data.at("-data_interval") == "-2,3");  // a negative number is a value, not a name
  BOOST_TEST(data.at("-data_n") == "50");
  BOOST_TEST(data.at("-data_source") == "target1d");
  BOOST_TEST(data.at("-data_sampling") == "grid");
  BOOST_TEST(io::recorded_options(file, "-train_").empty());
  file.close();
  const std::string none = scratch("no_options.h5");
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, none);
    f.commit();
  }
  BOOST_TEST(io::recorded_options(RunFile::open_read(PETSC_COMM_WORLD, none), "-data_").empty());
}
