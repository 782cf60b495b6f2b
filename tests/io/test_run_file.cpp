// io::RunFile: every writer read back, distributed vectors across different layouts, atomic
// commit, and one-line InputErrors on every rank for bad files.
#include <boost/test/unit_test.hpp>
#include <petscvec.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "io/run_file.hpp"
#include "scratch.hpp"

using namespace terrain;
using io::Extent;
using io::RunFile;
using test::MessageHas;
using test::scratch;

using test::ScratchCleanup;
BOOST_TEST_GLOBAL_FIXTURE(ScratchCleanup);

namespace {

double value_at(PetscInt i) { return std::sin(0.37 * double(i)) + 0.001 * double(i); }

// A Vec of n entries on PETSC_COMM_WORLD with `local` entries here (PETSC_DECIDE: default).
core::OwnedVec make_vec(PetscInt n, PetscInt local = PETSC_DECIDE) {
  core::OwnedVec v;
  TERRAIN_PETSC(VecCreateMPI(PETSC_COMM_WORLD, local, n, v.out()));
  return v;
}

void fill(Vec v) {
  PetscInt begin = 0, end = 0;
  TERRAIN_PETSC(VecGetOwnershipRange(v, &begin, &end));
  PetscScalar* x = nullptr;
  TERRAIN_PETSC(VecGetArray(v, &x));
  for (PetscInt i = begin; i < end; ++i) x[i - begin] = value_at(i);
  TERRAIN_PETSC(VecRestoreArray(v, &x));
}

// True on every rank when every entry of v is value_at(global index), exactly.
bool holds_values(Vec v) {
  PetscInt begin = 0, end = 0;
  TERRAIN_PETSC(VecGetOwnershipRange(v, &begin, &end));
  const PetscScalar* x = nullptr;
  TERRAIN_PETSC(VecGetArrayRead(v, &x));
  int ok = 1;
  for (PetscInt i = begin; i < end; ++i) ok = ok && x[i - begin] == value_at(i);
  TERRAIN_PETSC(VecRestoreArrayRead(v, &x));
  MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_LAND, PETSC_COMM_WORLD);
  return ok;
}

// A deliberately uneven split of n: rank 0 holds nothing when there are several ranks.
PetscInt skewed_local(PetscInt n) {
  const int rank = test::world_rank(), size = test::world_size();
  if (size == 1) return n;
  if (rank == 0) return 0;
  const PetscInt base = n / (size - 1);
  return rank == size - 1 ? n - base * (size - 2) : base;
}

void write_good_file(const std::string& path) {
  RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
  f.write_attr("/", "label", "good");
  f.write_1d("/values", std::vector<double>{1, 2, 3});
  f.commit();
}

}  // namespace

