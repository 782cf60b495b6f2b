# terrain-connect against independent oracles on a small classifier (3-6-3 tanh, 90 samples of an
# HDF5 data set): every path's loss and accuracy at every t equals a numpy forward pass at θ(t)
# (line, polygonal chain, Bezier, NEB band); the ends of every path are the minima bitwise; the
# same band at 1 rank and at 3 ranks in 3 work groups (to rounding); a band killed (-9) or stopped
# (SIGUSR1) mid-run continues from its state file to the bitwise result of an uninterrupted run,
# and the state file is gone after; a minimum and a planted permuted copy of itself: weight and
# activation matching recover the permutation exactly and the aligned barrier is 0; bad input
# (another network, the same point twice, one input, no images, the output an alias of an
# input, a missing file) is one line, a non-zero exit and the inputs untouched.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/errors.bash"
oracle="$source_dir/tests/cli/lib/path_oracle.py"
cd "$work"

"$python" - <<'PY'
import h5py, numpy as np
rng = np.random.default_rng(11)
with h5py.File("class.h5", "w") as f:
    X = rng.normal(size=(90, 3))
    f["X"] = X
    f["labels"] = (np.argmax(X @ rng.normal(size=(3, 3)), axis=1)).astype(np.int64)
PY
net=(-data_source hdf5 -data_file class.h5 -model_widths 3,6,3 -model_activation tanh
  -model_loss cross_entropy -train_lr 0.2 -train_steps 1500 -train_print_every 10000 -hess_nev 0)
for seed in 1 2; do
  run_mpi 2 "$build/terrain-train" "${net[@]}" -model_seed $seed -output m$seed.h5 > train.log 2>&1 \
    || { fail "terrain-train seed $seed"; cat train.log; }
done
connect() { # connect <np> <output> <options...>
  local np=$1 out=$2
  shift 2
  run_mpi "$np" "$build/terrain-connect" -input m1.h5,m2.h5 -output "$out" -progress_interval 0 \
    "$@" > "$out.log" 2>&1 || { fail "terrain-connect $* (np $np)"; cat "$out.log"; }
}

# 1. Every kind of path against numpy, at several rank counts.
for np in 1 2 3; do connect $np line$np.h5 -path_method linear -path_samples 21; done
connect 2 chain.h5 -path_method polychain -path_bends 2 -path_steps 60 -path_lr 0.05
connect 2 bezier.h5 -path_method bezier -path_bends 1 -path_steps 60 -path_lr 0.05
neb=(-path_method neb -path_images 4 -path_steps 150 -path_climb_after 50 -path_samples 11
  -path_saddle 0 -path_curvature 0)
connect 1 neb1.h5 "${neb[@]}"
connect 3 neb3.h5 "${neb[@]}" -path_group_size 1
for f in line1:linear line2:linear line3:linear chain:polychain bezier:bezier neb1:neb neb3:neb; do
  "$python" "$oracle" "${f%%:*}.h5" "${f##*:}" class.h5 1e-12 || fail "numpy oracle ${f%%:*}"
done

# 2. Restart: killed with -9 while saving every step, then stopped by SIGUSR1; both continue to
# the uninterrupted band bitwise (2 ranks each).
long=(-path_method neb -path_images 6 -path_steps 2000 -path_ftol 1e-300 -path_samples 11 -path_saddle 0
  -path_curvature 0)
connect 2 whole.h5 "${long[@]}"
run_mpi 2 "$build/terrain-connect" -input m1.h5,m2.h5 -output killed.h5 -progress_interval 0 "${long[@]}" \
  -path_save_every 0 > killed.log 2>&1 &
pid=$!
for _ in $(seq 100); do [ -e "$work/killed.h5.path-neb.state.h5" ] && break; sleep 0.1; done
sleep 0.5
victims=$(pgrep -f "output killed.h5")
pkill -9 -f "output killed.h5" ; wait $pid 2>/dev/null
# Until init reaps them the killed ranks' pids are alive to kill(pid, 0), so their temporaries look
# like a live writer's: wait for the pids to go, as a resubmitted job would find them.
for _ in $(seq 100); do
  alive=0
  for v in $victims; do kill -0 "$v" 2> /dev/null && alive=1; done
  ((alive)) || break
  sleep 0.1
