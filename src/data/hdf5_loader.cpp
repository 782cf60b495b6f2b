// HDF5 input: dataset X [n × d] and either Y [n × k] (or [n]) for regression or integer labels
// [n] for classification. Opened with the MPI-IO driver; every rank reads one hyperslab of
// each dataset, collectively. Metadata reads are collective too (rank 0 reads, all agree),
// so every shape check below sees the same answer on every rank.
#include <hdf5.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <sstream>

#include "data/file_util.hpp"
#include "data/loaders.hpp"
#include "data/row_split.hpp"
#include "data/shard.hpp"

namespace terrain::data {

namespace {

// Owns an HDF5 identifier; closing is noexcept and happens on every rank in the same order.
class H5Id {
 public:
  H5Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~H5Id() {
    if (id_ >= 0) close_(id_);
  }
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
  operator hid_t() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// HDF5 prints its error stack on every failing call; our errors are one line.
class SilenceHdf5 {
 public:
  SilenceHdf5() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~SilenceHdf5() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

struct Shape {
  int n_dims = 0;
  hsize_t dims[2] = {0, 1};  // rows, columns (1 for a 1-D dataset)
  H5T_class_t type_class = H5T_NO_CLASS;
};

Shape shape_of(hid_t dataset, const std::string& path, const char* name) {
  H5Id space(H5Dget_space(dataset), H5Sclose);
  H5Id type(H5Dget_type(dataset), H5Tclose);
  Shape s;
  s.n_dims = space.ok() ? H5Sget_simple_extent_ndims(space) : -1;
  TERRAIN_CHECK(s.n_dims == 1 || s.n_dims == 2,
                path << ": dataset " << name << " must have 1 or 2 dimensions, it has " << s.n_dims);
  H5Sget_simple_extent_dims(space, s.dims, nullptr);
  if (s.n_dims == 1) s.dims[1] = 1;
  s.type_class = type.ok() ? H5Tget_class(type) : H5T_NO_CLASS;
  return s;
}

bool exists(hid_t file, const char* name) { return H5Lexists(file, name, H5P_DEFAULT) > 0; }

// Collective: this rank's rows [lo, hi) of a dataset with `cols` columns, converted to
// mem_type. A rank with no rows still takes part with an empty selection.
void read_rows(MPI_Comm comm, hid_t dataset, const Shape& s, hsize_t lo, hsize_t hi,
               hid_t mem_type, void* out, const std::string& path, const char* name) {
  H5Id file_space(H5Dget_space(dataset), H5Sclose);
  const hsize_t n = hi - lo;
  const hsize_t start[2] = {lo, 0}, count[2] = {n, s.dims[1]};
  const hsize_t mem_size = std::max<hsize_t>(n * s.dims[1], 1);
  H5Id mem_space(H5Screate_simple(1, &mem_size, nullptr), H5Sclose);
  if (n > 0) {
    H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr);
  } else {
    H5Sselect_none(file_space);
    H5Sselect_none(mem_space);
  }
  H5Id transfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  H5Pset_dxpl_mpio(transfer, H5FD_MPIO_COLLECTIVE);
  double dummy[1];
  const herr_t status = H5Dread(dataset, mem_type, mem_space, file_space, transfer,
                                n > 0 ? out : static_cast<void*>(dummy));
  core::check_all(comm, status >= 0, "cannot read dataset " + std::string(name) + " of " + path);
}

// The file rows this rank's shards need, as one range [lo, hi): a shard's rows are sorted and
// the train and test shards of a rank cover about the same part of the file, so the range is
// about n/size rows and one collective read per dataset suffices.
void span_of(const std::vector<PetscInt>& rows, const Dataset& ds, hsize_t* lo, hsize_t* hi) {
  if (ds.n_local == 0) return;
  *lo = std::min<hsize_t>(*lo, rows[ds.first_row]);
  *hi = std::max<hsize_t>(*hi, rows[ds.first_row + ds.n_local - 1] + 1);
}

// Copies the shard's rows out of the span buffer, checking every value is finite.
void take_rows(const std::vector<PetscInt>& rows, hsize_t lo, const std::vector<double>& span,
               PetscInt cols, Dataset& ds, std::vector<double>& dest, const std::string& path,
               const char* name, std::string* problem) {
  for (PetscInt i = 0; i < ds.n_local; ++i) {
    const std::size_t r = static_cast<std::size_t>(rows[ds.first_row + i]);
    const double* src = span.data() + (r - lo) * cols;
    for (PetscInt j = 0; j < cols; ++j)
      if (!std::isfinite(src[j]) && problem->empty()) {
        std::ostringstream os;
        os << path << ": dataset " << name << " has a non-finite value in row " << r;
        *problem = os.str();
      }
    std::copy_n(src, cols, dest.begin() + std::size_t(i) * cols);
  }
}

}  // namespace

Data load_hdf5(MPI_Comm comm, const DataConfig& c) {
  const std::string& path = c.file;
  check_readable(comm, path, "-data_file");
  on_all_ranks(comm, [&] {
    SilenceHdf5 quiet;
    TERRAIN_CHECK(H5Fis_hdf5(path.c_str()) > 0, path << " (-data_file) is not an HDF5 file");
  });
  SilenceHdf5 quiet;
  H5Id access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fapl_mpio(access, comm, MPI_INFO_NULL);
  H5Pset_all_coll_metadata_ops(access, true);
  H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, access), H5Fclose);
  core::check_all(comm, file.ok(), path + " (-data_file) is not a readable HDF5 file (truncated, corrupt, or locked by a writer)");

