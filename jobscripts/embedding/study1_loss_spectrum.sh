#!/bin/bash
# Embedding study 1, the loss spectrum (inputs/embedding/study1_loss_spectrum.opts): 1-h-1 ReLU
# networks, h = 1..5, SEEDS seeds each, full-batch GD from a small initialisation; then the loss
# spectrum plot and the plateau values each width visits.
#   bash jobscripts/embedding/study1_loss_spectrum.sh build studies     (about 6 min on 2 cores)
#   SEEDS=4 STEPS=60000 bash ... (a shrunk version, as the test runs it)
source "$(dirname "$0")/common.sh"
file=$out/study1_loss_spectrum.h5
rm -f "$file"
run terrain-train -options_file inputs/embedding/study1_loss_spectrum.opts \
  -ensemble_seeds "${SEEDS:-100}" -train_steps "${STEPS:-300000}" -output "$file" | tail -1
"$build/terrain-plot" "$file" --kind loss_spectrum -o "$out/study1_loss_spectrum.png"
# The plateaus: loss values where many recorded rows of many runs pile up, per width.
"$python" - "$file" <<'PY' | tee "$out/study1_plateaus.txt"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    e = f["ensemble"]
    widths, index = e["width"][...], e["index"][...]
    print("width  runs  final loss: min / median / max   plateaus (median loss of each log10 bin of width 0.02 holding >= 5% of all rows)")
    for w in sorted(set(widths)):
        runs = index[widths == w]
        final = np.array([e[f"run_{i:06d}"]["trajectory/loss"][-1] for i in runs])
        rows = np.concatenate([e[f"run_{i:06d}"]["trajectory/loss"][...] for i in runs])
        counts, edges = np.histogram(np.log10(rows), bins=np.arange(-4, 0.01, 0.02))
        logs = np.log10(rows)
        peaks = [np.median(rows[(logs >= edges[k]) & (logs < edges[k + 1])])
                 for k in np.nonzero(counts >= 0.05 * len(rows))[0]]
        print(f"{w:5d} {len(runs):5d}  {final.min():.4e} / {np.median(final):.4e} / {final.max():.4e}   "
              + ", ".join(f"{p:.4g}" for p in peaks))
PY
echo "study 1 done in $(elapsed): $file, $out/study1_loss_spectrum.png"
