# An -output that is the -input file under another spelling ("./in.h5", a path through "..", a
# symbolic link) is refused by terrain-critical and terrain-embed with one line naming both, at
# 1 and 3 ranks, and the run file survives byte for byte (before, comparing spellings let them
# replace it with a file that had no trajectory or checkpoint). terrain-spectrum, which adds to
# its input when they are the same file, does so for every spelling.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/errors.bash"
cd "$source_dir"

run_mpi 2 "$build/terrain-train" -options_file inputs/quickstart.opts -model_widths 1,4,1 \
  -train_steps 200 -train_save_every 100 -hess_nev 0 -output "$work/in.h5" > "$work/stdout" 2>&1 \
  || fail "training the input failed: $(tail -2 "$work/stdout")"
ln -s "$work/in.h5" "$work/link.h5"
good=$(md5sum < "$work/in.h5")
dir=$(basename "$work")

cd "$work"
for alias in ./in.h5 "../$dir/in.h5" link.h5 "$work//in.h5"; do
  expect_error_from terrain-critical "1 3" "-output must differ from -input" -input in.h5 -output "$alias"
  expect_error_from terrain-embed "1 3" "-output must differ from -input" -input in.h5 -output "$alias" \
    -embed_mode split -embed_widths 1,5,1
  [ "$(md5sum < in.h5)" = "$good" ] || fail "-output $alias changed the input file"
done
cp in.h5 ref.h5
expect_error_from terrain-embed "1" "-output must differ from -embed_reference" -input in.h5 -output ./ref.h5 \
  -embed_mode compare -embed_reference ref.h5
[ "$(md5sum < ref.h5)" = "$good" ] || fail "the refused compare changed ref.h5"

run_mpi 2 "$build/terrain-spectrum" -input in.h5 -output ./in.h5 -hess_nev 1 > "$work/stdout" 2>&1 \
  || fail "terrain-spectrum -output ./in.h5 failed: $(tail -2 "$work/stdout")"
"$python" - "$work/in.h5" <<'PY' || fail "terrain-spectrum in place lost part of the run file"
import sys, h5py
with h5py.File(sys.argv[1]) as f:
    for name in ("trajectory/loss", "trajectory/params", "checkpoint", "spectrum/analysis"):
        assert name in f, name
PY
finish
