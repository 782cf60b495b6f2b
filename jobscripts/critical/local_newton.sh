#!/bin/bash
# Where the critical-point methods go from where GD stopped, as a table:
#  - the smooth 1-D cases (1-2-1 tanh and sigmoid on the 1-D target, seeds 0-3, the embedding
#    study's settings: inputs/critical/tanh_1_2_1_train.opts): newton (line search), trust
#    (bounded to distance 1) and sfn (downhill, then trust), each with its |grad L|_1, distance,
#    H.v, loss and smallest Hessian eigenvalue at the end;
#  - the 1-D ReLU cases (inputs/embedding/study2_target1d_train.opts, seeds 0-3) at 1, 2 and 3
#    ranks with newton and trust: where each ends, and whether the rank count changes it.
#   bash jobscripts/critical/local_newton.sh build studies        (about 3 min on 2 cores)
source "$(dirname "$0")/../embedding/common.sh"
dir=$out/local_newton
mkdir -p "$dir"
rm -f "$dir"/*.h5
for act in tanh sigmoid; do
  for seed in ${SEEDS:-0 1 2 3}; do
    base=$dir/${act}_s$seed
    run terrain-train -options_file inputs/critical/tanh_1_2_1_train.opts -model_activation $act \
      -model_seed $seed -train_print_every 0 -output $base.h5 > $base.log
    run terrain-critical -input $base.h5 -output ${base}_newton.h5 -critical_method newton >> $base.log
    run terrain-critical -input $base.h5 -output ${base}_trust.h5 -critical_method trust \
      -critical_max_distance 1 -critical_max_it 3000 >> $base.log
    run terrain-critical -input $base.h5 -output ${base}_sfn.h5 -critical_method sfn >> $base.log
  done
done
for seed in ${SEEDS:-0 1 2 3}; do
  base=$dir/relu_s$seed
  run terrain-train -options_file inputs/embedding/study2_target1d_train.opts -model_seed $seed \
    -train_print_every 0 -output $base.h5 > $base.log
  for ranks in 1 2 3; do
    for method in newton trust; do
      mpirun --oversubscribe -np $ranks "$build/terrain-critical" -input $base.h5 \
        -output ${base}_${method}_np$ranks.h5 -critical_method $method >> $base.log
    done
  done
done
"$python" - "$dir" <<'PY' | tee "$out/local_newton.txt"
import glob, os, sys, h5py
d = sys.argv[1]
def row(path, method):
    with h5py.File(path, "r") as f:
        c = f["critical"][method].attrs
        lam = f["spectrum"][method]["full"]["eigenvalues"][0]
        loss = f["critical"][method]["loss"]
        return (int(c["converged"]), c["grad_norm1"], c["distance"], int(c["n_matvec"]),
                loss[0], loss[-1], lam, c["reason"])
print("smooth 1-D cases (1-2-1 on the 1-D target, GD end points):")
print(f"{'run':12s} {'method':7s} conv  |g|_1      distance  H.v    loss start -> end          lambda_min  reason")
for path in sorted(glob.glob(os.path.join(d, "*_s[0-9].h5"))):
    name = os.path.basename(path)[:-3]
    if name.startswith("relu"):
        continue
    for m in ("newton", "trust", "sfn"):
        c, g, dist, hv, l0, l1, lam, why = row(path[:-3] + f"_{m}.h5", m)
        print(f"{name:12s} {m:7s} {c:4d}  {g:.2e}  {dist:8.3g}  {hv:5d}  {l0:.6e} -> {l1:.6e}  "
              f"{lam:+.2e}  {why[:60]}")
print("\n1-D ReLU cases (1-2-1): end loss / distance at 1, 2, 3 ranks")
for path in sorted(glob.glob(os.path.join(d, "relu_s[0-9].h5"))):
    name = os.path.basename(path)[:-3]
    for m in ("newton", "trust"):
        cells = []
        for r in (1, 2, 3):
            c, g, dist, hv, l0, l1, lam, why = row(path[:-3] + f"_{m}_np{r}.h5", m)
            cells.append(f"{'conv' if c else 'stop'} {l1:.4e}/{dist:.2g}")
        print(f"{name:8s} {m:7s} " + "  ".join(cells))
PY
echo "local Newton table done in $(elapsed): $out/local_newton.txt"
