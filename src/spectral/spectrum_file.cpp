#include "spectral/spectrum_file.hpp"

#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "io/run_schema.hpp"
#include "spectral/classification.hpp"

namespace terrain::spectral {

using io::Array;
using io::PointSource;
using io::RunFile;

namespace {
[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw core::InputError(path + ": " + what);
}
}  // namespace

namespace {
// Sorts eigenvalues with their residuals; `descending` for the largest end.
void sort_pairs(std::vector<double>& values, std::vector<double>& residuals, bool descending) {
  std::vector<std::size_t> order(values.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return descending ? values[a] > values[b] : values[a] < values[b];
  });
  std::vector<double> v, r;
  for (std::size_t i : order) {
    v.push_back(values[i]);
    if (!residuals.empty()) r.push_back(residuals[i]);
  }
  values = std::move(v);
  residuals = std::move(r);
}

std::string spectrum_group(const RunFile& file, const std::string& name) {
  TERRAIN_CHECK(!name.empty() && name.find('/') == std::string::npos && name != "." &&
                    name != "..",
                file.path() << ": spectrum name '" << name
                            << "' must be one non-empty word without '/'");
  return "/spectrum/" + name;
}
}  // namespace

void write_spectrum(RunFile& file, const std::string& name, const Spectrum& s) {
  const std::string group = spectrum_group(file, name);
  TERRAIN_CHECK(s.largest_residuals.empty() || s.largest_residuals.size() == s.largest.size(),
                file.path() << ": " << group << ": " << s.largest_residuals.size() << " residuals for "
                      << s.largest.size() << " largest eigenvalues");
  TERRAIN_CHECK(s.smallest_residuals.empty() || s.smallest_residuals.size() == s.smallest.size(),
                file.path() << ": " << group << ": " << s.smallest_residuals.size() << " residuals for "
                      << s.smallest.size() << " smallest eigenvalues");
  Spectrum sorted = s;
  sort_pairs(sorted.largest, sorted.largest_residuals, true);
  sort_pairs(sorted.smallest, sorted.smallest_residuals, false);

  // Both ends together; residuals only when every eigenvalue has one.
  std::vector<double> all = sorted.largest, all_residuals = sorted.largest_residuals;
  all.insert(all.end(), sorted.smallest.begin(), sorted.smallest.end());
  all_residuals.insert(all_residuals.end(), sorted.smallest_residuals.begin(),
                       sorted.smallest_residuals.end());
  if (all_residuals.size() != all.size()) all_residuals.clear();
  sort_pairs(all, all_residuals, true);

  file.remove(group);  // a new spectrum of the same name replaces the old one entirely
  file.write_attr(group, "operator", sorted.op);
  file.write_attr(group, "tolerance", sorted.tolerance);
  file.write_attr(group, "n_matvec", sorted.n_matvec);
  file.write_1d(group + "/largest", sorted.largest);
  file.write_1d(group + "/smallest", sorted.smallest);
  file.write_1d(group + "/eigenvalues", all);
  if (!sorted.largest_residuals.empty())
    file.write_1d(group + "/largest_residuals", sorted.largest_residuals);
  if (!sorted.smallest_residuals.empty())
    file.write_1d(group + "/smallest_residuals", sorted.smallest_residuals);
  if (!all_residuals.empty()) file.write_1d(group + "/residuals", all_residuals);
}

Spectrum read_spectrum(const RunFile& file, const std::string& name) {
  io::check_schema(file);
  const std::string group = spectrum_group(file, name);
  if (!file.has(group)) fail(file.path(), "no " + group);
  Spectrum s;
  s.op = file.read_attr<std::string>(group, "operator");
  s.tolerance = file.read_attr<double>(group, "tolerance");
  s.n_matvec = file.read_attr<std::int64_t>(group, "n_matvec");
  auto read = [&](const char* d) {
    const std::string path = group + "/" + d;
    return file.has(path) ? file.read_doubles(path).values : std::vector<double>{};
  };
  s.largest = read("largest");
  s.largest_residuals = read("largest_residuals");
  s.smallest = read("smallest");
  s.smallest_residuals = read("smallest_residuals");
  return s;
}

