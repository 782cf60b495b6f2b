# terrain-plot's surface kinds (drivers/terrain_plot_surface.py) on /surface/<name> groups written
# with h5py to the schema terrain-surface writes: a 1-D line with test data and two unfinished
# points, a 1-D line without test data with curvature, a non-square 2-D plane (nx = 7, ny = 4,
# so a transposed read cannot pass) with test data, curvature and unfinished points, a 2-D pca
# surface with its trajectory. Every kind gives a non-trivial PNG; the drawn figures hold the
# file's values at the right (x, y) (a heat-map cell, a 1-D curve with its gaps, the 3-D cells);
# the .vts export decodes (xml.etree, and VTK's own reader when /usr/bin/python3 has vtk) to the
# dataset's values at (x_i, y_j) with the unfinished points hidden; bad inputs give one line,
# exit 1.
# Usage: bash plot_surface.sh <build dir> <source dir>
source "$(dirname "$0")/lib/common.bash"
plot="$build/terrain-plot"

source "$(dirname "$0")/lib/plot.bash"

# --- fixtures ---
"$python" - "$work" <<'EOF'
import sys, h5py, numpy as np
work = sys.argv[1]

def ranges(g, x, y):
    g.attrs["x_range"] = f"{x[0]:g}:{x[-1]:g}:{x.size}"
    g.attrs["y_range"] = "" if y is None else f"{y[0]:g}:{y[-1]:g}:{y.size}"

def direction(g, axis, kind, n=12, component=-1, seed=-1):
    d = g.create_dataset(f"{axis}direction", data=np.linspace(-1, 1, n) * (1 if axis == "x" else -0.5))
    d.attrs["kind"] = kind
    d.attrs["normalisation"] = "filter" if kind == "random" else "none"
    d.attrs["bias_policy"] = "zero"
    d.attrs["seed"] = np.int64(seed)
    d.attrs["component"] = np.int64(component)
    d.attrs["source"] = "b.h5:/params" if kind == "target" else ""
    d.attrs["norm"] = float(np.linalg.norm(d[...]))

def common(g, x, y, done):
    g.attrs["dims"] = np.int64(1 if y is None else 2)
    g.attrs["nx"] = np.int64(x.size)
    g.attrs["ny"] = np.int64(1 if y is None else y.size)
    g.attrs["complete"] = np.int64(int(done.all()))
    g.attrs["n_done"] = np.int64(done.sum())
    g.attrs["centre"] = "run.h5:/params"
    ranges(g, x, y)
    g["xcoordinates"] = x
    if y is not None:
        g["ycoordinates"] = y
    g["done"] = done.astype(np.int64)

def put(g, name, values, done):
    v = np.array(values, dtype=np.float64)
    v[done == 0] = np.nan
    g[name] = v

def landmarks(g, names, xs, ys):
    l = g.create_group("landmarks")
    l.attrs["names"] = ",".join(names)
    l["x"] = np.array(xs, dtype=np.float64)
    l["y"] = np.array(ys, dtype=np.float64)

# 1-D, with a test set, two unfinished points
with h5py.File(f"{work}/line.h5", "w") as f:
    g = f.create_group("surface/line")
    x = np.linspace(-0.5, 1.5, 9)
    done = np.ones(9, dtype=np.int64); done[[3, 6]] = 0
    common(g, x, None, done)
    put(g, "train_loss", 0.05 + (x - 1.0) ** 2 * x ** 2 + 0.01 * x, done)
    put(g, "test_loss", 0.08 + (x - 1.0) ** 2 * x ** 2 + 0.02 * x, done)
    put(g, "train_acc", 1.0 - 0.3 * np.abs(x * (x - 1)), done)
    put(g, "test_acc", 0.95 - 0.3 * np.abs(x * (x - 1)), done)
    direction(g, "x", "target")
    g.attrs["cosine"] = 0.0
    g.attrs["orthogonalized"] = np.int64(0)
    landmarks(g, ["centre", "x_target"], [0.0, 1.0], [0.0, 0.0])

