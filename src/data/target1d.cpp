// A 1-D piecewise-linear target: small enough to see the whole landscape, kinked enough that
// a narrow ReLU network has to place its breakpoints.
#include <algorithm>
#include <sstream>

#include "core/rng.hpp"
#include "data/loaders.hpp"
#include "data/shard.hpp"

namespace terrain::data {

namespace {
double relu(double x) { return x > 0 ? x : 0; }

// Rows [index_offset, index_offset + n) of the generator; `grid` spreads them evenly over
// [a, b] with both ends hit exactly.
Dataset generate(MPI_Comm comm, const DataConfig& c, PetscInt n, PetscInt index_offset,
                 bool grid) {
  Dataset ds = allocate_shard(comm, n, 1, 1, false);
  const double a = c.interval[0], b = c.interval[1];
  for (PetscInt i = 0; i < ds.n_local; ++i) {
    const PetscInt row = ds.first_row + i;
    double x;
    if (grid) {
      // a(1−t) + bt is exact at t = 0 and t = 1, unlike a + (b−a)t.
      const double t = n > 1 ? double(row) / double(n - 1) : 0.0;
      x = a * (1.0 - t) + b * t;
    } else {
      const auto index = static_cast<std::uint64_t>(index_offset + row);
      x = a + (b - a) * core::uniform(c.seed, core::Stream::data_inputs, index);
    }
    ds.X[i] = x;
    ds.Y[i] = target1d(x);
  }
  return ds;
}
}  // namespace

double target1d(double x) {
  return relu(2 * x + 0.6) - relu(x) + relu(0.5 * x - 0.4) - relu(1.5 * x - 0.6);
}

Data load_target1d(MPI_Comm comm, const DataConfig& c) {
  const PetscInt n = c.n < 0 ? 100 : c.n;
  const PetscInt n_test = c.n_test < 0 ? 0 : c.n_test;
  Data data;
  data.train = generate(comm, c, n, 0, c.sampling == Sampling::grid);
  // Test points are always random draws at indices n.., so a grid's test set does not
  // repeat the training grid's points.
  data.test = generate(comm, c, n_test, n, false);
  data.name = c.name.empty() ? "target1d" : c.name;
  std::ostringstream os;
  os << "target1d: f(x) = relu(2x+0.6) - relu(x) + relu(0.5x-0.4) - relu(1.5x-0.6), x in ["
     << c.interval[0] << "," << c.interval[1] << "] " << to_string(c.sampling)
     << " (test uniform), seed " << c.seed;
  data.source = os.str();
  return data;
}

}  // namespace terrain::data
