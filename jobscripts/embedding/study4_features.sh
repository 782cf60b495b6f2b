#!/bin/bash
# Embedding study 4, neuron features: for hidden widths 1..5, train (study 1's setting, snapshots
# every 1000 steps) until a seed visits the plateau at loss PLATEAU (default 0.00834, the one
# every width of study 1 passes), take the snapshot in the middle of that visit, and plot the
# (angle, amplitude) of its neurons for all widths together: the neurons sit on the same few
# angles (condensation), so the wide networks act like the narrow one.
#   bash jobscripts/embedding/study4_features.sh build studies     (about 1 min on 2 cores)
#   WIDTHS="2 3" STEPS=100000 bash ...                               (shrunk)
source "$(dirname "$0")/common.sh"
dir=$out/study4
mkdir -p "$dir"
rm -f "$dir"/*.h5 "$dir"/*.png
plateau=${PLATEAU:-0.00834}
found=()
for width in ${WIDTHS:-1 2 3 4 5}; do
  for seed in 0 1 2 3 4 5 6 7 8 9; do
    run_file=$dir/w${width}_s$seed.h5
    run terrain-train -options_file inputs/embedding/study4_features_train.opts \
      -model_widths "1,$width,1" -model_seed "$seed" -train_steps "${STEPS:-300000}" \
      -output "$run_file" > /dev/null
    # The snapshot in the middle of the longest stretch of rows within 0.5% of the plateau.
    step=$("$python" - "$run_file" "$plateau" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
t = f["trajectory"]
near = np.abs(t["loss"][...] / float(sys.argv[2]) - 1) < 5e-3
best, start = (0, -1), None
for i, ok in enumerate(list(near) + [False]):
    if ok and start is None:
        start = i
    if not ok and start is not None:
        best = max(best, (i - start, (start + i - 1) // 2))
        start = None
saved = set(t["params_step"][...].tolist())
step = int(t["step"][best[1]]) if best[0] >= 5 else -1
print(step if step in saved else -1)
PY
)
    if [ "$step" -ge 0 ]; then
      run terrain-embed -input "$run_file" -embed_step "$step" -embed_mode features \
        -output "$dir/features_w$width.h5" > /dev/null
      echo "width $width: seed $seed is on the plateau at step $step"
      found+=("$dir/features_w$width.h5")
      break
    fi
  done
done
[ ${#found[@]} -gt 0 ] || { echo "no run reached the plateau $plateau" >&2; exit 1; }
"$build/terrain-plot" "${found[0]}" --also "${found[@]:1}" --kind features -o "$out/study4_features.png" > /dev/null
"$python" - "${found[@]}" <<'PY' | tee "$out/study4_features.txt"
import sys, h5py, numpy as np
print("width  loss        neurons: angle [rad] (amplitude), amplitude > 1% of the largest")
for path in sys.argv[1:]:
    with h5py.File(path, "r") as f:
        e = f["embedding/features"]
        angle, amp = e["angle"][...], e["amplitude"][...]
        keep = amp > 0.01 * amp.max()
        w = int(f["model"].attrs["widths"][1])
        print(f"{w:5d}  {e.attrs['loss_before']:.4e}  "
              + ", ".join(f"{a:+.3f} ({m:.3f})" for a, m in sorted(zip(angle[keep], amp[keep]))))
PY
echo "study 4 done in $(elapsed): $dir, $out/study4_features.png"