# 1-D without a test set, with curvature
with h5py.File(f"{work}/line_curv.h5", "w") as f:
    g = f.create_group("surface/interp")
    x = np.linspace(0.0, 1.0, 11)
    done = np.ones(11, dtype=np.int64)
    common(g, x, None, done)
    put(g, "train_loss", 1.0 + np.cos(3 * x), done)
    g["train_acc"] = (0.5 + 0.4 * x)[:, None]  # [nx, 1] (ny = 1) is read as [nx]
    lmax = 2.0 + x; lmin = -0.5 * np.sin(3 * x)
    put(g, "lambda_max", lmax, done); put(g, "lambda_min", lmin, done)
    put(g, "lambda_ratio", np.abs(lmin / lmax), done)
    direction(g, "x", "random", seed=3)

# 2-D non-square, everything
nx, ny = 7, 4
x = np.linspace(-1.0, 1.0, nx)
y = np.linspace(-0.5, 1.0, ny)
X, Y = np.meshgrid(x, y, indexing="ij")
with h5py.File(f"{work}/plane.h5", "w") as f:
    g = f.create_group("surface/plane")
    done = np.ones((nx, ny), dtype=np.int64); done[2, 1] = 0; done[6, 3] = 0
    common(g, x, y, done)
    train = 0.02 + X ** 2 + 3.0 * (Y - 0.2) ** 2 + 0.5 * X * Y  # not symmetric in (x, y)
    put(g, "train_loss", train, done)
    put(g, "test_loss", 1.3 * train + 0.01, done)
    g["test_loss"][2, 1] = g["test_loss"][6, 3] = -1.0  # a stale value at done = 0: still a gap
    put(g, "train_acc", 1.0 / (1.0 + train), done)
    put(g, "test_acc", 0.9 / (1.0 + train), done)
    lmax = 3.0 + X - Y; lmin = -0.3 * X * Y
    put(g, "lambda_max", lmax, done); put(g, "lambda_min", lmin, done)
    put(g, "lambda_ratio", np.abs(lmin / lmax), done)
    put(g, "lambda_max_residual", np.full((nx, ny), 1e-9), done)
    put(g, "lambda_min_residual", np.full((nx, ny), 2e-9), done)
    put(g, "n_matvec", np.full((nx, ny), 40.0), done)
    direction(g, "x", "random", seed=7); direction(g, "y", "random", seed=7)
    g.attrs["cosine"] = 0.013
    g.attrs["orthogonalized"] = np.int64(0)
    landmarks(g, ["centre"], [0.0], [0.0])
    s = g.create_group("sharpness")
    s.attrs["epsilon"] = 1e-3; s.attrs["sharpness"] = 0.02
# the same plane, its train_loss stored transposed ([ny, nx]): must be refused
with h5py.File(f"{work}/transposed.h5", "w") as f:
    g = f.create_group("surface/plane")
    common(g, x, y, np.ones((nx, ny)))
    g["train_loss"] = np.ascontiguousarray(train.T)
# two surfaces in one file
with h5py.File(f"{work}/two.h5", "w") as f:
    for name in ("a", "b"):
        g = f.create_group(f"surface/{name}")
        common(g, x, y, np.ones((nx, ny)))
        put(g, "train_loss", train + (name == "b"), np.ones((nx, ny)))
# nothing finished yet
with h5py.File(f"{work}/unstarted.h5", "w") as f:
    g = f.create_group("surface/plane")
    common(g, x, y, np.zeros((nx, ny)))
    put(g, "train_loss", train, np.zeros((nx, ny)))
# a linear-valued plane with values <= 0 (no log scale)
with h5py.File(f"{work}/signed.h5", "w") as f:
    g = f.create_group("surface/plane")
    common(g, x, y, np.ones((nx, ny)))
    put(g, "train_loss", X - Y, np.ones((nx, ny)))
# 2-D pca surface with the projected trajectory
with h5py.File(f"{work}/pca.h5", "w") as f:
    g = f.create_group("surface/pca")
    px = np.linspace(-1.5, 1.5, 9); py = np.linspace(-1.0, 0.8, 5)
    PX, PY = np.meshgrid(px, py, indexing="ij")
    done = np.ones(PX.shape, dtype=np.int64)
    common(g, px, py, done)
    put(g, "train_loss", 0.01 + PX ** 2 + 4 * PY ** 2, done)
    direction(g, "x", "pca", component=0); direction(g, "y", "pca", component=1)
    p = g.create_group("pca")
    p["explained_variance_ratio"] = np.array([0.8125, 0.125, 0.0625])
    t = np.linspace(0, 1, 12)
    p["proj_xcoord"] = 1.4 * (1 - t) ** 2
    p["proj_ycoord"] = 0.7 * (1 - t) * np.cos(6 * t)
    p["step"] = np.arange(0, 1200, 100, dtype=np.int64)
    landmarks(g, ["centre"], [0.0], [0.0])
