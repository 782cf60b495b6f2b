# terrain-bench runs every input in inputs/bench (one repetition: this checks that it works,
# the figures come from a quiet machine) and a tiny network at 1 and 2 ranks.
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"
for input in inputs/bench/*.opts; do
  data_file=$(awk '$1 == "-data_file" { print $2 }' "$input")
  if [ -n "$data_file" ] && [ ! -r "$data_file" ]; then echo "skipped $input: no $data_file"; continue; fi
  run_mpi 1 "$build/terrain-bench" -options_file "$input" -bench_repeat 1 > "$work/b.log" 2>&1 \
    || { fail "$input"; cat "$work/b.log"; }
  grep -q "^checks:" "$work/b.log" || fail "$input printed no checks line"
  grep -q "^loss checks: loss at [0-9.]* of its DGEMM bound" "$work/b.log" || fail "$input printed no loss checks line"
  grep -q "plane point (at x,y)" "$work/b.log" || fail "$input printed no plane point row"
done
run_mpi 2 "$build/terrain-bench" -model_widths 20,30,30,5 -model_loss cross_entropy -bench_samples 300 \
  -bench_repeat 1 -bench_vectors 4 > "$work/small.log" 2>&1 || { fail "small np=2"; cat "$work/small.log"; }
grep -q "parallel efficiency 1 -> 2 ranks" "$work/small.log" || fail "no parallel efficiency line"
grep -q "^loss checks:" "$work/small.log" || fail "no loss checks line at np=2"
run_mpi 1 "$build/terrain-bench" -model_widths 4,3 -bench_samples 10 -bench_plane_points 0 > "$work/bad.log" 2>&1 \
  && fail "-bench_plane_points 0 accepted"
grep -q -- "-bench_plane_points must be positive" "$work/bad.log" || { fail "no line naming -bench_plane_points"; cat "$work/bad.log"; }
finish
