# Shared by the script tests: paths, an mpirun that works as root on small machines, and a
# failure counter. Source it with the build and source directories as $1 and $2.
set -u
build=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# mpirun with a time limit, so a hang fails the test instead of stalling CI. `timeout` alone is
# not enough: its SIGTERM reaches ranks that catch it (to checkpoint) and go on waiting in a
# collective. The watchdog prints every rank's stack (the hang's diagnosis in the CI log), then
# kills mpirun and its ranks. mpi_time_limit seconds, 300 unless set.
watch_mpi() {  # watch_mpi PID DESCRIPTION...: in the background until PID ends
  local pid=$1 limit=$((${mpi_time_limit:-300} * 10)) i rank
  shift
  for ((i = 0; i < limit; ++i)); do
    kill -0 "$pid" 2> /dev/null || return 0
    sleep 0.1
  done
  echo "HANG: still running after ${mpi_time_limit:-300} s: mpirun $*" >&2
  for rank in $(pgrep -P "$pid"); do
    echo "--- stack of pid $rank ($(ps -o comm= -p "$rank"))" >&2
    timeout 60 gdb -batch -p "$rank" -ex "thread apply all bt" 2>&1 | grep '^#' >&2
  done
  kill -9 $(pgrep -P "$pid") "$pid" 2> /dev/null
}
# start_mpi NP ARGS...: mpirun in the background under the watchdog; its pid in mpi_pid, the
# watchdog's in mpi_watchdog.
start_mpi() {
  local np=$1
  shift
  mpirun -np "$np" --oversubscribe --bind-to none "$@" &
  mpi_pid=$!
  watch_mpi "$mpi_pid" "$@" &
  mpi_watchdog=$!
}
run_mpi() {  # run_mpi NP ARGS...: start_mpi and wait; mpirun's exit code
  start_mpi "$@"
  local rc=0
  wait "$mpi_pid" || rc=$?
  wait "$mpi_watchdog"
  return "$rc"
}
finish() {
  if ((failures)); then
    echo "$failures check(s) failed"
    exit 1
  fi
  echo "all checks passed"
}