with h5py.File(f"{work}/empty.h5", "w") as f:
    f.attrs["schema_version"] = np.int64(1)
EOF
[ $? -eq 0 ] || { echo "FAIL: could not write the fixtures"; exit 1; }

# A PNG that is not blank: the signature, > 10 kB, and pixel variance.
nontrivial_png() {
  "$python" - "$1" <<'EOF'
import sys, os
import matplotlib.image as mpimg
path = sys.argv[1]
with open(path, "rb") as fh:
    assert fh.read(8) == b"\x89PNG\r\n\x1a\n", "not a PNG"
assert os.path.getsize(path) > 10000, f"only {os.path.getsize(path)} bytes"
image = mpimg.imread(path)[..., :3]
assert image.std() > 0.05, f"pixel std {image.std():.3f}: blank"
assert len({tuple(p) for p in image.reshape(-1, 3)[::7]}) > 20, "too few colours"
EOF
}
draws() {  # draws <png> <args...>
  local png=$1
  shift
  rm -f "$png"
  "$plot" "$@" -o "$png" > "$work/stdout" 2> "$work/stderr" \
    || { fail "$*: exit $?: $(cat "$work/stderr")"; return; }
  [ -s "$work/stderr" ] && fail "$*: wrote to stderr: $(cat "$work/stderr")"
  nontrivial_png "$png" 2> "$work/png.err" || fail "$*: $png: $(tail -1 "$work/png.err")"
}

# --- every kind on good inputs ---
draws "$work/line.png" "$work/line.h5" --kind surface1d
draws "$work/line_q.png" "$work/line.h5" --kind surface1d --quantity train_acc --scale linear
draws "$work/line_curv.png" "$work/line_curv.h5" --kind surface1d  # no test set
draws "$work/line_curvmap.png" "$work/line_curv.h5" --kind curvature_map
for kind in contour contourf heatmap surface3d curvature_map; do
  draws "$work/plane_$kind.png" "$work/plane.h5" --kind $kind
  draws "$work/plane_${kind}_lin.png" "$work/plane.h5" --kind $kind --scale linear --levels 9
done
draws "$work/plane_test.png" "$work/plane.h5" --kind contourf --quantity test_loss --scale log
draws "$work/plane_acc.png" "$work/plane.h5" --kind heatmap --quantity train_acc
draws "$work/signed.png" "$work/signed.h5" --kind contour  # auto scale: linear for values <= 0
draws "$work/signed3d.png" "$work/signed.h5" --kind surface3d
draws "$work/pca.png" "$work/pca.h5" --kind pca
draws "$work/pca_contour.png" "$work/pca.h5" --kind contour
draws "$work/two_b.png" "$work/two.h5" --kind heatmap --surface b

# The default PNG name, and the surfaces of two files differ (a figure that ignores the data
# would not).
"$plot" "$work/plane.h5" --kind contourf > /dev/null 2>&1 || fail "default -o: exit $?"
[ -s "$work/plane.contourf.png" ] || fail "--kind contourf without -o did not write plane.contourf.png"
[ -e "$work/plane.png" ] && fail "--kind contourf wrote the overview's name plane.png"
cmp -s "$work/plane_heatmap.png" "$work/plane_acc.png" && fail "heatmap of train_loss = of train_acc"

# --- what is drawn: the figures hold the file's values where the schema puts them ---
PYTHONPATH="$build" "$python" - "$work" > "$work/figures.txt" 2>&1 <<'EOF' || fail "figures: $(tail -3 "$work/figures.txt")"
import sys, argparse
import h5py, numpy as np
import matplotlib
matplotlib.use("Agg")
from matplotlib.collections import QuadMesh
from mpl_toolkits.mplot3d.art3d import Poly3DCollection
import terrain_plot_surface as tps

work = sys.argv[1]
def args(**kw):
    base = dict(surface=None, quantity=None, scale="auto", levels=25)
    base.update(kw)
    return argparse.Namespace(**base)

