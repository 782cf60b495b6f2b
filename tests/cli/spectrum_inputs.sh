# terrain-spectrum on every input of inputs/spectra at 1, 2 and 3 ranks, on run files made with
# terrain-train first, read back with h5py: the documented layout, residuals, dense and Sylvester
# inertia equal, the density integrates to 1, the blocks tile the parameters, the shards hold
# every sample, rank counts agree, a saved step is analysed (snapshots written with h5py, and by
# terrain-train when it has -train_save_every), -output writes a self-contained file, and
# terrain-plot draws all three spectrum figures.
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"

run_mpi 2 "$build/terrain-train" -options_file inputs/quickstart.opts -train_steps 3000 -hess_nev 0 \
  -output "$work/quickstart.h5" > "$work/train.log" 2>&1 || { fail "terrain-train (quickstart)"; cat "$work/train.log"; }

for opts in inputs/spectra/*.opts; do
  name=$(basename "$opts" .opts)
  run="$work/quickstart.h5"
  if grep -q -- "^-model_widths" "$opts"; then  # self-contained: its own network and data
    if grep -q fashion-mnist "$opts" && [ ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
      echo "SKIPPED $name: dataset-fashion-mnist is not installed"
      continue
    fi
    run="$work/$name.run.h5"
    run_mpi 2 "$build/terrain-train" -options_file "$opts" -train_steps 0 -hess_nev 0 -output "$run" \
      > "$work/train.log" 2>&1 || { fail "terrain-train for $name"; cat "$work/train.log"; continue; }
  fi
  for np in 1 2 3; do
    cp "$run" "$work/$name.$np.h5"
    run_mpi "$np" "$build/terrain-spectrum" -input "$work/$name.$np.h5" -options_file "$opts" \
      > "$work/$name.$np.log" 2>&1 || { fail "$name np=$np exited non-zero"; cat "$work/$name.$np.log"; }
    grep -q "^classification: " "$work/$name.$np.log" || fail "$name np=$np printed no classification"
  done
done

"$python" - "$work" <<'PY' || fail "spectrum checks"
import glob, os, sys
import h5py, numpy as np
work = sys.argv[1]

def groups(name, group):
    return [h5py.File(f"{work}/{name}.{np_}.h5", "r")["spectrum"][group] for np_ in (1, 2, 3)]

def common(g, n_params):
    a = g.attrs
    for key in ("operator", "tolerance", "n_matvec", "n_params", "loss", "grad_norm", "zero_tol",
                "classification", "kind", "index", "critical", "grad_tol", "lambda_max",
                "condition_number", "negative_fraction", "source", "step", "nranks"):
        assert key in a, key
    assert a["n_params"] == n_params and a["n_matvec"] > 0 and a["zero_tol"] > 0
    assert a["step"] == -1 and a["source"].endswith(":/params"), a["source"]
    if "largest_residuals" in g:
        assert np.all(g["largest_residuals"][:] <= 1e-8), g["largest_residuals"][:]
        assert np.all(np.diff(g["largest"][:]) <= 0)
    if "smallest_residuals" in g and len(g["smallest"]):
        assert np.all(g["smallest_residuals"][:] <= 1e-8)

# Exact analyses of the quickstart network.
if os.path.exists(f"{work}/quickstart_exact.1.h5"):
    runs = groups("quickstart_exact", "exact")
    n = int(runs[0].attrs["n_params"])
    for g in runs:
        common(g, n)
        full = g["full/eigenvalues"][:]
        assert full.shape == (n,) and np.all(np.diff(full) >= 0)
        assert g["full"].attrs["asymmetry"] < 1e-12
        assert g["full"].attrs["n_matvec"] == n
        i, s = g["inertia"].attrs, g["sylvester"].attrs
        counts = [int(i[k]) for k in ("n_neg", "n_zero", "n_pos")]
        assert counts == [int(s[k]) for k in ("n_neg", "n_zero", "n_pos")], (dict(i), dict(s))
        assert sum(counts) == n
        tau = g.attrs["zero_tol"]
        assert counts[0] == np.sum(full < -tau) and counts[2] == np.sum(full >= tau)
        assert g.attrs["index"] == counts[0]
        # The extreme pairs are the ends of the full spectrum.
        assert np.allclose(g["largest"][:], full[::-1][:5], atol=1e-8)
        assert np.allclose(g["smallest"][:], full[:5], atol=1e-8)
        sizes = [int(g["blocks"][b].attrs["size"]) for b in sorted(g["blocks"])]
        assert sum(sizes) == n, sizes
        for b in g["blocks"].values():
            assert b.attrs["method"] == "dense" and b["eigenvalues"].shape == (b.attrs["size"],)
        text = g.attrs["classification"]
        assert ("not a critical point" in text) == (g.attrs["grad_norm"] > g.attrs["grad_tol"]), text
    ref = runs[0]["full/eigenvalues"][:]
    for g in runs[1:]:
        err = np.max(np.abs(g["full/eigenvalues"][:] - ref)) / np.max(np.abs(ref))
        assert err < 1e-10, err

# Matrix-free estimates.
if os.path.exists(f"{work}/quickstart_estimates.1.h5"):
    runs = groups("quickstart_estimates", "estimates")
    n = int(runs[0].attrs["n_params"])
    for np_, g in zip((1, 2, 3), runs):
        common(g, n)
        d = g["density"]
        grid, values = d["grid"][:], d["values"][:]
        assert abs(np.trapz(values, grid) - 1) < 1e-8, np.trapz(values, grid)
        probes, steps = int(d.attrs["probes"]), int(d.attrs["steps"])
        assert d["alpha"].shape == (probes, steps) and d["beta"].shape == (probes, steps - 1)
        assert d["lanczos_steps"].shape == (probes,)
        t = g["trace"]
        assert t["samples"].shape == (t.attrs["probes"],)
        assert abs(np.mean(t["samples"][:]) - t.attrs["hutchinson"]) < 1e-9 * abs(t.attrs["hutchinson"])
        sh = g["shards"]
        assert sh["lambda_max"].shape == (np_,) and sh["n_samples"][:].sum() == 200
        assert sh.attrs["full"] == g.attrs["lambda_max"]
        c = g["count"].attrs
        assert c["n_neg"] == g.attrs["index"] or c["capped"]
    # Same probes at every rank count: equal to rounding (the shards differ by design).
    for key in ("trace", "density"):
        ref = runs[0][key].attrs["hutchinson" if key == "trace" else "moment2"]
        for g in runs[1:]:
            val = g[key].attrs["hutchinson" if key == "trace" else "moment2"]
            assert abs(val - ref) < 1e-9 * abs(ref), (key, val, ref)
    # Against the exact analysis of the same point.
    if os.path.exists(f"{work}/quickstart_exact.1.h5"):
        exact = groups("quickstart_exact", "exact")[0]
        full = exact["full/eigenvalues"][:]
        g = runs[0]
        t = g["trace"].attrs
        assert abs(t["hutchinson"] - full.sum()) <= 3 * t["hutchinson_stderr"]
        assert abs(t["hutchpp"] - full.sum()) <= 3 * t["hutchpp_stderr"] + 1e-9 * abs(full.sum())
        if not g["count"].attrs["capped"]:
            assert g["count"].attrs["n_neg"] == exact["inertia"].attrs["n_neg"]

# The Gauss-Newton matrix: positive semi-definite, no smallest end, not classified.
if os.path.exists(f"{work}/quickstart_ggn.1.h5"):
    for g in groups("quickstart_ggn", "ggn"):
        assert g.attrs["operator"] == "ggn"
        assert len(g["smallest"][:]) == 0
        full = g["full/eigenvalues"][:]
        assert full[0] > -1e-12 * full[-1]
        assert g.attrs["classification"].startswith("not classified")

# The benchmark network: the top 10 to 1e-8.
if os.path.exists(f"{work}/fashion_mnist_top10.1.h5"):
    runs = groups("fashion_mnist_top10", "analysis")
    for g in runs:
        common(g, 784 * 128 + 128 + 128 * 128 + 128 + 128 * 10 + 10)
        assert g["largest"].shape == (10,)
    for g in runs[1:]:
        assert np.allclose(g["largest"][:], runs[0]["largest"][:], rtol=1e-9, atol=1e-9)
print("spectrum files OK")
PY

# A saved step: snapshots written with h5py into a copy of the run file.
cp "$work/quickstart.h5" "$work/steps.h5"
"$python" - "$work/steps.h5" <<'PY' || fail "could not add snapshots"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    p = f["params"][:]
    f["trajectory/params"] = np.stack([0.5 * p, p])
    f["trajectory/params_step"] = np.array([10, 20], dtype=np.int64)
PY
run_mpi 2 "$build/terrain-spectrum" -input "$work/steps.h5" -spectrum_step 10 -spectrum_name half -hess_nev 3 \
  > "$work/step.log" 2>&1 || { fail "-spectrum_step 10"; cat "$work/step.log"; }
run_mpi 2 "$build/terrain-spectrum" -input "$work/steps.h5" -spectrum_step 20 -spectrum_name last -hess_nev 3 \
  > "$work/step.log" 2>&1 || { fail "-spectrum_step 20"; cat "$work/step.log"; }
run_mpi 2 "$build/terrain-spectrum" -input "$work/steps.h5" -spectrum_name final -hess_nev 3 \
  > "$work/step.log" 2>&1 || { fail "final /params"; cat "$work/step.log"; }
"$python" - "$work/steps.h5" <<'PY' || fail "snapshot analyses"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
s = f["spectrum"]
assert s["half"].attrs["step"] == 10 and "step 10" in s["half"].attrs["source"]
assert np.array_equal(s["last"]["largest"][:], s["final"]["largest"][:])  # step 20 is /params
assert not np.allclose(s["half"]["largest"][:], s["final"]["largest"][:])
PY
if "$build/terrain-train" -help 2>&1 | grep -q -- "-train_save_every"; then
  run_mpi 2 "$build/terrain-train" -options_file inputs/quickstart.opts -train_steps 200 -train_save_every 100 \
    -hess_nev 0 -output "$work/saved.h5" > "$work/saved.log" 2>&1 || { fail "terrain-train -train_save_every"; cat "$work/saved.log"; }
  run_mpi 3 "$build/terrain-spectrum" -input "$work/saved.h5" -spectrum_step 100 -hess_nev 2 \
    > "$work/saved.log" 2>&1 || { fail "-spectrum_step on terrain-train's snapshots"; cat "$work/saved.log"; }
fi

# -output: a new, self-contained file; the input is left as it was.
cp "$work/quickstart.h5" "$work/input.h5"
cp "$work/input.h5" "$work/input.copy"
run_mpi 3 "$build/terrain-spectrum" -input "$work/input.h5" -output "$work/out.h5" -spectrum_full -hess_nev 2 \
  > "$work/out.log" 2>&1 || { fail "-output"; cat "$work/out.log"; }
cmp -s "$work/input.h5" "$work/input.copy" || fail "-output changed the input file"
"$python" - "$work/out.h5" "$work/input.h5" <<'PY' || fail "-output file"
import sys, h5py, numpy as np
out, inp = (h5py.File(p, "r") for p in sys.argv[1:])
assert list(out["model"].attrs["widths"]) == list(inp["model"].attrs["widths"])
assert np.array_equal(out["params"][:], inp["params"][:])
assert out["data"].attrs["n_train"] == 200 and "analysis" in out["spectrum"]
PY

# -help lists every option block, with sample runs.
run_mpi 1 "$build/terrain-spectrum" -help > "$work/help.txt" 2>&1 || fail "-help exited non-zero"
for option in "Sample runs" -input -output -spectrum_name -spectrum_step -spectrum_full -spectrum_inertia \
    -spectrum_count -spectrum_trace -spectrum_density -spectrum_blocks -spectrum_shards -spectrum_all \
    -spectrum_zero_tol -spectrum_grad_tol -spectrum_full_max -spectrum_dense_solver -hess_vectors \
    -hess_nev -hess_operator -model_widths -data_source; do
  grep -q -- "$option" "$work/help.txt" || fail "-help does not list $option"
done

# terrain-plot: the three spectrum figures.
for kind in eigenvalues density counts; do
  "$build/terrain-plot" "$work/quickstart_estimates.2.h5" --kind "$kind" -o "$work/$kind.png" > /dev/null 2>&1 \
    || fail "terrain-plot --kind $kind"
  [ -s "$work/$kind.png" ] || fail "terrain-plot --kind $kind wrote no PNG"
done
"$build/terrain-plot" "$work/quickstart_exact.2.h5" --kind counts --spectrum exact -o "$work/c.png" > /dev/null 2>&1 \
  || fail "terrain-plot --kind counts --spectrum exact"
"$build/terrain-plot" "$work/quickstart_exact.2.h5" --kind density --spectrum exact > /dev/null 2> "$work/plot.err" \
  && fail "a density plot without a density succeeded"
[ "$(wc -l < "$work/plot.err")" -eq 1 ] || fail "terrain-plot error is not one line: $(cat "$work/plot.err")"
finish
