"""terrain-plot figures of training runs (terrain-train's /trajectory and /ensemble).

Kinds:
  training       loss (train, test, minibatch) and accuracy against step
  curvature      |g|^2 and g'Hg against step (symlog); lambda_max against step with 2/lr
  loss_spectrum  an ensemble's "loss spectrum": for each hidden width a row histogram of
                 log10(loss) over all recorded steps of all seeds (200 bins on [-5, 0], colour =
                 log10 of the frequency), widths stacked

Sample runs:
  terrain-plot run.h5 --kind training -o training.png
  terrain-plot run.h5 --kind curvature
  terrain-plot ensemble.h5 --kind loss_spectrum
"""
import h5py
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import Normalize

from terrain_plot_common import PlotError, dataset_1d, log_or_linear, symlog_axis, text, widths

SPECTRUM_BINS = 200
SPECTRUM_RANGE = (-5.0, 0.0)


def _column(f, name, steps=None):
    """A /trajectory column as float64 (None when absent), checked against /trajectory/step."""
    if not isinstance(f.get("trajectory"), h5py.Group):
        return None
    return dataset_1d(f["trajectory"], name, steps=None if steps is None else len(steps))


def _steps(f):
    if "ensemble" in f:
        raise PlotError("is an ensemble file: draw it with --kind loss_spectrum")
    steps = _column(f, "step")
    if steps is None:
        raise PlotError("no /trajectory/step (not a terrain-train run file?)")
    if len(steps) == 0:
        raise PlotError("/trajectory is empty")
    return steps


def _title(f, path, what):
    title = f"{path}: {what}"
    if widths(f) is not None:
        title += f" (widths {widths(f)})"
    train = f.get("train")
    if isinstance(train, h5py.Group) and "optimizer" in train.attrs:
        title += f", {text(train.attrs['optimizer'])}"
        if int(train.attrs.get("batch", 0)) > 0:
            title += f" B={int(train.attrs['batch'])}"
    return title


def draw_training(f, path, args):
    steps = _steps(f)
    loss = _column(f, "loss", steps)
    test_loss = _column(f, "test_loss", steps)
    batch_loss = _column(f, "batch_loss", steps)
    accuracy = _column(f, "accuracy", steps)
    test_accuracy = _column(f, "test_accuracy", steps)
    if loss is None:
        raise PlotError("no /trajectory/loss")
    with_accuracy = accuracy is not None or test_accuracy is not None
    fig, axes = plt.subplots(1, 2 if with_accuracy else 1, figsize=(11 if with_accuracy else 6, 4.2),
                             squeeze=False)
    ax = axes[0][0]
    if batch_loss is not None:
        ax.plot(steps, batch_loss, color="tab:gray", alpha=0.4, linewidth=0.8, label="minibatch loss")
    ax.plot(steps, loss, color="tab:blue", label="train loss")
    if test_loss is not None:
        ax.plot(steps, test_loss, color="tab:orange", label="test loss")
    log_or_linear(ax, loss, test_loss, batch_loss)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    if with_accuracy:
        ax = axes[0][1]
        if accuracy is not None:
            ax.plot(steps, accuracy, color="tab:blue", label="train accuracy")
        if test_accuracy is not None:
            ax.plot(steps, test_accuracy, color="tab:orange", label="test accuracy")
        ax.set_xlabel("step")
        ax.set_ylabel("accuracy")
        ax.set_ylim(0, 1.02)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle(_title(f, path, "training"))
    fig.tight_layout()
    return fig