with h5py.File(f"{work}/plane.h5", "r") as f:
    g = f["surface/plane"]
    x, y, z, done = g["xcoordinates"][...], g["ycoordinates"][...], g["train_loss"][...], g["done"][...]
    fig = tps.KINDS["heatmap"][1](f, "plane.h5", args())
    mesh = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)][0]
    # pcolormesh(shading="nearest") keeps the [nx, ny] layout of X, Y: cell (i, j) is centred at
    # (x_i, y_j) and holds z[i, j]
    centres = mesh.get_coordinates()  # [nx + 1, ny + 1, 2] cell corners
    values = mesh.get_array().reshape(centres.shape[0] - 1, centres.shape[1] - 1)
    assert values.shape == (7, 4), values.shape
    for i, j in ((0, 0), (6, 0), (0, 3), (5, 2), (3, 1), (2, 1), (6, 3)):
        cx = centres[i:i + 2, j:j + 2, 0].mean(); cy = centres[i:i + 2, j:j + 2, 1].mean()
        assert abs(cx - x[i]) < 1e-12 and abs(cy - y[j]) < 1e-12, (i, j, cx, cy)
        if done[i, j]:
            assert values[i, j] == z[i, j], (i, j, values[i, j], z[i, j])
        else:
            assert np.ma.is_masked(values[i, j]), f"unfinished ({i}, {j}) is drawn"
    # log colour scale by default (all positive, > a decade), over the finished range
    assert type(mesh.norm).__name__ == "LogNorm", type(mesh.norm)
    assert mesh.norm.vmin == np.nanmin(z) and mesh.norm.vmax == np.nanmax(z)
    # 3-D: one quad per cell with four finished corners, heights from z[i, j] at (x_i, y_j)
    fig = tps.KINDS["surface3d"][1](f, "plane.h5", args(scale="linear"))
    poly = [c for c in fig.axes[0].collections if isinstance(c, Poly3DCollection)][0]
    fig.canvas.draw()  # 3-D collections project their paths when drawn
    ok = done.astype(bool)
    cells = ok[:-1, :-1] & ok[1:, :-1] & ok[1:, 1:] & ok[:-1, 1:]
    assert len(poly.get_paths()) == cells.sum() == 18 - 4 - 1, (len(poly.get_paths()), cells.sum())
    verts, heights = tps.quads(*np.meshgrid(x, y, indexing="ij"), np.where(ok, z, np.nan))
    first = verts[0]  # cell (0, 0): corners (0,0), (1,0), (1,1), (0,1)
    assert np.array_equal(first[1], [x[1], y[0], z[1, 0]]) and np.array_equal(first[3], [x[0], y[1], z[0, 1]])
    # contour levels span the finished values (9 linear, or 25 geometric by default)
    fig = tps.KINDS["contour"][1](f, "plane.h5", args(scale="linear", levels=9))
    surface = tps.choose_surface(f, None)
    zf = surface.quantity("train_loss")
    norm, levels, log = tps.colour_scale(surface, "train_loss", zf, args(scale="linear", levels=9))
    assert not log and len(levels) == 9 and levels[0] == np.nanmin(z) and levels[-1] == np.nanmax(z)
    assert np.allclose(np.diff(levels), levels[1] - levels[0], rtol=1e-12, atol=0)
    norm, levels, log = tps.colour_scale(surface, "train_loss", zf, args())
    assert log and len(levels) == 25 and np.allclose(levels[1:] / levels[:-1], levels[1] / levels[0])
    assert np.isclose(levels[0], np.nanmin(z), rtol=1e-14) and np.isclose(levels[-1], np.nanmax(z), rtol=1e-14)
    assert np.array_equal(np.isnan(zf), done == 0)
    assert np.array_equal(np.isnan(surface.quantity("test_loss")), done == 0)  # the stale -1 too
    fig = tps.KINDS["heatmap"][1](f, "plane.h5", args(quantity="test_loss"))
    mesh = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)][0]
    assert np.array_equal(np.ma.getmaskarray(mesh.get_array()).reshape(7, 4), done == 0)
    assert type(mesh.norm).__name__ == "LogNorm" and mesh.norm.vmin > 0
    assert fig.axes[0].get_xlabel().startswith("x: random (filter-normalised"), fig.axes[0].get_xlabel()
    assert "26/28 points done" in fig.axes[0].get_title() and "ε-sharpness 0.02 (ε = 0.001)" in fig.axes[0].get_title()

