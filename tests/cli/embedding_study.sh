# The embedding study (jobscripts/embedding/study*.sh with inputs/embedding/study*.opts) end to end
# in shrunk form at 2 ranks, its numbers read back with h5py: shared plateaus (study 1), counts
# that never decrease under embedding (study 2), and with tanh on the 1-D target one more
# negative eigenvalue per piece of the split neuron (Fig. 1.5(a)), a reduction that keeps the
# predictions (study 3, also with the chapter's bias-free network on [x; 1]), condensed features
# at one plateau (study 4), and every plot.
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"
out=$work/studies
scripts=jobscripts/embedding

SEEDS=3 STEPS=60000 bash $scripts/study1_loss_spectrum.sh "$build" "$out" > "$work/s1.log" 2>&1 \
  || fail "study 1: $(tail -5 "$work/s1.log")"
TARGET_SEEDS="0" IRIS_SEEDS="4" IRIS_TANH_SEEDS="1" TANH_SEEDS="0" bash $scripts/study2_counts.sh "$build" "$out" \
  > "$work/s2.log" 2>&1 || fail "study 2: $(tail -5 "$work/s2.log")"
STEPS=300 N_TEST=1000 bash $scripts/study3_reduce.sh "$build" "$out" > "$work/s3.log" 2>&1 \
  || fail "study 3: $(tail -5 "$work/s3.log")"
VARIANT=chapter STEPS=300 N_TEST=1000 bash $scripts/study3_reduce.sh "$build" "$out" > "$work/s3c.log" 2>&1 \
  || fail "study 3 (chapter): $(tail -5 "$work/s3c.log")"
WIDTHS="1 3" STEPS=200000 bash $scripts/study4_features.sh "$build" "$out" > "$work/s4.log" 2>&1 \
  || fail "study 4: $(tail -5 "$work/s4.log")"

for png in study1_loss_spectrum.png study2/target1d_s0_eigenvalues.png study2/iris_s4_eigenvalues.png \
  study2/iris_tanh_s1_eigenvalues.png study2/target1d_tanh_s0_eigenvalues.png study3/similarity.png study3/agreement_reduced.png \
  study3/agreement_retrained.png study4_features.png; do
  [ -s "$out/$png" ] || fail "no plot $png"
done

"$python" - "$out" <<'PY' || fail "study numbers"
import glob, sys, h5py, numpy as np
out, bad = sys.argv[1], []
def check(ok, what):
    if not ok:
        bad.append(what)

# Study 1: 5 widths x 3 seeds; the narrowest network's final losses are plateaus the wider ones
# share or pass below.
with h5py.File(f"{out}/study1_loss_spectrum.h5", "r") as f:
    e = f["ensemble"]
    w, final = e["width"][...], e["final_loss"][...]
    check(len(w) == 15 and sorted(set(w)) == [1, 2, 3, 4, 5], f"study 1 runs/widths {w}")
    check(final[w >= 3].min() <= final[w == 1].min() * (1 + 1e-6), "study 1: wider nets not lower")

# Study 2: at Newton critical points, counts (n-, n0, n+) never decrease and n0 grows by at least
# one per added neuron; the output function and the zero gradient are kept.
# The smooth 1-D case (target1d_tanh) is an empirical critical point (|grad L|_2 <= 1e-9, see
# study2_critical_sfn.opts) whose one-neuron splits add one negative, one zero and one positive
# eigenvalue per piece at the relative tau.
embeddings = sorted(glob.glob(f"{out}/study2/*_w[34].h5"))
check(len(embeddings) == 8, f"study 2: {len(embeddings)} embeddings, expected 8")
for path in embeddings:
    smooth = "target1d_tanh" in path
    with h5py.File(path, "r") as f:
        e = f["embedding/split"]
        b, a = e["counts_before"][...], e["counts_after"][...]
        added = int(e.attrs["target_widths"][1] - e.attrs["source_widths"][1])
        check(a[0] >= b[0] and a[2] >= b[2] and a[1] >= b[1] + added, f"{path}: {b} -> {a}")
        check(e.attrs["max_output_difference"] <= 1e-12, f"{path}: output changed")
        gtol = 1e-8 if smooth else 1e-11
        check(e.attrs["grad_norm_before"] <= gtol and e.attrs["grad_norm_after"] <= gtol,
              f"{path}: not a critical point")
        if smooth:
            check(e.attrs["widening"] == "one-neuron" and e.attrs["counts_rtol"] > 0, f"{path}: split")
            check(list(a - b) == [added, added, added], f"{path}: Fig. 1.5(a) {b} -> {a}")
