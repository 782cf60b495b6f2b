# /spectrum/final, terrain-train's spectrum at the end of a run (issue 13 item 16), has the layout
# of any /spectrum/<name>: every attribute and dataset that terrain-spectrum's default analysis
# writes at the same point (loss, gradient, τ, estimates, classification besides the pairs), with
# the same eigenvalues and the same classification, at 1, 2 and 3 ranks.
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"
for np in 1 2 3; do
  run_mpi "$np" "$build/terrain-train" -options_file inputs/quickstart.opts -train_steps 300 -hess_nev 4 \
    -output "$work/run$np.h5" > "$work/train.log" 2>&1 || { fail "np=$np: terrain-train: $(tail -1 "$work/train.log")"; continue; }
  run_mpi "$np" "$build/terrain-spectrum" -input "$work/run$np.h5" -hess_nev 4 > "$work/spectrum.log" 2>&1 \
    || { fail "np=$np: terrain-spectrum: $(tail -1 "$work/spectrum.log")"; continue; }
  "$python" - "$work/run$np.h5" "$np" <<'PY' || fail "np=$np: /spectrum/final differs from /spectrum/analysis"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
final, analysis = f["spectrum/final"], f["spectrum/analysis"]
bad = [f"attribute {a} missing" for a in analysis.attrs if a not in final.attrs]
bad += [f"dataset {d} missing" for d in analysis if d not in final]
for a in ("kind", "index", "critical", "operator", "n_params", "step", "nranks"):
    if a in final.attrs and final.attrs[a] != analysis.attrs[a]:
        bad.append(f"{a}: {final.attrs[a]} vs {analysis.attrs[a]}")
if final.attrs.get("nranks") != int(sys.argv[2]):
    bad.append(f"nranks {final.attrs.get('nranks')}")
for a in ("loss", "grad_norm"):
    if abs(final.attrs[a] - analysis.attrs[a]) > 1e-12 * abs(analysis.attrs[a]):
        bad.append(f"{a}: {final.attrs[a]} vs {analysis.attrs[a]}")
for d in ("largest", "smallest"):
    x, y = final[d][...], analysis[d][...]
    scale = max(np.abs(analysis["eigenvalues"][...]))
    if x.shape != y.shape or np.max(np.abs(x - y)) > 1e-8 * scale:
        bad.append(f"{d}: {x} vs {y}")
if bad:
    sys.exit("; ".join(bad))
PY
done
finish
