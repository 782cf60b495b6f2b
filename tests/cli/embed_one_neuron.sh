# terrain-embed's one-neuron k-way split, relative count tolerance and -data_append_one, end to
# end at 1, 2 and 3 ranks on the 1-2-1 tanh network of op_train.opts: -embed_split_neuron 1 to
# widths 1,4,1 splits neuron 1 into 3 pieces with shares 1/3 (the map and shares stored), keeps
# the output function, and records widening/split_neuron; -embed_counts_rtol stores the rule
# and each spectrum's tau = max(atol, rtol * max|lambda|), and the stored counts are those of
# the stored spectra at that tau; the same at every rank count. Bad input names the option.
# A run trained with -data_append_one -model_bias false reloads the same 2-column inputs in
# terrain-embed from the recorded options, and fails with -data_ options that lack it.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/errors.bash"
source "$(dirname "$0")/lib/embed.bash"
cd "$source_dir"
ops=inputs/embedding

run_mpi 2 "$build/terrain-train" -options_file $ops/op_train.opts -output "$work/w2.h5" \
  > "$work/train.log" 2>&1 || { fail "terrain-train op_train.opts"; cat "$work/train.log"; }
for np in 1 2 3; do
  embed $np one.$np.log -input "$work/w2.h5" -output "$work/one.$np.h5" -embed_mode split \
    -embed_widths 1,4,1 -embed_split_neuron 1 -embed_counts -embed_counts_rtol 1e-9
done
embed 2 rr.log -input "$work/w2.h5" -output "$work/rr.h5" -embed_mode split -embed_widths 1,4,1 \
  -embed_counts
grep -q "one-neuron of neuron 1" "$work/one.2.log" || fail "the split policy was not printed"

"$python" - "$work" <<'PY' || fail "one-neuron split files"
import sys, h5py, numpy as np
w = sys.argv[1]
ref = None
for np_ in (1, 2, 3):
    g = h5py.File(f"{w}/one.{np_}.h5", "r")["embedding/split"]
    a = g.attrs
    assert a["widening"] == "one-neuron" and a["split_neuron"] == 1 and a["split_rule"] == "equal", dict(a)
    assert list(g["map_l1"][:]) == [0, 1, 1, 1], g["map_l1"][:]
    assert np.allclose(g["alpha_l1"][:], [1, 1 / 3, 1 / 3, 1 / 3], rtol=0, atol=1e-16), g["alpha_l1"][:]
    assert a["max_output_difference"] <= 1e-13, a["max_output_difference"]
    assert abs(a["loss_after"] - a["loss_before"]) <= 1e-13 * a["loss_before"]
    assert a["counts_tol"] == 1e-11 and a["counts_rtol"] == 1e-9
    for when in ("before", "after"):
        ev = g["eigenvalues_" + when][:]
        tau = a["counts_tau_" + when]
        assert tau == max(1e-11, 1e-9 * np.abs(ev).max()), (when, tau)
        assert tau > 1e-11  # the relative part decides here (max|lambda| > 1e-2)
        counts = [np.sum(ev < -tau), np.sum((ev >= -tau) & (ev < tau)), np.sum(ev >= tau)]
        assert list(g["counts_" + when][:]) == counts, (when, g["counts_" + when][:], counts)
    now = (list(g["counts_before"][:]), list(g["counts_after"][:]), g["eigenvalues_after"][:])
    if ref is None:
        ref = now
    else:
        assert now[0] == ref[0] and now[1] == ref[1], (np_, now[:2], ref[:2])
        assert np.abs(now[2] - ref[2]).max() <= 1e-12 * np.abs(ref[2]).max()
rr = h5py.File(f"{w}/rr.h5", "r")["embedding/split"]
assert rr.attrs["widening"] == "round-robin" and rr.attrs["split_neuron"] == -1
assert list(rr["map_l1"][:]) == [0, 1, 0, 1]
assert rr.attrs["counts_rtol"] == 0 and rr.attrs["counts_tau_before"] == 1e-11  # the default: absolute
PY

cases=0
expect_error() {
  cases=$((cases + 1))
  expect_error_from terrain-embed "$((1 + cases % 2))" "$@"
  [ -e "$work/out.h5" ] && { fail "an output file was written by: $*"; rm -f "$work/out.h5"; }
}
in=(-input "$work/w2.h5" -output "$work/out.h5")
expect_error "-embed_split_neuron must be in 0..1" "${in[@]}" -embed_mode split -embed_widths 1,4,1 -embed_split_neuron 2
expect_error "-embed_split_neuron must be a neuron index" "${in[@]}" -embed_mode split -embed_widths 1,4,1 -embed_split_neuron -1
expect_error "-embed_split_neuron applies to -embed_mode split with -embed_widths" "${in[@]}" -embed_mode split -embed_neuron 0 -embed_split_neuron 0
expect_error "-embed_counts_rtol must be in [0, 1)" "${in[@]}" -embed_mode split -embed_widths 1,3,1 -embed_counts -embed_counts_rtol -1
expect_error "-embed_counts_rtol applies to -embed_mode split" "${in[@]}" -embed_mode features -embed_counts_rtol 1e-9

# -data_append_one: recorded, reloaded by terrain-embed, and needed to reload.
run_mpi 2 "$build/terrain-train" -options_file $ops/op_train.opts -data_append_one -model_bias false \
  -model_widths 2,3,1 -train_steps 20 -output "$work/tilde.h5" > "$work/tilde.log" 2>&1 \
  || { fail "terrain-train -data_append_one"; cat "$work/tilde.log"; }
for np in 1 3; do
  embed $np tilde_feat.$np.log -input "$work/tilde.h5" -output "$work/tilde_feat.$np.h5" -embed_mode features
done
"$python" - "$work" <<'PY' || fail "-data_append_one files"
import sys, h5py, numpy as np
w = sys.argv[1]
t = h5py.File(f"{w}/tilde.h5", "r")
assert t["data"].attrs["d_in"] == 2 and "-data_append_one" in t["data"].attrs["source"], dict(t["data"].attrs)
assert "-data_append_one" in t.attrs["options"]
assert not t["model"].attrs["bias"]
losses = []
for np_ in (1, 3):
    f = h5py.File(f"{w}/tilde_feat.{np_}.h5", "r")
    assert f["data"].attrs["d_in"] == 2
    g = f["embedding/features"]
    # direction: unit w~ = (w, weight of the 1-column) and a zero bias column (no biases)
    assert g["direction"].shape == (3, 3) and np.all(g["direction"][:, 2] == 0)
    losses.append(g.attrs["loss_before"])
assert abs(losses[0] - losses[1]) <= 1e-12 * losses[0], losses
PY
run_mpi 1 "$build/terrain-embed" -help > "$work/help.txt" 2>&1 || fail "-help exited non-zero"
for option in -embed_split_neuron -embed_counts_rtol -data_append_one; do
  grep -q -- "$option" "$work/help.txt" || fail "-help does not list $option"
done
expect_error "-model_widths" -input "$work/tilde.h5" -output "$work/out.h5" -embed_mode features \
  -data_source target1d -data_n 60 -data_sampling grid
finish
