// CSV with a header row; the last -data_target_columns columns are targets. One non-numeric
// target column makes a classification set whose classes are its sorted distinct strings.
// Files are small, so every rank parses the whole file (identical errors everywhere) and keeps
// its rows.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "data/file_util.hpp"
#include "data/loaders.hpp"
#include "data/row_split.hpp"
#include "data/shard.hpp"

namespace terrain::data {

namespace {

struct Table {
  std::vector<std::string> header;
  PetscInt n_rows = 0;
  std::vector<double> inputs;           // n_rows × d_in
  std::vector<double> targets;          // n_rows × k (regression)
  std::vector<PetscInt> labels;         // n_rows (classification)
  std::vector<std::string> class_names;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  std::string t = s.substr(b, e - b + 1);
  // Quoted fields ("setosa") are common in exported files; embedded commas are not supported.
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  return t;
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    const auto comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

// from_chars is locale-independent and correctly rounded, so the bits match any exact writer.
bool parse_number(const std::string& s, double* value) {
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [ptr, ec] = std::from_chars(b, e, *value);
  return b != e && ec == std::errc() && ptr == e;
}

Table parse(const std::string& path, PetscInt k) {
  std::ifstream in(path);
  TERRAIN_CHECK(in, "cannot open " << path << " (-data_file)");
  Table t;
  std::string line;
  PetscInt line_no = 0;
  while (t.header.empty() && std::getline(in, line)) {
    ++line_no;
    if (!trim(line).empty()) t.header = split_fields(line);
  }
  TERRAIN_CHECK(!in.bad(), "cannot read " << path << " (-data_file)");
  TERRAIN_CHECK(!t.header.empty(), path << " is empty (a header row is expected)");
  const PetscInt n_cols = static_cast<PetscInt>(t.header.size());
  TERRAIN_CHECK(k < n_cols, path << ": -data_target_columns " << k << " leaves no input columns ("
                                 << n_cols << " columns in the header)");
  const PetscInt d_in = n_cols - k;
  auto column = [&](PetscInt j) {
    std::ostringstream os;
    os << "column " << j + 1 << " (" << t.header[j] << ")";
    return os.str();
  };
  bool classification = false;
  std::vector<std::string> names;  // class of each row, while classes are unknown
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    const std::vector<std::string> fields = split_fields(line);
    TERRAIN_CHECK(static_cast<PetscInt>(fields.size()) == n_cols,
                  path << ":" << line_no << ": expected " << n_cols << " columns, found "
                       << fields.size());
    for (PetscInt j = 0; j < n_cols; ++j) {
      const std::string& f = fields[j];
      double v = 0;
      const bool numeric = parse_number(f, &v);
      // The first row decides whether a single target column holds class names.
      if (j == d_in && k == 1 && t.n_rows == 0) classification = !numeric && !f.empty();
      if (j >= d_in && classification) {
        TERRAIN_CHECK(!f.empty(), path << ":" << line_no << ": " << column(j) << " is empty");
        names.push_back(f);
        continue;
      }
      TERRAIN_CHECK(!f.empty(), path << ":" << line_no << ": " << column(j) << " is empty");
      TERRAIN_CHECK(numeric, path << ":" << line_no << ": " << column(j) << ": '" << f
                                  << "' is not a number");
      TERRAIN_CHECK(std::isfinite(v), path << ":" << line_no << ": " << column(j) << ": '" << f
                                           << "' is not finite");
      (j < d_in ? t.inputs : t.targets).push_back(v);
    }
    ++t.n_rows;
  }
  TERRAIN_CHECK(!in.bad(), "cannot read " << path << " (-data_file)");
  TERRAIN_CHECK(t.n_rows > 0, path << " has no data rows");
  if (classification) {
    t.class_names = names;
    std::sort(t.class_names.begin(), t.class_names.end());
    t.class_names.erase(std::unique(t.class_names.begin(), t.class_names.end()),
                        t.class_names.end());
    t.labels.reserve(names.size());
    for (const std::string& s : names)
      t.labels.push_back(static_cast<PetscInt>(
          std::lower_bound(t.class_names.begin(), t.class_names.end(), s) - t.class_names.begin()));
  }
  return t;
}

// This rank's rows of the set made of file rows `rows`.
Dataset take_rows(MPI_Comm comm, const Table& t, const std::vector<PetscInt>& rows, PetscInt d_in,
                  PetscInt d_out) {
  const bool classification = !t.class_names.empty();
  Dataset ds = allocate_shard(comm, static_cast<PetscInt>(rows.size()), d_in, d_out, classification);
  for (PetscInt i = 0; i < ds.n_local; ++i) {
    const std::size_t r = static_cast<std::size_t>(rows[ds.first_row + i]);
    std::copy_n(t.inputs.begin() + r * d_in, d_in, ds.X.begin() + std::size_t(i) * d_in);
    if (classification)
      ds.labels[i] = t.labels[r];
    else
      std::copy_n(t.targets.begin() + r * d_out, d_out, ds.Y.begin() + std::size_t(i) * d_out);
  }
  return ds;
}

}  // namespace

Data load_csv(MPI_Comm comm, const DataConfig& c) {
  check_readable(comm, c.file, "-data_file");
  Table t;
  on_all_ranks(comm, [&] { t = parse(c.file, c.target_columns); });
  const PetscInt d_in = static_cast<PetscInt>(t.header.size()) - c.target_columns;
  const bool classification = !t.class_names.empty();
  const PetscInt d_out =
      classification ? static_cast<PetscInt>(t.class_names.size()) : c.target_columns;
  TERRAIN_CHECK(c.n <= t.n_rows, "-data_n " << c.n << " is more than the " << t.n_rows
                                            << " data rows of " << c.file);
  const PetscInt n = c.n < 0 ? t.n_rows : c.n;
  const RowSplit split = split_rows(n, c.test_fraction, c.seed);
  Data data;
  data.train = take_rows(comm, t, split.train, d_in, d_out);
  data.test = take_rows(comm, t, split.test, d_in, d_out);
  data.class_names = t.class_names;
  data.name = c.name.empty() ? file_stem(c.file) : c.name;
  data.source = c.file;
  return data;
}

}  // namespace terrain::data
