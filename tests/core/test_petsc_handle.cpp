// The RAII owner of PETSc objects (ownership seen through reference counts) and random Vecs by
// global index.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/petsc_handle.hpp"
#include "core/random_vec.hpp"

using namespace terrain;

namespace {

PetscInt references(Vec v) {
  PetscInt count = 0;
  TERRAIN_PETSC(PetscObjectGetReference(reinterpret_cast<PetscObject>(v), &count));
  return count;
}

// A Vec with an extra reference held here, so the test can watch the owner drop its own.
Vec watched(PetscInt n) {
  Vec v = nullptr;
  TERRAIN_PETSC(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, n, &v));
  TERRAIN_PETSC(PetscObjectReference(reinterpret_cast<PetscObject>(v)));
  return v;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_owner_destroys_once_and_moves_its_handle) {
  Vec v = watched(10);  // two references: one for the owners below, one kept here
  {
    core::OwnedVec a(v);
    BOOST_TEST(references(v) == 2);
    core::OwnedVec b(std::move(a));
    BOOST_TEST(a.get() == nullptr);
    BOOST_TEST(b.get() == v);
    BOOST_TEST(references(v) == 2);
  }
  BOOST_TEST(references(v) == 1);

  TERRAIN_PETSC(PetscObjectReference(reinterpret_cast<PetscObject>(v)));
  core::OwnedVec c(v);
  TERRAIN_PETSC(VecDuplicate(v, c.out()));  // out() drops what c held first
  BOOST_TEST(references(v) == 1);
  BOOST_TEST(c.get() != v);
  c.reset();
  BOOST_TEST(c.get() == nullptr);

  TERRAIN_PETSC(PetscObjectReference(reinterpret_cast<PetscObject>(v)));
  core::OwnedVec d(v);
  Vec raw = d.release();
  BOOST_TEST(d.get() == nullptr);
  BOOST_TEST(references(raw) == 2);
  TERRAIN_PETSC(VecDestroy(&raw));
  TERRAIN_PETSC(VecDestroy(&v));
}

BOOST_AUTO_TEST_CASE(a_vec_list_owns_every_entry) {
  Vec model = watched(7);
  {
    core::VecList list = core::VecList::duplicates(model, 3);
    BOOST_TEST(list.size() == 3u);
    list.push_back(core::OwnedVec(model));
    BOOST_TEST(references(model) == 2);
    core::VecList moved = std::move(list);
    BOOST_TEST(list.empty());
    BOOST_TEST(moved.size() == 4u);
    BOOST_TEST(moved.back() == model);
  }
  BOOST_TEST(references(model) == 1);
  TERRAIN_PETSC(VecDestroy(&model));
}

BOOST_AUTO_TEST_CASE(random_vecs_are_functions_of_the_global_index) {
  const PetscInt n = 101;
  core::OwnedVec v;
  TERRAIN_PETSC(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, n, v.out()));
  PetscInt begin = 0, end = 0;
  TERRAIN_PETSC(VecGetOwnershipRange(v, &begin, &end));
  for (const auto d : {core::Distribution::normal, core::Distribution::rademacher}) {
    core::fill_random(v, d, 9, core::Stream::probe, 1000);
    const double* a = nullptr;
    TERRAIN_PETSC(VecGetArrayRead(v, &a));
    double worst = 0;
    for (PetscInt i = begin; i < end; ++i) {
      const std::uint64_t index = 1000 + std::uint64_t(i);
      const double expected =
          d == core::Distribution::normal
              ? core::normal(9, core::Stream::probe, index)
              : (core::random_bits(9, core::Stream::probe, index) >> 63 ? 1.0 : -1.0);
      worst = std::max(worst, std::abs(a[i - begin] - expected));
    }
    TERRAIN_PETSC(VecRestoreArrayRead(v, &a));
    BOOST_TEST(worst == 0.0);
  }
}
