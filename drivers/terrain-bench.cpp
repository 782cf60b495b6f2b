static const char help[] =
    "terrain-bench: times loss, gradient, H·v (cached and uncached), GGN·v and H·V for k vectors\n"
    "of a network on synthetic data, next to a DGEMM of the same shapes, and prints seconds,\n"
    "GFLOP/s and the ratios that bound what the kernels can reach. The loss (forward-only) is set\n"
    "against its own DGEMM bound (one GEMM per layer), and a point of a loss surface\n"
    "(geometry::PlaneEvaluator::at on a plane through θ) against a loss evaluation.\n"
    "With -bench_data the training set comes from the -data_ options (e.g. Fashion-MNIST).\n\n"
    "Sample runs:\n"
    "  mpirun -np 1 terrain-bench -model_widths 784,512,512,10 -model_activation tanh \\\n"
    "      -model_loss cross_entropy -bench_samples 4096\n"
    "  mpirun -np 2 terrain-bench -options_file inputs/bench/mlp_784_512_512_10.opts\n"
    "  mpirun -np 1 terrain-bench -options_file inputs/bench/plane_784_128_10_fashion.opts\n\n";

#include <cblas.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "core/session.hpp"
#include "core/rng.hpp"
#include "data/load_data.hpp"
#include "data/synthetic.hpp"
#include "geometry/plane_evaluator.hpp"
#include "objective/objective.hpp"
#include "objective/replicated.hpp"

using namespace terrain;

namespace {

struct BenchConfig {
  PetscInt samples = 4096;
  PetscInt repeat = 3;
  PetscInt vectors = 8;
  PetscBool serial_reference = PETSC_TRUE;
  PetscBool data = PETSC_FALSE;   // training set from the -data_ options instead of synthetic
  PetscInt plane_points = 16;     // points of the plane timing (a grid swept once per repeat)
  data::DataConfig data_config;

  static BenchConfig from_options() {
    BenchConfig c;
    TERRAIN_OPTIONS(read(&c));
    TERRAIN_CHECK(c.samples >= 1, "-bench_samples must be positive");
    TERRAIN_CHECK(c.repeat >= 1, "-bench_repeat must be positive");
    TERRAIN_CHECK(c.vectors >= 1, "-bench_vectors must be positive");
    TERRAIN_CHECK(c.plane_points >= 1, "-bench_plane_points must be positive");
    if (c.data) c.data_config = data::DataConfig::from_options();
    return c;
  }

 private:
  static PetscErrorCode read(BenchConfig* c) {
    PetscFunctionBeginUser;
    PetscOptionsBegin(PETSC_COMM_WORLD, "bench_", "Benchmark", "terrain-bench");
    PetscCall(PetscOptionsInt("-samples", "Training samples (over all ranks)", "", c->samples, &c->samples, nullptr));
    PetscCall(PetscOptionsInt("-repeat", "Repetitions; the fastest is reported", "", c->repeat, &c->repeat, nullptr));
    PetscCall(PetscOptionsInt("-vectors", "k of the multi-vector product H·V", "", c->vectors, &c->vectors, nullptr));
    PetscCall(PetscOptionsBool("-serial_reference", "On >1 rank, also time rank 0 alone on all samples "
                               "(for the parallel efficiency)", "", c->serial_reference, &c->serial_reference, nullptr));
    PetscCall(PetscOptionsBool("-data", "Train on the -data_ options' training set (then -bench_samples is "
                               "its size)", "", c->data, &c->data, nullptr));
    PetscCall(PetscOptionsInt("-plane_points", "Points of a loss surface timed per repeat (PlaneEvaluator::at)",
                              "", c->plane_points, &c->plane_points, nullptr));
    PetscOptionsEnd();
    PetscFunctionReturn(0);
  }
};

// The fastest of `repeat` runs, each timed as the slowest rank.
double best_time(MPI_Comm comm, PetscInt repeat, const std::function<void()>& setup,
                 const std::function<void()>& op) {
  double best = 1e300;
  for (PetscInt r = 0; r < repeat; ++r) {
    setup();
    MPI_Barrier(comm);
    double t = MPI_Wtime();
    op();
    t = MPI_Wtime() - t;
    MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, comm);
    best = std::min(best, t);
  }
  return best;
}

// GEMM multiply-adds per sample of one pass type, from the layer shapes (DESIGN.md §3).
struct FlopModel {
  double all = 0, hidden = 0;  // Σ fan_in·fan_out over all layers / over layers after the first
  explicit FlopModel(const model::Architecture& a) {
    for (int l = 0; l < a.n_layers(); ++l) {
      const double w = double(a.fan_in(l)) * double(a.fan_out(l));
      all += w;
      if (l > 0) hidden += w;
    }
  }
  double forward() const { return 2 * all; }
  double gradient() const { return 2 * (2 * all + hidden); }
  double hvp_cached() const { return 2 * (2 * all + 4 * hidden); }
  double hvp_uncached() const { return gradient() - 2 * all + hvp_cached(); }
  double ggn_cached() const { return 2 * (2 * all + 2 * hidden); }
};