done
[ -e killed.h5.path-neb.state.h5 ] || fail "no state file after kill -9"
[ -e killed.h5 ] && fail "a killed run left killed.h5"
connect 2 killed.h5 "${long[@]}"
grep -q "resuming neb at step" killed.h5.log || fail "the killed run did not resume ($(head -3 killed.h5.log))"
[ -e killed.h5.path-neb.state.h5 ] && fail "the state file survived the finished run"
run_mpi 2 "$build/terrain-connect" -input m1.h5,m2.h5 -output stopped.h5 -progress_interval 0.2 \
  "${long[@]}" > stopped.log 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "^neb " stopped.log && break; sleep 0.1; done
pkill -USR1 -f "^$build/terrain-connect.*stopped.h5"  # the ranks, as a batch system's signal
wait $pid || fail "a run stopped by SIGUSR1 exited non-zero ($(tail -2 stopped.log))"
if grep -q "stopped by SIGUSR1" stopped.log; then
  [ -e stopped.h5.path-neb.state.h5 ] || fail "no state file after SIGUSR1"
  connect 2 stopped.h5 "${long[@]}"
else
  echo "note: the band finished before SIGUSR1 arrived; the stop is not checked"
fi
"$python" - <<'PY' || fail "restarts bitwise"
import h5py, numpy as np
w = h5py.File("whole.h5", "r")["path/neb"]
for name in ("killed.h5", "stopped.h5"):
    g = h5py.File(name, "r")["path/neb"]
    for d in ("pivots", "t", "train_loss", "history/value"):
        assert np.array_equal(w[d][...], g[d][...]), (name, d)
    assert int(g.attrs["steps"]) == int(w.attrs["steps"]) == 2000, name
PY

# 3. Ends, curves, rank and group counts, schema.
"$python" - <<'PY' || fail "h5py checks"
import h5py, numpy as np
a = h5py.File("m1.h5", "r")["params"][...]
b = h5py.File("m2.h5", "r")["params"][...]
for name, path in (("line1", "linear"), ("chain", "polychain"), ("bezier", "bezier"), ("neb1", "neb")):
    g = h5py.File(f"{name}.h5", "r")["path"][path]
    p = g["pivots"][...]
    assert np.array_equal(p[0], a) and np.array_equal(p[-1], b), name
    t = g["t"][...]
    assert t[0] == 0 and t[-1] == 1 and np.all(np.diff(t) > 0), name
    for attr in ("method", "kind", "align", "source_a", "source_b", "n_params", "n_pivots", "converged",
                 "reason", "steps", "seconds", "train_barrier", "train_barrier_t", "train_barrier_chord",
                 "train_barrier_chord_t", "train_height", "end_distance"):
        assert attr in g.attrs, (name, attr)
    loss = g["train_loss"][...]
    assert np.isclose(g.attrs["train_height"], loss.max(), rtol=0, atol=0)
    assert np.isclose(g.attrs["train_barrier"], loss.max() - max(loss[0], loss[-1]), rtol=1e-15)
    chord = loss - ((1 - t) * loss[0] + t * loss[-1])
    assert np.isclose(g.attrs["train_barrier_chord"], chord.max(), rtol=1e-15)
assert h5py.File("chain.h5", "r")["path/polychain/pivots"].shape == (4, a.size)
assert h5py.File("neb1.h5", "r")["path/neb/pivots"].shape == (6, a.size)
l = [h5py.File(f"line{n}.h5", "r")["path/linear/train_loss"][...] for n in (1, 2, 3)]
assert np.allclose(l[0], l[1], rtol=1e-12, atol=0) and np.allclose(l[0], l[2], rtol=1e-12, atol=0)
n1, n3 = (h5py.File(f"neb{n}.h5", "r")["path/neb"] for n in (1, 3))
d = np.abs(n1["pivots"][...] - n3["pivots"][...]).max() / np.abs(n1["pivots"][...]).max()
assert d < 1e-10, f"1 rank against 3 groups: {d}"
assert int(n3.attrs["n_groups"]) == 3 and int(n1.attrs["n_groups"]) == 1
PY

# 4. A planted permutation (and sign flips: tanh is odd) of m1 is recovered exactly.
"$python" - <<'PY'
import h5py, numpy as np
theta = h5py.File("m1.h5", "r")["params"][...].copy()
W1, b1, W2, b2 = theta[:18].reshape(6, 3), theta[18:24], theta[24:42].reshape(3, 6), theta[42:]
perm, sign = np.array([4, 2, 0, 5, 1, 3]), np.array([1, -1, 1, 1, -1, 1.0])
P = np.concatenate([(sign[:, None] * W1[perm]).ravel(), sign * b1[perm], (W2[:, perm] * sign).ravel(), b2])
with h5py.File("m1perm.h5", "w") as f:
    f["params"] = P