with h5py.File(f"{work}/line.h5", "r") as f:
    g = f["surface/line"]
    fig = tps.KINDS["surface1d"][1](f, "line.h5", args())
    ax = fig.axes[0]
    lines = {l.get_label(): l for l in ax.get_lines()}
    for name in ("train_loss", "test_loss"):
        drawn = lines[name].get_ydata()
        assert np.array_equal(np.isnan(drawn), g["done"][...] == 0), f"{name}: gaps not at done = 0"
        assert np.array_equal(drawn[g["done"][...] == 1], g[name][...][g["done"][...] == 1])
        assert np.array_equal(lines[name].get_xdata(), g["xcoordinates"][...])
    twin = {l.get_label() for l in fig.axes[1].get_lines()}
    assert twin == {"train_acc", "test_acc"}, twin
    assert ax.get_yscale() == "log"
    assert sum(1 for l in ax.get_lines() if l.get_linestyle() == ":") == 2  # the two landmarks

with h5py.File(f"{work}/line_curv.h5", "r") as f:  # no test set; train_acc stored [nx, 1]
    fig = tps.KINDS["surface1d"][1](f, "line_curv.h5", args())
    assert [l.get_label() for l in fig.axes[0].get_lines()] == ["train_loss"]
    acc = [l for l in fig.axes[1].get_lines() if l.get_label() == "train_acc"][0]
    assert np.array_equal(acc.get_ydata(), f["surface/interp/train_acc"][:, 0])
    assert fig.axes[0].get_yscale() == "log"  # 1 + cos(3x) on [0, 1]: [0.010, 2], over a decade
    fig = tps.KINDS["surface1d"][1](f, "line_curv.h5", args(quantity="train_acc"))
    assert fig.axes[0].get_yscale() == "linear" and len(fig.axes) == 1  # [0.5, 0.9]: under a decade

with h5py.File(f"{work}/pca.h5", "r") as f:
    fig = tps.KINDS["pca"][1](f, "pca.h5", args())
    ax = fig.axes[0]
    assert "81.2 %" in ax.get_xlabel() and "12.5 %" in ax.get_ylabel(), (ax.get_xlabel(), ax.get_ylabel())
    path = [l for l in ax.get_lines() if l.get_label() == "trajectory"][0]
    assert "12 snapshots, step 0 to 1100" in ax.get_title(), ax.get_title()
    assert np.array_equal(path.get_xdata(), f["surface/pca/pca/proj_xcoord"][...])
    assert np.array_equal(path.get_ydata(), f["surface/pca/pca/proj_ycoord"][...])

with h5py.File(f"{work}/plane.h5", "r") as f:
    fig = tps.KINDS["curvature_map"][1](f, "plane.h5", args())
    mesh = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)][0]
    g = f["surface/plane"]
    r = g["lambda_ratio"][...]
    drawn = np.ma.filled(mesh.get_array(), np.nan).reshape(7, 4)
    assert np.array_equal(drawn, r, equal_nan=True)
    mesh2 = [c for c in fig.axes[1].collections if isinstance(c, QuadMesh)][0]  # the λmax panel
    drawn = np.ma.filled(mesh2.get_array(), np.nan).reshape(7, 4)
    assert np.array_equal(drawn, g["lambda_max"][...], equal_nan=True)
print("figures: ok")
EOF

# --- the ParaView export ---
check_vts() {  # check_vts <vts> <h5> <surface> <z quantity> <log: 0|1>
  "$python" - "$@" <<'EOF'
import sys, base64
import xml.etree.ElementTree as ET
import h5py, numpy as np
vts, h5, surface, quantity, log = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] == "1"
types = {"Float64": "<f8", "Int64": "<i8", "UInt8": "u1"}
root = ET.parse(vts).getroot()
assert root.tag == "VTKFile" and root.get("type") == "StructuredGrid", root.attrib
assert root.get("header_type") == "UInt64" and root.get("byte_order") == "LittleEndian"
piece = root.find("StructuredGrid/Piece")
def decode(a):
    raw = base64.b64decode(a.text.strip())
    n = int(np.frombuffer(raw[:8], "<u8")[0])
    assert n == len(raw) - 8, f"{a.get('Name')}: header says {n} bytes, {len(raw) - 8} follow"
    v = np.frombuffer(raw[8:], types[a.get("type")])
    c = int(a.get("NumberOfComponents", "1"))
    return v.reshape(-1, c) if c > 1 else v