  // --- shapes (metadata: identical on every rank) ---
  TERRAIN_CHECK(exists(file, "X"), path << " has no dataset X");
  H5Id x(H5Dopen2(file, "X", H5P_DEFAULT), H5Dclose);
  TERRAIN_CHECK(x.ok(), path << ": X is not a dataset");
  const Shape xs = shape_of(x, path, "X");
  TERRAIN_CHECK(xs.n_dims == 2, path << ": dataset X must be 2-D [n x d], it is 1-D");
  TERRAIN_CHECK(xs.type_class == H5T_FLOAT || xs.type_class == H5T_INTEGER,
                path << ": dataset X must hold numbers");
  TERRAIN_CHECK(xs.dims[0] >= 1 && xs.dims[1] >= 1, path << ": dataset X is empty");
  TERRAIN_CHECK(xs.dims[0] <= hsize_t(PETSC_MAX_INT) && xs.dims[1] <= hsize_t(PETSC_MAX_INT),
                path << ": dataset X is too large for 32-bit PETSc indices");
  const PetscInt n_file = static_cast<PetscInt>(xs.dims[0]);
  const PetscInt d_in = static_cast<PetscInt>(xs.dims[1]);

  const bool has_y = exists(file, "Y"), has_labels = exists(file, "labels");
  TERRAIN_CHECK(has_y != has_labels, path << (has_y ? " has both Y and labels; keep one"
                                                    : " has neither dataset Y nor dataset labels"));
  const char* target_name = has_y ? "Y" : "labels";
  H5Id target(H5Dopen2(file, target_name, H5P_DEFAULT), H5Dclose);
  TERRAIN_CHECK(target.ok(), path << ": " << target_name << " is not a dataset");
  const Shape ts = shape_of(target, path, target_name);
  TERRAIN_CHECK(ts.dims[0] == xs.dims[0], path << ": dataset " << target_name << " has "
                                               << ts.dims[0] << " rows but X has " << xs.dims[0]);
  if (has_y) {
    TERRAIN_CHECK(ts.type_class == H5T_FLOAT || ts.type_class == H5T_INTEGER,
                  path << ": dataset Y must hold numbers");
    TERRAIN_CHECK(ts.dims[1] >= 1, path << ": dataset Y has no columns");
  } else {
    TERRAIN_CHECK(ts.n_dims == 1, path << ": dataset labels must be 1-D [n]");
    TERRAIN_CHECK(ts.type_class == H5T_INTEGER, path << ": dataset labels must hold integers");
  }
  TERRAIN_CHECK(c.n <= n_file, "-data_n " << c.n << " is more than the " << n_file
                                          << " rows of X in " << path);
  const PetscInt n = c.n < 0 ? n_file : c.n;

