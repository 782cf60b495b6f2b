# terrain-critical -critical_census on a tiny tanh net (3-4-2, 26 parameters, 30 samples):
# every distinct point it reports has |grad L|_1 <= tol and the inertia of a dense PyTorch
# float64 Hessian (numpy eigvalsh at the census's tau); a run planted as a permuted and
# sign-flipped copy of another is counted once; 1, 2, 3 ranks with 1 and 2 work groups agree
# (one group of one rank per start is bitwise the 1-rank census); bad input gives one line.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/errors.bash"
cd "$source_dir"
if ! "$python" -c 'import torch' 2>/dev/null; then
  echo "SKIPPED: $python has no torch (jobscripts/setup.sh --tests installs python3-torch)"
  exit 77
fi
"$python" - "$work" <<'PY' || { echo "FAIL: writing the data"; exit 1; }
import sys, h5py, numpy as np
rng = np.random.default_rng(5)
x = rng.standard_normal((30, 3))
y = np.tanh(x @ rng.standard_normal((3, 2))) + 0.1 * rng.standard_normal((30, 2))
with h5py.File(f"{sys.argv[1]}/data.h5", "w") as f:
    f["X"], f["Y"] = x, y
PY
net=(-data_source hdf5 -data_file "$work/data.h5" -model_widths 3,4,2 -model_activation tanh
     -model_loss mse -hess_nev 0 -train_lr 0.2 -train_monitor_every 100)
for seed in 0 1; do
  run_mpi 1 "$build/terrain-train" "${net[@]}" -model_seed $seed -train_steps 20000 \
    -train_save_every 2500 -output "$work/run$seed.h5" > "$work/train$seed.log" 2>&1 \
    || { fail "terrain-train seed $seed"; cat "$work/train$seed.log"; }
done
# run2.h5 = run0.h5 with every snapshot moved by one fixed permutation + sign flip.
"$python" - "$work" <<'PY' || fail "planting the symmetric copy"
import sys, shutil, h5py, numpy as np
w = sys.argv[1]
shutil.copy(f"{w}/run0.h5", f"{w}/run2.h5")
perm, sign = np.array([2, 0, 3, 1]), np.array([-1, 1, -1, 1.0])
def move(t):
    W1, b1, W2, b2 = t[:12].reshape(4, 3), t[12:16], t[16:24].reshape(2, 4), t[24:26]
    return np.concatenate([(sign[:, None] * W1[perm]).ravel(), sign * b1[perm],
                           (W2[:, perm] * sign).ravel(), b2])
with h5py.File(f"{w}/run2.h5", "r+") as f:
    P = f["trajectory/params"][...]
    f["trajectory/params"][...] = np.array([move(t) for t in P])
    assert np.abs(f["trajectory/params"][...] - P).max() > 0.1
PY
census=(-critical_census -input "$work/run0.h5,$work/run1.h5,$work/run2.h5" -critical_gtol 1e-11)
configs=("1 0" "2 0" "2 1" "3 0" "3 2")
for c in "${configs[@]}"; do
  read -r np gs <<< "$c"
  run_mpi "$np" "$build/terrain-critical" "${census[@]}" -critical_census_group_size "$gs" \
    -output "$work/census_${np}_$gs.h5" > "$work/census_${np}_$gs.log" 2>&1 \
    || { fail "census np=$np group size $gs"; tail -5 "$work/census_${np}_$gs.log"; }
done
grep -q "ETA\|census: start" "$work/census_1_0.log" || fail "no per-start lines in the log"

"$python" - "$work" <<'PY' || fail "the census disagrees with the PyTorch oracle"
import sys, h5py, numpy as np, torch
w = sys.argv[1]
d = h5py.File(f"{w}/data.h5", "r")
x, y = torch.tensor(d["X"][...]), torch.tensor(d["Y"][...])
def loss(t):
    W1, b1, W2, b2 = t[:12].reshape(4, 3), t[12:16], t[16:24].reshape(2, 4), t[24:26]
    f = torch.tanh(x @ W1.T + b1) @ W2.T + b2
    return 0.5 * ((f - y) ** 2).sum() / x.shape[0]
c = h5py.File(f"{w}/census_1_0.h5", "r")["critical_census/trust"]
s, p = c["starts"], c["points"]
n_conv = int(s["converged"][...].sum())
assert n_conv >= 4, f"only {n_conv} starts converged"
assert c.attrs["n_distinct"] == p["params"].shape[0] >= 1
checked = 0
for k, theta in enumerate(p["params"][...]):
    t = torch.tensor(theta, requires_grad=True)
    L = loss(t)
    g, = torch.autograd.grad(L, t)
    assert abs(L.item() - p["loss"][k]) <= 1e-12 * abs(L.item()), (k, L.item(), p["loss"][k])
    assert g.abs().sum().item() <= 1e-10, (k, "not critical", g.abs().sum().item())
    H = torch.autograd.functional.hessian(loss, torch.tensor(theta)).numpy()
    ev = np.linalg.eigvalsh(0.5 * (H + H.T))
    tau = p["tau"][k]
    counts = ((ev < -tau).sum(), ((ev >= -tau) & (ev < tau)).sum(), (ev >= tau).sum())
    mine = (p["n_neg"][k], p["n_zero"][k], p["n_pos"][k])
    # An eigenvalue within rounding of +-tau could fall on either side; none may here.
    margin = np.abs(np.abs(ev) - tau).min()
    assert margin > 1e-6 * tau, (k, "an eigenvalue at tau", margin, tau)
    assert tuple(map(int, counts)) == tuple(map(int, mine)), (k, counts, mine)
    assert abs(p["alpha"][k] - mine[0] / 26) < 1e-15
    checked += 1
