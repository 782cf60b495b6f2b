#!/bin/bash
# Embedding study 3, reduction: train a width-400 two-layer ReLU network from a small
# initialisation on 1000 Fashion-MNIST images, group its neurons by cosine >= 0.9 and reduce it to
# one neuron per group, train the reduced network 200 steps, and compare the predictions of the
# reduced networks with the original's on the 10000 test images. Plots: the similarity matrix
# sorted by group, the prediction-agreement matrices.
# VARIANT=chapter: the chapter's network of Fig. 1.7 instead, f = sum_k a_k sigma(w_k^T x~) with
# x~ = [x; 1] (-data_append_one, -model_bias false: the hidden bias inside w, no output bias;
# study3_chapter_train.opts), written to OUTPUT_DIR/study3_chapter and study3_chapter_reduction.txt.
#   bash jobscripts/embedding/study3_reduce.sh build studies       (about 2 min on 2 cores)
#   VARIANT=chapter bash jobscripts/embedding/study3_reduce.sh build studies   (about 2.5 min)
#   STEPS=300 N_TEST=1000 bash ...                                   (shrunk)
source "$(dirname "$0")/common.sh"
case ${VARIANT:-default} in
  default) tag=study3 train=inputs/embedding/study3_reduce_train.opts
           retrain=inputs/embedding/study3_retrain.opts d_in=784 ;;
  chapter) tag=study3_chapter train=inputs/embedding/study3_chapter_train.opts
           retrain=inputs/embedding/study3_chapter_retrain.opts d_in=785 ;;
  *) echo "VARIANT must be default or chapter, got '$VARIANT'" >&2; exit 2 ;;
esac
dir=$out/$tag
mkdir -p "$dir"
rm -f "$dir"/*.h5 "$dir"/*.png
shrink=(-train_steps "${STEPS:-4000}" -data_n_test "${N_TEST:-10000}")
run terrain-train -options_file "$train" "${shrink[@]}" -output "$dir/w400.h5" | tail -2
run terrain-embed -input "$dir/w400.h5" -output "$dir/reduced.h5" \
  -options_file inputs/embedding/study3_reduce.opts | tail -5
width=$("$python" -c "import h5py; print(int(h5py.File('$dir/reduced.h5')['embedding/reduce'].attrs['width_after']))")
run terrain-train -options_file "$retrain" -data_n_test "${N_TEST:-10000}" \
  -model_widths "$d_in,$width,10" -model_init_file "$dir/reduced.h5" -output "$dir/retrained.h5" | tail -1
run terrain-embed -input "$dir/retrained.h5" -embed_reference "$dir/w400.h5" -embed_mode compare \
  -output "$dir/compare.h5" | tail -2
"$build/terrain-plot" "$dir/reduced.h5" --kind similarity -o "$dir/similarity.png" > /dev/null
"$build/terrain-plot" "$dir/reduced.h5" --kind agreement -o "$dir/agreement_reduced.png" > /dev/null
"$build/terrain-plot" "$dir/compare.h5" --kind agreement -o "$dir/agreement_retrained.png" > /dev/null
"$python" - "$dir" <<'PY' | tee "$out/${tag}_reduction.txt"
import sys, h5py
d = sys.argv[1]
r = h5py.File(f"{d}/reduced.h5", "r")["embedding/reduce"].attrs
c = h5py.File(f"{d}/compare.h5", "r")["embedding/compare"].attrs
print(f"width {r['width_before']} -> {r['width_after']} ({r['n_dropped']} dropped, cos >= {r['cos']:g})")
print(f"train loss: original {r['reference_loss']:.4e}, reduced {r['loss']:.4e}, "
      f"reduced + 200 steps {c['loss']:.4e}")
print(f"test loss:  original {r['reference_test_loss']:.4e}, reduced {r['test_loss']:.4e}, "
      f"reduced + 200 steps {c['test_loss']:.4e}")
print(f"prediction agreement with the original on {r['n_agreement_samples']} test images: "
      f"reduced {r['agreement']:.4f}, reduced + 200 steps {c['agreement']:.4f}")
PY
echo "study 3 (${VARIANT:-default}) done in $(elapsed): $dir"
