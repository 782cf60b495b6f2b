#!/bin/bash
# The barrier-against-width study (Entezari et al. 2021, Ainsworth et al. 2022; issue 11 item 8):
# for each hidden width w, two 784-w-10 ReLU nets on Fashion-MNIST (seeds 0 and 1, one rank
# each, $np at a time; inputs/paths/width_train.opts), then terrain-connect's straight line
# between them naive, after weight matching and after activation matching
# (inputs/paths/width_connect.opts), the three /path groups joined into $out/w<w>.h5. Prints a
# table of the end losses and the barriers (train and test) and each phase's wall time, and
# draws terrain-plot --kind barrier_width into $out/width_barrier.png. 8 min on 2 shared cores
# for the default widths.
#   usage: jobscripts/paths/width_barrier.sh BUILD_DIR OUTPUT_DIR
#   environment: NP ranks (default 2); WIDTHS (default "16 32 64 128 256 512 1024");
#   TRAIN_OPTIONS more options for the training runs (e.g. "-train_steps 20 -data_n 200");
#   CONNECT_OPTIONS more options for terrain-connect (e.g. "-path_samples 11").
# The arguments, the repository root as working directory, env.sh, $np, $build, $out, $python:
source "$(dirname "${BASH_SOURCE[0]}")/../embedding/common.sh"
widths=${WIDTHS:-16 32 64 128 256 512 1024}
seeds=(0 1)
files=()
timing=()
for w in $widths; do
  t0=$(date +%s)
  running=0
  for seed in "${seeds[@]}"; do
    # Unquoted TRAIN_OPTIONS: a list of options. After the options file, so they override it.
    mpirun -np 1 "$build/terrain-train" -options_file inputs/paths/width_train.opts \
      -model_widths "784,$w,10" -model_seed "$seed" -train_seed "$seed" ${TRAIN_OPTIONS:-} \
      -output "$out/w${w}_seed$seed.h5" > "$out/w${w}_seed$seed.log" 2>&1 &
    running=$((running + 1))
    ((running % np == 0)) && wait
  done
  wait
  # wait without a pid does not report failures: check the run files and show the log if not.
  for seed in "${seeds[@]}"; do
    if ! grep -q "^final loss" "$out/w${w}_seed$seed.log"; then
      cat "$out/w${w}_seed$seed.log" >&2
      echo "width_barrier: training w = $w seed $seed failed" >&2
      exit 1
    fi
  done
  t1=$(date +%s)
  pair="$out/w${w}_seed${seeds[0]}.h5,$out/w${w}_seed${seeds[1]}.h5"
  for align in none weights activations; do
    name=$align
    [ "$align" = none ] && name=naive
    rm -f "$out/w${w}_$name.h5"
    run terrain-connect -options_file inputs/paths/width_connect.opts -input "$pair" \
      -output "$out/w${w}_$name.h5" -path_align "$align" -path_name "$name" \
      ${CONNECT_OPTIONS:-} > "$out/w${w}_$name.log" 2>&1 ||
      { cat "$out/w${w}_$name.log" >&2; exit 1; }
  done
  t2=$(date +%s)
  # One file per width: the naive file (its /model, /data, /params of A) with the other two
  # /path groups copied in.
  rm -f "$out/w$w.h5"
  cp "$out/w${w}_naive.h5" "$out/w$w.h5"
  "$python" - "$out/w$w.h5" "$out/w${w}_weights.h5" "$out/w${w}_activations.h5" <<'PY'
import sys
import h5py
with h5py.File(sys.argv[1], "a") as dst:
    for src_name in sys.argv[2:]:
        with h5py.File(src_name, "r") as src:
            for name in src["path"]:
                src.copy(src["path"][name], dst["path"], name=name)
PY
  rm -f "$out/w${w}_naive.h5" "$out/w${w}_weights.h5" "$out/w${w}_activations.h5"
  files+=("$out/w$w.h5")
  timing+=("$w $((t1 - t0)) $((t2 - t1))")
  echo "width $w: training $((t1 - t0)) s, three paths $((t2 - t1)) s (total $(elapsed))"
done

# The table: the end losses are the path's own evaluations at t = 0 and 1 (full training set).
"$python" - "${files[@]}" <<'PY'
import sys
import h5py
head = ("width", "loss A", "loss B", "naive", "weights", "activations",
        "naive", "weights", "activations")
print("%6s | %9s %9s | %-32s | %-32s" % ("", "train", "", "train barrier", "test barrier"))
print("%6s | %9s %9s | %10s %10s %10s | %10s %10s %10s" % head)
for name in sys.argv[1:]:
    with h5py.File(name, "r") as f:
        w = int(f["model"].attrs["widths"][1])
        p = f["path"]
        loss = p["naive"]["train_loss"][...]
        row = [p[k].attrs["train_barrier"] for k in ("naive", "weights", "activations")]
        row += [p[k].attrs.get("test_barrier", float("nan")) for k in ("naive", "weights",
                                                                        "activations")]
        print("%6d | %9.3e %9.3e | %10.3e %10.3e %10.3e | %10.3e %10.3e %10.3e"
              % ((w, loss[0], loss[-1]) + tuple(row)))
PY
echo "wall time (s): width training paths"
for row in "${timing[@]}"; do echo "  $row"; done
also=("${files[@]:1}")
"$build/terrain-plot" "${files[0]}" --kind barrier_width ${also[@]+--also "${also[@]}"} \
  -o "$out/width_barrier.png"
echo "barrier-against-width study done in $(elapsed): $out/width_barrier.png"
