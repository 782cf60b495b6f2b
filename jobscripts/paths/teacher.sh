#!/bin/bash
# The teacher-student paths study (inputs/paths/teacher_*.opts): three 3-4-2 tanh students of one
# teacher trained and polished to minima, then the straight line between two of them (naive and
# after weight matching), a NEB with its refined saddle and the index along the band, a trained
# Bezier curve, and the tree of the three; the plane through (A, bend, B) with the curve on it;
# a table of the barriers and the figures. About 1 min on 2 cores.
#   usage: jobscripts/paths/teacher.sh BUILD_DIR OUTPUT_DIR      (environment: NP, default 2)
source "$(dirname "${BASH_SOURCE[0]}")/../embedding/common.sh"

for s in a b c; do
  run terrain-train -options_file inputs/paths/teacher_${s}_train.opts -output "$out/teacher_${s}_run.h5" \
    > "$out/teacher_${s}_train.log"
  run terrain-critical -options_file inputs/paths/teacher_${s}_minimum.opts -input "$out/teacher_${s}_run.h5" \
    -output "$out/teacher_$s.h5" > "$out/teacher_${s}_minimum.log"
  grep "^classification" "$out/teacher_${s}_minimum.log" | sed "s/^/student $s: /"
done
echo "minima: $(elapsed)"
pair="$out/teacher_a.h5,$out/teacher_b.h5"
for p in linear aligned neb bezier; do
  run terrain-connect -options_file inputs/paths/teacher_$p.opts -input "$pair" \
    -output "$out/teacher_$p.h5" > "$out/teacher_$p.log"
  echo "$p ($(elapsed)): $(grep '^barrier (train)' "$out/teacher_$p.log")"
  grep "^saddle:" "$out/teacher_$p.log" || true
done
run terrain-connect -options_file inputs/paths/teacher_tree.opts \
  -input "$pair,$out/teacher_c.h5" -output "$out/teacher_tree.h5" > "$out/teacher_tree.log"
grep -A3 "distinct\|spanning" "$out/teacher_tree.log" | grep -v "^--"
run terrain-surface -input "$out/teacher_a.h5" -output "$out/teacher_plane.h5" -surf_name plane \
  -surf_x -0.25:1.25:31 -surf_y -0.25:1.25:31 -surf_xdir target -surf_ydir target \
  -surf_xtarget "$out/teacher_b.h5" -surf_ytarget "$out/teacher_bezier.h5:/path/bezier/pivots:1" \
  > "$out/teacher_plane.log"
plot="$build/terrain-plot"
"$plot" "$out/teacher_neb.h5" --kind path --also "$out/teacher_linear.h5" "$out/teacher_aligned.h5" \
  "$out/teacher_bezier.h5" -o "$out/teacher_profiles.png"
"$plot" "$out/teacher_neb.h5" --kind path_lambda -o "$out/teacher_lambda.png"
"$plot" "$out/teacher_tree.h5" --kind tree -o "$out/teacher_tree.png"
"$plot" "$out/teacher_plane.h5" --kind path_plane --also "$out/teacher_bezier.h5" \
  "$out/teacher_linear.h5" -o "$out/teacher_plane.png"
echo "done: $(elapsed)"
