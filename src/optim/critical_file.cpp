#include "optim/critical_file.hpp"

#include <vector>

#include "core/error.hpp"

namespace terrain::optim {

using io::RunFile;

void write_critical(RunFile& f, const std::string& name, const CriticalRecord& r, Vec start) {
  const std::string g = "/critical/" + name;
  if (f.has(g)) f.remove(g);
  f.create_group(g);
  const auto& h = r.result.history;
  TERRAIN_CHECK(!h.empty(), "write_critical: the history is empty");
  const optim::NewtonIteration& last = h.back();
  f.write_attr(g, "method", r.method);
  f.write_attr(g, "converged", r.result.converged ? 1 : 0);
  f.write_attr(g, "reason", r.result.reason);
  f.write_attr(g, "iterations", static_cast<std::int64_t>(h.size()) - 1);
  f.write_attr(g, "sfn_iterations", r.sfn_iterations);
  f.write_attr(g, "loss", last.loss);
  f.write_attr(g, "grad_norm1", last.grad_norm1);
  f.write_attr(g, "grad_norm2", last.grad_norm2);
  f.write_attr(g, "grad_norm_inf", r.grad_norm_inf);
  f.write_attr(g, "gtol", r.gtol);
  f.write_attr(g, "n_matvec", r.result.n_matvec);
  f.write_attr(g, "seconds", r.result.seconds);
  f.write_attr(g, "source", r.source);
  f.write_attr(g, "step", r.step);
  f.write_attr(g, "distance", r.distance);
  std::vector<std::int64_t> iteration, krylov;
  std::vector<double> loss, n1, n2, step, length, radius;
  for (const auto& x : h) {
    iteration.push_back(x.iteration);
    krylov.push_back(x.krylov_iterations);
    loss.push_back(x.loss);
    n1.push_back(x.grad_norm1);
    n2.push_back(x.grad_norm2);
    step.push_back(x.step_norm);
    length.push_back(x.step_length);
    radius.push_back(x.radius);
  }
  f.write_1d(g + "/iteration", iteration);
  f.write_1d(g + "/loss", loss);
  f.write_1d(g + "/grad_norm1", n1);
  f.write_1d(g + "/grad_norm2", n2);
  f.write_1d(g + "/step_norm", step);
  f.write_1d(g + "/step_length", length);
  f.write_1d(g + "/trust_radius", radius);
  f.write_1d(g + "/krylov_iterations", krylov);
  if (start) f.write_vec(g + "/start_params", start);
}

CriticalRecord read_critical(const RunFile& f, const std::string& name) {
  const std::string g = "/critical/" + name;
  TERRAIN_CHECK(f.has(g), f.path() << ": no " << g);
  CriticalRecord r;
  r.method = f.read_attr<std::string>(g, "method");
  r.result.converged = f.read_attr<std::int64_t>(g, "converged") != 0;
  r.result.reason = f.read_attr<std::string>(g, "reason");
  r.result.n_matvec = f.read_attr<std::int64_t>(g, "n_matvec");
  r.result.seconds = f.read_attr<double>(g, "seconds");
  r.sfn_iterations = f.read_attr<std::int64_t>(g, "sfn_iterations");
  r.gtol = f.read_attr<double>(g, "gtol");
  r.grad_norm_inf = f.read_attr<double>(g, "grad_norm_inf");
  r.source = f.read_attr<std::string>(g, "source");
  r.step = f.read_attr<std::int64_t>(g, "step");
  r.distance = f.read_attr<double>(g, "distance");
  const auto iteration = f.read_ints(g + "/iteration").values;
  const auto krylov = f.read_ints(g + "/krylov_iterations").values;
  const auto loss = f.read_doubles(g + "/loss").values;
  const auto n1 = f.read_doubles(g + "/grad_norm1").values;
  const auto n2 = f.read_doubles(g + "/grad_norm2").values;
  const auto step = f.read_doubles(g + "/step_norm").values;
  const auto length = f.read_doubles(g + "/step_length").values;
  // Files written before the trust method have no trust_radius: zeros, as newton writes.
  const auto radius = f.has(g + "/trust_radius") ? f.read_doubles(g + "/trust_radius").values
                                                 : std::vector<double>(iteration.size(), 0.0);
  const std::size_t n = iteration.size();
  TERRAIN_CHECK(n >= 1 && krylov.size() == n && loss.size() == n && n1.size() == n &&
                    n2.size() == n && step.size() == n && length.size() == n &&
                    radius.size() == n,
                f.path() << ": the columns of " << g << " differ in length");
  for (std::size_t k = 0; k < n; ++k) {
    optim::NewtonIteration x;
    x.iteration = static_cast<PetscInt>(iteration[k]);
    x.krylov_iterations = static_cast<PetscInt>(krylov[k]);
    x.loss = loss[k];
    x.grad_norm1 = n1[k];
    x.grad_norm2 = n2[k];
    x.step_norm = step[k];
    x.step_length = length[k];
    x.radius = radius[k];
    r.result.history.push_back(x);
  }
  return r;
}

}  // namespace terrain::optim
