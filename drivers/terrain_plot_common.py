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
    """Log y when every finite value of the series (None skipped) is positive and they span more
    than a factor 3 (a loss of exactly 0 would vanish on a log axis; a narrow range would get one
    decade's label repeated on every tick). A narrow range stays linear with an offset, so the
    ticks show the differences."""
    from matplotlib.ticker import ScalarFormatter
    values = [s[np.isfinite(s)] for s in series if s is not None]
    values = np.concatenate(values) if values else np.zeros(0)
    if values.size and np.all(values > 0) and values.max() > 3 * values.min():
        ax.set_yscale("log")
    else:
        formatter = ScalarFormatter(useOffset=True, useMathText=True)
        formatter.set_powerlimits((-3, 4))
        ax.yaxis.set_major_formatter(formatter)


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


def symlog_axis(ax, values, linthresh, axis="y", max_ticks=9):
    """A symlog axis whose ticks are labelled on both signs: 0, then for each sign present the
    decades ±10^k inside its data, from the first one clearly outside the linear zone
    (>= 10·linthresh, so no label overprints 0; the sign's largest decade if that is all there
    is), thinned to at most max_ticks labels in all. matplotlib's default symlog ticks label only
    some decades, none on a side that spans less than one, and put one at ±linthresh next to 0."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    (ax.set_yscale if axis == "y" else ax.set_xscale)("symlog", linthresh=linthresh)
    signs = [s for s in (1, -1) if np.any(s * values > linthresh)]
    per_sign = max(1, (max_ticks - 1) // max(1, len(signs)))
    ticks = [0.0]
    for sign in signs:
        kmax = int(np.floor(np.log10(float(np.max(sign * values)))))
        kmin = min(int(np.ceil(np.log10(10 * linthresh))), kmax)
        decades = list(range(kmin, kmax + 1))
        step = max(1, int(np.ceil(len(decades) / per_sign)))
        ticks += [sign * 10.0 ** k for k in decades[::-1][::step]]

    def label(v, _pos):
        if v == 0:
            return "0"
        k = int(round(np.log10(abs(v))))
        return ("−" if v < 0 else "") + f"$10^{{{k}}}$"

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(FixedLocator(sorted(ticks)))
    target.set_major_formatter(FuncFormatter(label))
    target.set_minor_locator(NullLocator())
