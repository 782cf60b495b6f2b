// terrain-spectrum's run-file part: a SpectrumReport survives write and read (every analysis,
// NaN-padded tridiagonals, eigenvectors as rows), points are read from /params and from
// /trajectory/params snapshots by step with one-line errors naming the file and the steps
// there, and the -data_ options a run recorded come back as PETSc parsed them.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <vector>

#include "io/run_schema.hpp"
#include "io/scratch.hpp"
#include "io/spectrum_io.hpp"
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

Vec filled(double offset) {
  Vec v;
  TERRAIN_PETSC(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, 13, &v));
  PetscInt begin = 0, end = 0;
  TERRAIN_PETSC(VecGetOwnershipRange(v, &begin, &end));
  for (PetscInt i = begin; i < end; ++i)
    TERRAIN_PETSC(VecSetValue(v, i, offset + i, INSERT_VALUES));
  TERRAIN_PETSC(VecAssemblyBegin(v));
  TERRAIN_PETSC(VecAssemblyEnd(v));
  return v;
}

spectral::SpectrumReport sample_report() {
  spectral::SpectrumReport r;
  r.op = "hessian";
  r.n_params = 13;
  r.loss = 0.25, r.grad_norm = 1e-7, r.zero_tol = 1e-8, r.seconds = 1.5, r.n_matvec = 321,
  r.tolerance = 1e-10;
  spectral::ExtremeSpectrum e;
  e.largest.values = {5, 3}, e.largest.residuals = {1e-12, 2e-12};
  e.smallest.values = {-2, -1}, e.smallest.residuals = {3e-12, 4e-12};
  r.extreme = e;
  spectral::FullSpectrum f;
  f.values = {-2, -1, 0, 0, 0, 1, 1, 2, 2, 2, 3, 4, 5};
  f.solver = "scalapack";
  f.asymmetry = 1e-16, f.block = 8, f.n_matvec = 13;
  r.full = f;
  spectral::Inertia c;
  c.n_neg = 2, c.n_zero = 3, c.n_pos = 8, c.tol = 1e-8, c.method = "dense eigenvalues";
  r.inertia = c;
  c.method = "Sylvester";
  r.sylvester = spectral::SylvesterInertia{c, 0.1};
  spectral::NegativeCount n;
  n.n_neg = 2, n.capped = false, n.nev = 8, n.smallest = {-2, -1, 0}, n.lambda_min_positive = 1;
  r.count = n;
  spectral::TraceEstimate t;
  t.hutchinson = 18.2, t.hutchinson_stderr = 1.1, t.hutchpp = 18.01, t.hutchpp_stderr = 0.05;
  t.samples = {17, 19, 18.6}, t.probes = 3;
  r.trace = t;
  spectral::Density d;
  d.alpha = {{1, 2, 3}, {4, 5}};  // the second run stopped early
  d.beta = {{0.5, 0.25}, {0.75}};
  d.grid = {-1, 0, 1}, d.values = {0.1, 0.8, 0.1};
  d.sigma = 0.2, d.probes = 2, d.steps = 3, d.moment1 = 1.3, d.moment2 = 4.1, d.n_neg = 2.2,
  d.n_neg_stderr = 0.4;
  r.density = d;
  spectral::BlockSpectrum b0;
  b0.layer = 0, b0.offset = 0, b0.size = 9, b0.method = "dense", b0.values = {1, 2, 3};
  spectral::BlockSpectrum b1;
  b1.layer = 1, b1.offset = 9, b1.size = 4, b1.method = "extreme";
  b1.largest.values = {3}, b1.largest.residuals = {1e-11}, b1.smallest.values = {-1},
  b1.smallest.residuals = {2e-11};
  r.blocks = {b0, b1};
  spectral::ShardSpread s;
  s.lambda_max = {5.1, 4.9}, s.n_samples = {10, 9}, s.full = 5, s.min = 4.9, s.max = 5.1,
  s.mean = 5, s.std = 0.14;
  r.shards = s;
  r.estimates.lambda_max = 5, r.estimates.lambda_min = -2, r.estimates.lambda_min_positive = 1;
  r.estimates.condition_number = 5, r.estimates.negative_fraction = 2.0 / 13,
  r.estimates.source = "dense spectrum";
  r.classification.kind = spectral::PointKind::saddle;
  r.classification.index = 2, r.classification.degenerate = 1, r.classification.critical = true;
  r.classification.grad_norm = 1e-7, r.classification.grad_tol = 1e-6;
  r.classification.text = "strict saddle of index 2 with 2 zero eigenvalues";
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(report_round_trip) {
  const std::string path = scratch("report.h5");
  const spectral::SpectrumReport r = sample_report();
  Vec v1 = filled(0), v2 = filled(100);
  {
    RunFile file = RunFile::create(PETSC_COMM_WORLD, path);
    io::write_header(file);
    io::write_spectrum_report(file, "analysis", r, {"run.h5:/params", -1}, {v1, v2}, {v2});
    file.commit();
  }
  RunFile file = RunFile::open_read(PETSC_COMM_WORLD, path);
  const spectral::SpectrumReport back = io::read_spectrum_report(file, "analysis");
  BOOST_TEST(back.n_params == 13);
  BOOST_TEST(back.loss == 0.25);
  BOOST_TEST(back.n_matvec == 321);
  BOOST_TEST(back.extreme->largest.values == r.extreme->largest.values);
  BOOST_TEST(back.extreme->smallest.residuals == r.extreme->smallest.residuals);
  BOOST_TEST(back.full->values == r.full->values);
  BOOST_TEST(back.full->solver == "scalapack");
  BOOST_TEST(back.inertia->n_neg == 2);
  BOOST_TEST(back.inertia->n_zero == 3);
  BOOST_TEST(back.inertia->n_pos == 8);
  BOOST_TEST(back.sylvester->inertia.n_zero == 3);
  BOOST_TEST(back.sylvester->inertia.method == "Sylvester");
  BOOST_TEST(back.count->smallest == r.count->smallest);
  BOOST_TEST(back.count->lambda_min_positive == 1.0);
  BOOST_TEST(back.trace->samples == r.trace->samples);
  BOOST_TEST(back.trace->hutchpp_stderr == 0.05);
  BOOST_TEST(back.density->alpha == r.density->alpha);
  BOOST_TEST(back.density->beta == r.density->beta);
  BOOST_TEST(back.density->values == r.density->values);
  BOOST_TEST(back.density->n_neg_stderr == 0.4);
  BOOST_TEST_REQUIRE(back.blocks.size() == 2u);
  BOOST_TEST(back.blocks[0].values == r.blocks[0].values);
  BOOST_TEST(back.blocks[1].method == "extreme");
  BOOST_TEST(back.blocks[1].smallest.residuals == r.blocks[1].smallest.residuals);
  BOOST_TEST(back.shards->lambda_max == r.shards->lambda_max);
  BOOST_TEST(back.shards->n_samples == r.shards->n_samples);
  BOOST_TEST(back.estimates.negative_fraction == 2.0 / 13);
  BOOST_TEST((back.classification.kind == spectral::PointKind::saddle));
  BOOST_TEST(back.classification.index == 2);
  BOOST_TEST(back.classification.text == r.classification.text);
  BOOST_TEST(file.read_attr<std::string>("/spectrum/analysis", "source") == "run.h5:/params");
  // Padding of the ragged tridiagonals, and eigenvectors as rows.
  const io::Array<double> alpha = file.read_doubles("/spectrum/analysis/density/alpha");
  BOOST_TEST(alpha.cols() == 3u);
  BOOST_TEST(std::isnan(alpha.values[5]));
  BOOST_TEST((file.shape("/spectrum/analysis/largest_vectors") == std::vector<std::size_t>{2, 13}));
  const io::Array<double> vectors = file.read_doubles("/spectrum/analysis/largest_vectors");
  BOOST_TEST(vectors.values[13 + 4] == 104.0);
  BOOST_TEST(
      (file.shape("/spectrum/analysis/smallest_vectors") == std::vector<std::size_t>{1, 13}));
  file.close();
  TERRAIN_PETSC(VecDestroy(&v1));
  TERRAIN_PETSC(VecDestroy(&v2));
}

BOOST_AUTO_TEST_CASE(a_second_report_of_the_same_name_replaces_the_first) {
  const std::string path = scratch("replace.h5");
  spectral::SpectrumReport r = sample_report();
  {
    RunFile file = RunFile::create(PETSC_COMM_WORLD, path);
    io::write_spectrum_report(file, "x", r, {"a", -1});
    r.density.reset();
    r.blocks.clear();
    io::write_spectrum_report(file, "x", r, {"a", -1});
    file.commit();
  }
  RunFile file = RunFile::open_read(PETSC_COMM_WORLD, path);
  BOOST_TEST(!file.has("/spectrum/x/density"));
  BOOST_TEST(!file.has("/spectrum/x/blocks"));
  BOOST_TEST(file.has("/spectrum/x/trace"));
}

BOOST_AUTO_TEST_CASE(points_from_params_and_from_snapshots) {
  const std::string path = scratch("run.h5");
  const model::Architecture arch = architecture();
  Vec final_params = filled(1000), snapshot[3] = {filled(0), filled(10), filled(20)};
  {
    RunFile file = RunFile::create(PETSC_COMM_WORLD, path);
    io::write_header(file);
    io::write_model(file, arch, model::ParameterLayout(arch));
    io::write_params(file, final_params);
    for (Vec v : snapshot) file.append_vec("/trajectory/params", v);
    file.append_1d("/trajectory/params_step", std::vector<std::int64_t>{0, 50, 100});
    file.commit();
  }
  Vec theta = filled(-1);
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
  Vec wrong;
  TERRAIN_PETSC(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, 17, &wrong));
  BOOST_CHECK_EXCEPTION(io::read_point(PETSC_COMM_WORLD, path, other, 50, wrong), core::InputError,
                        (MessageHas{path, "-model_widths 2,3,1"}));
  for (Vec* v : {&final_params, &snapshot[0], &snapshot[1], &snapshot[2], &theta, &wrong})
    TERRAIN_PETSC(VecDestroy(v));
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
