#include "io/hdf5_util.hpp"

#include <algorithm>
#include <sstream>

namespace terrain::io::detail {

namespace {
herr_t take_innermost(unsigned /*n*/, const H5E_error2_t* error, void* data) {
  auto* text = static_cast<std::string*>(data);
  if (text->empty() && error->desc) *text = error->desc;
  return 0;
}
}  // namespace

std::string hdf5_reason() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_innermost, &text);
  H5Eclear2(H5E_DEFAULT);
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

std::string absolute(const std::string& object) {
  std::string p = object.empty() || object[0] != '/' ? "/" + object : object;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::ostringstream os;
  os << '[';
  for (std::size_t i = 0; i < shape.size(); ++i) os << (i ? ", " : "") << shape[i];
  os << ']';
  return os.str();
}

void bcast_string(MPI_Comm comm, std::string& s) {
  unsigned long long n = s.size();
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  s.resize(n);
  if (n) MPI_Bcast(s.data(), static_cast<int>(n), MPI_CHAR, 0, comm);
}

Handle file_access(MPI_Comm comm) {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fapl_mpio(fapl.get(), comm, MPI_INFO_NULL);
  return fapl;
}

Handle collective_transfer() {
  Handle dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE);
  return dxpl;
}

Handle link_creation() {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  return lcpl;
}

std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& dims) {
  // Appending a row touches few chunks; reading whole columns stays a few large reads.
  std::vector<hsize_t> chunk(dims.size(), 1);
  hsize_t row = 1;
  for (std::size_t i = 1; i < dims.size(); ++i) {
    chunk[i] = std::max<hsize_t>(1, std::min<hsize_t>(dims[i], hsize_t{1} << 16));
    row *= chunk[i];
  }
  chunk[0] = std::max<hsize_t>(1, std::min<hsize_t>(1024, (hsize_t{1} << 16) / row));
  return chunk;
}

void select_block(hid_t space, const std::vector<hsize_t>& offset,
                  const std::vector<hsize_t>& count) {
  if (product(count) == 0)
    H5Sselect_none(space);
  else
    H5Sselect_hyperslab(space, H5S_SELECT_SET, offset.data(), nullptr, count.data(), nullptr);
}

Handle memory_space(const std::vector<hsize_t>& count) {
  std::vector<hsize_t> dims = count;
  bool empty = false;
  for (auto& d : dims)
    if (d == 0) d = 1, empty = true;
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  if (empty) H5Sselect_none(space.get());
  return space;
}

}  // namespace terrain::io::detail
