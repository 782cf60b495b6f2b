// /spectrum/<name>: a SpectrumReport survives write and read (every analysis, NaN-padded
// tridiagonals, eigenvectors as rows), and the extreme pairs alone (terrain-train's
// /spectrum/final) are stored sorted and replace an earlier spectrum entirely.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>
#include <vector>

#include "io/run_schema.hpp"
#include "io/scratch.hpp"
#include "support/filled_vec.hpp"
#include "spectral/spectrum_file.hpp"
#include "model/parameter_layout.hpp"

using namespace terrain;
using io::RunFile;
using test::MessageHas;
using test::scratch;

using test::ScratchCleanup;

BOOST_TEST_GLOBAL_FIXTURE(ScratchCleanup);

namespace {

core::OwnedVec filled(double offset) { return testing::filled_vec(13, offset); }

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
  const core::OwnedVec v1 = filled(0), v2 = filled(100);
  {
    RunFile file = RunFile::create(PETSC_COMM_WORLD, path);
    io::write_header(file);
    spectral::write_spectrum_report(file, "analysis", r, {"run.h5:/params", -1}, {v1, v2}, {v2});
    file.commit();
  }
  RunFile file = RunFile::open_read(PETSC_COMM_WORLD, path);
  const spectral::SpectrumReport back = spectral::read_spectrum_report(file, "analysis");
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
}

BOOST_AUTO_TEST_CASE(a_second_report_of_the_same_name_replaces_the_first) {
  const std::string path = scratch("replace.h5");
  spectral::SpectrumReport r = sample_report();
  {
    RunFile file = RunFile::create(PETSC_COMM_WORLD, path);
    spectral::write_spectrum_report(file, "x", r, {"a", -1});
    r.density.reset();
    r.blocks.clear();
    spectral::write_spectrum_report(file, "x", r, {"a", -1});
    file.commit();
  }
  RunFile file = RunFile::open_read(PETSC_COMM_WORLD, path);
  BOOST_TEST(!file.has("/spectrum/x/density"));
  BOOST_TEST(!file.has("/spectrum/x/blocks"));
  BOOST_TEST(file.has("/spectrum/x/trace"));
}

BOOST_AUTO_TEST_CASE(spectrum_is_stored_sorted) {
  const std::string path = scratch("spectrum.h5");
  spectral::Spectrum s;
  s.largest = {2.0, 5.0, 3.0};
  s.largest_residuals = {1e-9, 2e-9, 3e-9};
  s.smallest = {-0.5, -2.0};
  s.smallest_residuals = {4e-9, 5e-9};
  s.tolerance = 1e-8;
  s.n_matvec = 321;
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
    spectral::write_spectrum(f, "final", s);
    spectral::Spectrum top;  // replaces "init" entirely: no stale smallest
    top.largest = {1.0};
    top.smallest = {0.5};
    spectral::write_spectrum(f, "init", top);
    top.smallest.clear();
    top.op = "ggn";
    spectral::write_spectrum(f, "init", top);
    s.largest_residuals = {1.0};
    BOOST_CHECK_EXCEPTION(spectral::write_spectrum(f, "bad", s), core::InputError,
                          (MessageHas{path, "/spectrum/bad", "1 residuals for 3 largest"}));
    BOOST_CHECK_EXCEPTION(spectral::write_spectrum(f, "a/b", top), core::InputError,
                          (MessageHas{path, "a/b"}));
    f.commit();
  }
  RunFile f = RunFile::open_read(PETSC_COMM_WORLD, path);
  const spectral::Spectrum r = spectral::read_spectrum(f, "final");
  BOOST_TEST(r.largest == (std::vector<double>{5.0, 3.0, 2.0}));
  BOOST_TEST(r.largest_residuals == (std::vector<double>{2e-9, 3e-9, 1e-9}));
  BOOST_TEST(r.smallest == (std::vector<double>{-2.0, -0.5}));
  BOOST_TEST(r.smallest_residuals == (std::vector<double>{5e-9, 4e-9}));
  BOOST_TEST(r.op == "hessian");
  BOOST_TEST(r.tolerance == 1e-8);
  BOOST_TEST(r.n_matvec == 321);
  BOOST_TEST(f.read_doubles("/spectrum/final/eigenvalues").values ==
             (std::vector<double>{5.0, 3.0, 2.0, -0.5, -2.0}));
  BOOST_TEST(f.read_doubles("/spectrum/final/residuals").values ==
             (std::vector<double>{2e-9, 3e-9, 1e-9, 4e-9, 5e-9}));
  const spectral::Spectrum init = spectral::read_spectrum(f, "init");
  BOOST_TEST(init.op == "ggn");
  BOOST_TEST(init.smallest.empty());
  BOOST_TEST(!f.has("/spectrum/init/residuals"));
  BOOST_CHECK_EXCEPTION(spectral::read_spectrum(f, "nothing"), core::InputError,
                        (MessageHas{path, "/spectrum/nothing"}));
}
