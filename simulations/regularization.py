r"""Regularization: overfitting, the three data sets, early stopping and dropout.

**Overfitting.** A model is fitted by making its error on the *training* data small. What we
want, though, is a small error on data it has never seen. The two part ways when the model has
enough capacity (parameters, layers, neurons, polynomial degree, training time) to fit not only
the pattern in the data but also its noise. The symptom is a gap: high training accuracy (low
training loss) and clearly worse validation or test accuracy. *Regularization* is the name for
anything that narrows that gap: a simpler model, stopping early, dropout, a weight penalty
(L1/L2, weight decay), more or augmented training data.

**Three data sets.** The *training* set fits the weights. The *validation* set is held out from
fitting and used to make choices: the polynomial degree, the number of layers, the learning
rate, the epoch at which to stop. Because we pick whatever scores best on it, the validation
score of the winner is optimistic. The *test* set is touched once, at the very end, to report
an unbiased estimate for the chosen model; using it to choose anything turns it into a second
validation set. With little data, *k-fold cross-validation* replaces the single validation
split: fit k times, each time holding out a different fold, and average the k scores; the
average varies far less with the luck of the split than one hold-out score does.

**Capacity.** Fit polynomials of growing degree :math:`d` by least squares to a few noisy
samples of :math:`\sin(2\pi x)`. The models are nested (degree :math:`d+1` can do everything
degree :math:`d` can), so the training error can only fall as :math:`d` grows. The validation
error falls while the model is too simple (underfitting: both errors high), bottoms out, then
climbs as the curve starts to chase the noise: a U shape. The degree at the bottom of the U,
chosen on validation, is the regulariser "use a simpler model".

**Early stopping.** Training time is capacity too. A network trained by gradient descent first
learns the broad pattern, then, epoch after epoch, bends its decision boundary round individual
noisy points. The training loss keeps falling; the validation loss falls, reaches a minimum,
then rises. Early stopping watches the validation metric after every epoch, remembers the best
epoch, and halts once there has been no improvement for ``patience`` epochs (so it stops at
best epoch + patience). With *restore best weights* the weights saved at the best epoch are
returned, not the later, more overfitted ones.

**Dropout.** During training each hidden unit's output is kept with probability :math:`1-p` and
set to zero with probability :math:`p`, using a fresh random mask :math:`m` for every training
step (every mini-batch), not once per epoch. With *inverted* dropout the kept outputs are
scaled up by :math:`1/(1-p)`:

.. math:: \tilde h = h \odot m / (1-p), \quad m_i \sim \text{Bernoulli}(1-p), \quad
          \mathbb E[\tilde h] = h

so at inference the layer simply uses every unit, with no mask and no rescaling, and the
expected activation matches what the next layer saw in training. Because any unit may vanish
at any step, no unit can rely on a few partners to memorise a particular point; the learning
is spread across many units, which behaves like averaging an ensemble of thinned networks.

The MLPs here are one hidden layer of ReLU units with a sigmoid output, trained with Adam on
mini-batches by back-propagation written out by hand, on a small 2-D data set whose labels
are partly flipped (noise it can memorise).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial import legendre

from simulations import Param, SimulationError, scenario
from simulations.example import (Annotation, Chart, Panel, Series, Table, worked)

# A polynomial's error far outside the data can be astronomically large; charts cap there.
CAP = 1e6
# Radius of the disc whose inside is class 1 in the classification data.
RADIUS = 0.65


def _fmt(x: float) -> str:
    """A short human number: 0.0912, 1.44, 3.2e+04."""
    if x == 0:
        return "0"
    if abs(x) >= 1e4 or abs(x) < 1e-3:
        return f"{x:.2g}"
    return f"{x:.3g}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


# ------------------------------------------------------------------------------ data helpers

def _sine(rng: np.random.Generator, n: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(0.0, 1.0, n)
    return x, np.sin(2 * np.pi * x) + rng.normal(0.0, noise, n)


def _poly_fit(x: np.ndarray, y: np.ndarray, degree: int) -> np.ndarray:
    """Least-squares coefficients in the Legendre basis on [0, 1] (well conditioned)."""
    coef, *_ = np.linalg.lstsq(legendre.legvander(2 * x - 1, degree), y, rcond=None)
    return coef


def _poly_mse(coef: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    pred = legendre.legvander(2 * x - 1, len(coef) - 1) @ coef
    return float(np.mean((pred - y) ** 2))


def _split_sizes(n: int, train_frac: float, val_frac: float) -> tuple[int, int, int]:
    n_train = int(math.floor(n * train_frac + 0.5))
    n_val = int(math.floor(n * val_frac + 0.5))
    return n_train, n_val, n - n_train - n_val


def _disc(rng: np.random.Generator, n: int, flip: float) -> tuple[np.ndarray, np.ndarray]:
    """Points in the square [-1, 1]^2; label 1 inside a disc, a share ``flip`` flipped."""
    x = rng.uniform(-1.0, 1.0, (n, 2))
    y = (np.hypot(x[:, 0], x[:, 1]) < RADIUS).astype(float)
    flipped = rng.random(n) < flip
    y[flipped] = 1.0 - y[flipped]
    return x, y


class _MLP:
    """One hidden ReLU layer and a sigmoid output; all weights live in one flat vector.

    Keeping every weight in one array lets an Adam step be a handful of vector operations,
    which keeps a few thousand training steps well under the time budget.
    """

    def __init__(self, d: int, hidden: int, rng: np.random.Generator):
        self.d, self.hidden = d, hidden
        self.theta = np.zeros(d * hidden + 2 * hidden + 1)
        self.grad = np.zeros_like(self.theta)
        self.W1, self.b1, self.W2, self.b2 = self._views(self.theta)
        self.gW1, self.gb1, self.gW2, self.gb2 = self._views(self.grad)
        self.W1[:] = rng.normal(0.0, math.sqrt(2.0 / d), (d, hidden))  # He initialisation
        self.W2[:] = rng.normal(0.0, math.sqrt(1.0 / hidden), hidden)

    def _views(self, flat: np.ndarray):
        d, h = self.d, self.hidden
        return (flat[:d * h].reshape(d, h), flat[d * h:d * h + h],
                flat[d * h + h:d * h + 2 * h], flat[-1:])

    def hidden_out(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(x @ self.W1 + self.b1, 0.0)

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Inference: every hidden unit, no mask, no rescaling."""
        return self.hidden_out(x) @ self.W2 + self.b2

    def snapshot(self) -> np.ndarray:
        return self.theta.copy()


