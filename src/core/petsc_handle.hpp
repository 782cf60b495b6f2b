#pragma once
// The one owner of PETSc and SLEPc objects (DESIGN.md §6, zone 3): a move-only handle that
// calls the type's XDestroy when it goes out of scope, so no error path leaks an object and no
// function needs a `catch (...) { destroy; throw; }`. It converts to the raw handle for calls
// and hands PETSc's creation functions its address through out():
//
//   core::PetscHandle<Vec> g;                     // or core::OwnedVec
//   TERRAIN_PETSC(VecDuplicate(theta, g.out()));  // out() destroys what g held first
//   TERRAIN_PETSC(VecNorm(g, NORM_2, &norm));     // converts to Vec
//
// inout() gives the address without destroying (MatMatMult with MAT_REUSE_MATRIX), object() the
// PetscObject. A temporary owner does not convert (its object would be gone at the end of the
// statement): keep it in a variable. Functions that create an object return the owner.
// The destructor is noexcept and does nothing once PetscFinalize has run (or before
// PetscInitialize), so an owner that outlives the Session is harmless. VecList owns a
// std::vector<Vec>, for the APIs that take an array of Vecs (VecMDot, EPSSetInitialSpace);
// VecReadAccess/VecWriteAccess restore a Vec's array on every exit path.
#include <petscsnes.h>
#include <slepcbv.h>
#include <slepceps.h>

#include <cstddef>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace terrain::core {

namespace detail {
// The destroy function of each owned type, chosen by overload.
inline PetscErrorCode destroy(Vec* h) { return VecDestroy(h); }
inline PetscErrorCode destroy(Mat* h) { return MatDestroy(h); }
inline PetscErrorCode destroy(KSP* h) { return KSPDestroy(h); }
inline PetscErrorCode destroy(SNES* h) { return SNESDestroy(h); }
inline PetscErrorCode destroy(VecScatter* h) { return VecScatterDestroy(h); }
inline PetscErrorCode destroy(IS* h) { return ISDestroy(h); }
inline PetscErrorCode destroy(PetscRandom* h) { return PetscRandomDestroy(h); }
inline PetscErrorCode destroy(PetscViewer* h) { return PetscViewerDestroy(h); }
inline PetscErrorCode destroy(PetscOptions* h) { return PetscOptionsDestroy(h); }
inline PetscErrorCode destroy(EPS* h) { return EPSDestroy(h); }
inline PetscErrorCode destroy(BV* h) { return BVDestroy(h); }
}  // namespace detail

// True between PetscInitialize and PetscFinalize: the only time an object may be destroyed.
inline bool petsc_alive() noexcept { return PetscInitializeCalled && !PetscFinalizeCalled; }

// The communicator of any PETSc object (Vec, Mat, EPS, ...).
template <class T>
MPI_Comm comm_of(T object) {
  MPI_Comm comm;
  TERRAIN_PETSC(PetscObjectGetComm(reinterpret_cast<PetscObject>(object), &comm));
  return comm;
}

template <class T>
class PetscHandle {
 public:
  PetscHandle() = default;
  explicit PetscHandle(T handle) noexcept : h_(handle) {}  // adopts `handle`
  ~PetscHandle() noexcept { reset(); }

  PetscHandle(PetscHandle&& other) noexcept : h_(other.release()) {}
  PetscHandle& operator=(PetscHandle&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  PetscHandle(const PetscHandle&) = delete;
  PetscHandle& operator=(const PetscHandle&) = delete;

  operator T() const& noexcept { return h_; }
  operator T() && = delete;  // a temporary's handle would dangle: keep the owner
  T get() const noexcept { return h_; }
  // For PetscObject calls (PetscObjectGetComm, PetscObjectTypeCompare, ...).
  PetscObject object() const noexcept { return reinterpret_cast<PetscObject>(h_); }

  // For creation functions: destroys the current object and returns where the new one goes.
  T* out() noexcept {
    reset();
    return &h_;
  }
  // The address without destroying: for calls that update the object in place
  // (MatMatMult with MAT_REUSE_MATRIX, or nothing yet held).
  T* inout() noexcept { return &h_; }
  // Gives up ownership (the caller destroys).
  T release() noexcept { return std::exchange(h_, nullptr); }
  // Destroys the current object and adopts `handle`.
  void reset(T handle = nullptr) noexcept {
    if (h_ && petsc_alive()) detail::destroy(&h_);
    h_ = handle;
  }

 private:
  T h_ = nullptr;
};

using OwnedVec = PetscHandle<Vec>;
using OwnedMat = PetscHandle<Mat>;

// Owns every Vec of a std::vector<Vec>, which stays contiguous for PETSc's array calls.
class VecList {
 public:
  VecList() = default;
  ~VecList() noexcept { clear(); }
  VecList(VecList&& other) noexcept : v_(std::move(other.v_)) { other.v_.clear(); }
  VecList& operator=(VecList&& other) noexcept {
    if (this != &other) {
      clear();
      v_ = std::move(other.v_);
      other.v_.clear();
    }
    return *this;
  }
  VecList(const VecList&) = delete;
  VecList& operator=(const VecList&) = delete;

  // `n` new vectors with the layout of `model` (contents undefined, as VecDuplicate).
  static VecList duplicates(Vec model, std::size_t n) {
    VecList list;
    for (std::size_t i = 0; i < n; ++i) list.push_back_duplicate(model);
    return list;
  }

  // Adopts `v`.
  void push_back(OwnedVec&& v) {
    v_.reserve(v_.size() + 1);
    v_.push_back(v.release());
  }
  // Appends a new vector with the layout of `model` and returns it.
  Vec push_back_duplicate(Vec model) {
    OwnedVec v;
    TERRAIN_PETSC(VecDuplicate(model, v.out()));
    push_back(std::move(v));
    return v_.back();
  }
  void clear() noexcept {
    if (petsc_alive())
      for (Vec& v : v_) VecDestroy(&v);
    v_.clear();
  }

  std::size_t size() const noexcept { return v_.size(); }
  bool empty() const noexcept { return v_.empty(); }
  Vec operator[](std::size_t i) const noexcept { return v_[i]; }
  Vec back() const noexcept { return v_.back(); }
  Vec* data() noexcept { return v_.data(); }
  const Vec* data() const noexcept { return v_.data(); }
  const std::vector<Vec>& get() const noexcept { return v_; }
  operator const std::vector<Vec>&() const noexcept { return v_; }

 private:
  std::vector<Vec> v_;
};

// The local array of a Vec, restored on every exit path (VecGetArrayRead/Write and their
// Restore): for code between the two that may throw.
template <class Scalar, PetscErrorCode (*Get)(Vec, Scalar**),
          PetscErrorCode (*Restore)(Vec, Scalar**)>
class VecArrayAccess {
 public:
  explicit VecArrayAccess(Vec v) : v_(v) { TERRAIN_PETSC(Get(v_, &a_)); }
  ~VecArrayAccess() noexcept {
    if (petsc_alive()) Restore(v_, &a_);
  }
  VecArrayAccess(const VecArrayAccess&) = delete;
  VecArrayAccess& operator=(const VecArrayAccess&) = delete;
  Scalar* get() const noexcept { return a_; }

 private:
  Vec v_;
  Scalar* a_ = nullptr;
};

using VecReadAccess = VecArrayAccess<const PetscScalar, VecGetArrayRead, VecRestoreArrayRead>;
using VecWriteAccess = VecArrayAccess<PetscScalar, VecGetArrayWrite, VecRestoreArrayWrite>;

}  // namespace terrain::core
