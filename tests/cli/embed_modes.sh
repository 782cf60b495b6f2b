# terrain-embed end to end: every inputs/embedding/op_*.opts at 1, 2 and 3 ranks on a 1-2-1 tanh
# network trained by terrain-train (op_train.opts), read back with h5py: the documented layout of
# /embedding/<name>, the output function kept by splits (max difference <= 1e-12), the maps and
# shares of the round-robin rule, counts consistent with the stored spectra and tolerance,
# split-then-reduce returning the original parameters, compare agreeing, self-contained output
# files that terrain-spectrum reads, and the same numbers at every rank count. Then Iris
# (classification): the agreement matrix of a split network against the original is diagonal;
# and terrain-train -> terrain-critical -> terrain-embed -embed_counts on a teacher-student
# problem: at a true critical point the counts never decrease and n0 grows by the splits.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/embed.bash"
cd "$source_dir"
ops=inputs/embedding

run_mpi 2 "$build/terrain-train" -options_file $ops/op_train.opts -output "$work/w2.h5" \
  > "$work/train.log" 2>&1 || { fail "terrain-train op_train.opts"; cat "$work/train.log"; }

for np in 1 2 3; do
  embed $np split.$np.log -input "$work/w2.h5" -output "$work/w5.$np.h5" -options_file $ops/op_split.opts
  embed $np one.$np.log -input "$work/w2.h5" -output "$work/w3.$np.h5" -options_file $ops/op_split_one_step.opts
  embed $np feat.$np.log -input "$work/w5.$np.h5" -output "$work/feat.$np.h5" -options_file $ops/op_features.opts
  # The two trained neurons point within cos 0.987 of each other: at the default 0.9 they
  # condense into one (below); at 0.999 only the copies group, and the reduction is exact.
  embed $np reduce.$np.log -input "$work/w5.$np.h5" -output "$work/small.$np.h5" -options_file $ops/op_reduce.opts \
    -embed_cos 0.999 -embed_name reduce
  embed $np compare.$np.log -input "$work/small.$np.h5" -embed_reference "$work/w2.h5" \
    -output "$work/cmp.$np.h5" -options_file $ops/op_compare.opts
done
grep -q "Hessian counts at tau" "$work/split.2.log" || fail "split printed no counts"
embed 2 condense.log -input "$work/w5.2.h5" -output "$work/one.h5" -options_file $ops/op_reduce.opts

"$python" - "$work" <<'PY' || fail "embedding files"
import sys, h5py, numpy as np
w = sys.argv[1]
orig = h5py.File(f"{w}/w2.h5", "r")
theta2 = orig["params"][:]
common = ("mode", "source", "step", "source_widths", "target_widths", "n_params_before",
          "n_params_after", "loss_before", "loss_after", "test_loss_before", "test_loss_after",
          "max_output_difference")

def group(path, name):
    f = h5py.File(path, "r")
    g = f["embedding"][name]
    for key in common:
        assert key in g.attrs, (path, key)
    # Self-contained: the network after the operation, its parameters, the data, the header.
    assert list(f["model"].attrs["widths"]) == list(g.attrs["target_widths"]), path
    assert f["params"].shape == (g.attrs["n_params_after"],)
    assert f["data"].attrs["n_train"] == 60 and f["data"].attrs["n_test"] == 30
    assert "-data_source" in f.attrs["options"] and f.attrs["schema_version"] == 1
    return f, g