  // --- classes: the attribute n_classes, else max + 1 over every label of the file ---
  PetscInt d_out = static_cast<PetscInt>(ts.dims[1]);
  if (has_labels) {
    long long declared = -1;
    if (H5Aexists(target, "n_classes") > 0) {
      H5Id attr(H5Aopen(target, "n_classes", H5P_DEFAULT), H5Aclose);
      const bool read = attr.ok() && H5Aread(attr, H5T_NATIVE_LLONG, &declared) >= 0;
      TERRAIN_CHECK(read && declared >= 1 && declared <= PETSC_MAX_INT,
                    path << ": attribute n_classes of labels must be a positive integer");
    }
    int rank = 0, size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    PetscInt first = 0, count = 0;
    local_rows(n_file, rank, size, &first, &count);
    std::vector<long long> share(count);
    read_rows(comm, target, ts, first, first + count, H5T_NATIVE_LLONG, share.data(), path, "labels");
    long long max_label = -1;
    std::string problem;
    for (PetscInt i = 0; i < count && problem.empty(); ++i) {
      const long long v = share[i];
      if (v < 0 || (declared >= 1 && v >= declared)) {
        std::ostringstream os;
        os << path << ": labels[" << first + i << "] = " << v << " is outside [0, "
           << (declared >= 1 ? std::to_string(declared) : std::string("n_classes")) << ")";
        problem = os.str();
      }
      max_label = std::max(max_label, v);
    }
    core::check_all(comm, problem.empty(), problem);
    MPI_Allreduce(MPI_IN_PLACE, &max_label, 1, MPI_LONG_LONG, MPI_MAX, comm);
    TERRAIN_CHECK(declared >= 1 || max_label < PETSC_MAX_INT, path << ": labels too large");
    d_out = static_cast<PetscInt>(declared >= 1 ? declared : max_label + 1);
  }

  // --- this rank's rows of the split ---
  const RowSplit split = split_rows(n, c.test_fraction, c.seed);
  Data data;
  data.train = allocate_shard(comm, static_cast<PetscInt>(split.train.size()), d_in, d_out, has_labels);
  data.test = allocate_shard(comm, static_cast<PetscInt>(split.test.size()), d_in, d_out, has_labels);
  hsize_t lo = hsize_t(n), hi = 0;
  span_of(split.train, data.train, &lo, &hi);
  span_of(split.test, data.test, &lo, &hi);
  if (hi <= lo) lo = hi = 0;

  std::string problem;
  std::vector<double> span(static_cast<std::size_t>(hi - lo) * d_in);
  read_rows(comm, x, xs, lo, hi, H5T_NATIVE_DOUBLE, span.data(), path, "X");
  take_rows(split.train, lo, span, d_in, data.train, data.train.X, path, "X", &problem);
  take_rows(split.test, lo, span, d_in, data.test, data.test.X, path, "X", &problem);
  if (has_y) {
    span.assign(static_cast<std::size_t>(hi - lo) * d_out, 0.0);
    read_rows(comm, target, ts, lo, hi, H5T_NATIVE_DOUBLE, span.data(), path, "Y");
    take_rows(split.train, lo, span, d_out, data.train, data.train.Y, path, "Y", &problem);
    take_rows(split.test, lo, span, d_out, data.test, data.test.Y, path, "Y", &problem);
  } else {
    std::vector<long long> labels(hi - lo);
    read_rows(comm, target, ts, lo, hi, H5T_NATIVE_LLONG, labels.data(), path, "labels");
    for (Dataset* ds : {&data.train, &data.test}) {
      const auto& rows = ds == &data.train ? split.train : split.test;
      for (PetscInt i = 0; i < ds->n_local; ++i)
        ds->labels[i] = static_cast<PetscInt>(labels[rows[ds->first_row + i] - lo]);
    }
  }
  core::check_all(comm, problem.empty(), problem);

  data.name = c.name.empty() ? file_stem(path) : c.name;
  data.source = path;
  return data;
}

}  // namespace terrain::data