struct Timings {
  double dgemm_forward = 0;  // the loss's own bound: one forward GEMM per layer
  double plane_point = 0;    // one PlaneEvaluator::at, averaged over a grid of points
  double plane_setup = 0;    // the evaluator's three first-layer GEMMs, once per surface
  PetscInt samples = 0;      // global training samples
  double dgemm = 0, loss = 0, gradient = 0, hvp_uncached = 0, hvp_cached = 0, ggn = 0, block = 0;
};

// The three GEMM shapes of a gradient for every layer (forward, δ back, ∇W), on the local rows;
// with `forward_only` the first alone: the loss's own bound (the shape of Network::forward_loss).
double time_dgemm_bound(const model::Architecture& a, PetscInt n, PetscInt repeat, MPI_Comm comm,
                        bool forward_only) {
  double total = 0;
  for (int l = 0; l < a.n_layers(); ++l) {
    const PetscInt fi = a.fan_in(l), fo = a.fan_out(l);
    std::vector<double> A(std::size_t(n) * fi, 0.5), W(std::size_t(fo) * fi, 0.25),
        Z(std::size_t(n) * fo, 0.125);
    total += best_time(comm, repeat, [] {}, [&] {
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, fo, fi, 1.0, A.data(), fi, W.data(), fi, 0.0, Z.data(), fo);
      if (forward_only) return;
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, fi, fo, 1.0, Z.data(), fo, W.data(), fi, 0.0, A.data(), fi);
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, fo, fi, n, 1.0, Z.data(), fo, A.data(), fi, 0.0, W.data(), fi);
    });
  }
  return total;
}

Timings run_timings(MPI_Comm comm, const model::Architecture& arch, const BenchConfig& c) {
  const data::Dataset train =
      c.data ? data::load_data(comm, c.data_config).train
             : data::synthetic_dataset(comm, c.samples, arch.widths.front(), arch.widths.back(),
                                       arch.loss == model::Loss::cross_entropy);
  objective::Objective f(comm, arch, train);
  const core::OwnedVec theta(f.create_vec());
  core::OwnedVec g, v, hv;
  TERRAIN_PETSC(VecDuplicate(theta, g.out()));
  TERRAIN_PETSC(VecDuplicate(theta, v.out()));
  TERRAIN_PETSC(VecDuplicate(theta, hv.out()));
  f.initial_parameters(theta);
  TERRAIN_PETSC(VecSet(v, 1e-2));
  PetscInt n_local = 0;
  TERRAIN_PETSC(VecGetLocalSize(theta, &n_local));
  core::OwnedMat V, HV;
  TERRAIN_PETSC(MatCreateDense(comm, n_local, PETSC_DECIDE, f.n_params(), c.vectors, nullptr, V.out()));
  TERRAIN_PETSC(MatCreateDense(comm, n_local, PETSC_DECIDE, f.n_params(), c.vectors, nullptr, HV.out()));
  TERRAIN_PETSC(MatSetRandom(V, nullptr));

  Timings t;
  t.samples = train.n_global;
  const auto uncached = [&] { f.invalidate(); };
  const auto warm = [&] { f.gradient(theta, g); };
  t.dgemm = time_dgemm_bound(arch, train.n_local, c.repeat, comm, false);
  t.dgemm_forward = time_dgemm_bound(arch, train.n_local, c.repeat, comm, true);
  t.loss = best_time(comm, c.repeat, uncached, [&] { f.loss(theta); });
  t.gradient = best_time(comm, c.repeat, uncached, [&] { f.gradient(theta, g); });
  t.hvp_uncached = best_time(comm, c.repeat, uncached, [&] {
    f.curvature_product(objective::Curvature::hessian, theta, v, hv);
  });
  t.hvp_cached = best_time(comm, c.repeat, warm, [&] {
    f.curvature_product(objective::Curvature::hessian, theta, v, hv);
  });
  t.ggn = best_time(comm, c.repeat, warm, [&] {
    f.curvature_product(objective::Curvature::gauss_newton, theta, v, hv);
  });
  t.block = best_time(comm, c.repeat, warm, [&] {
    f.curvature_product(objective::Curvature::hessian, theta, V, HV);
  });
  // A plane through θ along two Gaussian directions: a sweep of a side × side grid (P points)
  // per repeat, the time per point.
  {
    const std::vector<double> theta_all = objective::replicate(theta);
    std::vector<double> dx(theta_all.size()), dy(theta_all.size());
    for (std::size_t i = 0; i < dx.size(); ++i) {
      dx[i] = 0.1 * core::normal(11, core::Stream::direction, i);
      dy[i] = 0.1 * core::normal(12, core::Stream::direction, i);
    }
    std::unique_ptr<geometry::PlaneEvaluator> plane;
    t.plane_setup = best_time(comm, 1, [] {}, [&] {
      plane = std::make_unique<geometry::PlaneEvaluator>(comm, f.network(), train, theta_all, dx, &dy);
    });
    PetscInt side = 1;
    while (side * side < c.plane_points) ++side;
    t.plane_point = best_time(comm, c.repeat, [] {}, [&] {
      for (PetscInt p = 0; p < c.plane_points; ++p)
        plane->at(-1.0 + 2.0 * double(p % side) / double(side), -1.0 + 2.0 * double(p / side) / double(side));
    }) / double(c.plane_points);
  }
  return t;
}

