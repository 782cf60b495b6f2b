# Progress lines of long phases (-progress_interval): with a tiny interval terrain-train,
# terrain-spectrum, terrain-critical and an ensemble print them for every instrumented phase
# (training steps, extreme eigensolves, dense assembly, dense eigenvalues, Sylvester inertia,
# trace, density, saddle-free Newton, Newton-Krylov, ensemble runs), each with its elapsed time
# and, where the amount of work is known, an ETA; -progress_interval 0 removes every one of
# them; the results are bitwise the same either way; -help lists the option and a negative
# interval is an input error.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/training.bash"
source "$(dirname "$0")/lib/errors.bash"
cd "$source_dir"

elapsed='elapsed [0-9]+\.[0-9] s'
eta='ETA [0-9]+\.[0-9] s'
# expect_line LOG REGEX: LOG has a line matching REGEX (extended).
expect_line() {
  grep -Eq -- "$2" "$1" || fail "$(basename "$1"): no line matching '$2'"
}

# --- terrain-train: the step lines and the final eigensolves ---
train=(-options_file inputs/quickstart.opts -train_steps 2000 -train_print_every 500 -hess_nev 4)
run_mpi 2 "$build/terrain-train" "${train[@]}" -progress_interval 0.001 -output "$work/on.h5" \
  > "$work/train_on.log" 2>&1 || { fail "terrain-train with progress"; cat "$work/train_on.log"; }
run_mpi 2 "$build/terrain-train" "${train[@]}" -progress_interval 0 -output "$work/off.h5" \
  > "$work/train_off.log" 2>&1 || { fail "terrain-train without progress"; cat "$work/train_off.log"; }
expect_line "$work/train_on.log" "^step  500/2000  loss [0-9.e+-]+  \|grad\| [0-9.e+-]+  $elapsed  $eta\$"
expect_line "$work/train_on.log" "^step 2000/2000 .*$elapsed"
expect_line "$work/train_on.log" "^(largest|smallest) eigenvalues .*converged [0-9]+/4.*H\.v.*$elapsed"
expect_line "$work/train_on.log" "^(largest|smallest) eigenvalues done .*$elapsed"
grep -Eq "$elapsed" "$work/train_off.log" && fail "-progress_interval 0 left progress lines: $(grep -E "$elapsed" "$work/train_off.log")"
grep -q "^largest hessian eigenvalues" "$work/train_off.log" || fail "-progress_interval 0 removed the results too"
same_results "$work/on.h5" "$work/off.h5" || fail "training results differ with progress lines"

# --- terrain-spectrum: every analysis of the quickstart point ---
spectrum=(-spectrum_full -spectrum_inertia -spectrum_trace -spectrum_density -hess_nev 3)
cp "$work/off.h5" "$work/spec_on.h5"
cp "$work/off.h5" "$work/spec_off.h5"
run_mpi 2 "$build/terrain-spectrum" -input "$work/spec_on.h5" "${spectrum[@]}" -progress_interval 0.001 \
  > "$work/spec_on.log" 2>&1 || { fail "terrain-spectrum with progress"; cat "$work/spec_on.log"; }
run_mpi 2 "$build/terrain-spectrum" -input "$work/spec_off.h5" "${spectrum[@]}" -progress_interval 0 \
  > "$work/spec_off.log" 2>&1 || { fail "terrain-spectrum without progress"; cat "$work/spec_off.log"; }
expect_line "$work/spec_on.log" "^dense assembly +[0-9]+/321  .*$elapsed  $eta\$"
expect_line "$work/spec_on.log" "^dense assembly done  321 columns  $elapsed\$"
expect_line "$work/spec_on.log" "^dense eigenvalues  started: scalapack pdsyev of the 321 x 321 matrix on 2 rank"
expect_line "$work/spec_on.log" "^dense eigenvalues done  .*$elapsed"
expect_line "$work/spec_on.log" "^Sylvester inertia done  .*$elapsed"
expect_line "$work/spec_on.log" "^trace +[0-9]+/[0-9]+  .*$elapsed  $eta"
expect_line "$work/spec_on.log" "^SLQ density  started: .*$elapsed"
expect_line "$work/spec_on.log" "^SLQ density done  .*$elapsed"
expect_line "$work/spec_on.log" "^smallest eigenvalues  iteration [0-9]+, converged [0-9]+/[0-9]+, [0-9]+ H\.v.*$elapsed"
grep -Eq "$elapsed" "$work/spec_off.log" && fail "-progress_interval 0 left spectrum progress lines: $(grep -E "$elapsed" "$work/spec_off.log")"
grep -q "^classification: " "$work/spec_off.log" || fail "terrain-spectrum printed no classification"
same_results "$work/spec_on.h5" "$work/spec_off.h5" || fail "spectrum results differ with progress lines"

