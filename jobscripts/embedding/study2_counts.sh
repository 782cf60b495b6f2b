#!/bin/bash
# Embedding study 2, Hessian counts under embedding: a width-2 ReLU network trained on the 1-D
# target and on Iris (and a tanh one on Iris, whose critical point is a saddle), Newton to a
# critical point (|grad L|_1 <= 1e-12), equal splits into widths 3 and 4, and (n-, n0, n+) of the
# full spectrum at each width; one plot of the sorted |eigenvalues| per critical point. The table
# also says where GD stopped and how far Newton went from there (from a plateau that is not near
# a critical point it finds a distant one). Seeds whose Newton does not converge (e.g. on a ReLU
# kink) are reported and skipped.
# The smooth case of the chapter's Fig. 1.5(a) (target1d_tanh): the 1-D target with tanh,
# saddle-free Newton to an empirical critical point far out along the loss valley (accepted at
# |grad L|_2 <= 1e-9, see study2_critical_sfn.opts), and ONE neuron (neuron 0) split into 2 and 3
# pieces (widths 3 and 4) with the relative zero tolerance; the ReLU rows split round-robin.
#   bash jobscripts/embedding/study2_counts.sh build studies        (about 2 min on 2 cores)
#   TARGET_SEEDS="0 1" IRIS_SEEDS="4" IRIS_TANH_SEEDS="1" TANH_SEEDS="0" bash ...  (fewer seeds)
source "$(dirname "$0")/common.sh"
dir=$out/study2
mkdir -p "$dir"
rm -f "$dir"/*.h5 "$dir"/*.png
# study <name> <training input> <d_in> <d_out> <seeds...>; the environment CRITICAL and EMBED
# name the terrain-critical and terrain-embed inputs, ACCEPT_GRAD2 (if set) accepts a point that
# did not converge when its |grad L|_2 is at most that.
study() {
  local name=$1 input=$2 d_in=$3 d_out=$4
  shift 4
  for seed in "$@"; do
    local base=$dir/${name}_s$seed
    run terrain-train -options_file "$input" -model_seed "$seed" -output "$base.h5" > "$base.log"
    run terrain-critical -input "$base.h5" -output "${base}_w2.h5" \
      -options_file "${CRITICAL:-inputs/embedding/study2_critical.opts}" >> "$base.log"
    if ! "$python" -c "import h5py,sys; a=h5py.File('${base}_w2.h5')['critical/point'].attrs; sys.exit(0 if a['converged'] or a['grad_norm2'] <= float('${ACCEPT_GRAD2:-0}') else 1)"; then
      echo "$name seed $seed: Newton did not converge (see $base.log); skipped"
      continue
    fi
    local wider=()
    for h in 3 4; do
      run terrain-embed -input "${base}_w2.h5" -output "${base}_w$h.h5" \
        -options_file "${EMBED:-inputs/embedding/study2_embed.opts}" -embed_widths "$d_in,$h,$d_out" >> "$base.log"
      wider+=("${base}_w$h.h5")
    done
    "$build/terrain-plot" "${base}_w2.h5" --also "${wider[@]}" --kind width_eigenvalues \
      -o "${base}_eigenvalues.png" > /dev/null
  done
}
study target1d inputs/embedding/study2_target1d_train.opts 1 1 ${TARGET_SEEDS:-0 1 2 3}
study iris inputs/embedding/study2_iris_train.opts 4 3 ${IRIS_SEEDS:-0 4}
CRITICAL=inputs/embedding/study2_critical_newton.opts \
  study iris_tanh inputs/embedding/study2_iris_tanh_train.opts 4 3 ${IRIS_TANH_SEEDS:-1 3}
CRITICAL=inputs/embedding/study2_critical_sfn.opts EMBED=inputs/embedding/study2_embed_smooth.opts \
  ACCEPT_GRAD2=1e-9 study target1d_tanh inputs/embedding/study2_target1d_tanh_train.opts 1 1 \
  ${TANH_SEEDS:-0 1 2 3}
# The table: counts at the critical point (before) and after each split, from the embeddings.
"$python" - "$dir" <<'PY' | tee "$out/study2_counts.txt"
import glob, os, sys, h5py
rows = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*_w[34].h5"))):
    base = path.rsplit("_w", 1)[0]
    with h5py.File(base + "_w2.h5", "r") as c:  # where Newton started and how far it went
        n = c["critical/point"]
        start_loss, moved = n["loss"][0], n.attrs["distance"]
    with h5py.File(path, "r") as f:
        e = f["embedding/split"]
        w = list(e.attrs["target_widths"])
        split = ("neuron %d" % e.attrs["split_neuron"]) if e.attrs.get("split_neuron", -1) >= 0 \
            else "round-robin"
        tau = "%.0e+%.0e" % (e.attrs["counts_tol"], e.attrs.get("counts_rtol", 0.0))
        rows.append((os.path.basename(base), start_loss, moved, tuple(e["counts_before"][...]),
                     w[1], tuple(e["counts_after"][...]), e.attrs["loss_before"],
                     e.attrs["grad_norm_before"], e.attrs["max_output_difference"], split, tau))
print("run               GD loss     Newton: |moved|  loss        |grad L|_2  "
      "width 2 (n-,n0,n+)  -> width  (n-,n0,n+)   max|df|   split        tau abs+rel")
for name, start, moved, before, width, after, loss, grad, df, split, tau in rows:
    print(f"{name:17s} {start:.4e}  {moved:.1e}          {loss:.4e}  {grad:.1e}    "
          f"{str(before):18s}  ->  {width}    {str(after):13s} {df:.1e}   {split:12s} {tau}")
PY
echo "study 2 done in $(elapsed): $dir"