BOOST_AUTO_TEST_CASE(attributes_round_trip) {
  const std::string path = scratch("attrs.h5");
  const std::string long_text(200000, 'x');  // beyond HDF5's 64 KiB object-header limit
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
    f.write_attr("/", "text", "hello, wörld");
    f.write_attr("/", "long_text", long_text);
    f.write_attr("/", "number", 2.5);
    f.write_attr("/", "count", std::int64_t{-7});
    f.write_attr("/", "small", 3);                         // int
    f.write_attr("/", "flag", true);                       // bool
    f.write_attr("/", "big", std::uint64_t{1} << 63);      // keeps its bits
    f.write_attr("/a/b/c", "numbers", std::vector<double>{1.5, -2.5});  // creates /a/b/c
    f.write_attr("/a/b/c", "ints", std::vector<std::int64_t>{4, 5, 6});
    f.write_attr("/a", "empty", std::vector<double>{});
    f.write_1d("/d", std::vector<double>{1});
    f.write_attr("/d", "on_dataset", "yes");
    f.write_attr("/", "number", 3.5);  // replaces
    f.commit();
  }
  RunFile f = RunFile::open_read(PETSC_COMM_WORLD, path);
  BOOST_TEST(f.read_attr<std::string>("/", "text") == "hello, wörld");
  BOOST_TEST(f.read_attr<std::string>("/", "long_text") == long_text);
  BOOST_TEST(f.read_attr<double>("/", "number") == 3.5);
  BOOST_TEST(f.read_attr<std::int64_t>("/", "count") == -7);
  BOOST_TEST(f.read_attr<std::int64_t>("/", "small") == 3);
  BOOST_TEST(f.read_attr<double>("/", "small") == 3.0);  // integers convert to double
  BOOST_TEST(f.read_attr<std::int64_t>("/", "flag") == 1);
  BOOST_TEST(static_cast<std::uint64_t>(f.read_attr<std::int64_t>("/", "big")) ==
             (std::uint64_t{1} << 63));
  BOOST_TEST(f.read_attr<std::vector<double>>("/a/b/c", "numbers") ==
             (std::vector<double>{1.5, -2.5}));
  BOOST_TEST(f.read_attr<std::vector<std::int64_t>>("/a/b/c", "ints") ==
             (std::vector<std::int64_t>{4, 5, 6}));
  BOOST_TEST(f.read_attr<std::vector<double>>("/a", "empty").empty());
  BOOST_TEST(f.read_attr<std::string>("d", "on_dataset") == "yes");  // relative path
  BOOST_TEST(f.has("/a/b/c"));
  BOOST_TEST(f.has("/a/b/"));
  BOOST_TEST(!f.has("/a/x/c"));
  BOOST_TEST(f.has_attr("/", "text"));
  BOOST_TEST(!f.has_attr("/", "nothing"));
  BOOST_TEST(!f.has_attr("/missing", "text"));
  BOOST_CHECK_EXCEPTION(f.read_attr<std::int64_t>("/", "number"), core::InputError,
                        (MessageHas{path, "number", "not a single integer"}));
  BOOST_CHECK_EXCEPTION(f.read_attr<double>("/", "text"), core::InputError,
                        (MessageHas{path, "text"}));
  BOOST_CHECK_EXCEPTION(f.read_attr<std::string>("/", "nothing"), core::InputError,
                        (MessageHas{path, "has no attribute nothing"}));
  BOOST_CHECK_EXCEPTION(f.read_attr<std::string>("/nowhere", "x"), core::InputError,
                        (MessageHas{path, "no /nowhere"}));
  BOOST_CHECK_THROW(f.write_attr("/", "x", 1.0), core::Error);  // read-only
}

BOOST_AUTO_TEST_CASE(replicated_datasets_round_trip) {
  const std::string path = scratch("replicated.h5");
  const std::vector<double> d1 = {1.5, -2, 3e300, 0};
  const std::vector<std::int64_t> i1 = {1, -2, std::int64_t{1} << 40};
  const std::vector<double> d2 = {1, 2, 3, 4, 5, 6};
  const std::vector<std::int64_t> i2 = {1, 2, 3, 4, 5, 6, 7, 8};
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
    f.write_1d("/g/d1", d1);
    f.write_1d("/g/i1", i1);
    f.write_2d("/g/d2", 2, 3, d2);
    f.write_2d("/g/i2", 4, 2, i2, Extent::extendible);
    f.write_1d("/g/empty", std::vector<double>{});
    f.write_1d("/g/grow", std::vector<double>{1, 2}, Extent::extendible);
    f.append_1d("/g/grow", std::vector<double>{3});
    f.append_1d("/g/grow", std::vector<double>{});
    f.append_1d("/g/new", std::vector<std::int64_t>{7, 8});  // created extendible
    f.append_1d("/g/new", std::vector<std::int64_t>{9});
    f.write_1d("/g/d1", d1);  // replacing is fine
    BOOST_CHECK_EXCEPTION(f.append_1d("/g/d1", std::vector<double>{1}), core::InputError,
                          (MessageHas{path, "/g/d1", "not an extendible"}));
    BOOST_CHECK_EXCEPTION(f.append_1d("/g/grow", std::vector<std::int64_t>{1}), core::InputError,
                          (MessageHas{path, "/g/grow"}));
    f.commit();
  }
  RunFile f = RunFile::open_read(PETSC_COMM_WORLD, path);
  auto a = f.read_doubles("/g/d1");
  BOOST_TEST(a.shape == (std::vector<std::size_t>{4}));
  BOOST_TEST(a.values == d1);
  auto b = f.read_ints("/g/i1");
  BOOST_TEST(b.values == i1);
  auto c = f.read_doubles("/g/d2");
  BOOST_TEST(c.shape == (std::vector<std::size_t>{2, 3}));
  BOOST_TEST(c.rows() == 2u);
  BOOST_TEST(c.cols() == 3u);
  BOOST_TEST(c.values == d2);
  auto d = f.read_ints("/g/i2");
  BOOST_TEST(d.shape == (std::vector<std::size_t>{4, 2}));
  BOOST_TEST(d.values == i2);
  BOOST_TEST(f.read_doubles("/g/i2").values[7] == 8.0);  // integers read as doubles
  BOOST_TEST(f.read_doubles("/g/empty").shape == (std::vector<std::size_t>{0}));
  BOOST_TEST(f.read_doubles("/g/grow").values == (std::vector<double>{1, 2, 3}));
  BOOST_TEST(f.read_ints("/g/new").values == (std::vector<std::int64_t>{7, 8, 9}));
  BOOST_TEST(f.shape("/g/d2") == (std::vector<std::size_t>{2, 3}));
  BOOST_CHECK_EXCEPTION(f.read_ints("/g/d1"), core::InputError,
                        (MessageHas{path, "/g/d1", "does not hold integers"}));
  BOOST_CHECK_EXCEPTION(f.read_doubles("/g/missing"), core::InputError,
                        (MessageHas{path, "no dataset /g/missing"}));
  BOOST_CHECK_EXCEPTION(f.read_doubles("/g"), core::InputError,
                        (MessageHas{path, "/g is not a dataset"}));
}