def draw_curvature(f, path, args):
    steps = _steps(f)
    grad_norm = _column(f, "grad_norm", steps)
    ghg = _column(f, "gHg", steps)
    lambda_max = _column(f, "lambda_max", steps)
    lr = _column(f, "lr", steps)
    two_over_lr = _column(f, "two_over_lr", steps)
    if ghg is None and lambda_max is None:
        raise PlotError("no /trajectory/gHg or /trajectory/lambda_max (train with "
                         "-train_monitor_curvature or -train_monitor_lambda_max)")
    panels = (ghg is not None or grad_norm is not None) + (lambda_max is not None)
    fig, axes = plt.subplots(1, panels, figsize=(5.6 * panels, 4.2), squeeze=False)
    k = 0
    if ghg is not None or grad_norm is not None:
        ax = axes[0][k]
        k += 1
        magnitudes = []
        if grad_norm is not None:
            ax.plot(steps, grad_norm ** 2, color="tab:green", label=r"$\|g\|^2$")
            magnitudes.append(np.abs(grad_norm ** 2))
        if ghg is not None:
            ax.plot(steps, ghg, color="tab:purple", label=r"$g^\top H g$")
            magnitudes.append(np.abs(ghg))
        # g'Hg changes sign near saddles: symlog keeps both signs, and a linear zone as small as
        # the small values keeps their decades visible.
        magnitudes = np.concatenate(magnitudes)
        magnitudes = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
        signed = np.concatenate([v for v in (grad_norm ** 2 if grad_norm is not None else None, ghg)
                                 if v is not None])
        symlog_axis(ax, signed, float(np.percentile(magnitudes, 5)) if magnitudes.size else 1e-12)
        ax.axhline(0.0, color="black", linewidth=0.5)
        ax.set_xlabel("step")
        ax.set_title("gradient and curvature along it")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    if lambda_max is not None:
        ax = axes[0][k]
        ax.plot(steps, lambda_max, color="tab:red", label=r"$\lambda_{max}$")
        limit = two_over_lr if two_over_lr is not None else (2.0 / lr if lr is not None else None)
        if limit is not None:
            shown = np.where(np.isfinite(limit), limit, np.nan)
            ax.plot(steps, shown, color="black", linestyle="--", label="2/lr")
        ax.set_xlabel("step")
        ax.set_ylabel("eigenvalue")
        ax.set_title(r"sharpness $\lambda_{max}$ and the stability limit 2/lr")
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle(_title(f, path, "curvature"))
    fig.tight_layout()
    return fig


def loss_spectrum(f):
    """(widths, histograms): per width, the frequency of log10(loss) in SPECTRUM_BINS bins over
    all recorded steps of all its runs (losses outside the range land in the end bins)."""
    ensemble = f.get("ensemble")
    if not isinstance(ensemble, h5py.Group) or "width" not in ensemble:
        raise PlotError("no /ensemble/width (not a terrain-train ensemble file)")
    widths = np.asarray(ensemble["width"][...])
    index = np.asarray(ensemble["index"][...]) if "index" in ensemble else np.arange(len(widths))
    edges = np.linspace(*SPECTRUM_RANGE, SPECTRUM_BINS + 1)
    rows = []
    distinct = sorted(set(int(w) for w in widths))
    for width in distinct:
        counts = np.zeros(SPECTRUM_BINS)
        for i in index[widths == width]:
            name = f"run_{int(i):06d}"
            if name not in ensemble or "trajectory/loss" not in ensemble[name]:
                raise PlotError(f"/ensemble/{name}/trajectory/loss is missing")
            loss = np.asarray(ensemble[name]["trajectory/loss"][...], dtype=np.float64)
            loss = loss[np.isfinite(loss) & (loss > 0)]
            logs = np.clip(np.log10(loss), SPECTRUM_RANGE[0], SPECTRUM_RANGE[1])
            counts += np.histogram(logs, bins=edges)[0]
        total = counts.sum()
        rows.append(counts / total if total > 0 else counts)
    return distinct, np.array(rows), edges


def draw_loss_spectrum(f, path, args):
    widths, frequency, edges = loss_spectrum(f)
    if len(widths) == 0:
        raise PlotError("/ensemble holds no runs")
    with np.errstate(divide="ignore"):
        image = np.where(frequency > 0, np.log10(np.where(frequency > 0, frequency, 1)), np.nan)
    finite = image[np.isfinite(image)]
    low = finite.min() if finite.size else -1.0
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.55 * len(widths)))
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("white")
    mesh = ax.imshow(np.ma.masked_invalid(image), aspect="auto", interpolation="nearest",
                     cmap=cmap, norm=Normalize(vmin=low, vmax=0.0 if finite.size else 1.0),
                     extent=(edges[0], edges[-1], len(widths) - 0.5, -0.5))
    ax.set_yticks(range(len(widths)))
    ax.set_yticklabels([str(w) for w in widths])
    ax.set_ylabel("hidden width")
    ax.set_xlabel(r"$\log_{10}$ loss (all steps of all seeds)")
    n_runs = len(f["ensemble"]["width"])
    ax.set_title(f"{path}: loss spectrum ({n_runs} runs, {SPECTRUM_BINS} bins)")
    fig.colorbar(mesh, ax=ax, label=r"$\log_{10}$ frequency")
    fig.tight_layout()
    return fig


KINDS = {
    "training": ("loss and accuracy against step", draw_training),
    "curvature": ("|g|^2, g'Hg and lambda_max (with 2/lr) against step", draw_curvature),
    "loss_spectrum": ("ensemble: log10(loss) histogram per hidden width", draw_loss_spectrum),
}