with h5py.File(h5, "r") as f:
    g = f[f"surface/{surface}"]
    x = g["xcoordinates"][...]
    y = g["ycoordinates"][...] if "ycoordinates" in g else np.zeros(1)
    nx, ny = x.size, y.size
    done = g["done"][...].reshape(nx, ny)
    extent = [int(e) for e in piece.get("Extent").split()]
    assert extent == [0, nx - 1, 0, ny - 1, 0, 0], extent
    assert root.find("StructuredGrid").get("WholeExtent") == piece.get("Extent")
    points = decode(piece.find("Points/DataArray"))
    assert points.shape == (nx * ny, 3), points.shape
    data = {a.get("Name"): decode(a) for a in piece.findall("PointData/DataArray")}
    assert piece.find("PointData").get("Scalars") == quantity
    shapes = {(nx, ny), (nx,)} if ny == 1 else {(nx, ny)}
    quantities = [k for k, v in g.items() if isinstance(v, h5py.Dataset) and v.shape in shapes | {(nx, 1)}
                  and k not in ("xcoordinates", "ycoordinates", "xdirection", "ydirection")]
    assert set(data) == set(quantities) | {"vtkGhostType"}, (sorted(data), sorted(quantities))
    z = g[quantity][...].reshape(nx, ny)
    # every point, VTK's order p = i + nx·j: (x_i, y_j, z[i, j]) and each quantity's value[i, j]
    for i in range(nx):
        for j in range(ny):
            p = i + nx * j
            want_z = np.log10(z[i, j]) if log else z[i, j]
            assert points[p, 0] == x[i] and points[p, 1] == y[j], (i, j, points[p])
            assert np.array_equal(points[p, 2], want_z, equal_nan=True), (i, j, points[p, 2], want_z)
            for q in quantities:
                v = g[q][...].reshape(nx, ny)[i, j] if q == "done" or done[i, j] else np.nan
                assert np.array_equal(data[q][p], v, equal_nan=True), (q, i, j, data[q][p], v)
            assert data["vtkGhostType"][p] == (0 if done[i, j] else 2), (i, j)
    cells = decode(piece.find("CellData/DataArray"))
    cy = max(ny - 1, 1)
    assert cells.size == (nx - 1) * (ny - 1 if ny > 1 else 1)
    for ci in range(nx - 1):
        for cj in range(cy):
            corners = done[ci:ci + 2, cj:cj + 2] if ny > 1 else done[ci:ci + 2, :]
            assert cells[ci + (nx - 1) * cj] == (0 if corners.all() else 32), (ci, cj)
    try:
        from vtkmodules.vtkIOXML import vtkXMLStructuredGridReader
        from vtkmodules.util.numpy_support import vtk_to_numpy
    except ImportError:
        print("vtk: not installed, xml.etree only")
        sys.exit(0)
    reader = vtkXMLStructuredGridReader()
    reader.SetFileName(vts)
    reader.Update()
    grid = reader.GetOutput()
    assert grid.GetDimensions() == (nx, ny, 1), grid.GetDimensions()
    assert np.array_equal(vtk_to_numpy(grid.GetPoints().GetData()), points, equal_nan=True)
    for q in quantities:
        assert np.array_equal(vtk_to_numpy(grid.GetPointData().GetArray(q)), data[q], equal_nan=True), q
    for i in range(nx):
        for j in range(ny):
            assert bool(grid.IsPointVisible(i + nx * j)) == bool(done[i, j]), (i, j)
    hidden = sum(not grid.IsCellVisible(c) for c in range(grid.GetNumberOfCells()))
    assert hidden == int((cells == 32).sum()), hidden
    # what ParaView renders: the geometry filter drops the hidden cells (the gaps), and the
    # bounds skip the unfinished points' NaN heights
    from vtkmodules.vtkFiltersGeometry import vtkGeometryFilter
    surface = vtkGeometryFilter()
    surface.SetInputData(grid)
    surface.Update()
    assert surface.GetOutput().GetNumberOfCells() == grid.GetNumberOfCells() - hidden
    assert np.all(np.isfinite(grid.GetBounds())), grid.GetBounds()
    print(f"vtk {grid.GetNumberOfPoints()} points, {hidden} hidden cells: ok")
