#pragma once
// The global mean loss of a network over a training set distributed by rows over a
// communicator: loss, gradient, and Hessian / Gauss–Newton products with PETSc Vecs.
// Each rank works on its shard with BLAS-3; one reduction finishes each quantity. Forward and
// backward state is cached per θ (the Vec's id and state), so repeated products at one θ pay
// only for the R-passes.
#include <petscmat.h>

#include <vector>

#include "data/dataset.hpp"
#include "model/network.hpp"

namespace terrain::objective {

enum class Curvature { hessian, gauss_newton };

struct Evaluation {
  double loss = 0;
  double accuracy = 0;  // NaN for regression
};

struct Counters {
  long forward_passes = 0, gradients = 0, curvature_vectors = 0;
  long loss_passes = 0;     // forward-only passes (loss, accuracy, evaluate without the cache)
  long repeated_forwards = 0;  // full forwards at a θ whose forward-only loss was just computed
};

class Objective {
 public:
  // `train` must stay alive as long as the objective (its rows are not copied).
  Objective(MPI_Comm comm, const model::Architecture& arch, const data::Dataset& train);
  Objective(const Objective&) = delete;
  Objective& operator=(const Objective&) = delete;

  MPI_Comm comm() const { return comm_; }
  const model::Network& network() const { return net_; }
  PetscInt n_params() const { return net_.n_params(); }
  PetscInt n_samples() const { return n_global_; }  // in the current batch

  // A distributed vector of the parameter layout (PETSc's default split); caller
  // destroys: hold it in a core::OwnedVec.
  Vec create_vec() const;
  // The architecture's initial weights, drawn from (seed, global parameter index).
  void initial_parameters(Vec theta) const;

  // Loss and accuracy come from the cached forward state when it is valid for θ, else from a
  // forward-only pass (Network::forward_loss) that caches only its two sums: a gradient or
  // product that follows still runs its own full forward, bitwise as without the loss call.
  // When a full forward did follow a forward-only loss at the same θ (a loss-then-gradient
  // caller), the next uncached loss runs the full, cached forward instead, so such callers
  // pay one forward per θ; it goes back to forward-only when a loss is not followed so.
  // The two paths agree to a few ulp (exactly for linear and ReLU nets).
  double loss(Vec theta);
  double gradient(Vec theta, Vec grad);  // returns the loss too (always from the full forward)
  double accuracy(Vec theta);            // training accuracy (NaN for regression)
  // y = C(θ) x for one vector or for the m columns of dense matrices (MATDENSE with the Vec
  // row layout), in one pass over the data.
  void curvature_product(Curvature kind, Vec theta, Vec x, Vec y);
  void curvature_product(Curvature kind, Vec theta, Mat X, Mat Y);

  // Loss and accuracy on another dataset sharded over the same communicator (e.g. test).
  Evaluation evaluate(Vec theta, const data::Dataset& data);

  // Restricts the objective to the samples with these global indices (the same list on every
  // rank), or back to the whole training set.
  void use_batch(const std::vector<PetscInt>& global_indices);
  void use_all_samples();

  // Forgets the cached passes (for benchmarks of uncached products).
  void invalidate() { forward_valid_ = backward_valid_ = sums_valid_ = false; }
  const Counters& counters() const { return counters_; }

 private:
  void set_theta(Vec theta);
  void ensure_forward();
  void ensure_backward();
  // This rank's (Σℓ, correct) at the current θ: from the cached forward, the cached sums, or a
  // forward-only pass.
  model::BlockSums local_sums(bool need_correct);
  // Gathers the m local column blocks of `local` (lda) into m full vectors in all_.
  void gather(const double* local, PetscInt lda, PetscInt m, std::vector<double>& all);
  // Sums the m full vectors of `contribution` over ranks into the local blocks of `local`.
  void reduce_scatter(const std::vector<double>& contribution, PetscInt m, double* local, PetscInt lda);
  void products(Curvature kind, Vec theta, const double* x, PetscInt ldx, double* y, PetscInt ldy,
                PetscInt m);

  MPI_Comm comm_;
  model::Network net_;
  const data::Dataset& train_;
  std::vector<PetscInt> ownership_;  // rank r owns parameters [ownership_[r], ownership_[r+1])

  // The active samples: the whole shard, or a minibatch copied out of it.
  const double* x_ = nullptr;
  model::Targets targets_;
  PetscInt n_local_ = 0, n_global_ = 0;
  std::vector<double> batch_x_, batch_y_;
  std::vector<PetscInt> batch_labels_;

  // Cache for one θ.
  PetscObjectId theta_id_ = 0;
  PetscObjectState theta_state_ = -1;
  std::vector<double> theta_;  // replicated
  model::PassState pass_;
  bool forward_valid_ = false, backward_valid_ = false;
  double loss_sum_ = 0;  // Σℓ over the local samples at the cached θ
  // The forward-only sums at θ (nothing else is kept) and their ping-pong buffers.
  model::BlockSums sums_;
  bool sums_valid_ = false;
  bool sums_used_by_forward_ = false;  // a full forward followed the forward-only sums at θ
  bool prefer_full_forward_ = false;   // loss() runs the cached forward (see loss())
  bool forward_for_loss_ = false;      // loss() ran the full forward at θ, no backward yet
  model::ForwardWork work_;

  std::vector<double> x_all_, y_all_, buffer_;
  Counters counters_;
};

}  // namespace terrain::objective
