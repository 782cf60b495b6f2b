// /critical/<name> (optim/critical_file.hpp): what write_critical stores, read_critical returns
// exactly (every attribute and history column), start_params is the start Vec, and a file whose
// columns differ in length is refused with one line naming the group.
#include <cmath>

#include "optim/critical_file.hpp"
#include "core/petsc_handle.hpp"
#include "io/scratch.hpp"

using namespace terrain;
using test::ScratchCleanup;
BOOST_TEST_GLOBAL_FIXTURE(ScratchCleanup);

namespace {
optim::CriticalRecord sample() {
  optim::CriticalRecord r;
  r.method = "sfn";
  r.result.converged = true;
  r.result.reason = "|grad L|_1 <= 1e-12";
  r.result.n_matvec = 455;
  r.result.seconds = 0.25;
  r.sfn_iterations = 1;
  r.gtol = 1e-12;
  r.grad_norm_inf = 3e-14;
  r.source = "run.h5:/trajectory/params (step 200)";
  r.step = 200;
  r.distance = 0.75;
  for (int k = 0; k < 3; ++k) {
    optim::NewtonIteration x;
    x.iteration = k;
    x.loss = 1.0 / (k + 1);
    x.grad_norm1 = std::pow(10.0, -4 * k);
    x.grad_norm2 = 0.5 * x.grad_norm1;
    x.step_norm = k == 0 ? 0 : 0.1 / k;
    x.step_length = k == 0 ? 0 : 1;
    x.radius = 0.5 * (k + 1);
    x.krylov_iterations = 10 * k;
    r.result.history.push_back(x);
  }
  return r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(critical_record_round_trip) {
  const std::string path = test::scratch("critical.h5");
  const optim::CriticalRecord w = sample();
  core::OwnedVec start;
  TERRAIN_PETSC(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, 7, start.out()));
  TERRAIN_PETSC(VecSet(start, 2.5));
  {
    io::RunFile f = io::RunFile::create(PETSC_COMM_WORLD, path);
    optim::write_critical(f, "sfn", w, start);
    f.commit();
  }
  io::RunFile f = io::RunFile::open_read(PETSC_COMM_WORLD, path);
  const optim::CriticalRecord r = optim::read_critical(f, "sfn");
  BOOST_TEST(r.method == w.method);
  BOOST_TEST(r.result.converged == w.result.converged);
  BOOST_TEST(r.result.reason == w.result.reason);
  BOOST_TEST(r.result.n_matvec == w.result.n_matvec);
  BOOST_TEST(r.result.seconds == w.result.seconds);
  BOOST_TEST(r.sfn_iterations == w.sfn_iterations);
  BOOST_TEST(r.gtol == w.gtol);
  BOOST_TEST(r.grad_norm_inf == w.grad_norm_inf);
  BOOST_TEST(r.source == w.source);
  BOOST_TEST(r.step == w.step);
  BOOST_TEST(r.distance == w.distance);
  BOOST_TEST_REQUIRE(r.result.history.size() == w.result.history.size());
  for (std::size_t k = 0; k < r.result.history.size(); ++k) {
    const auto &a = r.result.history[k], &b = w.result.history[k];
    BOOST_TEST(a.iteration == b.iteration);
    BOOST_TEST(a.loss == b.loss);
    BOOST_TEST(a.grad_norm1 == b.grad_norm1);
    BOOST_TEST(a.grad_norm2 == b.grad_norm2);
    BOOST_TEST(a.step_norm == b.step_norm);
    BOOST_TEST(a.step_length == b.step_length);
    BOOST_TEST(a.radius == b.radius);
    BOOST_TEST(a.krylov_iterations == b.krylov_iterations);
  }
  // The attributes summarise the last row.
  BOOST_TEST(f.read_attr<double>("/critical/sfn", "grad_norm1") == 1e-8);
  BOOST_TEST(f.read_attr<std::int64_t>("/critical/sfn", "iterations") == 2);
  const std::vector<double> s = f.read_doubles("/critical/sfn/start_params").values;
  BOOST_TEST(s == std::vector<double>(7, 2.5), boost::test_tools::per_element());
  f.close();
}

BOOST_AUTO_TEST_CASE(columns_of_different_length_are_refused) {
  const std::string path = test::scratch("bad_critical.h5");
  {
    io::RunFile f = io::RunFile::create(PETSC_COMM_WORLD, path);
    optim::write_critical(f, "newton", sample());
    f.write_1d("/critical/newton/loss", std::vector<double>{1.0});
    f.commit();
  }
  io::RunFile f = io::RunFile::open_read(PETSC_COMM_WORLD, path);
  BOOST_CHECK_EXCEPTION(optim::read_critical(f, "newton"), core::InputError,
                        [](const core::InputError& e) {
                          return std::string(e.what()).find("/critical/newton") !=
                                 std::string::npos;
                        });
  BOOST_CHECK_THROW(optim::read_critical(f, "missing"), core::InputError);
  f.close();
}
