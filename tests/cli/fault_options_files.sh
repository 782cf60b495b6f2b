# Options files that PETSc cannot read safely, at 1 and 3 ranks: a file that includes itself, two
# that include each other, a missing file, binary garbage, a dangling -options_file and a line
# with two values (which PETSc refused on the reading rank only, leaving the others hung) each give
# one "terrain-train: error:" line naming the file, and a non-zero exit on every rank (before
# this check PETSc overflowed its stack on the loops and printed a page of traceback for a
# missing file).
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/errors.bash"
cd "$source_dir"

printf -- '-options_file %s/self.opts\n' "$work" > "$work/self.opts"
printf -- '-train_steps 5\n-options_file %s/b.opts\n' "$work" > "$work/a.opts"
printf -- '# includes a.opts back\n-options_file %s/a.opts\n' "$work" > "$work/b.opts"
head -c 512 /dev/urandom | tr -d '\n' | sed 's/^/\x01/' > "$work/garbage.opts"
printf -- '-options_file inputs/quickstart.opts\n-train_steps 5\n-hess_nev 0\n' > "$work/fine.opts"

expect_error_from terrain-train "1 3" "self.opts: the options files include each other" -options_file "$work/self.opts"
expect_error_from terrain-train "1 3" "a.opts: the options files include each other" -options_file "$work/a.opts"
expect_error_from terrain-train "1 3" "nowhere.opts: cannot read" -options_file "$work/nowhere.opts"
expect_error_from terrain-train "1 3" "garbage.opts: not a text file" -options_file "$work/garbage.opts"
expect_error_from terrain-train "1 3" "-options_file without a file name" -options_file
# Two values on one line: PETSc fails on the reading rank only, which left the others waiting.
printf -- '-data_source target1d\n-train_steps 10 20\n' > "$work/two_values.opts"
expect_error_from terrain-train "1 3" "two_values.opts:2: more than one value for -train_steps" -options_file "$work/two_values.opts"
expect_error_from terrain-surface "2" "two_values.opts:2" -options_file "$work/two_values.opts"

# A chain that is fine still runs: the check must not reject what PETSc reads.
run_mpi 2 "$build/terrain-train" -options_file "$work/fine.opts" -output "$work/fine.h5" > "$work/stdout" 2>&1 \
  || fail "a valid nested options file was refused: $(tail -2 "$work/stdout")"
finish
