#include "geometry/direction_record.hpp"

#include <sstream>

#include "objective/replicated.hpp"

namespace terrain::geometry {

namespace {
DirectionInfo info_of(const Direction& d) {
  DirectionInfo i;
  i.kind = to_string(d.kind);
  i.normalisation = to_string(d.normalisation);
  i.bias_policy = to_string(d.bias);
  i.source = d.source;
  i.seed = d.seed;
  i.component = d.component;
  i.norm = d.norm;
  i.eigenvalue = d.eigenvalue;
  i.residual = d.residual;
  i.explained_variance_ratio = d.explained_variance_ratio;
  return i;
}

void write_direction(io::RunFile& f, const std::string& dataset, const DirectionInfo& i,
                     const std::vector<double>& v) {
  f.write_1d(dataset, v);
  f.write_attr(dataset, "kind", i.kind);
  f.write_attr(dataset, "normalisation", i.normalisation);
  f.write_attr(dataset, "bias_policy", i.bias_policy);
  f.write_attr(dataset, "source", i.source);
  f.write_attr(dataset, "seed", i.seed);
  f.write_attr(dataset, "component", i.component);
  f.write_attr(dataset, "norm", i.norm);
  f.write_attr(dataset, "eigenvalue", i.eigenvalue);
  f.write_attr(dataset, "residual", i.residual);
  f.write_attr(dataset, "explained_variance_ratio", i.explained_variance_ratio);
}

DirectionInfo read_direction(const io::RunFile& f, const std::string& dataset,
                             std::vector<double>* v) {
  DirectionInfo i;
  *v = f.read_doubles(dataset).values;
  i.kind = f.read_attr<std::string>(dataset, "kind");
  i.normalisation = f.read_attr<std::string>(dataset, "normalisation");
  i.bias_policy = f.read_attr<std::string>(dataset, "bias_policy");
  i.source = f.read_attr<std::string>(dataset, "source");
  i.seed = f.read_attr<std::int64_t>(dataset, "seed");
  i.component = f.read_attr<std::int64_t>(dataset, "component");
  i.norm = f.read_attr<double>(dataset, "norm");
  i.eigenvalue = f.read_attr<double>(dataset, "eigenvalue");
  i.residual = f.read_attr<double>(dataset, "residual");
  i.explained_variance_ratio = f.read_attr<double>(dataset, "explained_variance_ratio");
  return i;
}
}  // namespace

DirectionRecord DirectionRecord::from(const DirectionSet& set) {
  DirectionRecord r;
  r.x = info_of(set.x);
  r.dx = objective::replicate(set.x.v);
  if (set.y.kind != DirectionKind::none) {
    r.y = info_of(set.y);
    r.dy = objective::replicate(set.y.v);
  }
  r.cosine = set.cosine;
  r.orthogonalized = set.orthogonalized;
  for (const Landmark& l : set.landmarks) {
    r.landmark_names.push_back(l.name);
    r.landmark_x.push_back(l.x);
    r.landmark_y.push_back(l.y);
  }
  r.explained_variance_ratio = set.explained_variance_ratio;
  r.proj_x = set.proj_x;
  r.proj_y = set.proj_y;
  r.proj_step = set.proj_step;
  return r;
}

void DirectionRecord::write(io::RunFile& f, const std::string& group) const {
  f.create_group(group);
  write_direction(f, group + "/xdirection", x, dx);
  if (two_d()) write_direction(f, group + "/ydirection", y, dy);
  f.write_attr(group, "cosine", cosine);
  f.write_attr(group, "orthogonalized", orthogonalized);
  std::string names;
  for (std::size_t k = 0; k < landmark_names.size(); ++k)
    names += (k ? "," : "") + landmark_names[k];
  f.create_group(group + "/landmarks");
  f.write_attr(group + "/landmarks", "names", names);
  f.write_1d(group + "/landmarks/x", landmark_x);
  f.write_1d(group + "/landmarks/y", landmark_y);
  if (!proj_step.empty() || !explained_variance_ratio.empty()) {
    f.create_group(group + "/pca");
    f.write_1d(group + "/pca/explained_variance_ratio", explained_variance_ratio);
    f.write_1d(group + "/pca/proj_xcoord", proj_x);
    f.write_1d(group + "/pca/proj_ycoord", proj_y);
    f.write_1d(group + "/pca/step", proj_step);
  }
}

DirectionRecord DirectionRecord::read(const io::RunFile& f, const std::string& group) {
  DirectionRecord r;
  r.x = read_direction(f, group + "/xdirection", &r.dx);
  if (f.has(group + "/ydirection")) r.y = read_direction(f, group + "/ydirection", &r.dy);
  r.cosine = f.read_attr<double>(group, "cosine");
  r.orthogonalized = f.read_attr<std::int64_t>(group, "orthogonalized") != 0;
  std::istringstream names(f.read_attr<std::string>(group + "/landmarks", "names"));
  for (std::string n; std::getline(names, n, ',');) r.landmark_names.push_back(n);
  r.landmark_x = f.read_doubles(group + "/landmarks/x").values;
  r.landmark_y = f.read_doubles(group + "/landmarks/y").values;
  if (f.has(group + "/pca")) {
    r.explained_variance_ratio = f.read_doubles(group + "/pca/explained_variance_ratio").values;
    r.proj_x = f.read_doubles(group + "/pca/proj_xcoord").values;
    r.proj_y = f.read_doubles(group + "/pca/proj_ycoord").values;
    r.proj_step = f.read_ints(group + "/pca/step").values;
  }
  return r;
}

}  // namespace terrain::geometry