PY
for method in weights activations; do
  run_mpi 2 "$build/terrain-connect" -input m1.h5,m1perm.h5 -output perm_$method.h5 -path_align $method \
    -path_samples 11 -progress_interval 0 > perm.log 2>&1 || { fail "align $method"; cat perm.log; }
done
"$python" - <<'PY' || fail "planted permutation"
import h5py, numpy as np
for method in ("weights", "activations"):
    g = h5py.File(f"perm_{method}.h5", "r")["path/linear"]
    assert list(g["permutation/layer0"][...]) == [2, 4, 1, 5, 0, 3], (method, g["permutation/layer0"][...])
    assert abs(g.attrs["end_distance"]) < 1e-15, (method, g.attrs["end_distance"])
    assert g.attrs["train_barrier"] <= 1e-15 and g.attrs["train_barrier_chord"] <= 1e-15, method
    loss = g["train_loss"][...]
    assert np.allclose(loss, loss[0], rtol=1e-13, atol=0), method  # L(P theta) = L(theta) along the line
PY

# 5. ReLU: both ends to the rescaling normal form (equal incoming and outgoing norms per hidden
# unit), the same loss, then aligned.
for seed in 1 2; do
  run_mpi 2 "$build/terrain-train" "${net[@]}" -model_activation relu -model_seed $seed -output r$seed.h5 \
    > train.log 2>&1 || { fail "terrain-train relu $seed"; cat train.log; }
done
run_mpi 2 "$build/terrain-connect" -input r1.h5,r2.h5 -output rescaled.h5 -path_rescale -path_align weights \
  -path_samples 11 -progress_interval 0 > rescaled.log 2>&1 || { fail "-path_rescale"; cat rescaled.log; }
"$python" - <<'PY' || fail "rescaling normal form"
import h5py, numpy as np
for i, name in ((0, "r1.h5"), (-1, "r2.h5")):
    p = h5py.File("rescaled.h5", "r")["path/linear/pivots"][i]
    W1, b1, W2 = p[:18].reshape(6, 3), p[18:24], p[24:42].reshape(3, 6)
    inc = np.sqrt((W1 ** 2).sum(1) + b1 ** 2)
    out = np.sqrt((W2 ** 2).sum(0))
    live = (inc > 0) & (out > 0)
    assert np.allclose(inc[live], out[live], rtol=1e-10), (name, inc, out)
for line in open("rescaled.log"):
    if "rescaled to its normal form" in line:
        before, after = (float(x) for x in line.split("loss ")[1].split(" -> "))
        assert abs(before - after) <= 1e-13 * abs(before), line
PY
expect_error_from terrain-connect "1" "-path_rescale" -input m1.h5,m2.h5 -output x.h5 -path_rescale

# 6. Bad input: one line, non-zero exit at 1 and 3 ranks, the inputs untouched, no file left.
run_mpi 1 "$build/terrain-train" "${net[@]}" -model_widths 3,5,3 -output other.h5 > train.log 2>&1 \
  || fail "terrain-train other"
sum=$(md5sum m1.h5 m2.h5)
expect_error_from terrain-connect "1 3" "other.h5" -input m1.h5,other.h5 -output x.h5
expect_error_from terrain-connect "1 3" "same point" -input m1.h5,m1.h5 -output x.h5
expect_error_from terrain-connect "1" "at least two" -input m1.h5 -output x.h5
expect_error_from terrain-connect "1 3" "-path_images" -input m1.h5,m2.h5 -output x.h5 -path_method neb -path_images 0
expect_error_from terrain-connect "1 3" "-output" -input m1.h5,m2.h5 -output ./m1.h5
expect_error_from terrain-connect "1" "-output" -input m1.h5,m2.h5 -output ../$(basename "$work")/m2.h5
expect_error_from terrain-connect "1 3" "nothere.h5" -input m1.h5,nothere.h5 -output x.h5
expect_error_from terrain-connect "1" "-path_method" -input m1.h5,m2.h5 -output x.h5 -path_method bogus
[ "$(md5sum m1.h5 m2.h5)" = "$sum" ] || fail "bad input changed an input file"
[ -e x.h5 ] && fail "a failed run left x.h5"
ls | grep -q "\.tmp\." && fail "temporaries left: $(ls | grep '\.tmp\.')"
finish
