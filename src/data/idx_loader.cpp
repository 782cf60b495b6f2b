// IDX files (the MNIST format): a big-endian header, then unsigned bytes. Gzipped files are
// read through zlib, whose gzopen checks the magic bytes 1f 8b and reads other files as they
// are, so raw and .gz take the same path. Each rank seeks to its own image rows (in a .gz,
// zlib's gzseek decompresses up to them).
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <sstream>

#include "data/file_util.hpp"
#include "data/loaders.hpp"
#include "data/shard.hpp"

namespace terrain::data {

namespace {

constexpr unsigned kUnsignedByte = 0x08;  // IDX type code; the only one MNIST-style data uses

class IdxFile {
 public:
  // Opens `path` and reads its header; `labels` files have one dimension, images two or more.
  IdxFile(const std::string& path, const char* option, bool labels) : path_(path), option_(option) {
    file_ = gzopen(path.c_str(), "rb");
    TERRAIN_CHECK(file_, "cannot open " << path << " (" << option << ")");
    gzbuffer(file_, 1 << 17);
    unsigned char magic[4];
    read_exact(magic, 4);
    const unsigned n_dims = magic[3];
    const unsigned code = unsigned(magic[0]) << 24 | unsigned(magic[1]) << 16 | magic[2] << 8 | n_dims;
    const bool dims_ok = labels ? n_dims == 1 : n_dims >= 2;
    TERRAIN_CHECK(magic[0] == 0 && magic[1] == 0 && magic[2] == kUnsignedByte && dims_ok,
                  path << " (" << option << ") is not an IDX " << (labels ? "label" : "image")
                       << " file: magic 0x" << std::hex << std::setfill('0') << std::setw(8)
                       << code << ", expected 0x" << std::setw(8) << (labels ? 0x801 : 0x803));
    std::uint64_t row_size = 1;
    for (unsigned i = 0; i < n_dims; ++i) {
      unsigned char b[4];
      read_exact(b, 4);
      const std::uint64_t dim = std::uint64_t(b[0]) << 24 | b[1] << 16 | b[2] << 8 | b[3];
      if (i == 0)
        count_ = dim;
      else
        row_size *= dim;
    }
    TERRAIN_CHECK(count_ <= std::uint64_t(PETSC_MAX_INT) && row_size <= std::uint64_t(PETSC_MAX_INT),
                  path << " (" << option << "): dimensions too large for 32-bit PETSc indices");
    row_size_ = row_size;
    header_size_ = 4 + 4 * std::uint64_t(n_dims);
    // A raw file's size is known without reading it: check it against the header up front.
    if (gzdirect(file_)) {
      struct stat st {};
      if (::stat(path.c_str(), &st) == 0) {
        const std::uint64_t expected = header_size_ + count_ * row_size_;
        TERRAIN_CHECK(std::uint64_t(st.st_size) >= expected,
                      path << " (" << option << ") is truncated: its header describes " << expected
                           << " bytes, the file has " << st.st_size);
        TERRAIN_CHECK(std::uint64_t(st.st_size) == expected,
                      path << " (" << option << ") is corrupt: " << st.st_size - expected
                           << " bytes follow the data its header describes");
      }
    }
  }
  ~IdxFile() { gzclose(file_); }
  IdxFile(const IdxFile&) = delete;
  IdxFile& operator=(const IdxFile&) = delete;

  PetscInt count() const { return static_cast<PetscInt>(count_); }
  PetscInt row_size() const { return static_cast<PetscInt>(row_size_); }

  // Rows [first, first + n) into out (n · row_size bytes).
  void read_rows(PetscInt first, PetscInt n, unsigned char* out) {
    if (n == 0) return;
    const z_off_t offset = static_cast<z_off_t>(header_size_ + std::uint64_t(first) * row_size_);
    TERRAIN_CHECK(gzseek(file_, offset, SEEK_SET) == offset,
                  path_ << " (" << option_ << ") is truncated or corrupt: cannot reach row " << first);
    read_exact(out, std::uint64_t(n) * row_size_);
  }

