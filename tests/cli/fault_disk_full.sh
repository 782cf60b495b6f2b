# A disk that fills up while terrain-train writes its run file, at 1, 2 and 3 ranks: the run exits
# non-zero within the time limit (no hang: a rank that failed inside a collective HDF5 call stops
# waiting for the others), not by a signal (no crash in HDF5's shutdown), prints one
# "terrain-train: error:" line naming the file, leaves no temporary behind, and the good file of an
# earlier run at that path stays byte for byte what it was.
# Needs root to mount a small tmpfs (CI runs as root); elsewhere it says so and skips.
source "$(dirname "$0")/lib/common.bash"
cd "$source_dir"

disk=$work/disk
mkdir -p "$disk"
if ! mount -t tmpfs -o size=4m tmpfs "$disk" 2>/dev/null; then
  echo "SKIP: cannot mount a tmpfs here (needs root); the disk-full checks did not run"
  exit 77
fi
trap 'umount "$disk" 2>/dev/null; rm -rf "$work"' EXIT

train=(-options_file inputs/quickstart.opts -train_steps 200 -train_save_every 50 -hess_nev 0)
run_mpi 2 "$build/terrain-train" "${train[@]}" -output "$disk/good.h5" > "$work/stdout" 2>&1 \
  || fail "the good run itself failed: $(tail -3 "$work/stdout")"
good=$(md5sum < "$disk/good.h5")

# Leaves about $1 KiB free on the disk.
leave_free() {
  rm -f "$disk/filler"
  local avail
  avail=$(df --output=avail -k "$disk" | tail -1)
  head -c $(((avail - $1) * 1024)) /dev/zero > "$disk/filler" 2>/dev/null || true
}

for free in 64 300; do
  for np in 1 2 3; do
    leave_free "$free"
    rc=0
    mpi_time_limit=120 run_mpi "$np" "$build/terrain-train" "${train[@]}" -output "$disk/good.h5" \
      > "$work/stdout" 2> "$work/stderr" || rc=$?
    what="np=$np, ${free} KiB free"
    if ((rc == 0)); then fail "$what: exit 0"; fi
    if grep -q '^HANG:' "$work/stderr"; then fail "$what: hung: $(grep -A8 '^HANG:' "$work/stderr")"
    elif ((rc >= 128)); then fail "$what: killed by a signal (exit $rc): $(grep -i 'signal\|error' "$work/stderr" | head -3)"; fi
    lines=$(grep -c "^terrain-train: error: .*good.h5" "$work/stderr")
    ((lines == 1)) || fail "$what: $lines error lines naming good.h5: $(head -c 600 "$work/stderr")"
    [ "$(md5sum < "$disk/good.h5")" = "$good" ] || fail "$what: the good file changed"
    left=$(find "$disk" -name 'good.h5.tmp.*' | wc -l)
    ((left == 0)) || fail "$what: $left temporary file(s) left on the full disk"
    rm -f "$disk"/good.h5.tmp.*
  done
done
finish
