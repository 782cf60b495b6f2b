# The index-loss study's inputs end to end, shortened: two training runs of
# inputs/critical/index_loss/train.opts (one at the small initialisation, 5000 steps), the
# census of inputs/critical/index_loss/census.opts over their snapshots at 2 ranks, and
# terrain-plot --kind index_loss; the figure of a file without a census is one error line.
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"
for seed in 0 4; do
  scale=1
  ((seed == 4)) && scale=0.05
  run_mpi 1 "$build/terrain-train" -options_file inputs/critical/index_loss/train.opts \
    -model_seed $seed -model_init_scale $scale -train_steps 5000 -output "$work/run$seed.h5" \
    > "$work/train$seed.log" 2>&1 || { fail "terrain-train seed $seed"; cat "$work/train$seed.log"; }
done
run_mpi 2 "$build/terrain-critical" -options_file inputs/critical/index_loss/census.opts \
  -input "$work/run0.h5,$work/run4.h5" -output "$work/census.h5" > "$work/census.log" 2>&1 \
  || { fail "the census"; tail -5 "$work/census.log"; }
grep -q "^census: .* starts converged to" "$work/census.log" || fail "no census summary"
"$python" - "$work/census.h5" <<'PY' || fail "the census file"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
g = f["critical_census/index_loss"]
n = int(f["model"].attrs["n_params"])
assert n == g.attrs["n_params"] == 147
s, p = g["starts"], g["points"]
assert g.attrs["n_starts"] == len(s["run"]) == 2 * 3  # snapshots 0, 2500, 5000 of each run
assert g.attrs["n_groups"] == 2 and g.attrs["group_size"] == 1
K = int(g.attrs["n_distinct"])
assert K >= 1 and p["params"].shape == (K, n)
for k in ("n_neg", "n_zero", "n_pos"):
    assert p[k].shape == (K,)
assert np.all(p["n_neg"][...] + p["n_zero"][...] + p["n_pos"][...] == n)
assert np.allclose(p["alpha"][...], p["n_neg"][...] / n, rtol=0, atol=1e-15)
conv = s["converged"][...] == 1
assert np.all(s["grad_norm1"][conv] <= g.attrs["gtol"])
assert np.all(s["distinct_id"][~conv] == -1) and np.all(s["distinct_id"][conv] >= 0)
# /params is the distinct point of lowest loss.
best = int(np.argmin(p["loss"][...]))
assert np.array_equal(f["params"][...], p["params"][best])
PY
"$build/terrain-plot" "$work/census.h5" --kind index_loss -o "$work/index_loss.png" \
  > "$work/plot.log" 2>&1 && [ -s "$work/index_loss.png" ] || { fail "terrain-plot --kind index_loss"; cat "$work/plot.log"; }
"$build/terrain-plot" "$work/run0.h5" --kind index_loss -o "$work/none.png" > "$work/none.log" 2>&1 \
  && fail "--kind index_loss of a run file without a census exited 0"
grep -q "no /critical_census group" "$work/none.log" || fail "no one-line error: $(cat "$work/none.log")"
(($(wc -l < "$work/none.log") == 1)) || fail "more than one line: $(cat "$work/none.log")"
finish