void report(const model::Architecture& arch, const BenchConfig& c, const Timings& t, int size) {
  const FlopModel flops(arch);
  const double n = double(t.samples), k = double(c.vectors);
  std::string shape;
  for (std::size_t i = 0; i < arch.widths.size(); ++i)
    shape += (i ? "-" : "") + std::to_string(arch.widths[i]);
  PetscPrintf(PETSC_COMM_WORLD, "terrain-bench: %s %s %s, %d samples on %d rank(s), best of %d\n",
              shape.c_str(), model::to_string(arch.activation), model::to_string(arch.loss),
              int(t.samples), size, int(c.repeat));
  PetscPrintf(PETSC_COMM_WORLD, "  %-28s %10s %10s %12s\n", "operation", "seconds", "GFLOP/s", "x gradient");
  auto row = [&](const char* name, double seconds, double flop) {
    PetscPrintf(PETSC_COMM_WORLD, "  %-28s %10.4f %10.2f %12.3f\n", name, seconds, flop / seconds * 1e-9,
                seconds / t.gradient);
  };
  row("dgemm bound (3 GEMMs/layer)", t.dgemm, 6 * flops.all * n);
  row("loss dgemm bound (1/layer)", t.dgemm_forward, flops.forward() * n);
  row("loss (forward-only)", t.loss, flops.forward() * n);
  // The first layer's GEMM is gone; what remains is the later layers' forward flops.
  row("plane point (at x,y)", t.plane_point, (flops.forward() - 2 * double(arch.fan_in(0)) * double(arch.fan_out(0))) * n);
  row("gradient", t.gradient, flops.gradient() * n);
  row("H·v uncached", t.hvp_uncached, flops.hvp_uncached() * n);
  row("H·v cached", t.hvp_cached, flops.hvp_cached() * n);
  row("GGN·v cached", t.ggn, flops.ggn_cached() * n);
  row(("H·V k=" + std::to_string(c.vectors) + ", per vector").c_str(), t.block / k, flops.hvp_cached() * n);
  PetscPrintf(PETSC_COMM_WORLD,
              "checks: gradient at %.2f of the DGEMM bound (target >= 0.80); H·v cached %.2fx gradient "
              "(<= 2.2); uncached %.2fx (<= 2.9); H·V per vector %.2fx single H·v (< 1)\n",
              t.dgemm / t.gradient, t.hvp_cached / t.gradient, t.hvp_uncached / t.gradient,
              t.block / k / t.hvp_cached);
  PetscPrintf(PETSC_COMM_WORLD,
              "loss checks: loss at %.2f of its DGEMM bound (target >= 0.90), %.3fx gradient (<= 0.40); "
              "plane point %.3fx loss, %.3e s per point (setup %.3e s, once per surface)\n",
              t.dgemm_forward / t.loss, t.loss / t.gradient, t.plane_point / t.loss, t.plane_point,
              t.plane_setup);
}

}  // namespace

int main(int argc, char** argv) {
  return core::run_driver(argc, argv, help, [] {
    // 1. Configure from options.
    const model::Architecture arch = model::Architecture::from_options();
    const BenchConfig config = BenchConfig::from_options();
    if (core::help_requested()) return;
    int size = 1, rank = 0;
    MPI_Comm_size(PETSC_COMM_WORLD, &size);
    MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
    TERRAIN_CHECK(config.samples >= size, "-bench_samples must be at least the number of ranks");

    // 2. Time on all ranks and report.
    const Timings t = run_timings(PETSC_COMM_WORLD, arch, config);
    report(arch, config, t, size);

    // 3. Parallel efficiency: rank 0 alone on every sample, the others wait.
    if (size > 1 && config.serial_reference) {
      Timings serial;
      if (rank == 0) serial = run_timings(PETSC_COMM_SELF, arch, config);
      MPI_Bcast(&serial, sizeof(Timings), MPI_BYTE, 0, PETSC_COMM_WORLD);
      PetscPrintf(PETSC_COMM_WORLD,
                  "parallel efficiency 1 -> %d ranks: gradient %.2f, H·v cached %.2f, H·v uncached %.2f, "
                  "H·V %.2f (serial %.4f s / %.4f s per H·v)\n",
                  size, serial.gradient / (size * t.gradient), serial.hvp_cached / (size * t.hvp_cached),
                  serial.hvp_uncached / (size * t.hvp_uncached), serial.block / (size * t.block),
                  serial.hvp_cached, t.hvp_cached);
    }
  });
}
