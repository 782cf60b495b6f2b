// Minibatch SGD does not depend on the rank count: the loss of every step's minibatch (so the
// samples it drew) and the final parameters of a run on all ranks equal those of the same run
// on one rank, to rounding.
#include "training_support.hpp"

using namespace terrain;

using test::ScratchCleanup;
BOOST_TEST_GLOBAL_FIXTURE(ScratchCleanup);

BOOST_AUTO_TEST_CASE(sgd_samples_and_parameters_are_independent_of_the_rank_count) {
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  const std::string many = test::scratch("sgd_many.h5"), one = test::scratch("sgd_one.h5");
  auto spec = [](const std::string& path) {
    optim::RunSpec s = test::small_spec(optim::Method::momentum, 7, path);
    s.train.steps = 120;
    s.train.monitor_every = 1;
    s.train.monitor_lambda_max = false;
    s.train.monitor_curvature = false;
    return s;
  };
  const data::Data data = test::target_data(PETSC_COMM_WORLD, 61, 0);
  test::train(PETSC_COMM_WORLD, data, spec(many));
  if (rank == 0) {
    const data::Data alone = test::target_data(PETSC_COMM_SELF, 61, 0);
    test::train(PETSC_COMM_SELF, alone, spec(one));
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  for (const char* d : {"/trajectory/batch_loss", "/trajectory/epoch", "/params"}) {
    const std::vector<double> a = test::read_all(PETSC_COMM_WORLD, many, d);
    const std::vector<double> b = test::read_all(PETSC_COMM_WORLD, one, d);
    BOOST_TEST_REQUIRE(a.size() == b.size());
    double worst = 0, scale = 0;
    for (double x : b) scale = std::max(scale, std::abs(x));
    for (std::size_t i = 0; i < a.size(); ++i)
      worst = std::max(worst, std::abs(a[i] - b[i]) / scale);
    BOOST_TEST(worst <= 1e-11, d << " differs by " << worst);
  }
  // 61 samples in batches of 7: 8 batches per epoch, 5 samples wait each epoch.
  const std::vector<double> epoch = test::read_all(PETSC_COMM_WORLD, many, "/trajectory/epoch");
  BOOST_TEST(epoch[8] == 1.0);
}