EOF
}
exports() {  # exports <vts> <h5> <surface> <quantity> <log> <terrain-plot args...>
  local vts=$1 h5=$2 surface=$3 quantity=$4 log=$5
  shift 5
  rm -f "$vts"
  "$plot" "$h5" --kind vtk "$@" > "$work/stdout" 2> "$work/stderr" \
    || { fail "vtk $h5 $*: exit $?: $(cat "$work/stderr")"; return; }
  grep -qF "wrote $vts" "$work/stdout" || fail "vtk $h5 $*: did not say it wrote $vts: $(cat "$work/stdout")"
  check_vts "$vts" "$h5" "$surface" "$quantity" "$log" > "$work/vts.out" 2>&1 \
    || fail "vtk $h5 $*: $(tail -2 "$work/vts.out")"
  grep -q "^vtk" "$work/vts.out" && echo "$h5 $*: $(cat "$work/vts.out")"
}
exports "$work/plane.plane.vts" "$work/plane.h5" plane train_loss 1  # default name, auto: log
exports "$work/lin.vts" "$work/plane.h5" plane train_loss 0 --scale linear -o "$work/lin.vts"
exports "$work/acc.vts" "$work/plane.h5" plane test_acc 0 --quantity test_acc -o "$work/acc.vts"
exports "$work/line.line.vts" "$work/line.h5" line train_loss 1
exports "$work/interp.vts" "$work/line_curv.h5" interp lambda_ratio 0 --quantity lambda_ratio --scale linear -o "$work/interp.vts"
exports "$work/b.vts" "$work/two.h5" b train_loss 0 --surface b --scale linear -o "$work/b.vts"
ls "$work"/*.tmp > /dev/null 2>&1 && fail "a temporary .vts was left behind"

# --- bad inputs: exit 1, one line on stderr, naming the file ---
expect_error "$work/empty.h5: no /surface group" "$work/empty.h5" --kind contour
expect_error "$work/empty.h5: no /surface group" "$work/empty.h5" --kind vtk
expect_error "/surface/line is 1-D: --kind contour needs a 2-D surface" "$work/line.h5" --kind contour
for kind in contourf heatmap surface3d pca; do
  expect_error "/surface/line is 1-D: --kind $kind needs a 2-D" "$work/line.h5" --kind $kind
done
expect_error "/surface/plane is 2-D: --kind surface1d needs a 1-D" "$work/plane.h5" --kind surface1d
expect_error "no /surface/plane/grad_norm: the gradient norm was not asked for (quantities: lambda_max, " \
  "$work/plane.h5" --kind contour --quantity grad_norm
expect_error "no /surface/interp/test_loss: there is no test set" "$work/line_curv.h5" --kind surface1d --quantity test_loss
expect_error "no /surface/line/lambda_max: curvature was not asked for" "$work/line.h5" --kind vtk --quantity lambda_max
expect_error "/surface/line has no curvature" "$work/line.h5" --kind curvature_map
expect_error "/surface/plane has no pca group (directions: random, random)" "$work/plane.h5" --kind pca
expect_error "no /surface/nope (available: a, b)" "$work/two.h5" --kind contour --surface nope
expect_error "holds 2 surfaces (a, b): choose one with --surface NAME" "$work/two.h5" --kind heatmap
expect_error "holds 2 surfaces" "$work/two.h5" --kind vtk
expect_error "/surface/plane/train_loss has shape (4, 7), expected (7, 4) (nx, ny)" "$work/transposed.h5" --kind heatmap
expect_error "/surface/plane/train_loss has shape (4, 7), expected (7, 4)" "$work/transposed.h5" --kind vtk
expect_error "/surface/plane/train_loss has no finished point" "$work/unstarted.h5" --kind contourf
expect_error "--scale log: /surface/plane/train_loss has values ≤ 0" "$work/signed.h5" --kind heatmap --scale log
expect_error "--levels 1: need at least 2" "$work/plane.h5" --kind contour --levels 1
expect_error "$work/nodir/x.vts: cannot write" "$work/plane.h5" --kind vtk -o "$work/nodir/x.vts"
expect_error "$work/nodir/x.png: cannot write" "$work/plane.h5" --kind contour -o "$work/nodir/x.png"

finish