# Every converged start's id points at a distinct point of its inertia and loss.
ids = s["distinct_id"][...]
for i in range(len(ids)):
    if s["converged"][i]:
        k = ids[i]
        assert s["n_neg"][i] == p["n_neg"][k] and abs(s["loss"][i] - p["loss"][k]) <= 1e-9 * s["loss"][i]
    else:
        assert ids[i] == -1
assert p["multiplicity"][...].sum() == n_conv
# The planted copy: run 2's starts are run 0's moved by a symmetry; the search is equivariant
# up to rounding, so where both converged to the same loss they are one distinct point when it
# is non-degenerate, and one level (same inertia and loss) when it has zero eigenvalues: along a
# flat critical set rounding decides where each copy stops (measured: a (6, 4, 16) saddle
# reached at two points of its level from the planted pair at step 0).
run, step, level = s["run"][...], s["step"][...], p["level"][...]
pairs = 0
for i in np.flatnonzero(run == 0):
    j = np.flatnonzero((run == 2) & (step == step[i]))[0]
    if s["converged"][i] and s["converged"][j] and abs(s["loss"][i] - s["loss"][j]) <= 1e-10 * s["loss"][i]:
        if p["n_zero"][ids[i]] == 0:
            assert ids[i] == ids[j], (step[i], ids[i], ids[j])
        else:
            assert level[ids[i]] == level[ids[j]], (step[i], ids[i], ids[j])
        pairs += 1
assert pairs >= 2, f"only {pairs} planted pairs converged alike"
print(f"{checked} distinct points match PyTorch; {pairs} planted copies counted once; "
      f"{n_conv} of {len(ids)} starts converged")
PY

"$python" - "$work" "${configs[@]}" <<'PY' || fail "rank counts or groups disagree"
import sys, h5py, numpy as np
w, configs = sys.argv[1], [c.replace(" ", "_") for c in sys.argv[2:]]
def starts(c):
    g = h5py.File(f"{w}/census_{c}.h5", "r")["critical_census/trust/starts"]
    return {k: g[k][...] for k in g if k != "seconds"}
ref = starts("1_0")
# Groups of one rank compute exactly what one rank does, bitwise; only the start's loss may
# differ by an ulp: the objective's forward-only and full-forward losses agree to a few ulp,
# and which one runs depends on the calls before (objective/objective.hpp).
for k, v in starts("2_1").items():
    if k == "start_loss":
        assert np.allclose(v, ref[k], rtol=1e-14, atol=0), ("2 groups of 1 rank vs 1 rank", k)
    else:
        assert np.array_equal(v, ref[k]), ("2 groups of 1 rank vs 1 rank", k)
for c in configs[1:]:
    o = starts(c)
    assert np.array_equal(o["run"], ref["run"]) and np.array_equal(o["step"], ref["step"])
    both = (o["converged"] == 1) & (ref["converged"] == 1)
    same = both & (np.abs(o["loss"] - ref["loss"]) <= 1e-9 * np.abs(ref["loss"]))
    assert same.sum() >= both.sum() // 2 and same.sum() >= 1, (c, same.sum(), both.sum())
    for k in ("n_neg", "n_zero", "n_pos"):
        assert np.array_equal(o[k][same], ref[k][same]), (c, k)
PY

# Bad input: one line naming the file.
run_mpi 1 "$build/terrain-train" "${net[@]}" -model_widths 3,5,2 -train_steps 10 \
  -train_save_every 5 -output "$work/other.h5" > /dev/null 2>&1 || fail "terrain-train other"
run_mpi 1 "$build/terrain-train" "${net[@]}" -train_steps 10 -output "$work/nosnap.h5" \
  > /dev/null 2>&1 || fail "terrain-train nosnap"
cases=0
bad() {
  cases=$((cases + 1))
  expect_error_from terrain-critical "$((1 + cases % 2))" "$@" -output "$work/bad.h5"
  [ -e "$work/bad.h5" ] && { fail "an output was written by: $*"; rm -f "$work/bad.h5"; }
  ls "$work" | grep -q "\.tmp\." && fail "a temporary file was left behind by: $*"
}
bad "other.h5" -critical_census -input "$work/run0.h5,$work/other.h5"
bad "nosnap.h5" -critical_census -input "$work/run0.h5,$work/nosnap.h5"
bad "missing.h5" -critical_census -input "$work/run0.h5,$work/missing.h5"
bad "-critical_census_every" -critical_census -input "$work/run0.h5" -critical_census_every 0
bad "-output must differ" -critical_census -input "$work/run0.h5,$work/bad.h5"
finish