for np_ in (1, 2, 3):
    # Equal split 1-2-1 -> 1-5-1: copies of 0, 1, 0; shares 1/3, 1/2, 1/3, 1/2, 1/3.
    f, g = group(f"{w}/w5.{np_}.h5", "split")
    a = g.attrs
    assert a["mode"] == "split" and a["split_rule"] == "equal" and a["source"].endswith("w2.h5:/params")
    assert list(a["source_widths"]) == [1, 2, 1] and list(a["target_widths"]) == [1, 5, 1]
    assert a["n_params_before"] == 7 and a["n_params_after"] == 16
    assert a["max_output_difference"] <= 1e-12, a["max_output_difference"]
    assert abs(a["loss_after"] - a["loss_before"]) <= 1e-14 * a["loss_before"]
    assert abs(a["test_loss_after"] - a["test_loss_before"]) <= 1e-14 * a["test_loss_before"]
    assert list(g["map_l1"][:]) == [0, 1, 0, 1, 0]
    assert np.allclose(g["alpha_l1"][:], [1/3, 1/2, 1/3, 1/2, 1/3], rtol=0, atol=1e-16)
    tau = a["counts_tol"]
    assert tau == 1e-11
    for when, n in (("before", 7), ("after", 16)):
        ev, c = g["eigenvalues_" + when][:], list(g["counts_" + when][:])
        assert ev.shape == (n,) and np.all(np.diff(ev) >= 0)
        assert c == [np.sum(ev < -tau), np.sum((ev >= -tau) & (ev < tau)), np.sum(ev >= tau)], c
    # One step: neuron 1 with alpha -0.4.
    f, g = group(f"{w}/w3.{np_}.h5", "one_step")
    assert g.attrs["layer"] == 1 and g.attrs["neuron"] == 1 and g.attrs["alpha"] == -0.4
    assert list(g["map_l1"][:]) == [0, 1, 1] and np.allclose(g["alpha_l1"][:], [1, -0.4, 1.4])
    assert g.attrs["max_output_difference"] <= 1e-12
    p3 = f["params"][:]  # W1 (3), b1 (3), W2 (1x3), b2
    assert p3[2] == theta2[1] and p3[5] == theta2[3] and abs(p3[8] - 1.4 * theta2[5]) < 1e-15
    # Features of the 5 neurons: amplitudes |a|·|(w, b)|, angles in [-pi, pi).
    f, g = group(f"{w}/feat.{np_}.h5", "features")
    p = f["params"][:]
    wb = np.stack([p[0:5], p[5:10]], axis=1)
    amp = np.abs(p[10:15]) * np.linalg.norm(wb, axis=1)
    assert np.allclose(g["amplitude"][:], amp, rtol=1e-14, atol=0)
    assert g["direction"].shape == (5, 2) and np.allclose(np.linalg.norm(g["direction"][:], axis=1), 1)
    ang = g["angle"][:]
    assert np.all(ang >= -np.pi) and np.all(ang < np.pi)
    assert np.allclose(ang, np.arctan2(wb[:, 1], wb[:, 0]))
    assert g["output_weights"].shape == (1, 5)
    # Reduce: back to the original network.
    f, g = group(f"{w}/small.{np_}.h5", "reduce")
    a = g.attrs
    assert a["width_before"] == 5 and a["width_after"] == 2 and a["n_dropped"] == 0
    assert list(g["group"][:]) == [0, 1, 0, 1, 0] and sorted(g["kept"][:]) == [0, 1]
    assert list(g["order"][:]) == [0, 2, 4, 1, 3]
    s = g["similarity"][:]
    assert s.shape == (5, 5) and np.allclose(np.diag(s), 1)
    assert np.max(np.abs(f["params"][:] - theta2)) <= 1e-12 * np.max(np.abs(theta2))
    assert a["agreement_set"] == "test" and a["agreement"] <= 1e-12 and "agreement_matrix" not in g
    assert a["max_output_difference"] <= 1e-12
    # Compare: the reduced network against the original.
    f, g = group(f"{w}/cmp.{np_}.h5", "compare")
    a = g.attrs
    assert a["reference"].endswith("w2.h5:/params") and a["agreement"] <= 1e-12
    assert abs(a["loss"] - a["reference_loss"]) <= 1e-14 * a["loss"]
    assert a["loss_before"] == a["reference_loss"] and a["loss_after"] == a["loss"]
    assert a["n_agreement_samples"] == 30

# At cos 0.9 all five neurons are one group: a 1-1-1 network, compared on the test set.
f, g = group(f"{w}/one.h5", "reduce")
a = g.attrs
assert a["width_after"] == 1 and a["cos"] == 0.9 and list(g["group"][:]) == [0] * 5
assert list(f["model"].attrs["widths"]) == [1, 1, 1] and f["params"].shape == (4,)
assert a["loss"] == a["loss_after"] and a["reference_loss"] == a["loss_before"]
assert a["reference"].endswith(":/params"), a.get("reference")  # the input, reduced from
assert a["agreement"] == a["max_difference"] and a["agreement"] > 0

# Rank counts agree.
def arrays(path, name):
    f = h5py.File(path, "r")
    g = f["embedding"][name]
    return [f["params"][:]] + [g[k][:] for k in g if g[k].dtype.kind == "f"]
for name, stem in (("split", "w5"), ("one_step", "w3"), ("features", "feat"), ("reduce", "small")):
    ref = arrays(f"{w}/{stem}.1.h5", name)
    for np_ in (2, 3):
        for x, y in zip(ref, arrays(f"{w}/{stem}.{np_}.h5", name)):
            assert x.shape == y.shape and np.max(np.abs(x - y), initial=0) <= 1e-12 * max(1, np.max(np.abs(x))), (name, np_)
