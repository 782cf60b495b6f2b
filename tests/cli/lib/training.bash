# Shared by the training script tests (source after common.bash): comparing run files with
# h5py and signalling the ranks of a background mpirun.

# same_results A B [relative tolerance]: every numeric dataset of A and B agrees (bitwise by
# default) except the timing columns, which no two runs share.
same_results() {
  "$python" - "$1" "$2" "${3:-0}" <<'PY'
import sys, h5py, numpy as np
a, b, tol = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r"), float(sys.argv[3])
names = []
a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
bad = []
for n in names:
    if n.split("/")[-1] in ("wall_time", "step_time") or n not in b:
        bad += [] if n.split("/")[-1] in ("wall_time", "step_time") else [n + " missing"]
        continue
    x, y = a[n][...], b[n][...]
    if x.shape != y.shape:
        bad.append(f"{n} shape {x.shape} vs {y.shape}")
    elif x.dtype.kind in "fi":
        scale = max(np.max(np.abs(x[np.isfinite(x)]), initial=0.0), 1e-300)
        diff = np.abs(x.astype(float) - y.astype(float))
        diff[np.isnan(diff) & (x == y)] = 0
        err = np.max(diff, initial=0.0) / scale
        if not (err <= tol):
            bad.append(f"{n} differs by {err:.3g}")
if bad:
    sys.exit("; ".join(bad))
PY
}

# signal_ranks SIGNAL PID [DRIVER]: sends SIGNAL to the ranks (processes named DRIVER, default
# terrain-train) started by the mpirun under PID (mpirun itself, or a `timeout` wrapping it).
signal_ranks() {
  local sig=$1 pid=$2 driver=${3:-terrain-train} child
  for child in $pid $(pgrep -P "$pid"); do
    pkill "-$sig" -P "$child" -x "$driver" 2>/dev/null
  done
}

# checkpoint_ok FILE: the run file opens with h5py and its /checkpoint accounts for the rows.
checkpoint_ok() {
  "$python" - "$1" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    c = f["checkpoint"].attrs
    assert c["status"] in ("running", "trained", "finished"), c["status"]
    assert f["trajectory/step"].shape == (c["rows"],), (f["trajectory/step"].shape, c["rows"])
    assert f["trajectory/step"][-1] <= c["step"]
    assert f["trajectory/params"].shape[0] == c["saved"]
    assert np.all(np.isfinite(f["params"][...]))
PY
}