namespace {
using spectral::Eigenpairs;

void write_pairs(RunFile& file, const std::string& group, const Eigenpairs& largest,
                 const Eigenpairs& smallest) {
  file.write_1d(group + "/largest", largest.values);
  file.write_1d(group + "/largest_residuals", largest.residuals);
  file.write_1d(group + "/smallest", smallest.values);
  file.write_1d(group + "/smallest_residuals", smallest.residuals);
}

void write_counts(RunFile& file, const std::string& group, const spectral::Inertia& c) {
  file.write_attr(group, "n_neg", c.n_neg);
  file.write_attr(group, "n_zero", c.n_zero);
  file.write_attr(group, "n_pos", c.n_pos);
  file.write_attr(group, "tol", c.tol);
  file.write_attr(group, "method", c.method);
}

spectral::Inertia read_counts(const RunFile& file, const std::string& group) {
  spectral::Inertia c;
  c.n_neg = file.read_attr<std::int64_t>(group, "n_neg");
  c.n_zero = file.read_attr<std::int64_t>(group, "n_zero");
  c.n_pos = file.read_attr<std::int64_t>(group, "n_pos");
  c.tol = file.read_attr<double>(group, "tol");
  c.method = file.read_attr<std::string>(group, "method");
  return c;
}

// Ragged rows as one NaN-padded matrix.
void write_ragged(RunFile& file, const std::string& dataset,
                  const std::vector<std::vector<double>>& rows, std::size_t cols) {
  std::vector<double> flat(rows.size() * cols, spectral::kUnknown);
  for (std::size_t r = 0; r < rows.size(); ++r)
    std::copy(rows[r].begin(), rows[r].begin() + std::min(cols, rows[r].size()),
              flat.begin() + r * cols);
  file.write_2d(dataset, rows.size(), cols, flat);
}

std::vector<std::vector<double>> read_ragged(const RunFile& file, const std::string& dataset,
                                             const std::vector<std::int64_t>& lengths) {
  const Array<double> a = file.read_doubles(dataset);
  std::vector<std::vector<double>> rows;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    const std::size_t n = std::min<std::size_t>(std::max<std::int64_t>(lengths[r], 0), a.cols());
    rows.emplace_back(a.values.begin() + r * a.cols(), a.values.begin() + r * a.cols() + n);
  }
  return rows;
}
}  // namespace

