# Shared by the terrain-plot script tests (source after $plot, $python, $work and fail exist):
# skip without Debian's h5py and matplotlib, and expect_error for terrain-plot's one-line errors.
if ! "$python" -c 'import h5py, matplotlib' 2>/dev/null; then
  echo "SKIPPED: $python has no h5py or matplotlib"
  exit 0
fi
[ -x "$plot" ] || { echo "FAIL: $plot is missing or not executable"; exit 1; }

# expect_error <text the message must contain> <terrain-plot args...>: exit 1, one line on
# stderr, containing the text.
expect_error() {
  local want=$1
  shift
  "$plot" "$@" > "$work/stdout" 2> "$work/stderr"
  local code=$?
  local lines
  lines=$(wc -l < "$work/stderr")
  [ "$code" -eq 1 ] || fail "$*: exit $code, expected 1"
  [ "$lines" -eq 1 ] || fail "$*: $lines lines on stderr: $(cat "$work/stderr")"
  grep -qF -- "$want" "$work/stderr" || fail "$*: '$want' not in: $(cat "$work/stderr")"
}
