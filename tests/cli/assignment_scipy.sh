# The linear assignment (geometry/linear_assignment.hpp) against scipy.optimize.
# linear_sum_assignment(maximize=True) on random Gaussian n × n matrices, n = 256, 1024, 2048:
# the optima must agree to 1e-9 relative; prints both wall times (and LEMON's network simplex
# for n ≤ 1024); the times are reported, not asserted (a shared CI machine is no benchmark).
# The solver runs inside test_linear_assignment's case scipy_benchmark (TERRAIN_ASSIGNMENT_BENCH
# names the raw float64 matrix; BOOST_TEST_RUN_FILTERS selects the case).
source "$(dirname "$0")/lib/common.bash"
if ! "$python" -c 'import scipy.optimize' 2>/dev/null; then
  echo "SKIPPED: $python has no scipy (jobscripts/setup.sh --tests installs python3-scipy)"
  exit 0
fi
for n in 256 1024 2048; do
  scipy_line=$("$python" - "$work/w$n.bin" "$n" <<'PY'
import sys, time, numpy as np
from scipy.optimize import linear_sum_assignment
path, n = sys.argv[1], int(sys.argv[2])
w = np.random.default_rng(n).standard_normal((n, n))
w.tofile(path)
t = time.perf_counter()
r, c = linear_sum_assignment(w, maximize=True)
print(f"{time.perf_counter() - t:.4f} {w[r, c].sum():.17g}")
PY
  ) || { fail "n=$n: the scipy side"; continue; }
  read -r scipy_seconds scipy_objective <<< "$scipy_line"
  TERRAIN_ASSIGNMENT_BENCH="$work/w$n.bin" BOOST_TEST_RUN_FILTERS=scipy_benchmark \
    run_mpi 1 "$build/tests/test_linear_assignment" > "$work/t$n.log" 2>&1 \
    || { fail "n=$n: test_linear_assignment"; cat "$work/t$n.log"; continue; }
  ours=$(awk '/^assignment n=/ { sub("seconds=", "", $3); sub("objective=", "", $4); print $3, $4 }' "$work/t$n.log")
  [ -n "$ours" ] || { fail "n=$n: no assignment line"; cat "$work/t$n.log"; continue; }
  read -r our_seconds our_objective <<< "$ours"
  lemon=$(awk '/^lemon n=/ { sub("seconds=", "", $3); print " lemon " $3 " s" }' "$work/t$n.log")
  echo "n=$n: terrain $our_seconds s, scipy $scipy_seconds s$lemon; objectives $our_objective $scipy_objective"
  "$python" -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(abs(a - b) > 1e-9 * abs(b))" \
    "$our_objective" "$scipy_objective" || fail "n=$n: objective $our_objective, scipy's $scipy_objective"
  grep -q "^lemon n=" "$work/t$n.log" && {
    lemon_objective=$(awk '/^lemon n=/ { sub("objective=", "", $4); print $4 }' "$work/t$n.log")
    "$python" -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(abs(a - b) > 1e-9 * abs(b))" \
      "$lemon_objective" "$scipy_objective" || fail "n=$n: LEMON's objective $lemon_objective, scipy's $scipy_objective"
  }
done
finish
