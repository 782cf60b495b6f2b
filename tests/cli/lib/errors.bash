# expect_error_from <driver> <ranks> <needle> <arguments...>: the driver, run at each rank count
# in <ranks> ("1 3"), exits non-zero (not by the time limit) and prints exactly one
# "<driver>: error:" line that contains <needle> (the option or file at fault).
# Source after common.bash.
expect_error_from() {
  local driver=$1 ranks=$2 needle=$3
  shift 3
  for np in $ranks; do
    run_mpi "$np" "$build/$driver" "$@" > "$work/stdout" 2> "$work/stderr"
    local rc=$?
    if ((rc == 0)); then fail "np=$np exit 0 for: $driver $*"; continue; fi
    if ((rc == 124)); then fail "np=$np hung for: $driver $*"; continue; fi
    local lines
    lines=$(grep -c "^$driver: error:" "$work/stderr")
    ((lines == 1)) || fail "np=$np printed $lines error lines for: $driver $* ($(cat "$work/stderr"))"
    grep "^$driver: error:" "$work/stderr" | grep -qF -- "$needle" \
      || fail "np=$np message lacks '$needle': $(grep error: "$work/stderr")"
  done
}