 private:
  void read_exact(unsigned char* out, std::uint64_t bytes) {
    while (bytes > 0) {
      const unsigned chunk = static_cast<unsigned>(std::min<std::uint64_t>(bytes, 1u << 30));
      const int got = gzread(file_, out, chunk);
      if (got < 0 || (got < int(chunk) && !gzeof(file_))) {
        int code = 0;
        std::string why = gzerror(file_, &code);
        // zlib puts the path in front of its message; ours names the file already.
        if (why.rfind(path_ + ": ", 0) == 0) why.erase(0, path_.size() + 2);
        // zlib says Z_BUF_ERROR when a gzip stream ends early.
        TERRAIN_CHECK(code == Z_BUF_ERROR || code == Z_OK,
                      path_ << " (" << option_ << ") is corrupt: " << why);
      }
      TERRAIN_CHECK(got == int(chunk), path_ << " (" << option_ << ") is truncated");
      out += got;
      bytes -= static_cast<std::uint64_t>(got);
    }
  }

  std::string path_;
  const char* option_;
  gzFile file_ = nullptr;
  std::uint64_t count_ = 0, row_size_ = 0, header_size_ = 0;
};

// One set before pixel scaling: this rank's shard with labels, and its pixels as bytes.
struct RawSet {
  Dataset ds;
  std::vector<unsigned char> pixels;  // n_local × d_in
};

std::vector<unsigned char> read_all_labels(const std::string& path, const char* option) {
  IdxFile labels(path, option, true);
  std::vector<unsigned char> all(static_cast<std::size_t>(labels.count()));
  labels.read_rows(0, labels.count(), all.data());
  return all;
}

// Reads this rank's rows of the first n (n < 0: all) image/label pairs. Local only: no
// collectives, so a rank that throws cannot strand the others.
RawSet read_set(MPI_Comm comm, const std::string& images_path, const char* images_option,
                const std::string& labels_path, const char* labels_option,
                const std::vector<unsigned char>& labels, PetscInt n, const char* n_option,
                PetscInt n_classes) {
  IdxFile images(images_path, images_option, false);
  TERRAIN_CHECK(images.count() == static_cast<PetscInt>(labels.size()),
                images_path << " has " << images.count() << " images but " << labels_path
                            << " has " << labels.size() << " labels");
  TERRAIN_CHECK(n <= images.count(), n_option << " " << n << " is more than the "
                                              << images.count() << " images of " << images_path);
  if (n < 0) n = images.count();
  RawSet set;
  set.ds = allocate_shard(comm, n, images.row_size(), n_classes, true);
  for (PetscInt i = 0; i < n; ++i)
    TERRAIN_CHECK(labels[i] < n_classes, labels_path << " (" << labels_option << "): label "
                                                     << int(labels[i]) << " of row " << i
                                                     << " is not one of the " << n_classes
                                                     << " classes of the training labels");
  for (PetscInt i = 0; i < set.ds.n_local; ++i) set.ds.labels[i] = labels[set.ds.first_row + i];
  set.pixels.resize(set.ds.X.size());
  images.read_rows(set.ds.first_row, set.ds.n_local, set.pixels.data());
  return set;
}

// The value each byte 0..255 maps to. `standard` uses one mean and one std over all pixels of
// the training set (not per pixel position: MNIST borders are constant and would divide by
// 0). They come from an exact integer histogram reduced in one MPI_Allreduce, so they are
// bitwise the same at any rank count; a zero std (constant images) is taken as 1.
std::array<double, 256> pixel_table(MPI_Comm comm, Normalize normalize,
                                    const std::vector<unsigned char>& train_pixels,
                                    double* mean_out, double* std_out) {
  std::array<double, 256> table{};
  for (int v = 0; v < 256; ++v) table[v] = normalize == Normalize::none ? v : v / 255.0;
  *mean_out = 0, *std_out = 1;
  if (normalize != Normalize::standard) return table;
  std::array<long long, 256> histogram{};
  for (unsigned char p : train_pixels) ++histogram[p];
  MPI_Allreduce(MPI_IN_PLACE, histogram.data(), 256, MPI_LONG_LONG, MPI_SUM, comm);
  double count = 0, sum = 0;
  for (int v = 0; v < 256; ++v) count += double(histogram[v]), sum += double(histogram[v]) * table[v];
  const double mean = count > 0 ? sum / count : 0.0;
  double squares = 0;
  for (int v = 0; v < 256; ++v) squares += double(histogram[v]) * (table[v] - mean) * (table[v] - mean);
  double std = count > 0 ? std::sqrt(squares / count) : 0.0;
  if (std == 0) std = 1;
  for (int v = 0; v < 256; ++v) table[v] = (table[v] - mean) / std;
  *mean_out = mean, *std_out = std;
  return table;
}

std::string idx_name(const DataConfig& c) {
  if (!c.name.empty()) return c.name;
  const std::string stem = file_stem(c.file);
  // The canonical MNIST file names say nothing; their directory ("fashion-mnist") does.
  const bool canonical = stem.rfind("train-images", 0) == 0 || stem.rfind("t10k-images", 0) == 0;
  const std::string parent = parent_name(c.file);
  return canonical && !parent.empty() ? parent : stem;
}

}  // namespace

Data load_idx(MPI_Comm comm, const DataConfig& c) {
  const bool has_test = !c.test_file.empty();
  check_readable(comm, c.file, "-data_file");
  check_readable(comm, c.labels_file, "-data_labels_file");
  if (has_test) {
    check_readable(comm, c.test_file, "-data_test_file");
    check_readable(comm, c.test_labels_file, "-data_test_labels_file");
  }
  RawSet train, test;
  PetscInt n_classes = 0;
  on_all_ranks(comm, [&] {
    // Labels are one byte per sample: every rank reads the whole file, so the class count
    // (max label + 1) covers all of it and does not change with -data_n.
    const auto labels = read_all_labels(c.labels_file, "-data_labels_file");
    TERRAIN_CHECK(!labels.empty(), c.labels_file << " (-data_labels_file) has no labels");
    n_classes = 1 + *std::max_element(labels.begin(), labels.end());
    train = read_set(comm, c.file, "-data_file", c.labels_file, "-data_labels_file", labels, c.n,
                     "-data_n", n_classes);
    if (has_test) {
      const auto test_labels = read_all_labels(c.test_labels_file, "-data_test_labels_file");
      test = read_set(comm, c.test_file, "-data_test_file", c.test_labels_file,
                      "-data_test_labels_file", test_labels, c.n_test, "-data_n_test", n_classes);
      TERRAIN_CHECK(test.ds.d_in == train.ds.d_in,
                    c.test_file << " has images of " << test.ds.d_in << " pixels, " << c.file
                                << " of " << train.ds.d_in);
    } else {
      test.ds = allocate_shard(comm, 0, train.ds.d_in, n_classes, true);
    }
  });
  double mean = 0, std = 1;
  const auto table = pixel_table(comm, c.normalize, train.pixels, &mean, &std);
  for (RawSet* set : {&train, &test})
    for (std::size_t i = 0; i < set->pixels.size(); ++i) set->ds.X[i] = table[set->pixels[i]];

  Data data;
  data.train = std::move(train.ds);
  data.test = std::move(test.ds);
  data.name = idx_name(c);
  std::ostringstream os;
  os << "idx: images " << c.file << ", labels " << c.labels_file;
  if (has_test) os << ", test images " << c.test_file << ", test labels " << c.test_labels_file;
  os << ", pixels " << to_string(c.normalize);
  if (c.normalize == Normalize::standard) os << " (mean " << mean << ", std " << std << ")";
  data.source = os.str();
  return data;
}

}  // namespace terrain::data