BOOST_AUTO_TEST_CASE(vec_round_trip_across_layouts) {
  const std::string path = scratch("vec.h5");
  for (PetscInt n : {1, 2, 37, 1000}) {
    core::OwnedVec written(make_vec(n));
    fill(written);
    {
      RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
      f.write_vec("/theta", written);
      f.commit();
    }
    core::OwnedVec skewed(make_vec(n, skewed_local(n)));
    core::OwnedVec same(make_vec(n));
    {
      RunFile f = RunFile::open_read(PETSC_COMM_WORLD, path);
      BOOST_TEST(f.shape("/theta") == (std::vector<std::size_t>{std::size_t(n)}));
      f.read_vec("/theta", skewed);
      f.read_vec("/theta", same);
    }
    BOOST_TEST(holds_values(skewed), "n = " << n);
    BOOST_TEST(holds_values(same), "n = " << n);
  }
}

BOOST_AUTO_TEST_CASE(read_vec_rejects_a_wrong_length) {
  const std::string path = scratch("short.h5");
  core::OwnedVec v(make_vec(10));
  fill(v);
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
    f.write_vec("/theta", v);
    f.write_2d("/matrix", 2, 5, std::vector<double>(10, 1.0));
    f.commit();
  }
  core::OwnedVec longer(make_vec(11));
  RunFile f = RunFile::open_read(PETSC_COMM_WORLD, path);
  BOOST_CHECK_EXCEPTION(f.read_vec("/theta", longer), core::InputError,
                        (MessageHas{path, "/theta", "[10]", "[11]"}));
  BOOST_CHECK_EXCEPTION(f.read_vec("/matrix", v), core::InputError,
                        (MessageHas{path, "/matrix", "[2, 5]", "[10]"}));
  BOOST_CHECK_EXCEPTION(f.read_vec("/nothing", v), core::InputError,
                        (MessageHas{path, "/nothing"}));
}

BOOST_AUTO_TEST_CASE(rows_round_trip_across_splits) {
  const std::string path = scratch("rows.h5");
  const std::size_t n_rows = 11, n_cols = 3;
  const int rank = test::world_rank(), size = test::world_size();
  auto value = [](std::size_t r, std::size_t c) { return double(100 * r + c); };
  // Write in PETSc's split, read back in the reverse one.
  auto split = [&](int who, std::size_t* first, std::size_t* count) {
    const std::size_t base = n_rows / size, extra = n_rows % size;
    *count = base + (std::size_t(who) < extra ? 1 : 0);
    *first = who * base + std::min<std::size_t>(who, extra);
  };
  std::size_t first = 0, count = 0;
  split(rank, &first, &count);
  std::vector<double> mine;
  for (std::size_t r = first; r < first + count; ++r)
    for (std::size_t c = 0; c < n_cols; ++c) mine.push_back(value(r, c));
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
    f.write_rows("/x", n_rows, n_cols, first, count, mine.data());
    BOOST_CHECK_EXCEPTION(f.write_rows("/bad", n_rows, n_cols, n_rows, 1, mine.data()),
                          core::InputError, (MessageHas{path, "/bad"}));
    f.commit();
  }
  RunFile f = RunFile::open_read(PETSC_COMM_WORLD, path);
  const auto whole = f.read_doubles("/x");
  BOOST_TEST(whole.shape == (std::vector<std::size_t>{n_rows, n_cols}));
  int ok = 1;
  for (std::size_t r = 0; r < n_rows; ++r)
    for (std::size_t c = 0; c < n_cols; ++c) ok = ok && whole.values[r * n_cols + c] == value(r, c);
  split(size - 1 - rank, &first, &count);
  std::vector<double> back(count * n_cols, -1.0);
  f.read_rows("/x", first, count, n_cols, back.data());
  for (std::size_t r = 0; r < count; ++r)
    for (std::size_t c = 0; c < n_cols; ++c)
      ok = ok && back[r * n_cols + c] == value(first + r, c);
  MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_LAND, PETSC_COMM_WORLD);
  BOOST_TEST(ok);
  BOOST_CHECK_EXCEPTION(f.read_rows("/x", 0, 1, n_cols + 1, back.data()), core::InputError,
                        (MessageHas{path, "/x", "[11, 3]"}));
  // Only the last rank asks for too many rows: every rank must still throw.
  BOOST_CHECK_EXCEPTION(f.read_rows("/x", rank == size - 1 ? n_rows : 0, 1, n_cols, back.data()),
                        core::InputError, (MessageHas{path, "/x", "11 rows"}));
}

