"""An independent forward pass of a terrain network in numpy, for the script tests' oracles: the
parameter layout of model/parameter_layout.hpp (per layer W row-major [fan_out, fan_in], then b),
the activations and the two losses of /model."""
import numpy as np


def forward_loss(theta, model, X, Y, labels):
    widths = list(model.attrs["widths"])
    act = model.attrs["activation"]
    act = act.decode() if isinstance(act, bytes) else act
    loss_kind = model.attrs["loss"]
    loss_kind = loss_kind.decode() if isinstance(loss_kind, bytes) else loss_kind
    bias = bool(model.attrs["bias"])
    residual = bool(model.attrs["residual"]) if "residual" in model.attrs else False
    sigma = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "linear": lambda z: z,
             "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "softplus": lambda z: np.logaddexp(0, z)}[act]
    a, off, L = X, 0, len(widths) - 1
    for l in range(L):
        fi, fo = widths[l], widths[l + 1]
        W = theta[off:off + fi * fo].reshape(fo, fi)
        off += fi * fo
        z = a @ W.T
        if bias:
            z = z + theta[off:off + fo]
            off += fo
        if l < L - 1:
            h = sigma(z)
            a = a + h if (residual and l > 0 and fi == fo) else h
        else:
            a = z
    assert off == theta.size, (off, theta.size)
    if loss_kind == "mse":
        return 0.5 * np.mean(np.sum((a - Y) ** 2, axis=1)), None
    m = a.max(axis=1, keepdims=True)
    logp = a - m - np.log(np.exp(a - m).sum(axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(labels)), labels]), np.mean(a.argmax(axis=1) == labels)