print("embedding files OK")
PY

# The wide network is an ordinary run file: terrain-spectrum analyses it with the recorded data.
run_mpi 2 "$build/terrain-spectrum" -input "$work/w5.2.h5" -output "$work/w5.spectrum.h5" -spectrum_full -hess_nev 2 \
  > "$work/spectrum.log" 2>&1 || { fail "terrain-spectrum on terrain-embed's output"; cat "$work/spectrum.log"; }

# Classification: Iris, a 4-3-3 network; split to 4-5-3 and compare with the original.
run_mpi 2 "$build/terrain-train" -options_file inputs/iris.opts -model_widths 4,3,3 -train_steps 300 \
  -train_print_every 300 -hess_nev 0 -output "$work/iris.h5" > "$work/iris.log" 2>&1 || { fail "terrain-train iris"; cat "$work/iris.log"; }
embed 2 iris_split.log -input "$work/iris.h5" -output "$work/iris5.h5" -embed_mode split -embed_widths 4,5,3 -embed_split alpha -embed_alpha 0.7
embed 3 iris_cmp.log -input "$work/iris5.h5" -embed_reference "$work/iris.h5" -output "$work/iris_cmp.h5" -embed_mode compare
"$python" - "$work" <<'PY' || fail "iris agreement"
import sys, h5py, numpy as np
g = h5py.File(f"{sys.argv[1]}/iris_cmp.h5", "r")["embedding/compare"]
m = g["agreement_matrix"][:]
assert m.shape == (3, 3) and m.sum() == 30 and np.trace(m) == 30, m
assert g.attrs["agreement"] == 1.0 and g.attrs["agreement_set"] == "test"
assert abs(g.attrs["test_loss"] - g.attrs["reference_test_loss"]) <= 1e-13
PY

# A real critical point (terrain-critical, when built): the equal-split embedding of a strict
# minimum keeps |grad L| at rounding, its counts never decrease and n0 grows by the 2 splits.
if [ -x "$build/terrain-critical" ]; then
  run_mpi 2 "$build/terrain-train" -options_file $ops/op_train_teacher.opts -output "$work/t2.h5" \
    > "$work/t2.log" 2>&1 || { fail "terrain-train op_train_teacher.opts"; cat "$work/t2.log"; }
  run_mpi 2 "$build/terrain-critical" -input "$work/t2.h5" -output "$work/t2crit.h5" \
    > "$work/crit.log" 2>&1 || { fail "terrain-critical"; cat "$work/crit.log"; }
  for np in 1 3; do
    embed $np t4.$np.log -input "$work/t2crit.h5" -output "$work/t4.$np.h5" -options_file $ops/op_split.opts \
      -embed_widths 3,4,2
  done
  "$python" - "$work" <<'PY' || fail "counts at a critical point"
import sys, h5py, numpy as np
w = sys.argv[1]
for np_ in (1, 3):
    g = h5py.File(f"{w}/t4.{np_}.h5", "r")["embedding/split"]
    b, a = g["counts_before"][:], g["counts_after"][:]
    assert g.attrs["grad_norm_before"] <= 1e-12 and g.attrs["grad_norm_after"] <= 1e-12
    assert a[0] >= b[0] and a[2] >= b[2] and a[1] >= b[1] + 2, (b, a)
    assert b.sum() == 14 and a.sum() == 26
ref = h5py.File(f"{w}/t4.1.h5", "r")["embedding/split/eigenvalues_after"][:]
other = h5py.File(f"{w}/t4.3.h5", "r")["embedding/split/eigenvalues_after"][:]
assert np.max(np.abs(ref - other)) <= 1e-12 * np.max(np.abs(ref))
print("critical point counts", list(b), "->", list(a))
PY
else
  echo "SKIPPED the critical-point chain: $build/terrain-critical is not built"
fi

# -help lists the options and sample runs.
run_mpi 1 "$build/terrain-embed" -help > "$work/help.txt" 2>&1 || fail "-help exited non-zero"
for option in "Sample runs" -input -output -embed_mode -embed_name -embed_step -embed_widths -embed_split \
    -embed_alpha -embed_layer -embed_neuron -embed_counts -embed_counts_tol -embed_cos -embed_amp_tol \
    -embed_reference -model_widths -data_source; do
  grep -q -- "$option" "$work/help.txt" || fail "-help does not list $option"
done
finish