# --- terrain-critical: saddle-free Newton, then the trust-region Newton; Newton-Krylov ---
critical=(-input "$work/off.h5" -critical_method sfn -critical_sfn_steps 3 -critical_sfn_switch 0 -critical_max_it 2)
run_mpi 2 "$build/terrain-critical" "${critical[@]}" -output "$work/crit_on.h5" -progress_interval 0.001 \
  > "$work/crit_on.log" 2>&1 || { fail "terrain-critical with progress"; cat "$work/crit_on.log"; }
run_mpi 2 "$build/terrain-critical" "${critical[@]}" -output "$work/crit_off.h5" -progress_interval 0 \
  > "$work/crit_off.log" 2>&1 || { fail "terrain-critical without progress"; cat "$work/crit_off.log"; }
expect_line "$work/crit_on.log" "^saddle-free Newton .*step [0-9]+ \(at most 3\), \|grad L\|_2 [0-9.e+-]+, loss .*H\.v  $elapsed"
expect_line "$work/crit_on.log" "^trust-region Newton  iteration [0-9]+, \|grad L\|_2 [0-9.e+-]+, radius [0-9.e+-]+, [0-9]+ H\.v.*$elapsed"
expect_line "$work/crit_on.log" "^trust-region Newton done  .*$elapsed"
grep -Eq "$elapsed" "$work/crit_off.log" && fail "-progress_interval 0 left critical progress lines"
grep -q "^    0 " "$work/crit_off.log" || fail "-progress_interval 0 removed the Newton history"
same_results "$work/crit_on.h5" "$work/crit_off.h5" || fail "critical results differ with progress lines"
run_mpi 2 "$build/terrain-critical" -input "$work/off.h5" -critical_method newton -critical_max_it 2 \
  -output "$work/newton_on.h5" -progress_interval 0.001 > "$work/newton_on.log" 2>&1 \
  || { fail "terrain-critical newton with progress"; cat "$work/newton_on.log"; }
expect_line "$work/newton_on.log" "^Newton-Krylov  iteration [0-9]+, \|grad L\|_2 [0-9.e+-]+, [0-9]+ H\.v.*$elapsed"
expect_line "$work/newton_on.log" "^Newton-Krylov done  .*$elapsed"

# --- an ensemble of 4 runs on 2 groups of one rank ---
ensemble=(-options_file inputs/training/ensemble_relu1d.opts -ensemble_seeds 2 -ensemble_widths 2,4
          -train_steps 300 -train_monitor_every 10)
run_mpi 2 "$build/terrain-train" "${ensemble[@]}" -output "$work/ens.h5" -progress_interval 0.001 \
  > "$work/ens.log" 2>&1 || { fail "ensemble with progress"; cat "$work/ens.log"; }
expect_line "$work/ens.log" "^ensemble group [01]: runs 1/2  last: run [0-9]+  $elapsed  $eta\$"
expect_line "$work/ens.log" "^ensemble group [01]: runs done  2 finished, 0 diverged of 2  $elapsed\$"

# --- the option itself ---
"$build/terrain-spectrum" -help > "$work/help.txt" 2>&1
grep -q -- "-progress_interval" "$work/help.txt" || fail "-help does not list -progress_interval"
expect_error_from terrain-train "2" "-progress_interval" -options_file inputs/quickstart.opts \
  -train_steps 5 -hess_nev 0 -output "$work/bad.h5" -progress_interval -1
finish
