# terrain-hvp-check on every input in inputs/checks at 1, 2 and 3 ranks passes, and at the trained
# quickstart point (the README's command), and fails
# (exit 1, one line) when the tolerance cannot be met.
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"
for input in inputs/checks/*.opts; do
  for np in 1 2 3; do
    run_mpi "$np" "$build/terrain-hvp-check" -options_file "$input" > "$work/out.log" 2>&1 \
      || { fail "$input np=$np"; cat "$work/out.log"; }
    grep -q "PASS" "$work/out.log" || fail "$input np=$np did not print PASS"
  done
done
# The README's second command: at a trained point (a tiny gradient) the check passes.
run_mpi 2 "$build/terrain-train" -options_file inputs/quickstart.opts -output "$work/quickstart.h5" \
  > "$work/train.log" 2>&1 || { fail "quickstart training"; cat "$work/train.log"; }
for np in 1 3; do
  run_mpi $np "$build/terrain-hvp-check" -options_file inputs/quickstart.opts \
    -model_init_file "$work/quickstart.h5" -options_left no > "$work/trained.log" 2>&1 \
    || { fail "hvp-check at the trained quickstart point, np=$np"; cat "$work/trained.log"; }
done
run_mpi 2 "$build/terrain-hvp-check" -options_file inputs/checks/iris_hvp_check.opts -check_tol 1e-30 \
  > "$work/strict.log" 2> "$work/strict.err" && fail "an impossible tolerance passed"
grep -q "terrain-hvp-check: error: derivative check failed" "$work/strict.err" || fail "no failure line"
finish
