# The linear assignment (geometry/linear_assignment.hpp) against scipy.optimize.
# linear_sum_assignment(maximize=True) on random Gaussian n × n matrices, n = 256, 1024, 2048:
# the optima must agree to 1e-9 relative; prints both wall times (and LEMON's network simplex
# for n ≤ 1024); the times are reported, not asserted (a shared CI machine is no benchmark).
# The solver runs inside test_linear_assignment's case scipy_benchmark (TERRAIN_ASSIGNMENT_BENCH
# names the raw float64 matrix; BOOST_TEST_RUN_FILTERS selects the case).
source "$(dirname "$0")/lib/common.bash"
if ! "$python" -c 'import scipy.optimize' 2>/dev/null; then
  echo "SKIPPED: $python has no scipy (jobscripts/setup.sh --tests installs python3-scipy)"
  exit 77
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
  TERRAIN_ASSIGNMENT_BENCH="$work/w$n.bin" BOOST_TEST_RUN_FILTERS=scipy_benchmark BOOST_TEST_COLOR_OUTPUT=no \
    run_mpi 1 "$build/tests/test_linear_assignment" > "$work/t$n.log" 2>&1 \
    || { fail "n=$n: test_linear_assignment"; cat "$work/t$n.log"; continue; }
  # grep -o: Boost's colour codes may share the line
  ours=$(grep -o 'assignment n=[0-9]* seconds=[^ ]* objective=[^ ]*' "$work/t$n.log" |
    awk '{ sub("seconds=", "", $3); sub("objective=", "", $4); print $3, $4 }')
  [ -n "$ours" ] || { fail "n=$n: no assignment line"; cat "$work/t$n.log"; continue; }
  read -r our_seconds our_objective <<< "$ours"
  lemon_line=$(grep -o 'lemon n=[0-9]* seconds=[^ ]* objective=[^ ]*' "$work/t$n.log")
  lemon=""
  if [ -n "$lemon_line" ]; then
    lemon=$(awk '{ sub("seconds=", "", $3); print ", lemon " $3 " s" }' <<< "$lemon_line")
  elif ((n <= 1024)); then
    fail "n=$n: no lemon line"
  fi
  echo "n=$n: terrain $our_seconds s, scipy $scipy_seconds s$lemon; objectives $our_objective $scipy_objective"
  "$python" -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(abs(a - b) > 1e-9 * abs(b))" \
    "$our_objective" "$scipy_objective" || fail "n=$n: objective $our_objective, scipy's $scipy_objective"
  if [ -n "$lemon_line" ]; then
    lemon_objective=$(awk '{ sub("objective=", "", $4); print $4 }' <<< "$lemon_line")
    "$python" -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(abs(a - b) > 1e-9 * abs(b))" \
      "$lemon_objective" "$scipy_objective" || fail "n=$n: LEMON's objective $lemon_objective, scipy's $scipy_objective"
  fi
done
finish
