// RunFile: attributes on groups and datasets.
#include <algorithm>

#include "core/error.hpp"
#include "io/hdf5_util.hpp"
#include "io/run_file.hpp"

namespace terrain::io {

using namespace detail;

namespace {
std::string attr_text(const std::string& object, const std::string& name) {
  return "attribute " + name + " of " + absolute(object);
}
}  // namespace

void RunFile::write_attr(const std::string& object, const std::string& name,
                         const std::string& value) {
  require_writable();
  std::string text = value;
  bcast_string(comm_, text);
  Handle target = open_or_create_group(object);
  if (H5Aexists(target.get(), name.c_str()) > 0)
    ensure(H5Adelete(target.get(), name.c_str()) >= 0, "cannot replace " + attr_text(object, name));
  // Variable-length UTF-8: h5py reads it back as str, and long texts (the options) have no
  // 64 KiB object-header limit.
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(target.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                         H5P_DEFAULT),
              H5Aclose);
  ensure(attr.valid(), "cannot create " + attr_text(object, name));
  const char* data = text.c_str();
  ensure(H5Awrite(attr.get(), type.get(), &data) >= 0, "cannot write " + attr_text(object, name));
}

void RunFile::write_numeric_attr(const std::string& object, const std::string& name,
                                 hid_t file_type, hid_t mem_type, const void* data, std::size_t n,
                                 bool scalar) {
  Handle target = open_or_create_group(object);
  if (H5Aexists(target.get(), name.c_str()) > 0)
    ensure(H5Adelete(target.get(), name.c_str()) >= 0, "cannot replace " + attr_text(object, name));
  const hsize_t dims = n;
  Handle space(scalar ? H5Screate(H5S_SCALAR)
                      : (n == 0 ? H5Screate(H5S_NULL) : H5Screate_simple(1, &dims, nullptr)),
               H5Sclose);
  Handle attr(H5Acreate2(target.get(), name.c_str(), file_type, space.get(), H5P_DEFAULT,
                         H5P_DEFAULT),
              H5Aclose);
  ensure(attr.valid(), "cannot create " + attr_text(object, name));
  if (n > 0)
    ensure(H5Awrite(attr.get(), mem_type, data) >= 0, "cannot write " + attr_text(object, name));
}

void RunFile::write_attr(const std::string& object, const std::string& name, double value) {
  require_writable();
  MPI_Bcast(&value, 1, MPI_DOUBLE, 0, comm_);
  write_numeric_attr(object, name, Types<double>::file(), Types<double>::memory(), &value, 1, true);
}

void RunFile::write_int_attr(const std::string& object, const std::string& name,
                             std::int64_t value) {
  require_writable();
  MPI_Bcast(&value, 1, MPI_INT64_T, 0, comm_);
  write_numeric_attr(object, name, Types<std::int64_t>::file(), Types<std::int64_t>::memory(),
                     &value, 1, true);
}

void RunFile::write_attr(const std::string& object, const std::string& name,
                         const std::vector<double>& values) {
  require_writable();
  std::vector<double> v = values;
  bcast_vector(comm_, v);
  write_numeric_attr(object, name, Types<double>::file(), Types<double>::memory(), v.data(),
                     v.size(), false);
}

void RunFile::write_attr(const std::string& object, const std::string& name,
                         const std::vector<std::int64_t>& values) {
  require_writable();
  std::vector<std::int64_t> v = values;
  bcast_vector(comm_, v);
  write_numeric_attr(object, name, Types<std::int64_t>::file(), Types<std::int64_t>::memory(),
                     v.data(), v.size(), false);
}

bool RunFile::has_attr(const std::string& object, const std::string& name) const {
  if (!has(object)) return false;
  Handle target = open_object(object);
  int found = H5Aexists(target.get(), name.c_str()) > 0;
  MPI_Allreduce(MPI_IN_PLACE, &found, 1, MPI_INT, MPI_LAND, comm_);
  return found;
}

namespace {
// An open attribute with its type and size, checked to exist.
struct OpenAttr {
  Handle attr, type, space;
  H5T_class_t type_class = H5T_NO_CLASS;
  hssize_t n = 0;
};
}  // namespace

template <class T>
T RunFile::read_attr(const std::string& object, const std::string& name) const {
  const std::string what = attr_text(object, name);
  Handle target = open_object(object);
  const htri_t exists = H5Aexists(target.get(), name.c_str());
  ensure(exists >= 0, "cannot read " + what);
  ensure(exists > 0, absolute(object) + " has no attribute " + name);
  OpenAttr a;
  a.attr = Handle(H5Aopen(target.get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  ensure(a.attr.valid(), "cannot open " + what);
  a.type = Handle(H5Aget_type(a.attr.get()), H5Tclose);
  a.space = Handle(H5Aget_space(a.attr.get()), H5Sclose);
  ensure(a.type.valid() && a.space.valid(), "cannot read " + what);
  a.type_class = H5Tget_class(a.type.get());
  a.n = H5Sget_simple_extent_npoints(a.space.get());

  if constexpr (std::is_same_v<T, std::string>) {
    ensure(a.type_class == H5T_STRING && a.n == 1, what + " is not a text");
    std::string value;
    herr_t status = -1;
    if (H5Tis_variable_str(a.type.get()) > 0) {
      Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(mem.get(), H5T_VARIABLE);
      H5Tset_cset(mem.get(), H5Tget_cset(a.type.get()));
      char* text = nullptr;
      status = H5Aread(a.attr.get(), mem.get(), &text);
      if (status >= 0 && text) value = text;
      if (text) H5free_memory(text);
    } else {
      // Fixed length (numpy bytes): read with the file's own padding, then strip it.
      Handle mem(H5Tcopy(a.type.get()), H5Tclose);
      std::vector<char> buffer(H5Tget_size(a.type.get()) + 1, '\0');
      status = H5Aread(a.attr.get(), mem.get(), buffer.data());
      value.assign(buffer.data(), buffer.size() - 1);
      value.erase(std::find(value.begin(), value.end(), '\0'), value.end());
      if (H5Tget_strpad(a.type.get()) == H5T_STR_SPACEPAD)
        while (!value.empty() && value.back() == ' ') value.pop_back();
    }
    ensure(status >= 0, "cannot read " + what);
    return value;
  } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::int64_t>) {
    ensure(readable_as<T>(a.type_class) && a.n == 1,
           what + " is not a single " + (std::is_same_v<T, double> ? "number" : "integer"));
    T value{};
    ensure(H5Aread(a.attr.get(), Types<T>::memory(), &value) >= 0, "cannot read " + what);
    return value;
  } else {
    using E = typename T::value_type;
    ensure(readable_as<E>(a.type_class) && a.n >= 0,
           what + " is not a list of " + (std::is_same_v<E, double> ? "numbers" : "integers"));
    T values(static_cast<std::size_t>(a.n));
    if (a.n > 0)
      ensure(H5Aread(a.attr.get(), Types<E>::memory(), values.data()) >= 0, "cannot read " + what);
    return values;
  }
}

template std::string RunFile::read_attr<std::string>(const std::string&, const std::string&) const;
template double RunFile::read_attr<double>(const std::string&, const std::string&) const;
template std::int64_t RunFile::read_attr<std::int64_t>(const std::string&,
                                                       const std::string&) const;
template std::vector<double> RunFile::read_attr<std::vector<double>>(const std::string&,
                                                                     const std::string&) const;
template std::vector<std::int64_t> RunFile::read_attr<std::vector<std::int64_t>>(
    const std::string&, const std::string&) const;

}  // namespace terrain::io