BOOST_AUTO_TEST_CASE(append_vec_grows_rows) {
  const std::string path = scratch("append.h5");
  const PetscInt n = 23;
  core::OwnedVec v(make_vec(n));
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, path);
    for (int k = 0; k < 3; ++k) {
      fill(v);
      TERRAIN_PETSC(VecScale(v, double(k + 1)));
      f.append_vec("/trajectory/params", v);
    }
    core::OwnedVec other(make_vec(n + 1));
    BOOST_CHECK_EXCEPTION(f.append_vec("/trajectory/params", other), core::InputError,
                          (MessageHas{path, "/trajectory/params", "[3, 23]", "row of 24"}));
    f.commit();
  }
  RunFile f = RunFile::open_read(PETSC_COMM_WORLD, path);
  const auto a = f.read_doubles("/trajectory/params");
  BOOST_TEST(a.shape == (std::vector<std::size_t>{3, std::size_t(n)}));
  int ok = 1;
  for (int k = 0; k < 3; ++k)
    for (PetscInt i = 0; i < n; ++i) ok = ok && a.values[k * n + i] == (k + 1) * value_at(i);
  BOOST_TEST(ok);
}

BOOST_AUTO_TEST_CASE(commit_is_atomic) {
  const std::string good = scratch("good.h5");
  write_good_file(good);
  const auto temporaries = [&] {
    int n = 0;
    if (test::world_rank() == 0)
      for (const auto& e : std::filesystem::directory_iterator(test::scratch_dir()))
        n += e.path().filename().string().find(".tmp.") != std::string::npos;
    MPI_Bcast(&n, 1, MPI_INT, 0, PETSC_COMM_WORLD);
    return n;
  };
  // Abandoned writes over an existing good file leave it untouched.
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, good);
    f.write_attr("/", "label", "bad");
    f.write_1d("/values", std::vector<double>{9});
  }
  BOOST_CHECK_THROW(
      {
        RunFile f = RunFile::create(PETSC_COMM_WORLD, good);
        f.write_attr("/", "label", "bad");
        TERRAIN_CHECK(false, "a failure before commit");
      },
      core::InputError);
  {
    RunFile f = RunFile::open_update(PETSC_COMM_WORLD, good);
    f.write_attr("/", "label", "bad");
  }
  BOOST_TEST(temporaries() == 0);
  {
    RunFile f = RunFile::open_read(PETSC_COMM_WORLD, good);
    BOOST_TEST(f.read_attr<std::string>("/", "label") == "good");
    BOOST_TEST(f.read_doubles("/values").values == (std::vector<double>{1, 2, 3}));
  }
  // An abandoned new file never appears.
  const std::string fresh = scratch("never.h5");
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, fresh);
    f.write_attr("/", "label", "x");
  }
  BOOST_TEST(!test::file_exists(fresh));
  // A committed update replaces the file and keeps what it did not change.
  {
    RunFile f = RunFile::open_update(PETSC_COMM_WORLD, good);
    f.write_attr("/", "label", "updated");
    f.write_1d("/more", std::vector<std::int64_t>{1});
    BOOST_TEST(test::file_exists(good));
    f.commit();
    BOOST_CHECK_THROW(f.write_attr("/", "x", 1), core::Error);  // closed
  }
  BOOST_TEST(temporaries() == 0);
  RunFile f = RunFile::open_read(PETSC_COMM_WORLD, good);
  BOOST_TEST(f.read_attr<std::string>("/", "label") == "updated");
  BOOST_TEST(f.read_doubles("/values").values == (std::vector<double>{1, 2, 3}));
  BOOST_TEST(f.read_ints("/more").values == (std::vector<std::int64_t>{1}));
}