def _bce(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Binary cross-entropy per sample from logits, computed without overflow."""
    return np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))


def _train(net: _MLP, x_tr, y_tr, x_va, y_va, *, epochs: int, batch: int, lr: float,
           rate: float, order_rng: np.random.Generator, mask_rng: np.random.Generator,
           keep_snapshots: bool = False):
    """Mini-batch Adam with optional inverted dropout on the hidden layer.

    Returns per-epoch rows (train loss, train acc, val loss, val acc) measured at inference
    (no dropout), the number of dropout masks drawn, the share of units they kept and, if
    asked, the weights after every epoch.
    """
    n = len(x_tr)
    keep = 1.0 - rate
    m = np.zeros_like(net.theta)
    v = np.zeros_like(net.theta)
    x_all = np.vstack([x_tr, x_va])
    y_all = np.concatenate([y_tr, y_va])
    history = np.empty((epochs, 4))
    snapshots = []
    steps = masks = kept = 0
    for epoch in range(epochs):
        order = order_rng.permutation(n)
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            xb, yb = x_tr[idx], y_tr[idx]
            a = xb @ net.W1 + net.b1
            h = np.maximum(a, 0.0)
            if rate > 0:
                # A fresh mask for THIS step: each unit kept with probability 1 - rate and
                # the survivors scaled by 1/(1 - rate) (inverted dropout).
                kept_units = mask_rng.random(h.shape) < keep
                mask = kept_units * (1.0 / keep)
                h = h * mask
                masks += 1
                kept += int(kept_units.sum())
            z = h @ net.W2 + net.b2
            g = (1.0 / (1.0 + np.exp(-z)) - yb) / len(idx)   # d loss / d logit
            np.dot(h.T, g, out=net.gW2)
            net.gb2[0] = g.sum()
            ga = np.outer(g, net.W2)
            if rate > 0:
                ga *= mask
            ga *= a > 0
            np.dot(xb.T, ga, out=net.gW1)
            ga.sum(axis=0, out=net.gb1)
            steps += 1
            m *= 0.9
            m += 0.1 * net.grad
            v *= 0.999
            v += 0.001 * net.grad * net.grad
            net.theta -= (lr * math.sqrt(1 - 0.999 ** steps) / (1 - 0.9 ** steps)) * m / (
                np.sqrt(v) + 1e-8)
        z = net.logits(x_all)
        loss = _bce(z, y_all)
        right = (z > 0) == (y_all > 0.5)
        history[epoch] = loss[:n].mean(), right[:n].mean(), loss[n:].mean(), right[n:].mean()
        if keep_snapshots:
            snapshots.append(net.snapshot())
    kept_share = kept / (masks * batch * net.hidden) if masks else 1.0
    return history, masks, kept_share, snapshots, steps


def _check_split(n_train: int, n_val: int, n_test: int | None = None) -> None:
    if n_train < 3:
        raise SimulationError(f"the training set would hold {n_train} samples; it needs at "
                              "least 3 (raise n_samples or train_frac)")
    if n_val < 2:
        raise SimulationError(f"the validation set would hold {n_val} samples; it needs at "
                              "least 2 (raise n_samples or val_frac)")
    if n_test is not None and n_test < 2:
        raise SimulationError(f"the test set would hold {n_test} samples; it needs at least 2 "
                              "(lower train_frac + val_frac, or raise n_samples)")


# --------------------------------------------------------------------------------- scenarios

@scenario(
    "Polynomials of degree 1..max_degree on a noisy sine: training error keeps falling, "
    "validation error is U-shaped; the degree chosen on validation is scored once on test",
    n_samples=Param("int", 60, "samples in all, before the split", low=10, high=20000),
    train_frac=Param("float", 0.5, "share of the samples in the training set",
                     low=0.05, high=0.9),
    val_frac=Param("float", 0.25, "share of the samples in the validation set",
                   low=0.05, high=0.5),
    noise=Param("float", 0.3, "standard deviation of the noise added to sin(2 pi x)",
                low=0.0, high=2.0),
    max_degree=Param("int", 15, "highest polynomial degree tried", low=2, high=20),
)
def capacity(*, seed, n_samples, train_frac, val_frac, noise, max_degree):
    n_train, n_val, n_test = _split_sizes(n_samples, train_frac, val_frac)
    _check_split(n_train, n_val, n_test)
    rng = np.random.default_rng(seed)
    x, y = _sine(rng, n_samples, noise)
    idx = rng.permutation(n_samples)
    tr, va, te = idx[:n_train], idx[n_train:n_train + n_val], idx[n_train + n_val:]

    degrees = np.arange(1, max_degree + 1)
    coefs = [_poly_fit(x[tr], y[tr], int(d)) for d in degrees]
    train_mse = np.array([_poly_mse(c, x[tr], y[tr]) for c in coefs])
    val_mse = np.array([_poly_mse(c, x[va], y[va]) for c in coefs])
    b = int(np.argmin(val_mse))
    best = int(degrees[b])
    # The test set is used for the chosen model: that is the number to report. The most
    # complex model's test error is shown only to make the lesson visible.
    test_best = _poly_mse(coefs[b], x[te], y[te])
    test_max = _poly_mse(coefs[-1], x[te], y[te])

    values = {
        "n_samples": n_samples, "n_train": n_train, "n_val": n_val, "n_test": n_test,
        "best_degree": best, "max_degree": max_degree, "noise_var": noise ** 2,
        "train_mse_best": float(train_mse[b]), "val_mse_best": float(val_mse[b]),
        "test_mse_best": test_best,
        "train_mse_max": float(train_mse[-1]), "val_mse_max": float(val_mse[-1]),
        "test_mse_max": test_max,
        "gap_best": float(val_mse[b] - train_mse[b]),
        "gap_max": float(val_mse[-1] - train_mse[-1]),
        "val_ratio_max_to_best": float(val_mse[-1] / val_mse[b]),
    }

    shown = sorted({1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, best, max_degree} & set(degrees.tolist()))
    while len(shown) > 12:  # keep the chosen and the largest degree, thin the middle
        shown.remove(next(d for d in shown[::-1] if d not in (1, best, max_degree)))
    rows = [(d, round(float(train_mse[d - 1]), 4), round(float(val_mse[d - 1]), 4),
             round(float(val_mse[d - 1] - train_mse[d - 1]), 4),
             "chosen on validation" if d == best else ("most complex" if d == max_degree else ""))
            for d in shown]
    table = Table.of(("degree", "train MSE", "validation MSE", "gap val-train", "note"), rows)

    findings = [
        f"Split {n_samples} samples into {n_train} train / {n_val} validation / {n_test} test.",
        f"Training MSE falls from {_fmt(train_mse[0])} at degree 1 to {_fmt(train_mse[-1])} at "
        f"degree {max_degree}; it never rises because each model contains the one before.",
        f"Validation MSE is lowest at degree {best} ({_fmt(val_mse[b])}); at degree "
        f"{max_degree} it is {_fmt(val_mse[-1])}, {_fmt(val_mse[-1] / val_mse[b])} times "
        "higher: the extra flexibility fits noise.",
        f"The gap (validation minus training MSE) grows from {_fmt(val_mse[b] - train_mse[b])} "
        f"at degree {best} to {_fmt(val_mse[-1] - train_mse[-1])} at degree {max_degree}.",
        f"Scored once on the untouched test set, degree {best} gets MSE {_fmt(test_best)} "
        f"(noise floor {_fmt(noise ** 2)}); degree {max_degree} would get {_fmt(test_max)}.",
    ]
    shown_val = np.minimum(val_mse, CAP)
    capped = bool(np.any(val_mse > CAP))
    grid = np.linspace(0, 1, 200)
    fit_best = legendre.legvander(2 * grid - 1, best) @ coefs[b]
    fit_max = np.clip(legendre.legvander(2 * grid - 1, max_degree) @ coefs[-1], -3, 3)
    chart = Chart(
        f"Training error only falls; validation error bottoms out at degree {best} and then "
        "climbs",
        (Panel("lines", "Error against model capacity", "polynomial degree",
               "mean squared error (log scale)" + (f", capped at {CAP:g}" if capped else ""),
               series=(Series.of("training", degrees, np.maximum(train_mse, 1e-12), "line"),
                       Series.of("validation", degrees, shown_val, "dashed")),
               y_log=True, vlines=((best, f"chosen: degree {best}"),),
               annotations=(Annotation(max_degree, float(shown_val[-1]), "overfitting"),)),
         Panel("scatter", "Training points and two fits", "x", "y (fits clipped to +-3)",
               series=(Series.of("training points", x[tr], y[tr], "points"),
                       Series.of(f"degree {best}", grid, fit_best, "line"),
                       Series.of(f"degree {max_degree}", grid, fit_max, "dashed")))))
    return worked(values=values, table=table, findings=findings, chart=chart)


def _classification_data(seed: int, n_train: int, n_val: int, label_noise: float):
    rng = np.random.default_rng([seed, 0])
    x_tr, y_tr = _disc(rng, n_train, label_noise)
    x_va, y_va = _disc(rng, n_val, label_noise)
    return x_tr, y_tr, x_va, y_va


N_VAL = 300
BATCH = 15


@scenario(
    "Early stopping: train and validation loss per epoch of a small MLP trained long enough "
    "to overfit; stop after `patience` epochs without improvement, keep the best weights",
    patience=Param("int", 10, "epochs without a new best validation loss before stopping",
                   low=1, high=200),
    max_epochs=Param("int", 200, "epochs the run would last without early stopping",
                     low=10, high=400),
    restore_best=Param("bool", True, "return the weights of the best epoch (else the last)"),
    hidden=Param("int", 64, "hidden units", low=2, high=256),
    learning_rate=Param("float", 0.01, "Adam learning rate", low=1e-4, high=0.1),
    label_noise=Param("float", 0.15, "share of labels flipped (noise the net can memorise)",
                      low=0.0, high=0.45),
    n_train=Param("int", 60, "training samples (the validation set has 300)",
                  low=15, high=400),
)
def early_stopping(*, seed, patience, max_epochs, restore_best, hidden, learning_rate,
                   label_noise, n_train):
    x_tr, y_tr, x_va, y_va = _classification_data(seed, n_train, N_VAL, label_noise)
    net = _MLP(2, hidden, np.random.default_rng([seed, 1]))
    hist, _, _, _, _ = _train(net, x_tr, y_tr, x_va, y_va, epochs=max_epochs, batch=BATCH,
                              lr=learning_rate, rate=0.0,
                              order_rng=np.random.default_rng([seed, 2]),
                              mask_rng=np.random.default_rng([seed, 3]))
    tl, ta, vl, va = hist.T
    epochs = np.arange(1, max_epochs + 1)

    # What an early-stopping callback sees, epoch by epoch (monitor = validation loss).
    best_i, stop_i, stopped = 0, max_epochs - 1, False
    for i in range(1, max_epochs):
        if vl[i] < vl[best_i]:
            best_i = i
        elif i - best_i >= patience:
            stop_i, stopped = i, True
            break
    best_epoch, stop_epoch = best_i + 1, stop_i + 1
    ret_i = best_i if restore_best else stop_i
    overall_i = int(np.argmin(vl))

    values = {
        "best_epoch": best_epoch, "stop_epoch": stop_epoch, "patience": patience,
        "max_epochs": max_epochs, "stopped_early": int(stopped),
        "epochs_saved": max_epochs - stop_epoch,
        "returned_epoch": ret_i + 1,
        "val_loss_at_best": float(vl[best_i]), "val_loss_at_stop": float(vl[stop_i]),
        "val_loss_at_end": float(vl[-1]), "val_loss_returned": float(vl[ret_i]),
        "train_loss_at_best": float(tl[best_i]), "train_loss_at_stop": float(tl[stop_i]),
        "train_loss_at_end": float(tl[-1]),
        "train_acc_at_best": float(ta[best_i]), "val_acc_at_best": float(va[best_i]),
        "train_acc_at_end": float(ta[-1]), "val_acc_at_end": float(va[-1]),
        "val_acc_returned": float(va[ret_i]),
        "overall_best_epoch": overall_i + 1,
    }

    marks = {1: "", best_epoch: "best (lowest val loss)", stop_epoch: "training stops",
             max_epochs: "end if never stopped"}
    picks = sorted(set(np.linspace(1, max_epochs, 8).round().astype(int).tolist()) | set(marks))
    while len(picks) > 12:
        picks.remove(next(e for e in picks[1:] if e not in marks))
    rows = [(e, round(float(tl[e - 1]), 4), round(float(vl[e - 1]), 4),
             round(float(ta[e - 1]), 3), round(float(va[e - 1]), 3),
             "; ".join(t for k, t in marks.items() if k == e and t)) for e in picks]
    table = Table.of(("epoch", "train loss", "val loss", "train acc", "val acc", "note"), rows)

    findings = [
        f"Validation loss is lowest at epoch {best_epoch} ({_fmt(vl[best_i])}); training loss "
        f"keeps falling, from {_fmt(tl[best_i])} there to {_fmt(tl[-1])} at epoch "
        f"{max_epochs}.",
    ]
    if stopped:
        findings.append(
            f"With patience {patience}, training halts at epoch {stop_epoch} after {patience} "
            f"epochs without a new best, saving {max_epochs - stop_epoch} of {max_epochs} "
            "epochs.")
    else:
        findings.append(
            f"With patience {patience} the run never went {patience} epochs without a new best, "
            f"so it trained all {max_epochs} epochs.")
    if restore_best:
        findings.append(
            f"restore_best returns the epoch-{best_epoch} weights (validation loss "
            f"{_fmt(vl[best_i])}, accuracy {_pct(va[best_i])}), not those of epoch "
            f"{stop_epoch} ({_fmt(vl[stop_i])}).")
    else:
        findings.append(
            f"Without restore_best the model of epoch {stop_epoch} is kept (validation loss "
            f"{_fmt(vl[stop_i])}) instead of the best one of epoch {best_epoch} "
            f"({_fmt(vl[best_i])}).")
    findings.append(
        f"Had training run all {max_epochs} epochs, validation loss would have reached "
        f"{_fmt(vl[-1])} while training accuracy rose to {_pct(ta[-1])} and validation "
        f"accuracy was {_pct(va[-1])}: overfitting.")

    ran = slice(0, stop_i + 1)
    after = slice(stop_i, max_epochs)
    loss_series = [Series.of("training loss", epochs[ran], tl[ran], "line"),
                   Series.of("validation loss", epochs[ran], vl[ran], "line")]
    acc_series = [Series.of("training accuracy", epochs[ran], ta[ran], "line"),
                  Series.of("validation accuracy", epochs[ran], va[ran], "line")]
    if stop_i < max_epochs - 1:
        loss_series += [Series.of("training loss, had it continued", epochs[after], tl[after],
                                  "dotted"),
                        Series.of("validation loss, had it continued", epochs[after],
                                  vl[after], "dotted")]
        acc_series += [Series.of("training acc, had it continued", epochs[after], ta[after],
                                 "dotted"),
                       Series.of("validation acc, had it continued", epochs[after], va[after],
                                 "dotted")]
    vlines = ((best_epoch, f"best epoch {best_epoch}"), (stop_epoch, f"stop {stop_epoch}"))
    chart = Chart(
        f"Validation loss bottoms out at epoch {best_epoch} while training loss keeps falling; "
        f"patience {patience} stops the run at epoch {stop_epoch}",
        (Panel("lines", "Loss per epoch", "epoch", "binary cross-entropy",
               series=tuple(loss_series), vlines=vlines,
               annotations=(Annotation(best_epoch, float(vl[best_i]), "weights saved here"),)),
         Panel("lines", "Accuracy per epoch", "epoch", "accuracy (share correct)",
               series=tuple(acc_series), vlines=vlines)))
    return worked(values=values, table=table, findings=findings, chart=chart)


@scenario(
    "Dropout in a small MLP: the same network, data, initial weights and batch order trained "
    "with and without inverted dropout on its hidden layer; compare the train-validation gap",
    rate=Param("float", 0.5, "dropout rate p: share of hidden units zeroed at each step",
               low=0.0, high=0.9),
    epochs=Param("int", 300, "training epochs (4 mini-batches of 15 each at n_train=60)",
                 low=5, high=600),
    hidden=Param("int", 64, "hidden units", low=2, high=256),
    learning_rate=Param("float", 0.01, "Adam learning rate", low=1e-4, high=0.1),
    label_noise=Param("float", 0.15, "share of labels flipped (noise the net can memorise)",
                      low=0.0, high=0.45),
    n_train=Param("int", 60, "training samples (the validation set has 300)",
                  low=15, high=400),
)
def dropout(*, seed, rate, epochs, hidden, learning_rate, label_noise, n_train):
    x_tr, y_tr, x_va, y_va = _classification_data(seed, n_train, N_VAL, label_noise)
    runs = {}
    for name, p in (("without", 0.0), ("with", rate)):
        net = _MLP(2, hidden, np.random.default_rng([seed, 1]))   # same initial weights
        hist, masks, kept_share, _, steps = _train(
            net, x_tr, y_tr, x_va, y_va, epochs=epochs, batch=BATCH, lr=learning_rate, rate=p,
            order_rng=np.random.default_rng([seed, 2]),           # same batch order
            mask_rng=np.random.default_rng([seed, 3]))
        runs[name] = dict(net=net, hist=hist, masks=masks, kept=kept_share, steps=steps)
    h0, h1 = runs["without"]["hist"], runs["with"]["hist"]

    # Inverted dropout keeps the expected activation: compare the hidden layer's mean output
    # at inference with its mean under training masks, scaled and unscaled.
    net = runs["with"]["net"]
    h = net.hidden_out(x_tr)
    mrng = np.random.default_rng([seed, 4])
    keep = 1.0 - rate
    kept_units = mrng.random((20,) + h.shape) < keep
    act_inference = float(h.mean())
    act_scaled = float((h * kept_units).mean() / keep)
    act_unscaled = float((h * kept_units).mean())

    steps = runs["with"]["steps"]
    values = {
        "rate": rate, "keep_prob": keep, "scale": 1.0 / keep, "epochs": epochs,
        "steps_per_epoch": steps // epochs, "training_steps": steps,
        "masks_drawn": runs["with"]["masks"], "kept_share": runs["with"]["kept"],
        "train_acc_without": float(h0[-1, 1]), "val_acc_without": float(h0[-1, 3]),
        "train_acc_with": float(h1[-1, 1]), "val_acc_with": float(h1[-1, 3]),
        "gap_without": float(h0[-1, 1] - h0[-1, 3]), "gap_with": float(h1[-1, 1] - h1[-1, 3]),
        "train_loss_without": float(h0[-1, 0]), "val_loss_without": float(h0[-1, 2]),
        "train_loss_with": float(h1[-1, 0]), "val_loss_with": float(h1[-1, 2]),
        "loss_gap_without": float(h0[-1, 2] - h0[-1, 0]),
        "loss_gap_with": float(h1[-1, 2] - h1[-1, 0]),
        "act_mean_inference": act_inference, "act_mean_train_scaled": act_scaled,
        "act_mean_train_unscaled": act_unscaled,
    }

    rows = [(label, round(float(h[-1, 0]), 4), round(float(h[-1, 2]), 4),
             round(float(h[-1, 1]), 3), round(float(h[-1, 3]), 3),
             round(float(h[-1, 1] - h[-1, 3]), 3))
            for label, h in ((f"no dropout", h0), (f"dropout p={rate:g}", h1))]
    table = Table.of(("network", "train loss", "val loss", "train acc", "val acc",
                      "acc gap"), rows)

    findings = [
        f"Without dropout: training accuracy {_pct(h0[-1, 1])}, validation {_pct(h0[-1, 3])}, "
        f"a gap of {_pct(h0[-1, 1] - h0[-1, 3])}; with dropout p={rate:g}: "
        f"{_pct(h1[-1, 1])} vs {_pct(h1[-1, 3])}, a gap of {_pct(h1[-1, 1] - h1[-1, 3])}.",
        f"Validation loss after {epochs} epochs: {_fmt(h0[-1, 2])} without dropout, "
        f"{_fmt(h1[-1, 2])} with it (training loss {_fmt(h0[-1, 0])} vs {_fmt(h1[-1, 0])}).",
    ]
    if rate > 0:
        findings.append(
            f"A fresh random mask was drawn at every one of the {steps} training steps "
            f"({steps // epochs} per epoch), not once per epoch; it kept "
            f"{_pct(runs['with']['kept'])} of the units on average.")
        findings.append(
            f"Kept units are scaled by 1/(1-p) = {_fmt(1 / keep)}, so the mean hidden activation "
            f"under a training mask ({_fmt(act_scaled)}) matches inference with all units and no "
            f"mask ({_fmt(act_inference)}); unscaled it would be {_fmt(act_unscaled)}.")
    else:
        findings.append("With rate 0 no unit is ever dropped, so both runs are the same network.")

    ep = np.arange(1, epochs + 1)
    chart = Chart(
        f"Dropout p={rate:g} keeps validation loss down ({_fmt(h1[-1, 2])} vs "
        f"{_fmt(h0[-1, 2])}) and narrows the train-validation gap",
        (Panel("lines", "Loss per epoch", "epoch", "binary cross-entropy",
               series=(Series.of("train, no dropout", ep, h0[:, 0], "dotted"),
                       Series.of("validation, no dropout", ep, h0[:, 2], "line"),
                       Series.of(f"train, dropout {rate:g}", ep, h1[:, 0], "dotted"),
                       Series.of(f"validation, dropout {rate:g}", ep, h1[:, 2], "dashed"))),
         Panel("bars", "Final accuracy", "network", "accuracy (share correct)",
               series=(Series.of("training", ["no dropout", f"dropout {rate:g}"],
                                 [h0[-1, 1], h1[-1, 1]]),
                       Series.of("validation", ["no dropout", f"dropout {rate:g}"],
                                 [h0[-1, 3], h1[-1, 3]])))))
    return worked(values=values, table=table, findings=findings, chart=chart)


@scenario(
    "k-fold cross-validation vs a single hold-out split: how much the error estimate "
    "depends on which rows happen to land in validation",
    k=Param("int", 5, "number of folds", low=2, high=20),
    n_samples=Param("int", 40, "samples in the data set", low=10, high=2000),
    degree=Param("int", 3, "polynomial degree of the model being evaluated", low=1, high=10),
    val_frac=Param("float", 0.2, "share held out by the single split", low=0.05, high=0.5),
    repeats=Param("int", 50, "random re-shuffles of the same data", low=5, high=200),
    noise=Param("float", 0.3, "standard deviation of the noise on sin(2 pi x)",
                low=0.01, high=2.0),
)
def kfold(*, seed, k, n_samples, degree, val_frac, repeats, noise):
    n_val = int(math.floor(n_samples * val_frac + 0.5))
    if n_val < 2 or n_samples - n_val < degree + 1:
        raise SimulationError(f"val_frac: the hold-out split needs at least 2 validation rows "
                              f"and {degree + 1} training rows; n_samples={n_samples} gives "
                              f"{n_val} and {n_samples - n_val}")
    if n_samples // k < 1 or n_samples - (n_samples + k - 1) // k < degree + 1:
        raise SimulationError(f"k: {k} folds of {n_samples} samples leave too few training "
                              f"rows for a degree-{degree} fit; lower k or raise n_samples")
    rng = np.random.default_rng(seed)
    x, y = _sine(rng, n_samples, noise)
    x_new, y_new = _sine(np.random.default_rng([seed, 1]), 5000, noise)
    true_mse = _poly_mse(_poly_fit(x, y, degree), x_new, y_new)

    holdout, kfold_est = np.empty(repeats), np.empty(repeats)
    for r in range(repeats):
        idx = rng.permutation(n_samples)
        va, tr = idx[:n_val], idx[n_val:]
        holdout[r] = _poly_mse(_poly_fit(x[tr], y[tr], degree), x[va], y[va])
        folds = np.array_split(idx, k)
        scores = []
        for f in range(k):
            tr = np.concatenate([folds[j] for j in range(k) if j != f])
            scores.append(_poly_mse(_poly_fit(x[tr], y[tr], degree), x[folds[f]], y[folds[f]]))
        kfold_est[r] = np.mean(scores)   # every row is validated exactly once

    values = {
        "k": k, "n_samples": n_samples, "n_val_holdout": n_val, "repeats": repeats,
        "fits_per_estimate": k, "true_mse": true_mse,
        "holdout_mean": float(holdout.mean()), "holdout_std": float(holdout.std()),
        "holdout_min": float(holdout.min()), "holdout_max": float(holdout.max()),
        "kfold_mean": float(kfold_est.mean()), "kfold_std": float(kfold_est.std()),
        "kfold_min": float(kfold_est.min()), "kfold_max": float(kfold_est.max()),
        "std_ratio": float(holdout.std() / kfold_est.std()),
    }
    rows = [("single hold-out", n_val, round(float(holdout.mean()), 4),
             round(float(holdout.std()), 4), round(float(holdout.min()), 4),
             round(float(holdout.max()), 4)),
            (f"{k}-fold CV", f"all {n_samples}", round(float(kfold_est.mean()), 4),
             round(float(kfold_est.std()), 4), round(float(kfold_est.min()), 4),
             round(float(kfold_est.max()), 4))]
    table = Table.of(("estimate", "rows validated", "mean MSE", "std over shuffles", "min",
                      "max"), rows)
    findings = [
        f"Over {repeats} reshuffles of the same {n_samples} rows, a single {n_val}-row hold-out "
        f"estimate ranged from {_fmt(holdout.min())} to {_fmt(holdout.max())} (std "
        f"{_fmt(holdout.std())}).",
        f"{k}-fold cross-validation averages {k} fits so every row is validated once; its "
        f"estimate ranged only from {_fmt(kfold_est.min())} to {_fmt(kfold_est.max())} (std "
        f"{_fmt(kfold_est.std())}, {_fmt(holdout.std() / kfold_est.std())} times smaller).",
        f"The error of the degree-{degree} model on 5000 fresh samples is {_fmt(true_mse)}; "
        f"the price of k-fold is {k} trainings instead of one.",
    ]
    reps = np.arange(1, repeats + 1)
    chart = Chart(
        f"A single split's estimate swings {_fmt(holdout.std() / kfold_est.std())} times more "
        f"than {k}-fold cross-validation's",
        (Panel("scatter", "Error estimate for each reshuffle of the same data", "reshuffle",
               "estimated validation MSE",
               series=(Series.of(f"single hold-out ({n_val} rows)", reps, holdout, "points"),
                       Series.of(f"{k}-fold CV", reps, kfold_est, "points")),
               hlines=((true_mse, "error on fresh data"),)),))
    return worked(values=values, table=table, findings=findings, chart=chart)
