# Bad input to terrain-embed: each case exits non-zero on every rank (at 1 or 2 ranks,
# alternating), prints exactly one "terrain-embed: error:" line naming the option or file at
# fault, and leaves neither an output file nor a temporary behind. Cases: a wrong mode, a neuron
# out of range, narrower widths, a residual network, a missing reference, plus the options that
# need one another.
source "$(dirname "$0")/lib/common.bash"
source "$(dirname "$0")/lib/errors.bash"
cd "$source_dir"

run_mpi 2 "$build/terrain-train" -options_file inputs/embedding/op_train.opts -train_steps 10 \
  -output "$work/w2.h5" > "$work/train.log" 2>&1 || { fail "terrain-train"; cat "$work/train.log"; }
# A residual network with a skip between its two hidden layers of width 3, as a parameter file.
"$python" -c "
import h5py, numpy as np
with h5py.File('$work/residual.h5', 'w') as f:
    f['params'] = np.linspace(-1, 1, 1*3 + 3 + 3*3 + 3 + 3 + 1)
"

cases=0
expect_error() {
  cases=$((cases + 1))
  expect_error_from terrain-embed "$((1 + cases % 2))" "$@"
  [ -e "$work/out.h5" ] && { fail "an output file was written by: $*"; rm -f "$work/out.h5"; }
  ls "$work" | grep -q "\.tmp\." && fail "a temporary file was left behind by: $*"
}
in=(-input "$work/w2.h5" -output "$work/out.h5")
expect_error "-embed_mode" "${in[@]}" -embed_mode grow
expect_error "-embed_neuron must be in 0..1" "${in[@]}" -embed_mode split -embed_neuron 2
expect_error "narrower than the network" "${in[@]}" -embed_mode split -embed_widths 1,1,1
expect_error "residual networks cannot be embedded" -input "$work/residual.h5" -output "$work/out.h5" \
  -model_widths 1,3,3,1 -model_activation tanh -model_residual -data_source target1d -embed_mode split -embed_widths 1,4,3,1
expect_error "missing.h5" "${in[@]}" -embed_mode compare -embed_reference "$work/missing.h5"
expect_error "-embed_reference" "${in[@]}" -embed_mode compare
expect_error "-output must differ from -input" -input "$work/w2.h5" -output "$work/w2.h5" -embed_mode features
expect_error "-embed_widths applies to -embed_mode split only" "${in[@]}" -embed_mode reduce -embed_widths 1,4,1
expect_error "-embed_alpha needs -embed_split alpha" "${in[@]}" -embed_mode split -embed_widths 1,3,1 -embed_alpha 0.2
expect_error "two-layer network" -input "$work/residual.h5" -output "$work/out.h5" \
  -model_widths 1,3,3,1 -data_source target1d -embed_mode features
finish