BOOST_AUTO_TEST_CASE(bad_files_fail_on_every_rank) {
  const std::string missing = scratch("missing.h5");
  BOOST_CHECK_EXCEPTION(RunFile::open_read(PETSC_COMM_WORLD, missing), core::InputError,
                        (MessageHas{missing, "no such file"}));

  const std::string text = scratch("text.h5");
  test::write_text_file(text, "this is not HDF5\n");
  BOOST_CHECK_EXCEPTION(RunFile::open_read(PETSC_COMM_WORLD, text), core::InputError,
                        (MessageHas{text, "not an HDF5 file"}));

  const std::string empty = scratch("empty.h5");
  test::write_text_file(empty, "");
  BOOST_CHECK_EXCEPTION(RunFile::open_read(PETSC_COMM_WORLD, empty), core::InputError,
                        (MessageHas{empty, "not an HDF5 file"}));

  BOOST_CHECK_EXCEPTION(RunFile::open_read(PETSC_COMM_WORLD, test::scratch_dir()),
                        core::InputError, (MessageHas{test::scratch_dir(), "directory"}));

  // A good file cut in half: the signature is intact, the rest is missing.
  const std::string truncated = scratch("truncated.h5");
  {
    RunFile f = RunFile::create(PETSC_COMM_WORLD, truncated);
    f.write_1d("/big", std::vector<double>(5000, 1.0));
    f.commit();
  }
  if (test::world_rank() == 0)
    std::filesystem::resize_file(truncated, std::filesystem::file_size(truncated) / 2);
  MPI_Barrier(PETSC_COMM_WORLD);
  BOOST_CHECK_EXCEPTION(RunFile::open_read(PETSC_COMM_WORLD, truncated), core::InputError,
                        (MessageHas{truncated, "damaged HDF5 file"}));
  BOOST_CHECK_EXCEPTION(RunFile::open_update(PETSC_COMM_WORLD, truncated), core::InputError,
                        (MessageHas{truncated, "damaged HDF5 file"}));

  const std::string nowhere = scratch("no/such/dir/run.h5");
  BOOST_CHECK_EXCEPTION(RunFile::create(PETSC_COMM_WORLD, nowhere), core::InputError,
                        (MessageHas{nowhere, "cannot create"}));
}

BOOST_AUTO_TEST_CASE(sub_communicators_write_their_own_files) {
  // Ensembles split the world into groups; each group owns one file.
  const int rank = test::world_rank();
  MPI_Comm group = MPI_COMM_NULL;
  MPI_Comm_split(PETSC_COMM_WORLD, rank % 2, rank, &group);
  const std::string path = scratch("group" + std::to_string(rank % 2) + ".h5");
  core::OwnedVec v;
  TERRAIN_PETSC(VecCreateMPI(group, PETSC_DECIDE, 17, v.out()));
  fill(v);
  {
    RunFile f = RunFile::create(group, path);
    f.write_attr("/", "group", rank % 2);
    f.write_vec("/v", v);
    f.commit();
  }
  core::OwnedVec back;
  TERRAIN_PETSC(VecDuplicate(v, back.out()));
  {
    RunFile f = RunFile::open_read(group, path);
    BOOST_TEST(f.read_attr<std::int64_t>("/", "group") == rank % 2);
    f.read_vec("/v", back);
    if (test::world_size() > 1) {
      // A Vec on other ranks than the file's is refused, not silently misread.
      core::OwnedVec world(make_vec(17));
      BOOST_CHECK_EXCEPTION(f.read_vec("/v", world), core::InputError,
                            (MessageHas{path, "communicator"}));
    }
  }
  PetscBool same = PETSC_FALSE;
  TERRAIN_PETSC(VecEqual(v, back, &same));
  BOOST_TEST(same == PETSC_TRUE);
  MPI_Comm_free(&group);
}