for path in glob.glob(f"{out}/study2/*_w2.h5"):
    with h5py.File(path, "r") as f:
        c = f["critical/point"].attrs
        if "target1d_tanh" in path:
            check(c["grad_norm2"] <= 1e-9 and c["method"] == "sfn", f"{path}: sfn {c['reason']}")
        else:
            check(c["converged"] == 1 and c["grad_norm1"] <= 1e-12, f"{path}: Newton {c['reason']}")
with h5py.File(f"{out}/study2/iris_tanh_s1_w3.h5", "r") as f:  # a saddle stays a saddle
    check(f["embedding/split/counts_before"][0] >= 1, "study 2: the tanh Iris point is no saddle")

# Study 3: a real reduction that keeps most predictions.
with h5py.File(f"{out}/study3/reduced.h5", "r") as f:
    r = f["embedding/reduce"].attrs
    check(r["width_before"] == 400 and 1 <= r["width_after"] < 400, f"study 3 widths {r['width_after']}")
    check(r["agreement"] >= 0.9 and r["n_agreement_samples"] == 1000, f"study 3 agreement {r['agreement']}")
with h5py.File(f"{out}/study3/compare.h5", "r") as f:
    c = f["embedding/compare"]
    # Shrunk, the original has not stalled after 300 steps, so 200 more steps of the reduced net
    # move its predictions on; 0.8 still fails a reduction that lost the function (~0.1 by chance).
    check(c.attrs["agreement"] >= 0.8, f"study 3 retrained agreement {c.attrs['agreement']}")
    check(int(c["agreement_matrix"][...].sum()) == 1000, "study 3 agreement matrix")

# Study 3, the chapter's network: 785 inputs (the appended 1), no biases, a real reduction.
with h5py.File(f"{out}/study3_chapter/reduced.h5", "r") as f:
    r = f["embedding/reduce"].attrs
    check(list(f["model"].attrs["widths"])[0] == 785 and not f["model"].attrs["bias"],
          "study 3 (chapter): not the bias-free 785-input network")
    check(r["width_before"] == 400 and 1 <= r["width_after"] < 400, f"study 3 (chapter) widths {r['width_after']}")
    # Shrunk to 300 steps from the 1e-5 initialisation the network has barely condensed (0.87
    # measured); 0.8 still fails a reduction that lost the function (~0.1 by chance).
    check(r["agreement"] >= 0.8, f"study 3 (chapter) agreement {r['agreement']}")

# Study 4: at the shared plateau every neuron that matters points the same way at both widths.
angles = []
for path in sorted(glob.glob(f"{out}/study4/features_w*.h5")):
    with h5py.File(path, "r") as f:
        e = f["embedding/features"]
        amp, ang = e["amplitude"][...], e["angle"][...]
        check(abs(e.attrs["loss_before"] / 0.00834 - 1) < 5e-3, f"{path}: not on the plateau")
        angles.append(ang[amp > 0.01 * amp.max()])
check(len(angles) == 2, "study 4: expected widths 1 and 3")
if len(angles) == 2:
    allangles = np.concatenate(angles)
    check(np.ptp(allangles) < 1e-3, f"study 4: angles {allangles}")
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
finish
