#include "study/critical_census.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include "core/error.hpp"
#include "core/options.hpp"
#include "core/petsc_handle.hpp"
#include "core/progress.hpp"
#include "core/session.hpp"
#include "core/work_groups.hpp"
#include "geometry/symmetry_canonical.hpp"
#include "io/file_maintenance.hpp"
#include "io/point_reader.hpp"
#include "io/run_file.hpp"
#include "io/run_schema.hpp"
#include "model/parameter_layout.hpp"
#include "objective/replicated.hpp"
#include "spectral/analysis.hpp"
#include "study/point_input.hpp"

namespace terrain::study {

namespace {

PetscErrorCode read_options(CensusOptions* o) {
  PetscFunctionBeginUser;
  PetscOptionsBegin(PETSC_COMM_WORLD, "critical_",
                    "The census of critical points (-critical_census)", "terrain-critical");
  PetscCall(core::options_flag(PetscOptionsObject, "-census",
                               "Census mode: search from every /trajectory/params snapshot of the "
                               "run files -input a.h5,b.h5,... and count the distinct critical "
                               "points up to symmetry, with their exact inertia",
                               &o->enabled));
  PetscCall(PetscOptionsInt("-census_group_size",
                            "Ranks per work group (0: one group of all ranks)", "", o->group_size,
                            &o->group_size, nullptr));
  PetscCall(PetscOptionsInt("-census_every", "Use every k-th snapshot of each run (and its last)",
                            "", o->every, &o->every, nullptr));
  PetscCall(core::options_flag(PetscOptionsObject, "-census_final",
                               "Also start from each run's /params", &o->include_final));
  PetscCall(PetscOptionsReal("-census_dedup_tol",
                             "Two converged points are one when their canonical forms differ by "
                             "at most this (max |diff| / max(1, |theta|_inf))",
                             "", o->dedup_tol, &o->dedup_tol, nullptr));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

struct Plan {
  model::Architecture arch;
  std::vector<CensusStart> starts;  // run and step filled in
};

// Reads every input's /model, recorded -data_ options and snapshot steps (collective on world).
Plan plan_starts(MPI_Comm world, const std::vector<std::string>& inputs, const CensusOptions& c) {
  Plan plan;
  std::vector<std::pair<std::string, std::string>> data0;
  for (std::size_t r = 0; r < inputs.size(); ++r) {
    const std::string& path = inputs[r];
    io::RunFile file = io::RunFile::open_read(world, path);
    io::check_schema(file);
    TERRAIN_CHECK(file.has("/model"),
                  path << ": no /model: the census reads training run files (terrain-train)");
    const model::Architecture arch = io::read_model(file);
    auto data = io::recorded_options(file, "-data_");
    std::sort(data.begin(), data.end());
    if (r == 0) {
      plan.arch = arch;
      data0 = data;
    } else {
      TERRAIN_CHECK(model::same_network(arch, plan.arch),
                    path << ": network " << model::describe(arch) << ", but " << inputs[0]
                         << " has " << model::describe(plan.arch)
                         << " (a census needs one network)");
      TERRAIN_CHECK(data == data0, path << ": its recorded -data_ options differ from those of "
                                        << inputs[0] << " (a census needs one training set)");
    }
    const std::string snaps = "/trajectory/params", steps_path = "/trajectory/params_step";
    TERRAIN_CHECK(file.has(snaps) && file.has(steps_path),
                  path << ": no " << snaps
                       << " snapshots to start from (train with "
                          "-train_save_every k)");
    const std::vector<std::int64_t> steps = file.read_ints(steps_path).values;
    TERRAIN_CHECK(!steps.empty(), path << ": " << snaps << " has no snapshots to start from");
    file.close();
    for (std::size_t k = 0; k < steps.size(); ++k)
      if (k % static_cast<std::size_t>(c.every) == 0 || k + 1 == steps.size()) {
        CensusStart s;
        s.run = static_cast<std::int64_t>(r);
        s.step = steps[k];
        plan.starts.push_back(s);
      }
    if (c.include_final) {
      CensusStart s;
      s.run = static_cast<std::int64_t>(r);
      s.step = -1;
      plan.starts.push_back(s);
    }
  }
  geometry::require_symmetry_support(plan.arch);
  const PetscInt n = model::ParameterLayout(plan.arch).size();
  TERRAIN_CHECK(n <= optim::kCriticalFullSpectrumMax,
                inputs[0] << ": the network has " << n
                          << " parameters; the census classifies "
                             "by the dense Hessian spectrum, which it computes up to "
                          << optim::kCriticalFullSpectrumMax << " parameters");
  return plan;
}

double vec_norm(Vec v, NormType type) {
  PetscReal n = 0;
  TERRAIN_PETSC(VecNorm(v, type, &n));
  return n;
}

// The search and classification from one start, on the group's ranks; the canonical form of a
// converged point goes to `canonical`.
void census_one(PointInput& in, const std::string& path, const optim::CriticalOptions& critical,
                const optim::NewtonSettings& newton, const spectral::EigenOptions& eigen,
                CensusStart& s, std::vector<double>& canonical) {
  MPI_Comm comm = in.objective->comm();
  objective::Objective& obj = *in.objective;
  core::OwnedVec theta(obj.create_vec()), start;
  io::read_point(comm, path, in.arch, s.step, theta);
  TERRAIN_PETSC(VecDuplicate(theta, start.out()));
  TERRAIN_PETSC(VecCopy(theta, start));
  s.start_loss = obj.loss(theta);
  const double t0 = MPI_Wtime();
  const optim::CriticalSearch found = optim::search_critical_point(
      obj, theta, critical.method, newton, critical.sfn, critical.sfn_steps, critical.sfn_switch);
  const optim::NewtonIteration& last = found.result.history.back();
  s.converged = found.result.converged;
  s.loss = last.loss;
  s.grad_norm1 = last.grad_norm1;
  s.iterations = static_cast<std::int64_t>(found.result.history.size()) - 1;
  s.n_matvec = found.result.n_matvec;
  TERRAIN_PETSC(VecAXPY(start, -1.0, theta));
  s.distance = vec_norm(start, NORM_2);
  if (s.converged) {
    spectral::SpectrumOptions so = optim::critical_spectrum_options(obj.n_params());
    spectral::Analysis analysis(obj, in.data.train, theta, eigen, so);
    const spectral::SpectrumReport& r = analysis.run();
    TERRAIN_CHECK(r.inertia && r.full && !r.full->values.empty(),
                  "internal: the dense spectrum gave no inertia");
    s.n_neg = r.inertia->n_neg;
    s.n_zero = r.inertia->n_zero;
    s.n_pos = r.inertia->n_pos;
    s.alpha = double(s.n_neg) / double(obj.n_params());
    s.lambda_min = r.full->values.front();
    s.lambda_max = r.full->values.back();
    s.tau = r.zero_tol;
    s.n_matvec += r.n_matvec;
    canonical = geometry::canonical_form(in.arch, objective::replicate(theta));
  }
  s.seconds = MPI_Wtime() - t0;
}

// Per start, the numbers in a fixed order (the gather's wire format).
constexpr int kFields = 17;
void pack(const CensusStart& s, double* f) {
  const double v[kFields] = {double(s.run),
                             double(s.step),
                             s.converged ? 1.0 : 0.0,
                             s.loss,
                             s.grad_norm1,
                             s.distance,
                             s.start_loss,
                             double(s.n_neg),
                             double(s.n_zero),
                             double(s.n_pos),
                             s.alpha,
                             s.lambda_min,
                             s.lambda_max,
                             s.tau,
                             double(s.n_matvec),
                             double(s.iterations),
                             s.seconds};
  std::copy(v, v + kFields, f);
}
CensusStart unpack(const double* f) {
  CensusStart s;
  s.run = std::llround(f[0]);
  s.step = std::llround(f[1]);
  s.converged = f[2] != 0;
  s.loss = f[3];
  s.grad_norm1 = f[4];
  s.distance = f[5];
  s.start_loss = f[6];
  s.n_neg = std::llround(f[7]);
  s.n_zero = std::llround(f[8]);
  s.n_pos = std::llround(f[9]);
  s.alpha = f[10];
  s.lambda_min = f[11];
  s.lambda_max = f[12];
  s.tau = f[13];
  s.n_matvec = std::llround(f[14]);
  s.iterations = std::llround(f[15]);
  s.seconds = f[16];
  return s;
}

template <class T, class F>
std::vector<T> column(const std::vector<CensusStart>& v, F f) {
  std::vector<T> out;
  out.reserve(v.size());
  for (const CensusStart& s : v) out.push_back(static_cast<T>(f(s)));
  return out;
}

void write_census(io::RunFile& file, const std::string& name, const CensusResult& r,
                  const optim::CriticalOptions& critical, const optim::NewtonSettings& newton,
                  const CensusOptions& c, PetscInt n) {
  const std::string g = "/critical_census/" + name, st = g + "/starts", pt = g + "/points";
  file.create_group(st);
  file.create_group(pt);
  std::string inputs;
  for (std::size_t i = 0; i < r.inputs.size(); ++i) inputs += (i ? "," : "") + r.inputs[i];
  file.write_attr(g, "inputs", inputs);
  file.write_attr(g, "method", optim::to_string(critical.method));
  file.write_attr(g, "gtol", newton.gtol);
  file.write_attr(g, "dedup_tol", c.dedup_tol);
  file.write_attr(g, "every", c.every);
  file.write_attr(g, "n_params", n);
  file.write_attr(g, "n_starts", static_cast<std::int64_t>(r.starts.size()));
  std::int64_t converged = 0;
  for (const CensusStart& s : r.starts) converged += s.converged;
  file.write_attr(g, "n_converged", converged);
  file.write_attr(g, "n_distinct", static_cast<std::int64_t>(r.points.size()));
  file.write_attr(g, "n_groups", r.n_groups);
  file.write_attr(g, "group_size", r.group_size);
  file.write_attr(g, "seconds", r.seconds);
  const auto& S = r.starts;
  file.write_1d(st + "/run", column<std::int64_t>(S, [](auto& s) { return s.run; }));
  file.write_1d(st + "/step", column<std::int64_t>(S, [](auto& s) { return s.step; }));
  file.write_1d(st + "/converged", column<std::int64_t>(S, [](auto& s) { return s.converged; }));
  file.write_1d(st + "/start_loss", column<double>(S, [](auto& s) { return s.start_loss; }));
  file.write_1d(st + "/loss", column<double>(S, [](auto& s) { return s.loss; }));
  file.write_1d(st + "/grad_norm1", column<double>(S, [](auto& s) { return s.grad_norm1; }));
  file.write_1d(st + "/distance", column<double>(S, [](auto& s) { return s.distance; }));
  file.write_1d(st + "/n_neg", column<std::int64_t>(S, [](auto& s) { return s.n_neg; }));
  file.write_1d(st + "/n_zero", column<std::int64_t>(S, [](auto& s) { return s.n_zero; }));
  file.write_1d(st + "/n_pos", column<std::int64_t>(S, [](auto& s) { return s.n_pos; }));
  file.write_1d(st + "/alpha", column<double>(S, [](auto& s) { return s.alpha; }));
  file.write_1d(st + "/lambda_min", column<double>(S, [](auto& s) { return s.lambda_min; }));
  file.write_1d(st + "/lambda_max", column<double>(S, [](auto& s) { return s.lambda_max; }));
  file.write_1d(st + "/tau", column<double>(S, [](auto& s) { return s.tau; }));
  file.write_1d(st + "/iterations", column<std::int64_t>(S, [](auto& s) { return s.iterations; }));
  file.write_1d(st + "/n_matvec", column<std::int64_t>(S, [](auto& s) { return s.n_matvec; }));
  file.write_1d(st + "/seconds", column<double>(S, [](auto& s) { return s.seconds; }));
  file.write_1d(st + "/distinct_id", column<std::int64_t>(S, [](auto& s) { return s.distinct; }));
  file.write_1d(st + "/match_distance",
                column<double>(S, [](auto& s) { return s.match_distance; }));
  // The distinct points, in order of first appearance; their numbers are their first start's.
  std::vector<CensusStart> first;
  std::vector<double> params;
  std::vector<std::int64_t> mult, first_start, level;
  std::int64_t n_levels = 0;
  for (const CensusPoint& p : r.points) {
    level.push_back(p.level);
    n_levels = std::max(n_levels, p.level + 1);
    first.push_back(S[p.first_start]);
    params.insert(params.end(), p.params.begin(), p.params.end());
    mult.push_back(p.multiplicity);
    first_start.push_back(p.first_start);
  }
  file.write_2d(pt + "/params", r.points.size(), static_cast<std::size_t>(n), params);
  file.write_1d(pt + "/loss", column<double>(first, [](auto& s) { return s.loss; }));
  file.write_1d(pt + "/grad_norm1", column<double>(first, [](auto& s) { return s.grad_norm1; }));
  file.write_1d(pt + "/n_neg", column<std::int64_t>(first, [](auto& s) { return s.n_neg; }));
  file.write_1d(pt + "/n_zero", column<std::int64_t>(first, [](auto& s) { return s.n_zero; }));
  file.write_1d(pt + "/n_pos", column<std::int64_t>(first, [](auto& s) { return s.n_pos; }));
  file.write_1d(pt + "/alpha", column<double>(first, [](auto& s) { return s.alpha; }));
  file.write_1d(pt + "/tau", column<double>(first, [](auto& s) { return s.tau; }));
  file.write_1d(pt + "/multiplicity", mult);
  file.write_1d(pt + "/first_start", first_start);
  file.write_1d(pt + "/level", level);
  file.write_attr(g, "n_levels", n_levels);
  file.write_attr(g, "level_loss_tol", kLevelLossTol);
}

}  // namespace

CensusOptions CensusOptions::from_options() {
  CensusOptions o;
  TERRAIN_OPTIONS(read_options(&o));
  if (!o.enabled || core::help_requested()) return o;
  TERRAIN_CHECK(
      o.group_size >= 0,
      "-critical_census_group_size must be non-negative (0: all ranks), got " << o.group_size);
  TERRAIN_CHECK(o.every >= 1, "-critical_census_every must be at least 1, got " << o.every);
  TERRAIN_CHECK(o.dedup_tol >= 0,
                "-critical_census_dedup_tol must be non-negative, got " << o.dedup_tol);
  return o;
}

std::vector<CensusPoint> deduplicate(const std::vector<std::vector<double>>& canonical,
                                     std::vector<CensusStart>& starts, double tol) {
  std::vector<CensusPoint> points;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    starts[i].distinct = -1;
    if (!starts[i].converged) continue;
    for (std::size_t p = 0; p < points.size() && starts[i].distinct < 0; ++p) {
      const double d = geometry::relative_max_distance(canonical[i], points[p].params);
      if (d <= tol) {
        starts[i].distinct = static_cast<std::int64_t>(p);
        starts[i].match_distance = d;
        ++points[p].multiplicity;
      }
    }
    if (starts[i].distinct >= 0) continue;
    starts[i].distinct = static_cast<std::int64_t>(points.size());
    starts[i].match_distance = 0;
    points.push_back({canonical[i], static_cast<std::int64_t>(i), 1, 0});
  }
  std::int64_t n_levels = 0;
  for (std::size_t p = 0; p < points.size(); ++p) {
    const CensusStart& a = starts[points[p].first_start];
    points[p].level = -1;
    for (std::size_t q = 0; q < p && points[p].level < 0; ++q) {
      const CensusStart& b = starts[points[q].first_start];
      if (a.n_neg == b.n_neg && a.n_zero == b.n_zero && a.n_pos == b.n_pos &&
          std::abs(a.loss - b.loss) <= kLevelLossTol * std::max(std::abs(a.loss), std::abs(b.loss)))
        points[p].level = points[q].level;
    }
    if (points[p].level < 0) points[p].level = n_levels++;
  }
  return points;
}

CensusResult run_critical_census(MPI_Comm world, const CensusOptions& census,
                                 const optim::CriticalOptions& critical,
                                 const optim::NewtonSettings& newton,
                                 const spectral::EigenOptions& eigen) {
  const double t_start = MPI_Wtime();
  CensusResult result;
  result.inputs = core::split_list(critical.input);
  TERRAIN_CHECK(!result.inputs.empty(), "-input must name at least one run file (a.h5,b.h5,...)");
  for (const std::string& in : result.inputs)
    TERRAIN_CHECK(
        !io::same_file(critical.output, in),
        "-output must differ from every -input: " << critical.output << " is the file " << in);
  Plan plan = plan_starts(world, result.inputs, census);
  const PetscInt n = model::ParameterLayout(plan.arch).size();
  io::RunFile output = io::RunFile::create(world, critical.output);  // a bad path fails early

  int size = 1;
  MPI_Comm_size(world, &size);
  const int group_size =
      census.group_size == 0 ? size : int(std::min<PetscInt>(census.group_size, size));
  core::WorkGroups groups(world, group_size);
  result.n_groups = groups.count();
  result.group_size = group_size;
  const std::size_t n_starts = plan.starts.size();
  PetscPrintf(world,
              "terrain-critical census: %d start(s) from %d run(s), network %s (%d parameters), "
              "method %s, gtol %.1e, %d group(s) of %d rank(s)\n",
              int(n_starts), int(result.inputs.size()), model::describe(plan.arch).c_str(), int(n),
              optim::to_string(critical.method), newton.gtol, groups.count(), group_size);

  std::vector<double> fields(n_starts * kFields, 0.0), canon(n_starts * std::size_t(n), 0.0);
  std::string problem;
  try {
    std::unique_ptr<PointInput> in =
        load_point_input(groups.comm(), result.inputs[0], plan.starts[0].step);
    TERRAIN_CHECK(model::same_network(in->arch, plan.arch),
                  "the -model_ options give the network "
                      << model::describe(in->arch) << ", the inputs have "
                      << model::describe(plan.arch)
                      << " (the census takes the network from its inputs)");
    std::vector<std::size_t> mine;
    for (std::size_t i = groups.index(); i < n_starts; i += groups.count()) mine.push_back(i);
    core::Progress progress(groups.comm(),
                            "census group " + std::to_string(groups.index()) + ": starts",
                            static_cast<PetscInt>(mine.size()));
    PetscInt done = 0;
    for (std::size_t i : mine) {
      CensusStart s = plan.starts[i];
      std::vector<double> c;
      census_one(*in, result.inputs[s.run], critical, newton, eigen, s, c);
      char line[256];
      if (s.converged)
        std::snprintf(line, sizeof line,
                      "start %d (run %d step %lld): loss %.6e, |grad L|_1 %.1e, moved %.3g, "
                      "inertia (%lld, %lld, %lld)",
                      int(i), int(s.run), static_cast<long long>(s.step), s.loss, s.grad_norm1,
                      s.distance, static_cast<long long>(s.n_neg), static_cast<long long>(s.n_zero),
                      static_cast<long long>(s.n_pos));
      else
        std::snprintf(line, sizeof line,
                      "start %d (run %d step %lld): not converged, |grad L|_1 %.1e, moved %.3g",
                      int(i), int(s.run), static_cast<long long>(s.step), s.grad_norm1, s.distance);
      PetscPrintf(groups.comm(), "census: %s\n", line);
      progress.update(++done, line);
      if (groups.leader()) {
        pack(s, &fields[i * kFields]);
        if (s.converged) std::copy(c.begin(), c.end(), canon.begin() + i * std::size_t(n));
      }
    }
    progress.finish(std::to_string(done) + " starts");
  } catch (const core::InputError& e) {
    problem = "group " + std::to_string(groups.index()) + ": " + e.what();
  }
  groups.wait_all();
  core::check_all(world, problem.empty(), problem);
  // Only the group leaders hold values, every other entry is 0: the sum is the gather, exactly.
  MPI_Allreduce(MPI_IN_PLACE, fields.data(), int(fields.size()), MPI_DOUBLE, MPI_SUM, world);
  MPI_Allreduce(MPI_IN_PLACE, canon.data(), int(canon.size()), MPI_DOUBLE, MPI_SUM, world);

  std::vector<std::vector<double>> canonical(n_starts);
  for (std::size_t i = 0; i < n_starts; ++i) {
    result.starts.push_back(unpack(&fields[i * kFields]));
    if (result.starts.back().converged)
      canonical[i].assign(canon.begin() + i * std::size_t(n),
                          canon.begin() + (i + 1) * std::size_t(n));
  }
  result.points = deduplicate(canonical, result.starts, census.dedup_tol);
  MPI_Barrier(world);
  result.seconds = MPI_Wtime() - t_start;
  MPI_Bcast(&result.seconds, 1, MPI_DOUBLE, 0, world);

  // The summary: the distinct points by loss.
  std::size_t converged = 0;
  for (const CensusStart& s : result.starts) converged += s.converged;
  std::int64_t n_levels = 0;
  for (const CensusPoint& p : result.points) n_levels = std::max(n_levels, p.level + 1);
  PetscPrintf(world,
              "census: %d of %d starts converged to %d distinct critical point(s) up to symmetry "
              "(dedup tol %.1e) on %d level(s) (inertia and loss to %.0e), %.1f s\n",
              int(converged), int(n_starts), int(result.points.size()), census.dedup_tol,
              int(n_levels), kLevelLossTol, result.seconds);
  std::vector<std::size_t> order(result.points.size());
  for (std::size_t p = 0; p < order.size(); ++p) order[p] = p;
  auto loss_of = [&](std::size_t p) { return result.starts[result.points[p].first_start].loss; };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return loss_of(a) < loss_of(b); });
  if (!order.empty())
    PetscPrintf(world, "%6s %6s %15s %8s %8s %8s %10s %6s\n", "point", "level", "loss", "n-", "n0",
                "n+", "alpha", "count");
  for (std::size_t p : order) {
    const CensusStart& s = result.starts[result.points[p].first_start];
    PetscPrintf(world, "%6d %6d %15.8e %8lld %8lld %8lld %10.3e %6lld%s\n", int(p),
                int(result.points[p].level), s.loss, static_cast<long long>(s.n_neg),
                static_cast<long long>(s.n_zero), static_cast<long long>(s.n_pos), s.alpha,
                static_cast<long long>(result.points[p].multiplicity),
                s.n_neg == 0 ? "  minimum" : "");
  }

  // The output: a self-contained run file.
  io::write_header(output);
  io::write_model(output, plan.arch, model::ParameterLayout(plan.arch));
  {
    io::RunFile first = io::RunFile::open_read(world, result.inputs[0]);
    if (first.has("/data")) {
      const io::DataInfo d = io::read_data_info(first);
      first.close();
      io::write_data_info(output, d.name, d.source, d.n_train, d.n_test, d.d_in, d.d_out);
    }
  }
  if (!order.empty()) {
    core::OwnedVec best;
    TERRAIN_PETSC(VecCreateMPI(world, PETSC_DECIDE, n, best.out()));
    objective::distribute(result.points[order.front()].params, best);
    io::write_params(output, best);
  }
  write_census(output, critical.name, result, critical, newton, census, n);
  output.commit();
  PetscPrintf(world, "wrote %s:/critical_census/%s\n", critical.output.c_str(),
              critical.name.c_str());
  return result;
}

}  // namespace terrain::study
