# Shared by the terrain-embed script tests (source after common.bash).
# embed <np> <log> <arguments...>: terrain-embed on np ranks, its output in $work/<log>; a failure
# is reported with the log.
embed() {
  local np=$1 log=$2
  shift 2
  run_mpi "$np" "$build/terrain-embed" "$@" > "$work/$log" 2>&1 || { fail "terrain-embed $* (np $np)"; cat "$work/$log"; }
}