void write_spectrum_report(RunFile& file, const std::string& name,
                           const spectral::SpectrumReport& r, const PointSource& point,
                           const std::vector<Vec>& largest_vectors,
                           const std::vector<Vec>& smallest_vectors) {
  Spectrum s;
  s.op = r.op;
  s.tolerance = r.tolerance;
  s.n_matvec = r.n_matvec;
  if (r.extreme) {
    s.largest = r.extreme->largest.values;
    s.largest_residuals = r.extreme->largest.residuals;
    s.smallest = r.extreme->smallest.values;
    s.smallest_residuals = r.extreme->smallest.residuals;
  }
  write_spectrum(file, name, s);  // replaces the group, writes the extreme pairs
  const std::string g = "/spectrum/" + name;
  int nranks = 1;
  MPI_Comm_size(file.comm(), &nranks);
  file.write_attr(g, "n_params", r.n_params);
  file.write_attr(g, "loss", r.loss);
  file.write_attr(g, "grad_norm", r.grad_norm);
  file.write_attr(g, "zero_tol", r.zero_tol);
  file.write_attr(g, "seconds", r.seconds);
  file.write_attr(g, "nranks", nranks);
  file.write_attr(g, "source", point.source);
  file.write_attr(g, "step", point.step);
  const spectral::Classification& c = r.classification;
  file.write_attr(g, "classification", c.text);
  file.write_attr(g, "kind", spectral::to_string(c.kind));
  file.write_attr(g, "index", c.index);
  file.write_attr(g, "degenerate", c.degenerate);
  file.write_attr(g, "critical", c.critical ? 1 : 0);
  file.write_attr(g, "grad_tol", c.grad_tol);
  const spectral::Estimates& e = r.estimates;
  file.write_attr(g, "lambda_max", e.lambda_max);
  file.write_attr(g, "lambda_min", e.lambda_min);
  file.write_attr(g, "lambda_min_positive", e.lambda_min_positive);
  file.write_attr(g, "condition_number", e.condition_number);
  file.write_attr(g, "negative_fraction", e.negative_fraction);
  file.write_attr(g, "estimates_source", e.source);

  if (r.extreme) {
    file.write_attr(g, "largest_n_matvec", r.extreme->largest_n_matvec);
    file.write_attr(g, "smallest_n_matvec", r.extreme->smallest_n_matvec);
    file.write_attr(g, "largest_seconds", r.extreme->largest_seconds);
    file.write_attr(g, "smallest_seconds", r.extreme->smallest_seconds);
  }
  for (Vec v : largest_vectors) file.append_vec(g + "/largest_vectors", v);
  for (Vec v : smallest_vectors) file.append_vec(g + "/smallest_vectors", v);

  if (r.full) {
    const spectral::FullSpectrum& f = *r.full;
    if (!f.values.empty()) {
      file.write_1d(g + "/full/eigenvalues", f.values);
      // Without the extreme pairs, /eigenvalues holds the whole spectrum (descending), so
      // readers of the spectral::Spectrum layout still find eigenvalues.
      if (!r.extreme)
        file.write_1d(g + "/eigenvalues", std::vector<double>(f.values.rbegin(), f.values.rend()));
    }
    file.write_attr(g + "/full", "solver", f.solver);
    file.write_attr(g + "/full", "asymmetry", f.asymmetry);
    file.write_attr(g + "/full", "block", f.block);
    file.write_attr(g + "/full", "assembly_seconds", f.assembly_seconds);
    file.write_attr(g + "/full", "solve_seconds", f.solve_seconds);
    file.write_attr(g + "/full", "n_matvec", f.n_matvec);
  }
  if (r.inertia) write_counts(file, g + "/inertia", *r.inertia);
  if (r.sylvester) {
    write_counts(file, g + "/sylvester", r.sylvester->inertia);
    file.write_attr(g + "/sylvester", "seconds", r.sylvester->seconds);
  }
  if (r.count) {
    const spectral::NegativeCount& n = *r.count;
    file.write_1d(g + "/count/smallest", n.smallest);
    file.write_attr(g + "/count", "n_neg", n.n_neg);
    file.write_attr(g + "/count", "capped", n.capped ? 1 : 0);
    file.write_attr(g + "/count", "nev", n.nev);
    file.write_attr(g + "/count", "n_matvec", n.n_matvec);
    file.write_attr(g + "/count", "lambda_min_positive", n.lambda_min_positive);
  }
  if (r.trace) {
    const spectral::TraceEstimate& t = *r.trace;
    file.write_1d(g + "/trace/samples", t.samples);
    file.write_attr(g + "/trace", "hutchinson", t.hutchinson);
    file.write_attr(g + "/trace", "hutchinson_stderr", t.hutchinson_stderr);
    file.write_attr(g + "/trace", "hutchpp", t.hutchpp);
    file.write_attr(g + "/trace", "hutchpp_stderr", t.hutchpp_stderr);
    file.write_attr(g + "/trace", "probes", t.probes);
    file.write_attr(g + "/trace", "seed", static_cast<std::int64_t>(t.seed));
    file.write_attr(g + "/trace", "n_matvec", t.n_matvec);
  }
  if (r.density) {
    const spectral::Density& d = *r.density;
    const std::string dg = g + "/density";
    file.write_1d(dg + "/grid", d.grid);
    file.write_1d(dg + "/values", d.values);
    std::vector<std::int64_t> lengths;
    for (const auto& a : d.alpha) lengths.push_back(static_cast<std::int64_t>(a.size()));
    file.write_1d(dg + "/lanczos_steps", lengths);
    write_ragged(file, dg + "/alpha", d.alpha, static_cast<std::size_t>(d.steps));
    write_ragged(file, dg + "/beta", d.beta,
                 static_cast<std::size_t>(std::max<PetscInt>(d.steps - 1, 0)));
    file.write_attr(dg, "sigma", d.sigma);
    file.write_attr(dg, "probes", d.probes);
    file.write_attr(dg, "steps", d.steps);
    file.write_attr(dg, "seed", static_cast<std::int64_t>(d.seed));
    file.write_attr(dg, "moment1", d.moment1);
    file.write_attr(dg, "moment2", d.moment2);
    file.write_attr(dg, "n_neg", d.n_neg);
    file.write_attr(dg, "n_neg_stderr", d.n_neg_stderr);
    file.write_attr(dg, "n_matvec", d.n_matvec);
  }
  for (const spectral::BlockSpectrum& b : r.blocks) {
    const std::string bg = g + "/blocks/layer" + std::to_string(b.layer);
    file.write_attr(bg, "layer", b.layer);
    file.write_attr(bg, "offset", b.offset);
    file.write_attr(bg, "size", b.size);
    file.write_attr(bg, "method", b.method);
    if (b.method == "dense")
      file.write_1d(bg + "/eigenvalues", b.values);
    else
      write_pairs(file, bg, b.largest, b.smallest);
  }
  if (r.shards) {
    const spectral::ShardSpread& s = *r.shards;
    file.write_1d(g + "/shards/lambda_max", s.lambda_max);
    file.write_1d(g + "/shards/n_samples", s.n_samples);
    for (const auto& [attr, value] : {std::pair<const char*, double>{"full", s.full},
                                      {"min", s.min},
                                      {"max", s.max},
                                      {"mean", s.mean},
                                      {"std", s.std}})
      file.write_attr(g + "/shards", attr, value);
  }
}

