#!/usr/bin/python3
"""terrain-plot: one PNG summarising a terrain run file.

Panels (each drawn when the run file has the data):
  loss        /trajectory/loss and /trajectory/test_loss against /trajectory/step, log y
  grad_norm   /trajectory/grad_norm against step, log y
  spectrum    /spectrum/<name>/largest and smallest on a symlog y axis, positive
              eigenvalues blue, negative red

Sample runs:
  terrain-plot run.h5                      # writes run.png
  terrain-plot run.h5 -o landscape.png --spectrum final
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
import numpy as np  # noqa: E402

PROGRAM = "terrain-plot"


class PlotError(Exception):
    """A problem with the input, reported as one line."""


def text(value):
    """h5py gives str for variable-length strings and bytes for fixed-length ones."""
    return value.decode() if isinstance(value, bytes) else str(value)


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


def read_1d(f, path, name):
    """A 1-D numeric dataset as float64, or None when absent."""
    if name not in f:
        return None
    data = f[name]
    if not isinstance(data, h5py.Dataset) or data.ndim != 1:
        raise PlotError(f"{path}: {name} is not a 1-D dataset")
    return np.asarray(data[...], dtype=np.float64)


def title_of(f, path):
    """The file name plus the network, when /model says which."""
    title = os.path.basename(path)
    model = f.get("model")
    if isinstance(model, h5py.Group) and "widths" in model.attrs:
        widths = ",".join(str(int(w)) for w in np.atleast_1d(model.attrs["widths"]))
        parts = [f"widths {widths}"]
        for key in ("activation", "loss"):
            if key in model.attrs:
                parts.append(text(model.attrs[key]))
        title += " — " + " ".join(parts)
    return title


def log_or_linear(ax, *series):
    """Log y when every value is positive; a loss of exactly 0 would vanish on a log axis."""
    values = np.concatenate([s[np.isfinite(s)] for s in series if s is not None])
    if values.size and np.all(values > 0):
        ax.set_yscale("log")


def plot_loss(ax, step, train, test):
    if train is not None:
        ax.plot(step, train, color="tab:blue", label="train loss")
    if test is not None:
        ax.plot(step, test, color="tab:orange", label="test loss")
    log_or_linear(ax, train, test)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title("loss")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()


def plot_grad_norm(ax, step, grad_norm):
    ax.plot(step, grad_norm, color="tab:green")
    log_or_linear(ax, grad_norm)
    ax.set_xlabel("step")
    ax.set_ylabel(r"$\|\nabla L\|$")
    ax.set_title("gradient norm")
    ax.grid(True, which="both", alpha=0.3)


def check_lengths(path, step, columns):
    for name, values in columns.items():
        if values is not None and len(values) != len(step):
            raise PlotError(f"{path}: /trajectory/{name} has {len(values)} entries, "
                            f"/trajectory/step has {len(step)}")


def plot_spectrum(ax, group, name, n_params):
    """Largest (descending) then smallest (ascending, i.e. λ_n first) on one index axis."""
    largest = np.sort(np.asarray(group["largest"][...], dtype=float))[::-1] \
        if "largest" in group else np.zeros(0)
    smallest = np.sort(np.asarray(group["smallest"][...], dtype=float)) \
        if "smallest" in group else np.zeros(0)
    if largest.size == 0 and smallest.size == 0:
        values = np.asarray(group["eigenvalues"][...], dtype=float) \
            if "eigenvalues" in group else np.zeros(0)
        largest = np.sort(values)[::-1]
    if largest.size + smallest.size == 0:
        raise PlotError(f"/spectrum/{name} holds no eigenvalues")
    # Smallest are drawn right of a gap, with λ_n at the far right.
    x_large = np.arange(1, largest.size + 1)
    x_small = largest.size + 1 + np.arange(smallest.size, 0, -1)
    x = np.concatenate([x_large, x_small])
    y = np.concatenate([largest, smallest])
    colours = np.where(y > 0, "tab:blue", np.where(y < 0, "tab:red", "gray"))
    ax.scatter(x, y, c=list(colours), s=22, zorder=3)
    ax.axhline(0.0, color="black", linewidth=0.6)
    scale = np.max(np.abs(y[np.isfinite(y)])) if np.any(np.isfinite(y)) else 1.0
    ax.set_yscale("symlog", linthresh=max(scale * 1e-4, 1e-300))
    ticks, labels = [], []
    if largest.size:
        ticks += [1]
        labels += [r"$\lambda_1$"]
    if smallest.size:
        ticks += [x_small[0]]
        labels += [r"$\lambda_n$" if n_params is None else rf"$\lambda_{{{n_params}}}$"]
    if largest.size and smallest.size:
        ax.axvline(largest.size + 1, color="gray", linestyle=":", linewidth=0.8)
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels)
    op = text(group.attrs["operator"]) if "operator" in group.attrs else "operator"
    ax.set_title(f"{op} eigenvalues ({name}): largest | smallest")
    ax.set_ylabel("eigenvalue (symlog)")
    ax.scatter([], [], c="tab:blue", label="positive")
    ax.scatter([], [], c="tab:red", label="negative")
    ax.legend(loc="best")
    ax.grid(True, axis="y", alpha=0.3)


def choose_spectrum(f, path, requested):
    spectra = f.get("spectrum")
    names = sorted(spectra.keys()) if isinstance(spectra, h5py.Group) else []
    if requested is not None:
        if requested not in names:
            available = ", ".join(names) if names else "none"
            raise PlotError(f"{path}: no /spectrum/{requested} (available: {available})")
        return requested
    if not names:
        return None
    return "final" if "final" in names else names[0]


def plugin_kinds():
    """Figures beyond the overview live in terrain_plot_<topic>.py modules beside this script;
    each exports KINDS = {name: (help, draw)} with draw(f, path, args) -> matplotlib Figure,
    raising PlotError for bad input."""
    here = os.path.dirname(os.path.realpath(__file__))
    sys.path.insert(0, here)
    kinds = {}
    for module_path in sorted(glob.glob(os.path.join(here, "terrain_plot_*.py"))):
        module = importlib.import_module(os.path.splitext(os.path.basename(module_path))[0])
        kinds.update(module.KINDS)
    return kinds


def draw_plugin(kind, draw, args, output):
    with open_run(args.run) as f:
        fig = draw(f, args.run, args)
    try:
        fig.savefig(output, dpi=args.dpi)
    except OSError as e:
        raise PlotError(f"{output}: cannot write ({e.strerror or e})")
    plt.close(fig)


def main(argv=None):
    kinds = plugin_kinds()
    parser = argparse.ArgumentParser(
        prog=PROGRAM, description="Plot the loss curve and Hessian spectrum of a terrain run file.")
    parser.add_argument("run", help="terrain run file (HDF5)")
    parser.add_argument("--kind", default="overview", choices=["overview"] + sorted(kinds),
                        help="which figure: overview (loss, gradient norm, spectrum) or "
                        + "; ".join(f"{k}: {h}" for k, (h, _) in sorted(kinds.items())))
    parser.add_argument("-o", "--output", help="PNG to write (default: the run file with .png)")
    parser.add_argument("--spectrum", metavar="NAME",
                        help="which /spectrum/<NAME> to draw (default: final, else the first)")
    parser.add_argument("--also", nargs="*", metavar="RUN", default=[],
                        help="further run files for the figures that compare several "
                             "(width_eigenvalues, features)")
    parser.add_argument("--dpi", type=int, default=120, help="resolution of the PNG")
    args = parser.parse_args(argv)
    output = args.output or os.path.splitext(args.run)[0] + ".png"

    try:
        for extra in args.also:  # a missing or broken --also file is named in the error
            open_run(extra).close()
        if args.kind != "overview":
            draw_plugin(args.kind, kinds[args.kind][1], args, output)
            print(f"{PROGRAM}: wrote {output}")
            return 0
        with open_run(args.run) as f:
            panels = []
            trajectory = f.get("trajectory")
            if isinstance(trajectory, h5py.Group) and "step" in trajectory:
                step = read_1d(f, args.run, "trajectory/step")
                columns = {c: read_1d(f, args.run, "trajectory/" + c)
                           for c in ("loss", "test_loss", "grad_norm")}
                check_lengths(args.run, step, columns)
                if columns["loss"] is not None or columns["test_loss"] is not None:
                    panels.append(lambda ax, c=columns: plot_loss(
                        ax, step, c["loss"], c["test_loss"]))
                if columns["grad_norm"] is not None:
                    panels.append(lambda ax, c=columns: plot_grad_norm(ax, step, c["grad_norm"]))
            name = choose_spectrum(f, args.run, args.spectrum)
            if name is not None:
                n_params = None
                model = f.get("model")
                if isinstance(model, h5py.Group) and "n_params" in model.attrs:
                    n_params = int(model.attrs["n_params"])
                group = f["spectrum"][name]
                panels.append(lambda ax: plot_spectrum(ax, group, name, n_params))
            if not panels:
                raise PlotError(f"{args.run}: nothing to plot (no /trajectory/step with loss or "
                                "grad_norm, no /spectrum)")

            fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.2),
                                     squeeze=False)
            for panel, ax in zip(panels, axes[0]):
                try:
                    panel(ax)
                except PlotError as e:
                    raise PlotError(f"{args.run}: {e}")
            fig.suptitle(title_of(f, args.run))
            fig.tight_layout()
        try:
            fig.savefig(output, dpi=args.dpi)
        except OSError as e:
            raise PlotError(f"{output}: cannot write ({e.strerror or e})")
        plt.close(fig)
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
