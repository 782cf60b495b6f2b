// An ensemble (2 widths × 2 seeds) on groups of up to 2 ranks gives each run exactly what the
// same run gives alone on as many ranks as its group had, and to rounding what it gives on one
// rank; the merged file has the documented tables; a finished ensemble is not redone.
#include <filesystem>

#include "optim/ensemble_file.hpp"
#include "optim/ensemble.hpp"
#include "training_support.hpp"

using namespace terrain;

using test::ScratchCleanup;
BOOST_TEST_GLOBAL_FIXTURE(ScratchCleanup);

namespace {

double difference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return -1;
  double worst = 0, scale = 1e-300;
  for (double x : a) scale = std::max(scale, std::abs(x));
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) worst = std::max(worst, std::abs(a[i] - b[i]) / scale);
  return worst;
}
}  // namespace

BOOST_AUTO_TEST_CASE(an_ensemble_on_groups_equals_its_runs_done_one_by_one) {
  int size = 1, rank = 0;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  const int group_size = std::min(2, size), n_groups = (size + group_size - 1) / group_size;
  const std::string output = test::scratch("ensemble.h5");
  optim::RunSpec base = test::small_spec(optim::Method::momentum, 16, output);
  base.train.steps = 40;
  base.eigen.settings.nev = 1;
  base.train.validate();
  data::DataConfig dc;
  dc.source = data::Source::target1d;
  dc.n = 64;
  dc.n_test = 16;
  dc.seed = 3;
  optim::EnsembleConfig e;
  e.seeds = 2;
  e.widths = {3, 6};
  e.group_size = group_size;
  optim::run_ensemble(PETSC_COMM_WORLD, dc, base, e);
  BOOST_TEST(!std::filesystem::exists(output + ".runs"));

  io::RunFile merged = io::RunFile::open_read(PETSC_COMM_WORLD, output);
  BOOST_TEST(merged.read_attr<std::int64_t>("/ensemble", "complete") == 1);
  BOOST_TEST((merged.read_ints("/ensemble/width").values == std::vector<std::int64_t>{3, 3, 6, 6}));
  BOOST_TEST((merged.read_ints("/ensemble/seed").values == std::vector<std::int64_t>{4, 5, 4, 5}));
  BOOST_TEST(
      (merged.read_ints("/ensemble/finished").values == std::vector<std::int64_t>{1, 1, 1, 1}));
  const std::vector<double> final_loss = merged.read_doubles("/ensemble/final_loss").values;

  const std::vector<optim::EnsembleMember> members = optim::ensemble_members(e);
  for (const optim::EnsembleMember& m : members) {
    // Group g of the round-robin ran it, with this many ranks.
    const int g = static_cast<int>(m.index) % n_groups;
    const int ranks = std::min(group_size, size - g * group_size);
    const std::string single = test::scratch("member" + std::to_string(m.index) + ".h5");
    const optim::RunSpec spec = optim::member_spec(base, m, single);
    MPI_Comm comm;
    MPI_Comm_split(PETSC_COMM_WORLD, rank < ranks ? 0 : MPI_UNDEFINED, rank, &comm);
    if (comm != MPI_COMM_NULL) {
      const data::Data data = test::target_data(comm);
      test::train(comm, data, spec);
      MPI_Comm_free(&comm);
    }
    MPI_Barrier(PETSC_COMM_WORLD);
    const std::string run = "/ensemble/" + optim::ensemble_run_name(m.index);
    BOOST_TEST(merged.read_attr<std::int64_t>(run, "width") == m.width);
    BOOST_TEST(merged.read_attr<std::string>(run, "status") == "finished");
    BOOST_TEST(merged.read_attr<std::int64_t>(run + "/model", "seed") == 4 + m.seed_index);
    BOOST_TEST((merged.read_attr<std::vector<std::int64_t>>(run + "/model", "widths") ==
                std::vector<std::int64_t>{1, m.width, m.width, 1}));
    for (const char* d :
         {"/params", "/trajectory/loss", "/trajectory/batch_loss", "/trajectory/lambda_max",
          "/trajectory/params", "/checkpoint/velocity", "/spectrum/final/largest"}) {
      const std::vector<double> a = merged.read_doubles(run + d).values;
      const std::vector<double> b = test::read_all(PETSC_COMM_WORLD, single, d);
      BOOST_TEST(difference(a, b) == 0.0,
                 "run " << m.index << d << " differs by " << difference(a, b));
      if (std::string(d) == "/trajectory/loss") BOOST_TEST(final_loss[m.index] == b.back());
    }
  }
  merged.close();

  // One by one on one rank: equal to rounding.
  if (rank == 0) {
    const data::Data alone = test::target_data(PETSC_COMM_SELF);
    const optim::EnsembleMember& m = members[3];
    test::train(PETSC_COMM_SELF, alone, optim::member_spec(base, m, test::scratch("alone.h5")));
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  io::RunFile again = io::RunFile::open_read(PETSC_COMM_WORLD, output);
  const double d =
      difference(again.read_doubles("/ensemble/run_000003/params").values,
                 test::read_all(PETSC_COMM_WORLD, test::scratch("alone.h5"), "/params"));
  again.close();
  BOOST_TEST(d >= 0.0);
  BOOST_TEST(d <= 1e-10);

  // Continuing a finished ensemble does nothing.
  optim::RunSpec restart = base;
  restart.train.restart = output;
  optim::run_ensemble(PETSC_COMM_WORLD, dc, restart, e);
  BOOST_TEST(!std::filesystem::exists(output + ".runs"));
}
