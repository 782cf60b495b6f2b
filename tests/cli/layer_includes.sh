# Every #include "…" in src/ points down the layer order of DESIGN.md §1:
#   core → model → io → data → objective → spectral → optim | embedding → geometry → study
# A file may include its own layer and any layer below it; optim and embedding are peers and
# must not include each other. Fails listing each offending `file → included layer`.
# Usage: layer_includes.sh BUILD_DIR SOURCE_DIR (the build directory is not used).
source_dir="${2:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$source_dir" || exit 1
/usr/bin/python3 - <<'PY'
import pathlib, re, sys

order = ["core", "model", "io", "data", "objective", "spectral",
         ("optim", "embedding"), "geometry", "study"]
rank = {}
for i, entry in enumerate(order):
    for layer in (entry if isinstance(entry, tuple) else (entry,)):
        rank[layer] = i

bad = []
include = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
for path in sorted(pathlib.Path("src").rglob("*")):
    if path.suffix not in (".hpp", ".cpp", ".h", ".cc"):
        continue
    own = path.parts[1]
    if own not in rank:
        bad.append(f"{path}: folder {own} is not a layer")
        continue
    for line in path.read_text(errors="replace").splitlines():
        m = include.match(line)
        if not m or "/" not in m.group(1):
            continue  # "x.hpp" is a file of the same folder
        target = m.group(1).split("/")[0]
        if target not in rank:
            bad.append(f"{path} → {target} (not a layer)")
        elif target != own and rank[target] >= rank[own]:
            bad.append(f"{path} → {target}")

if bad:
    print(f"{len(bad)} include(s) point up the layer order "
          "(core → model → io → data → objective → spectral → optim | embedding → geometry → study):")
    print("\n".join("  " + b for b in bad))
    sys.exit(1)
print("every #include in src/ points down the layer order")
PY