spectral::SpectrumReport read_spectrum_report(const RunFile& file, const std::string& name) {
  io::check_schema(file);
  const std::string g = "/spectrum/" + name;
  if (!file.has(g)) fail(file.path(), "no " + g);
  spectral::SpectrumReport r;
  const Spectrum s = read_spectrum(file, name);
  r.op = s.op;
  r.tolerance = s.tolerance;
  r.n_matvec = s.n_matvec;
  r.n_params = file.read_attr<std::int64_t>(g, "n_params");
  r.loss = file.read_attr<double>(g, "loss");
  r.grad_norm = file.read_attr<double>(g, "grad_norm");
  r.zero_tol = file.read_attr<double>(g, "zero_tol");
  r.seconds = file.read_attr<double>(g, "seconds");
  if (!s.largest.empty() || !s.smallest.empty()) {
    spectral::ExtremeSpectrum e;
    e.largest.values = s.largest;
    e.largest.residuals = s.largest_residuals;
    e.smallest.values = s.smallest;
    e.smallest.residuals = s.smallest_residuals;
    e.largest_n_matvec = file.read_attr<std::int64_t>(g, "largest_n_matvec");
    e.smallest_n_matvec = file.read_attr<std::int64_t>(g, "smallest_n_matvec");
    r.extreme = e;
  }
  spectral::Classification& c = r.classification;
  c.text = file.read_attr<std::string>(g, "classification");
  const std::string kind = file.read_attr<std::string>(g, "kind");
  for (auto k :
       {spectral::PointKind::minimum, spectral::PointKind::maximum, spectral::PointKind::saddle,
        spectral::PointKind::degenerate, spectral::PointKind::unknown})
    if (kind == spectral::to_string(k)) c.kind = k;
  c.index = file.read_attr<std::int64_t>(g, "index");
  c.degenerate = static_cast<int>(file.read_attr<std::int64_t>(g, "degenerate"));
  c.critical = file.read_attr<std::int64_t>(g, "critical") != 0;
  c.grad_tol = file.read_attr<double>(g, "grad_tol");
  c.grad_norm = r.grad_norm;
  spectral::Estimates& e = r.estimates;
  e.lambda_max = file.read_attr<double>(g, "lambda_max");
  e.lambda_min = file.read_attr<double>(g, "lambda_min");
  e.lambda_min_positive = file.read_attr<double>(g, "lambda_min_positive");
  e.condition_number = file.read_attr<double>(g, "condition_number");
  e.negative_fraction = file.read_attr<double>(g, "negative_fraction");
  e.source = file.read_attr<std::string>(g, "estimates_source");
  if (file.has(g + "/full")) {
    spectral::FullSpectrum f;
    if (file.has(g + "/full/eigenvalues"))
      f.values = file.read_doubles(g + "/full/eigenvalues").values;
    f.solver = file.read_attr<std::string>(g + "/full", "solver");
    f.asymmetry = file.read_attr<double>(g + "/full", "asymmetry");
    f.block = file.read_attr<std::int64_t>(g + "/full", "block");
    f.n_matvec = file.read_attr<std::int64_t>(g + "/full", "n_matvec");
    r.full = f;
  }
  if (file.has(g + "/inertia")) r.inertia = read_counts(file, g + "/inertia");
  if (file.has(g + "/sylvester"))
    r.sylvester = spectral::SylvesterInertia{read_counts(file, g + "/sylvester"), 0};
  if (file.has(g + "/count")) {
    spectral::NegativeCount n;
    n.smallest = file.read_doubles(g + "/count/smallest").values;
    n.n_neg = file.read_attr<std::int64_t>(g + "/count", "n_neg");
    n.capped = file.read_attr<std::int64_t>(g + "/count", "capped") != 0;
    n.nev = file.read_attr<std::int64_t>(g + "/count", "nev");
    n.lambda_min_positive = file.read_attr<double>(g + "/count", "lambda_min_positive");
    r.count = n;
  }
  if (file.has(g + "/trace")) {
    spectral::TraceEstimate t;
    t.samples = file.read_doubles(g + "/trace/samples").values;
    t.hutchinson = file.read_attr<double>(g + "/trace", "hutchinson");
    t.hutchinson_stderr = file.read_attr<double>(g + "/trace", "hutchinson_stderr");
    t.hutchpp = file.read_attr<double>(g + "/trace", "hutchpp");
    t.hutchpp_stderr = file.read_attr<double>(g + "/trace", "hutchpp_stderr");
    t.probes = file.read_attr<std::int64_t>(g + "/trace", "probes");
    r.trace = t;
  }
  if (file.has(g + "/density")) {
    const std::string dg = g + "/density";
    spectral::Density d;
    d.grid = file.read_doubles(dg + "/grid").values;
    d.values = file.read_doubles(dg + "/values").values;
    const std::vector<std::int64_t> lengths = file.read_ints(dg + "/lanczos_steps").values;
    std::vector<std::int64_t> beta_lengths;
    for (std::int64_t n : lengths) beta_lengths.push_back(n - 1);
    d.alpha = read_ragged(file, dg + "/alpha", lengths);
    d.beta = read_ragged(file, dg + "/beta", beta_lengths);
    d.sigma = file.read_attr<double>(dg, "sigma");
    d.probes = file.read_attr<std::int64_t>(dg, "probes");
    d.steps = file.read_attr<std::int64_t>(dg, "steps");
    d.moment1 = file.read_attr<double>(dg, "moment1");
    d.moment2 = file.read_attr<double>(dg, "moment2");
    d.n_neg = file.read_attr<double>(dg, "n_neg");
    d.n_neg_stderr = file.read_attr<double>(dg, "n_neg_stderr");
    r.density = d;
  }
  for (int l = 0; file.has(g + "/blocks/layer" + std::to_string(l)); ++l) {
    const std::string bg = g + "/blocks/layer" + std::to_string(l);
    spectral::BlockSpectrum b;
    b.layer = l;
    b.offset = file.read_attr<std::int64_t>(bg, "offset");
    b.size = file.read_attr<std::int64_t>(bg, "size");
    b.method = file.read_attr<std::string>(bg, "method");
    if (b.method == "dense") {
      b.values = file.read_doubles(bg + "/eigenvalues").values;
    } else {
      b.largest.values = file.read_doubles(bg + "/largest").values;
      b.largest.residuals = file.read_doubles(bg + "/largest_residuals").values;
      b.smallest.values = file.read_doubles(bg + "/smallest").values;
      b.smallest.residuals = file.read_doubles(bg + "/smallest_residuals").values;
    }
    r.blocks.push_back(std::move(b));
  }
  if (file.has(g + "/shards")) {
    spectral::ShardSpread s;
    s.lambda_max = file.read_doubles(g + "/shards/lambda_max").values;
    s.n_samples = file.read_ints(g + "/shards/n_samples").values;
    s.full = file.read_attr<double>(g + "/shards", "full");
    s.min = file.read_attr<double>(g + "/shards", "min");
    s.max = file.read_attr<double>(g + "/shards", "max");
    s.mean = file.read_attr<double>(g + "/shards", "mean");
    s.std = file.read_attr<double>(g + "/shards", "std");
    r.shards = s;
  }
  return r;
}

}  // namespace terrain::spectral
