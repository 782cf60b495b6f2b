#!/usr/bin/python3
"""terrain-plot: a PNG of a terrain run file.

--kind chooses the figure (default overview: loss, gradient norm and the extreme eigenvalues);
every figure lives in a module drivers/terrain_plot_<topic>.py beside this script, and
`terrain-plot -h` lists them. The modules share terrain_plot_common.py (PlotError and the
helpers).

Sample runs:
  terrain-plot run.h5                      # writes run.png
  terrain-plot run.h5 -o landscape.png --spectrum final
  terrain-plot run.h5 --kind training     # writes run.training.png
  terrain-plot surf.h5 --kind contour --surface plane --quantity test_loss
"""
import argparse
import glob
import importlib
import os
import sys

import matplotlib

matplotlib.use("Agg")  # headless: clusters and CI have no display

import h5py  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, HERE)
from terrain_plot_common import Export, PlotError  # noqa: E402

PROGRAM = "terrain-plot"
DEFAULT_KIND = "overview"


def open_run(path):
    if not os.path.exists(path):
        raise PlotError(f"{path}: no such file")
    if os.path.isdir(path):
        raise PlotError(f"{path}: is a directory, not an HDF5 file")
    if not h5py.is_hdf5(path):
        raise PlotError(f"{path}: not an HDF5 file")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise PlotError(f"{path}: damaged HDF5 file ({' '.join(str(e).split())})")


def plugin_kinds():
    """{kind: (help, draw)} of every terrain_plot_<topic>.py module beside this script (the
    contract is in terrain_plot_common.py)."""
    kinds = {}
    for module_path in sorted(glob.glob(os.path.join(HERE, "terrain_plot_*.py"))):
        name = os.path.splitext(os.path.basename(module_path))[0]
        if name == "terrain_plot_common":
            continue
        kinds.update(importlib.import_module(name).KINDS)
    return kinds


def draw(kind_draw, args):
    """Draws (or exports) one kind; returns the file written."""
    with open_run(args.run) as f:
        try:
            fig = kind_draw(f, args.run, args)
        except PlotError as e:
            raise PlotError(f"{args.run}: {e}")
    if isinstance(fig, Export):  # a kind with a file format of its own (vtk)
        output = args.output or fig.default_output
        try:
            fig.write(output)
        except OSError as e:
            raise PlotError(f"{output}: cannot write ({e.strerror or e})")
        return output
    # The overview is <run>.png; every other kind <run>.<kind>.png, so figures of one file drawn
    # one after another do not overwrite each other.
    suffix = "" if args.kind == DEFAULT_KIND else "." + args.kind
    output = args.output or os.path.splitext(args.run)[0] + suffix + ".png"
    try:
        fig.savefig(output, dpi=args.dpi)
    except OSError as e:
        raise PlotError(f"{output}: cannot write ({e.strerror or e})")
    finally:
        plt.close(fig)
    return output


def main(argv=None):
    kinds = plugin_kinds()
    parser = argparse.ArgumentParser(
        prog=PROGRAM, description="Draw one figure of a terrain run file as a PNG "
                                  "(--kind vtk: export a surface for ParaView instead).")
    parser.add_argument("run", help="terrain run file (HDF5)")
    parser.add_argument("--kind", default=DEFAULT_KIND, choices=sorted(kinds),
                        help=f"which figure (default {DEFAULT_KIND}): "
                        + "; ".join(f"{k}: {h}" for k, (h, _) in sorted(kinds.items())))
    parser.add_argument("-o", "--output", help="file to write (default: <run>.png for the overview, "
                                                "<run>.<kind>.png for another kind; "
                                                "--kind vtk: <run>.<surface>.vts)")
    parser.add_argument("--spectrum", metavar="NAME",
                        help="which /spectrum/<NAME> (or /critical/<NAME>) to draw "
                             "(overview default: final, else the first)")
    parser.add_argument("--also", nargs="*", metavar="RUN", default=[],
                        help="further run files for the figures that compare several "
                             "(width_eigenvalues, features, path, path_lambda, barrier_width, "
                             "path_plane)")
    parser.add_argument("--surface", metavar="NAME",
                        help="which /surface/<NAME> to draw (default: the only one)")
    parser.add_argument("--path", metavar="NAME",
                        help="path kinds: only /path/<NAME> (default: every path of each file)")
    parser.add_argument("--quantity", metavar="NAME",
                        help="surface kinds: the dataset to draw (default train_loss; "
                             "surface1d: train/test loss and accuracy)")
    parser.add_argument("--scale", choices=("auto", "linear", "log"), default="auto",
                        help="surface kinds: colour/height scale of the quantity (auto: log when "
                             "every finished value is positive and they span a decade)")
    parser.add_argument("--levels", type=int, default=25, metavar="N",
                        help="surface kinds: number of contour levels (default 25)")
    parser.add_argument("--dpi", type=int, default=120, help="resolution of the PNG")
    args = parser.parse_args(argv)

    try:
        for extra in args.also:  # a missing or broken --also file is named in the error
            open_run(extra).close()
        output = draw(kinds[args.kind][1], args)
    except PlotError as e:
        print(f"{PROGRAM}: error: {e}", file=sys.stderr)
        return 1
    except (KeyError, ValueError, TypeError, OSError) as e:
        # A malformed run file: still one line, and it names the file.
        print(f"{PROGRAM}: error: {args.run}: {' '.join(str(e).split())}", file=sys.stderr)
        return 1
    print(f"{PROGRAM}: wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
