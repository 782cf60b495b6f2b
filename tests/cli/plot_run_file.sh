# terrain-plot on run files built with h5py to the schema of src/io/run_schema.hpp: the PNG
# appears where it should, and bad inputs give one-line errors naming the file, exit 1.
# Usage: bash plot_run_file.sh <build dir> <source dir>
set -u
build=$1
plot="$build/terrain-plot"
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

source "$(dirname "$0")/lib/plot.bash"

# --- fixtures: a full run, a trajectory-only regression run, a file with nothing to plot ---
"$python" - "$work" <<'EOF'
import sys, h5py, numpy as np
work = sys.argv[1]
with h5py.File(f"{work}/run.h5", "w") as f:
    f.attrs["schema_version"] = np.int64(1)
    m = f.create_group("model")
    m.attrs["widths"] = np.array([4, 16, 3], dtype=np.int64)
    m.attrs["activation"] = "tanh"
    m.attrs["loss"] = "cross_entropy"
    m.attrs["n_params"] = np.int64(131)
    steps = np.arange(0, 200, 10, dtype=np.int64)
    t = f.create_group("trajectory")
    t["step"] = steps
    t["loss"] = np.exp(-steps / 50.0)
    t["test_loss"] = 1.1 * np.exp(-steps / 60.0)
    t["grad_norm"] = np.exp(-steps / 80.0)
    for name, largest, smallest in (("final", [30.0, 2.0, 0.5], [-1e-3, -0.2]),
                                    ("init", [5.0, 1.0], [0.0, 0.1])):
        s = f.create_group(f"spectrum/{name}")
        s.attrs["operator"] = "hessian"
        s["largest"] = np.array(largest)
        s["smallest"] = np.array(smallest)
        s["eigenvalues"] = np.sort(np.array(largest + smallest))[::-1]
with h5py.File(f"{work}/regression.h5", "w") as f:
    f["trajectory/step"] = np.arange(5, dtype=np.int64)
    f["trajectory/loss"] = np.array([1.0, 0.5, 0.0, 0.1, 0.05])  # an exact 0: linear axis
with h5py.File(f"{work}/empty.h5", "w") as f:
    f.attrs["schema_version"] = np.int64(1)
with h5py.File(f"{work}/ragged.h5", "w") as f:
    f["trajectory/step"] = np.arange(5, dtype=np.int64)
    f["trajectory/loss"] = np.ones(4)
EOF
[ $? -eq 0 ] || { echo "FAIL: could not write the fixtures"; exit 1; }

is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; }

# --- good inputs ---
"$plot" "$work/run.h5" > "$work/out.txt" 2>&1 || fail "run.h5: exit $? $(cat "$work/out.txt")"
is_png "$work/run.png" || fail "run.h5 did not give run.png"
"$plot" "$work/run.h5" -o "$work/custom.png" --spectrum init > /dev/null 2>&1 \
  || fail "-o/--spectrum: exit $?"
is_png "$work/custom.png" || fail "-o custom.png was not written"
"$plot" "$work/regression.h5" > /dev/null 2>&1 || fail "regression.h5: exit $?"
is_png "$work/regression.png" || fail "regression.h5 did not give regression.png"

# --- bad inputs: exit 1, one line on stderr, naming the file ---
expect_error "$work/missing.h5: no such file" "$work/missing.h5"
printf 'not hdf5\n' > "$work/garbage.h5"
expect_error "$work/garbage.h5: not an HDF5 file" "$work/garbage.h5"
expect_error "$work/run.h5: no /spectrum/nope (available: final, init)" "$work/run.h5" --spectrum nope
expect_error "$work/empty.h5: nothing to plot" "$work/empty.h5"
expect_error "$work/ragged.h5: /trajectory/loss has 4 entries" "$work/ragged.h5"
head -c 1500 "$work/run.h5" > "$work/truncated.h5"
expect_error "$work/truncated.h5" "$work/truncated.h5"
expect_error "$work/nodir/out.png: cannot write" "$work/run.h5" -o "$work/nodir/out.png"

[ "$failures" -eq 0 ] && echo "plot_run_file: all checks passed"
exit $((failures > 0))
