"""What terrain-plot and its figure modules (terrain_plot_<topic>.py) share.

The plugin contract: a module terrain_plot_<topic>.py beside terrain-plot exports
KINDS = {name: (help, draw)}; draw(f, path, args) gets the open run file, its path and the
parsed arguments and returns a matplotlib Figure, or raises PlotError with a one-line message.
terrain-plot puts the run file's name in front of the message (so a module names only the
--also files it opens itself), prints it and exits 1.
"""
import h5py
import numpy as np


class PlotError(Exception):
    """A problem with the input, reported as one line."""


def text(value):
    """An attribute as str: h5py gives str for variable-length strings, bytes for fixed-length."""
    return value.decode() if isinstance(value, bytes) else str(value)


def dataset_1d(group, name, required=False, steps=None):
    """The 1-D numeric dataset group[name] as float64; None when absent (PlotError when
    required). With steps (the length of /trajectory/step), a trajectory column must have that
    many entries."""
    if name not in group:
        if required:
            raise PlotError(f"{group.name.rstrip('/')}/{name} is missing")
        return None
    data = group[name]
    if not isinstance(data, h5py.Dataset) or data.ndim != 1:
        raise PlotError(f"{data.name} is not a 1-D dataset")
    values = np.asarray(data[...], dtype=np.float64)
    if steps is not None and len(values) != steps:
        raise PlotError(f"{data.name} has {len(values)} entries, /trajectory/step has {steps}")
    return values


def widths(f, separator=","):
    """The network's widths from /model (e.g. "4,16,3"), or None when the file does not say."""
    model = f.get("model")
    if isinstance(model, h5py.Group) and "widths" in model.attrs:
        return separator.join(str(int(w)) for w in np.atleast_1d(model.attrs["widths"]))
    return None


def log_or_linear(ax, *series):
    """Log y when every finite value of the series (None skipped) is positive: a loss of exactly
    0 would vanish on a log axis."""
    values = [s[np.isfinite(s)] for s in series if s is not None]
    values = np.concatenate(values) if values else np.zeros(0)
    if values.size and np.all(values > 0):
        ax.set_yscale("log")


def choose_spectrum(f, requested, needs=(), what="eigenvalues", prefer=None):
    """(name, group) of the /spectrum group to draw, or (None, None) when the file has none and
    nothing was asked for.

    requested (--spectrum NAME) must exist and, when needs is given, hold one of the datasets
    or attributes in needs. Otherwise the first group (prefer, else in name order) that holds
    one of needs (any group when needs is empty)."""
    spectra = f.get("spectrum")
    names = sorted(spectra.keys()) if isinstance(spectra, h5py.Group) else []

    def has(name):
        return not needs or any(n in spectra[name] or n in spectra[name].attrs for n in needs)

    if requested is not None:
        if requested not in names:
            raise PlotError(f"no /spectrum/{requested} (available: {', '.join(names) or 'none'})")
        if not has(requested):
            raise PlotError(f"/spectrum/{requested} has no {what} (run terrain-spectrum with the "
                            "matching -spectrum_ option)")
        return requested, spectra[requested]
    candidates = [n for n in names if has(n)]
    if prefer in candidates:
        candidates.insert(0, prefer)
    if candidates:
        return candidates[0], spectra[candidates[0]]
    if needs:
        raise PlotError(f"no /spectrum group has {what}")
    return None, None


class Export:
    """What a draw returns instead of a Figure when its kind writes a file of its own (a VTK
    grid for ParaView, ...): terrain-plot calls write(path) with -o, else with default_output
    (which the kind chooses: it may name more than the run file, e.g. the surface)."""

    def __init__(self, default_output, write):
        self.default_output = default_output
        self.write = write
