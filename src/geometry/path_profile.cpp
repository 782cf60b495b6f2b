#include "geometry/path_profile.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "core/progress.hpp"
#include "objective/replicated.hpp"

namespace terrain::geometry {

Barrier barrier_of(const std::vector<double>& t, const std::vector<double>& loss) {
  TERRAIN_CHECK(t.size() == loss.size() && t.size() >= 2,
                "internal: a profile needs at least two points of t and loss");
  const double la = loss.front(), lb = loss.back();
  Barrier b;
  b.height = -INFINITY;
  b.chord = -INFINITY;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (loss[i] > b.height) {
      b.height = loss[i];
      b.t_rise = t[i];
    }
    const double above = loss[i] - ((1 - t[i]) * la + t[i] * lb);
    if (above > b.chord) {
      b.chord = above;
      b.t_chord = t[i];
    }
  }
  b.rise = b.height - std::max(la, lb);
  return b;
}

std::vector<double> profile_grid(PetscInt samples, const std::vector<double>& extra) {
  std::vector<double> t;
  for (PetscInt i = 0; i < samples; ++i)
    t.push_back(samples == 1 ? 0.0 : double(i) / double(samples - 1));
  t.insert(t.end(), extra.begin(), extra.end());
  std::sort(t.begin(), t.end());
  std::vector<double> out;
  for (double x : t)
    if (out.empty() || x - out.back() > 1e-12) out.push_back(x);
  return out;
}

PathProfile sample_profile(const core::WorkGroups& groups, objective::Objective& f,
                           const data::Dataset& train, const data::Dataset* test,
                           const std::vector<double>& t, const PathPoint& point) {
  const std::size_t n = t.size(), columns = test ? 4 : 2;
  core::OwnedVec theta;
  theta.reset(f.create_vec());
  core::Progress progress(groups.comm(), "path profile",
                          PetscInt((n + groups.count() - 1) / std::max(1, groups.count())));
  PetscInt done = 0;
  // Rows of (train loss, train acc[, test loss, test acc]).
  const std::vector<double> values = groups.share_rows(n, columns, [&](std::size_t p, double* row) {
    objective::distribute(point(t[p]), theta);
    const objective::Evaluation on_train = f.evaluate(theta, train);
    row[0] = on_train.loss;
    row[1] = on_train.accuracy;
    if (test) {
      const objective::Evaluation e = f.evaluate(theta, *test);
      row[2] = e.loss;
      row[3] = e.accuracy;
    }
    ++done;
    if (groups.index() == 0) progress.update(done, "t = " + std::to_string(t[p]));
  });
  if (groups.index() == 0) progress.finish();
  PathProfile out;
  out.t = t;
  for (std::size_t p = 0; p < n; ++p) {
    out.train_loss.push_back(values[p * columns]);
    out.train_acc.push_back(values[p * columns + 1]);
    if (test) {
      out.test_loss.push_back(values[p * columns + 2]);
      out.test_acc.push_back(values[p * columns + 3]);
    }
  }
  return out;
}

}  // namespace terrain::geometry
