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

import dataclasses
import math

import numpy as np
from numpy.polynomial import legendre

from quizzer.simulations import Param, SimulationError, scenario
from quizzer.simulations.example import Annotation, Chart, Panel, Series, Table, short, worked

# A polynomial's error far outside the data can be astronomically large; charts cap there.
CAP = 1e6
# Radius of the disc whose inside is class 1 in the classification data.
RADIUS = 0.65


def _fmt(x: float) -> str:
    """A short human number: 0.0912, 1.44, 3.2e+04."""
    return short(x, big=1e4)


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


class _MLPs:
    """K independent one-hidden-layer ReLU nets with sigmoid outputs, trained side by side.

    All weights of all K nets live in one flat vector, so one Adam step is a handful of
    vector operations whatever K is (Adam works weight by weight, so sharing the vector does
    not couple the nets). The dropout comparison trains its two nets in the same arrays:
    identical initial weights, identical mini-batches, only the masks differ.
    """

    def __init__(self, k: int, d: int, hidden: int, rng: np.random.Generator):
        self.k, self.d, self.hidden = k, d, hidden
        kh = k * hidden
        self.theta = np.zeros(d * kh + kh + kh + k)
        self.grad = np.zeros_like(self.theta)
        self.W1, self.b1, self.W2, self.b2 = self._views(self.theta)
        self.gW1, self.gb1, self.gW2, self.gb2 = self._views(self.grad)
        w1 = rng.normal(0.0, math.sqrt(2.0 / d), (d, hidden))          # He initialisation
        w2 = rng.normal(0.0, math.sqrt(1.0 / hidden), hidden)
        self.W1[:] = np.tile(w1, (1, k))                                # same start for all
        self.W2[:] = w2

    def _views(self, flat: np.ndarray):
        d, k, h = self.d, self.k, self.hidden
        kh = k * h
        return (flat[:d * kh].reshape(d, kh), flat[d * kh:d * kh + kh],
                flat[d * kh + kh:d * kh + 2 * kh].reshape(k, h), flat[d * kh + 2 * kh:])

    def hidden_out(self, x: np.ndarray) -> np.ndarray:
        """Hidden activations, shape (samples, K, hidden)."""
        return np.maximum(x @ self.W1 + self.b1, 0.0).reshape(len(x), self.k, self.hidden)

    def logits(self, x: np.ndarray, theta: np.ndarray | None = None) -> np.ndarray:
        """Inference, shape (samples, K): every hidden unit, no mask, no rescaling."""
        if theta is not None:
            W1, b1, W2, b2 = self._views(theta)
        else:
            W1, b1, W2, b2 = self.W1, self.b1, self.W2, self.b2
        # x has few columns: sum them one by one (a BLAS call on a tall, thin matrix spins up
        # threads and is slower here)
        a = b1 + sum(x[:, j, None] * W1[j] for j in range(self.d))
        h = np.maximum(a, 0.0, out=a).reshape(len(x), self.k, self.hidden)
        return np.einsum("nkh,kh->nk", h, W2) + b2


def _bce(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Binary cross-entropy per sample from logits, computed without overflow."""
    return np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))


def _train(nets: _MLPs, x_tr, y_tr, x_va, y_va, *, epochs: int, batch: int, lr: float,
           rates: tuple, order_rng: np.random.Generator, mask_rng: np.random.Generator,
           eval_every: int = 1):
    """Mini-batch Adam; net j uses inverted dropout with rate ``rates[j]`` on its hidden layer.

    Returns the epochs that were scored (every ``eval_every``-th and the last); their metrics,
    shape (scored epochs, K, 4): train loss, train accuracy, validation loss, validation
    accuracy, all measured at inference (no dropout); the weights at each scored epoch; and
    counts: update steps and the share of units the dropout masks kept.
    """
    n, k, hid = len(x_tr), nets.k, nets.hidden
    dropping = [j for j, r in enumerate(rates) if r > 0]        # nets that use dropout
    use_dropout = bool(dropping)
    masks = np.ones((n, k * hid))
    m = np.zeros_like(nets.theta)
    v = np.zeros_like(nets.theta)
    x_all = np.vstack([x_tr, x_va])
    y_all = np.concatenate([y_tr, y_va])[:, None]
    scored = [e for e in range(1, epochs + 1) if e % eval_every == 0 or e == epochs]
    history = np.empty((len(scored), k, 4))
    snapshots = []
    steps = kept = units = 0
    for epoch in range(epochs):
        order = order_rng.permutation(n)
        if use_dropout:
            # One independent keep/drop draw per (sample, unit) for this epoch; each step
            # below takes its own rows, so every mini-batch gets a FRESH mask. A unit is
            # kept with probability 1 - rate and the survivors are scaled by 1/(1 - rate)
            # (inverted dropout).
            for j in dropping:
                keep = 1.0 - rates[j]
                kept_units = mask_rng.random((n, hid), dtype=np.float32) < keep
                masks[:, j * hid:(j + 1) * hid] = kept_units * (1.0 / keep)
                kept += int(kept_units.sum())
                units += kept_units.size
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            xb, yb = x_tr[idx], y_tr[idx, None]
            a = xb @ nets.W1 + nets.b1
            gate = a > 0                                                # ReLU
            if use_dropout:
                gate = gate * masks[start:start + batch]                # times this mask
            h = a * gate                                                # = relu(a) * mask
            h3 = h.reshape(len(idx), k, hid)
            z = np.einsum("bkh,kh->bk", h3, nets.W2) + nets.b2
            g = (1.0 / (1.0 + np.exp(-z)) - yb) / len(idx)              # dLoss/dlogit
            nets.gW2[:] = np.einsum("bk,bkh->kh", g, h3)
            nets.gb2[:] = g.sum(axis=0)
            ga = (g[:, :, None] * nets.W2).reshape(len(idx), k * hid)   # back to hidden
            ga *= gate                                                  # same mask backward
            np.dot(xb.T, ga, out=nets.gW1)
            ga.sum(axis=0, out=nets.gb1)
            steps += 1
            m *= 0.9
            m += 0.1 * nets.grad
            v *= 0.999
            v += 0.001 * np.square(nets.grad)
            nets.theta -= (lr * math.sqrt(1 - 0.999 ** steps) / (1 - 0.9 ** steps)) * m / (
                np.sqrt(v) + 1e-8)
        if (epoch + 1) % eval_every and epoch + 1 < epochs:
            continue
        z = nets.logits(x_all)
        loss = _bce(z, y_all)
        right = (z > 0) == (y_all > 0.5)
        history[len(snapshots)] = np.stack([loss[:n].mean(0), right[:n].mean(0),
                                            loss[n:].mean(0), right[n:].mean(0)], axis=1)
        snapshots.append(nets.theta.copy())
    counts = {"steps": steps, "kept_share": kept / units if units else 1.0}
    return np.array(scored), history, snapshots, counts


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


def _check_batch(batch_size: int, n_train: int) -> None:
    if batch_size > n_train:
        raise SimulationError(f"batch_size: {batch_size} is larger than the {n_train} training "
                              "samples; a mini-batch is drawn from the training set")


# --------------------------------------------------------------------------------- scenarios

# The small net that early_stopping and dropout both train: the same knobs, the same ranges.
_HIDDEN = Param("int", 100, "hidden units", low=2, high=256)
_LABEL_NOISE = Param("float", 0.1, "share of labels flipped (noise the net can memorise)",
                     low=0.0, high=0.45)
_N_TRAIN = Param("int", 60, "training samples (the validation set has 300)", low=15, high=400)


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
    # The Legendre basis is nested: degree d uses the first d + 1 columns of the largest one.
    # One QR factorisation of the training columns then serves every degree.
    basis = legendre.legvander(2 * x - 1, max_degree)
    q, r = np.linalg.qr(basis[tr])
    qy = q.T @ y[tr]
    coefs, train_mse, val_mse = [], [], []
    for d in degrees:
        if d < n_train and abs(r[d, d]) > 1e-10 * abs(r[0, 0]):
            coef = np.linalg.solve(r[:d + 1, :d + 1], qy[:d + 1])
        else:  # more coefficients than points: the minimum-norm interpolant
            coef, *_ = np.linalg.lstsq(basis[tr, :d + 1], y[tr], rcond=None)
        err = (basis[:, :d + 1] @ coef - y) ** 2
        coefs.append(coef)
        train_mse.append(err[tr].mean())
        val_mse.append(err[va].mean())
    train_mse, val_mse = np.array(train_mse), np.array(val_mse)
    b = int(np.argmin(val_mse))
    best = int(degrees[b])
    # The test set is used for the chosen model: that is the number to report. The most
    # complex model's test error is shown only to make the lesson visible.
    test_best = _poly_mse(coefs[b], x[te], y[te])
    test_max = _poly_mse(coefs[-1], x[te], y[te])

    ratio = float(val_mse[-1] / val_mse[b])
    values = {
        "n_samples": n_samples, "n_train": n_train, "n_val": n_val, "n_test": n_test,
        "best_degree": best, "max_degree": max_degree, "noise_var": noise ** 2,
        "train_mse_best": float(train_mse[b]), "val_mse_best": float(val_mse[b]),
        "test_mse_best": test_best,
        "train_mse_max": float(train_mse[-1]), "val_mse_max": float(val_mse[-1]),
        "test_mse_max": test_max,
        "train_mse_deg1": float(train_mse[0]), "val_mse_deg1": float(val_mse[0]),
        "gap_best": float(val_mse[b] - train_mse[b]),
        "gap_max": float(val_mse[-1] - train_mse[-1]),
        "val_ratio_max_to_best": ratio,
    }

    shown = sorted({1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, best, max_degree} & set(degrees.tolist()))
    while len(shown) > 12:  # keep the chosen and the largest degree, thin the middle
        shown.remove(next(d for d in shown[::-1] if d not in (1, best, max_degree)))
    rows = [(d, round(float(train_mse[d - 1]), 4), round(float(val_mse[d - 1]), 4),
             round(float(val_mse[d - 1] - train_mse[d - 1]), 4),
             "; ".join(t for t, on in (("chosen on validation", d == best),
                                        ("most complex", d == max_degree)) if on))
            for d in shown]
    table = Table.of(("degree", "train MSE", "validation MSE", "gap val-train", "note"), rows)

    findings = [
        f"Split {n_samples} samples into {n_train} train / {n_val} validation / {n_test} test.",
        f"Training MSE falls from {_fmt(train_mse[0])} at degree 1 to {_fmt(train_mse[-1])} at "
        f"degree {max_degree}; it never rises because each model contains the one before.",
        (f"Validation MSE is lowest at the most complex degree tried, {best} "
         f"({_fmt(val_mse[b])}): no sign of overfitting in this range."
         if best == max_degree else
         f"Validation MSE is lowest at degree {best} ({_fmt(val_mse[b])}); at degree "
         f"{max_degree} it is {_fmt(val_mse[-1])}, "
         + (f"{_fmt(ratio)} times higher: the extra flexibility fits noise." if ratio >= 1.5
            else f"only {ratio:.2f} times as high: here the extra flexibility costs "
                 "little.")),
        f"The gap (validation minus training MSE) is {_fmt(val_mse[b] - train_mse[b])} at "
        f"degree {best} and {_fmt(val_mse[-1] - train_mse[-1])} at degree {max_degree}.",
        f"Scored once on the untouched test set, degree {best} gets MSE {_fmt(test_best)} "
        f"(noise floor {_fmt(noise ** 2)}); degree {max_degree} would get {_fmt(test_max)}.",
    ]
    shown_val = np.minimum(val_mse, CAP)
    capped = bool(np.any(val_mse > CAP))
    grid = np.linspace(0, 1, 200)
    fit_best = legendre.legvander(2 * grid - 1, best) @ coefs[b]
    fit_max = np.clip(legendre.legvander(2 * grid - 1, max_degree) @ coefs[-1], -3, 3)
    chart = Chart(
        (f"Training error only falls; validation error is lowest at degree {best} and "
         + (f"{_fmt(ratio)} times as high at degree {max_degree}" if ratio >= 1.5 else
            f"barely higher at degree {max_degree} ({_fmt(val_mse[b])} vs "
            f"{_fmt(val_mse[-1])})") if best < max_degree else
         f"Training error only falls; validation error is still lowest at degree {best}, the "
         "most complex tried"),
        (Panel("lines", "Error against model capacity", "polynomial degree",
               "mean squared error (log scale)" + (f", capped at {CAP:g}" if capped else ""),
               series=(Series.of("training", degrees, np.maximum(train_mse, 1e-12), "line"),
                       Series.of("validation", degrees, shown_val, "dashed")),
               y_log=True, vlines=((best, f"chosen: degree {best}"),),
               annotations=(Annotation(max_degree, float(shown_val[-1]), "overfitting"),)
               if ratio >= 1.5 else ()),
         Panel("scatter", "Training points" + (" (first 200)" if n_train > 200 else "")
               + " and two fits", "x", "y (fits clipped to +-3)",
               series=(Series.of("training points", x[tr[:200]], y[tr[:200]], "points"),
                       Series.of(f"degree {best}", grid, fit_best, "line"),
                       Series.of(f"degree {max_degree}", grid, fit_max, "dashed")))))
    return worked(values=values, table=table, findings=findings, chart=chart)


def _classification_data(seed: int, n_train: int, n_val: int, label_noise: float):
    rng = np.random.default_rng([seed, 0])
    x_tr, y_tr = _disc(rng, n_train, label_noise)
    x_va, y_va = _disc(rng, n_val, label_noise)
    return x_tr, y_tr, x_va, y_va


N_VAL = 300


MAX_UPDATES = 20_000  # weight updates per training run: about a second at the widest net


def _updates_budget(epochs_key: str):
    """A budget on epochs x steps per epoch: at batch 1 the maximum of every range would be
    240,000 updates a run, half a minute or more."""

    def budget(**p) -> str | None:
        updates = p[epochs_key] * math.ceil(p["n_train"] / p["batch_size"])
        if updates > MAX_UPDATES:
            return (f"{epochs_key} x ceil(n_train / batch_size) = {updates} weight updates is "
                    f"over the {MAX_UPDATES} a worked example may take; raise batch_size or "
                    f"lower {epochs_key} or n_train")
        return None

    return budget


def _kfold_budget(*, k, n_samples, repeats, **_) -> str | None:
    fits = repeats * (k + 1)
    if fits * n_samples > 200_000:
        return (f"repeats x (k + 1) x n_samples = {fits * n_samples} rows fitted is over the "
                "200000 a worked example may take (k=20, repeats=200, n_samples=2000 would "
                "run for half a minute); lower one of them")
    return None


@scenario(
    "Early stopping: train and validation loss per epoch of a small MLP trained long enough "
    "to overfit; stop after `patience` epochs without improvement, keep the best weights",
    budget=_updates_budget("max_epochs"),
    patience=Param("int", 10, "epochs without a new best validation loss before stopping",
                   low=1, high=200),
    max_epochs=Param("int", 120, "epochs the run would last without early stopping",
                     low=10, high=400),
    restore_best=Param("bool", True, "return the weights of the best epoch (else the last)"),
    hidden=_HIDDEN,
    learning_rate=Param("float", 0.03, "Adam learning rate", low=1e-4, high=0.1),
    batch_size=Param("int", 15, "samples per update step (mini-batch)", low=1, high=400),
    label_noise=_LABEL_NOISE,
    n_train=_N_TRAIN,
)
def early_stopping(*, seed, patience, max_epochs, restore_best, hidden, learning_rate,
                   batch_size, label_noise, n_train):
    _check_batch(batch_size, n_train)
    x_tr, y_tr, x_va, y_va = _classification_data(seed, n_train, N_VAL, label_noise)
    net = _MLPs(1, 2, hidden, np.random.default_rng([seed, 1]))
    _, hist, snapshots, _ = _train(net, x_tr, y_tr, x_va, y_va, epochs=max_epochs,
                                batch=batch_size, lr=learning_rate, rates=(0.0,),
                                order_rng=np.random.default_rng([seed, 2]),
                                mask_rng=np.random.default_rng([seed, 3]))
    tl, ta, vl, va = hist[:, 0, :].T
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
    # The smallest patience that would have carried the run to its overall best epoch: the
    # longest wait between one new best and the next, up to that epoch.
    patience_needed, running = 1, 0
    for i in range(1, overall_i + 1):
        if vl[i] < vl[running]:
            patience_needed = max(patience_needed, i - running)
            running = i
    # The model handed back: the saved weights of the best epoch (restore_best) or the
    # weights in place when training stopped. Score those weights afresh on validation.
    z_ret = net.logits(x_va, snapshots[ret_i])[:, 0]
    val_loss_returned = float(_bce(z_ret, y_va).mean())

    values = {
        "best_epoch": best_epoch, "stop_epoch": stop_epoch, "patience": patience,
        "max_epochs": max_epochs, "stopped_early": int(stopped),
        "epochs_saved": max_epochs - stop_epoch,
        "returned_epoch": ret_i + 1,
        "val_loss_at_best": float(vl[best_i]), "val_loss_at_stop": float(vl[stop_i]),
        "val_loss_at_end": float(vl[-1]), "val_loss_returned": val_loss_returned,
        "train_loss_at_best": float(tl[best_i]), "train_loss_at_stop": float(tl[stop_i]),
        "train_loss_at_end": float(tl[-1]),
        "train_acc_at_best": float(ta[best_i]), "val_acc_at_best": float(va[best_i]),
        "train_acc_at_end": float(ta[-1]), "val_acc_at_end": float(va[-1]),
        "val_acc_returned": float(va[ret_i]),
        "overall_best_epoch": overall_i + 1, "patience_needed": patience_needed,
        "val_loss_overall_best": float(vl[overall_i]),
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
        f"Validation loss is lowest at epoch {best_epoch} ({_fmt(vl[best_i])})"
        + (" of the epochs run" if overall_i > best_i else "")
        + f"; training loss "
        f"keeps falling, from {_fmt(tl[best_i])} there to {_fmt(tl[-1])} at epoch "
        f"{max_epochs}.",
    ]
    if stopped:
        findings.append(
            f"With patience {patience}, training halts at epoch {stop_epoch} after {patience} "
            f"epoch{'s' if patience != 1 else ''} without a new best, saving {max_epochs - stop_epoch} of {max_epochs} "
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
    if overall_i > best_i:
        findings.append(
            f"Stopping came too soon: the lowest validation loss of the full {max_epochs}-epoch "
            f"run is {_fmt(vl[overall_i])} at epoch {overall_i + 1}; a patience of "
            f"{patience_needed} or more would have reached it.")
    findings.append(
        f"Had training run all {max_epochs} epochs, validation loss would have gone from "
        f"{_fmt(vl[best_i])} to {_fmt(vl[-1])}; training accuracy went from {_pct(ta[best_i])} "
        f"at the best epoch to {_pct(ta[-1])}, validation accuracy from {_pct(va[best_i])} to "
        f"{_pct(va[-1])}.")

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
        (f"Validation loss bottoms out at epoch {best_epoch} while training loss keeps falling; "
         f"patience {patience} stops the run at epoch {stop_epoch}" if overall_i == best_i else
         f"Patience {patience} stops the run at epoch {stop_epoch}, before the lowest validation "
         f"loss of the full run (epoch {overall_i + 1})"),
        (Panel("lines", "Loss per epoch", "epoch", "binary cross-entropy",
               series=tuple(loss_series), vlines=vlines,
               annotations=(Annotation(best_epoch, float(vl[best_i]), "weights saved here"),)),
         Panel("lines", "Accuracy per epoch", "epoch", "accuracy (share correct)",
               series=tuple(acc_series), vlines=vlines)))
    return worked(values=values, table=table, findings=findings, chart=chart)


@scenario(
    "Dropout in a small MLP: the same network, data, initial weights and batch order trained "
    "with and without inverted dropout on its hidden layer; compare the train-validation gap",
    budget=_updates_budget("epochs"),
    rate=Param("float", 0.5, "dropout rate p: share of hidden units zeroed at each step",
               low=0.0, high=0.9),
    # 400 epochs on 40 samples with 20% flipped labels: long and noisy enough that the plain
    # net memorises the flips, so dropout's benefit shows in validation accuracy as well as in
    # the loss (on every seed tested; see tests/scenarios).
    epochs=Param("int", 400, "training epochs", low=5, high=600),
    hidden=_HIDDEN,
    learning_rate=Param("float", 0.02, "Adam learning rate", low=1e-4, high=0.1),
    batch_size=Param("int", 30, "samples per update step (mini-batch)", low=1, high=400),
    label_noise=dataclasses.replace(_LABEL_NOISE, default=0.2),
    n_train=dataclasses.replace(_N_TRAIN, default=40),
)
def dropout(*, seed, rate, epochs, hidden, learning_rate, batch_size, label_noise, n_train):
    _check_batch(batch_size, n_train)
    x_tr, y_tr, x_va, y_va = _classification_data(seed, n_train, N_VAL, label_noise)
    # Two copies of the same net (same initial weights, same mini-batches) trained side by
    # side: column 0 without dropout, column 1 with it.
    nets = _MLPs(2, 2, hidden, np.random.default_rng([seed, 1]))
    # (the curves are scored about 25 times; the final numbers at the last epoch)
    ep, hist, _, counts = _train(nets, x_tr, y_tr, x_va, y_va, epochs=epochs,
                                 batch=batch_size, lr=learning_rate, rates=(0.0, rate),
                                 order_rng=np.random.default_rng([seed, 2]),
                                 mask_rng=np.random.default_rng([seed, 3]),
                                 eval_every=max(1, epochs // 25))
    h0, h1 = hist[:, 0, :], hist[:, 1, :]

    # Inverted dropout keeps the expected activation: compare the dropout net's mean hidden
    # output at inference with its mean under 20 training-style masks, scaled and unscaled.
    h = nets.hidden_out(x_tr)[:, 1, :]
    keep = 1.0 - rate
    kept_units = np.random.default_rng([seed, 4]).random((20,) + h.shape) < keep
    act_inference = float(h.mean())
    act_unscaled = float((h * kept_units).mean())
    act_scaled = act_unscaled / keep

    steps = counts["steps"]
    values = {
        "rate": rate, "keep_prob": keep, "scale": 1.0 / keep, "epochs": epochs,
        "steps_per_epoch": steps // epochs, "training_steps": steps,
        "masks_drawn": steps if rate > 0 else 0, "kept_share": counts["kept_share"],
        "train_acc_without": float(h0[-1, 1]), "val_acc_without": float(h0[-1, 3]),
        "train_acc_with": float(h1[-1, 1]), "val_acc_with": float(h1[-1, 3]),
        "gap_without": float(h0[-1, 1] - h0[-1, 3]), "gap_with": float(h1[-1, 1] - h1[-1, 3]),
        "train_loss_without": float(h0[-1, 0]), "val_loss_without": float(h0[-1, 2]),
        "train_loss_with": float(h1[-1, 0]), "val_loss_with": float(h1[-1, 2]),
        "loss_gap_without": float(h0[-1, 2] - h0[-1, 0]),
        "loss_gap_with": float(h1[-1, 2] - h1[-1, 0]),
        "val_loss_min_without": float(h0[:, 2].min()), "val_loss_min_with": float(h1[:, 2].min()),
        "label_noise": label_noise, "noise_ceiling": 1.0 - label_noise,
        "act_mean_inference": act_inference, "act_mean_train_scaled": act_scaled,
        "act_mean_train_unscaled": act_unscaled,
    }

    rows = [(label, round(float(h[-1, 0]), 4), round(float(h[-1, 2]), 4),
             round(float(h[-1, 1]), 3), round(float(h[-1, 3]), 3),
             round(float(h[-1, 1] - h[-1, 3]), 3))
            for label, h in (("no dropout", h0), (f"dropout p={rate:g}", h1))]
    table = Table.of(("network", "train loss", "val loss", "train acc", "val acc",
                      "acc gap"), rows)

    findings = [
        f"Without dropout: training accuracy {_pct(h0[-1, 1])}, validation {_pct(h0[-1, 3])}, "
        f"a gap of {_pct(h0[-1, 1] - h0[-1, 3])}; with dropout p={rate:g}: "
        f"{_pct(h1[-1, 1])} vs {_pct(h1[-1, 3])}, a gap of {_pct(h1[-1, 1] - h1[-1, 3])}.",
        f"Loss gap (validation minus training loss) after {epochs} epochs: "
        f"{_fmt(h0[-1, 2] - h0[-1, 0])} without dropout ({_fmt(h0[-1, 0])} vs "
        f"{_fmt(h0[-1, 2])}), {_fmt(h1[-1, 2] - h1[-1, 0])} with it ({_fmt(h1[-1, 0])} vs "
        f"{_fmt(h1[-1, 2])}).",
        ("Dropout reduces the overfitting here but does not remove it: v" if
         h1[-1, 2] < h0[-1, 2] else "V")
        + f"alidation loss ends above the lowest point of its curve in both runs "
        f"({_fmt(h0[:, 2].min())} at epoch "
        f"{int(ep[np.argmin(h0[:, 2])])} without dropout, {_fmt(h1[:, 2].min())} at epoch "
        f"{int(ep[np.argmin(h1[:, 2])])} with it), so early stopping would still help. "
        f"{_pct(label_noise)} of all labels are flipped at random, so about "
        f"{_pct(1 - label_noise)} is the best validation accuracy to expect; training "
        "accuracy above that is memorised noise.",
    ]
    if rate > 0:
        findings.append(
            f"A fresh random mask was drawn at every one of the {steps} training steps "
            f"({steps // epochs} per epoch), not once per epoch; it kept "
            f"{_pct(counts['kept_share'])} of the units on average.")
        findings.append(
            f"Kept units are scaled by 1/(1-p) = {_fmt(1 / keep)}, so the mean hidden activation "
            f"under a training mask ({_fmt(act_scaled)}) matches inference with all units and no "
            f"mask ({_fmt(act_inference)}); unscaled it would be {_fmt(act_unscaled)}.")
    else:
        findings.append("With rate 0 no unit is ever dropped, so both runs are the same network.")

    # The title states each direction as measured, never a promised improvement.
    def moved(label, without, with_, fmt):
        if with_ == without:
            return f"leaves {label} unchanged ({fmt(without)})"
        return (f"{'lowers' if with_ < without else 'raises'} {label} "
                f"({fmt(without)} -> {fmt(with_)})")

    narrows = h1[-1, 1] - h1[-1, 3] < h0[-1, 1] - h0[-1, 3]
    chart = Chart(
        f"After {epochs} epochs dropout p={rate:g} "
        + moved("validation loss", h0[-1, 2], h1[-1, 2], _fmt) + ", "
        + moved("validation accuracy", h0[-1, 3], h1[-1, 3], _pct)
        + (" and narrows the train-validation accuracy gap" if narrows
           else "; the train-validation accuracy gap does not narrow"),
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
    budget=_kfold_budget,
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
        "fold_size": n_samples / k,
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


def _median_stopping(curves: np.ndarray, min_earlier: int = 3) -> np.ndarray:
    """Epochs each job runs under the median stopping rule, jobs launched one at a time.

    curves: shape (jobs, epochs), the objective metric (lower is better) each job would
    report after each epoch. Job j stops after epoch t if its value there is worse than the
    median, over the earlier jobs that reached epoch t, of their running averages over epochs
    1..t; it is never stopped while fewer than ``min_earlier`` earlier jobs reached t.
    Returns an int array of epochs run, shape (jobs,).
    """
    jobs, epochs = curves.shape
    ran = np.full(jobs, epochs)
    for j in range(jobs):
        for t in range(epochs):
            earlier = [k for k in range(j) if ran[k] > t]
            if len(earlier) < min_earlier:
                continue
            running = [float(curves[k, :t + 1].mean()) for k in earlier]
            if curves[j, t] > float(np.median(running)):
                ran[j] = t + 1
                break
    return ran


@scenario(
    "SageMaker automatic model tuning with early stopping of training jobs: a job is stopped "
    "when its objective metric is worse than the median of earlier jobs' running averages at "
    "the same epoch",
    n_jobs=Param("int", 20, "training jobs the tuning job launches, one after another",
                 low=3, high=60),
    epochs=Param("int", 30, "epochs each training job would run if never stopped",
                 low=3, high=200),
    lr_min=Param("float", 1e-4, "smallest learning rate the search may try", low=1e-6,
                 high=1.0),
    lr_max=Param("float", 1.5, "largest learning rate the search may try", low=1e-5,
                 high=10.0),
    early_stopping=Param("bool", True, "TrainingJobEarlyStoppingType AUTO (else OFF)"),
)
def amt_early_stopping(*, seed, n_jobs, epochs, lr_min, lr_max, early_stopping):
    """A tuning job searches the learning rate of a linear regression trained by mini-batch
    SGD, objective metric validation:rmse (minimise).

    Each job reports validation RMSE after every epoch. With early stopping on, job j is
    stopped after epoch t when its RMSE is worse than the median, over the earlier jobs that
    reached epoch t, of their running average RMSE over epochs 1..t (the rule SageMaker
    documents under "Stop Training Jobs Early"; simplification: jobs run one at a time, and a
    job is never stopped while fewer than 3 earlier jobs reached that epoch). The same jobs
    (same learning rates, data and batch order) are also run to the end, to show what the
    stopped ones would have reached.
    """
    if lr_min >= lr_max:
        raise SimulationError("lr_min must be smaller than lr_max")
    rng = np.random.default_rng(seed)
    n_train, n_val, d, batch = 200, 200, 8, 20
    X = rng.standard_normal((n_train + n_val, d))
    y = X @ rng.uniform(-2.0, 2.0, d) + 0.5 + rng.standard_normal(n_train + n_val)
    Xtr, ytr, Xva, yva = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
    # Random search, as AMT's Random strategy does: log-uniform learning rates.
    rates = np.exp(rng.uniform(math.log(lr_min), math.log(lr_max), n_jobs))
    cap = 1e3                                   # a diverged job reports a capped RMSE
    curves = np.empty((n_jobs, epochs))
    order_rng = np.random.default_rng([seed, 1])
    orders = [[order_rng.permutation(n_train) for _ in range(epochs)] for _ in range(n_jobs)]
    for j, lr in enumerate(rates):
        w, b = np.zeros(d), 0.0
        for t in range(epochs):
            for start in range(0, n_train, batch):
                idx = orders[j][t][start:start + batch]
                r = Xtr[idx] @ w + b - ytr[idx]
                with np.errstate(over="ignore", invalid="ignore"):
                    w = w - lr * (Xtr[idx].T @ r) / len(idx)
                    b = b - lr * float(r.mean())
            with np.errstate(over="ignore", invalid="ignore"):
                rmse = float(np.sqrt(np.mean((Xva @ w + b - yva) ** 2)))
            curves[j, t] = rmse if np.isfinite(rmse) and rmse < cap else cap
            if curves[j, t] == cap:
                w, b = np.full(d, np.nan), np.nan   # diverged: it stays diverged
    ran = _median_stopping(curves) if early_stopping else np.full(n_jobs, epochs)
    stopped = ran < epochs
    reported = curves[np.arange(n_jobs), ran - 1]          # the last value each job reported
    best = int(np.argmin(reported))
    best_full = int(np.argmin(curves[:, -1]))
    used = int(ran.sum())
    values = {
        "n_jobs": n_jobs, "epochs": epochs, "epoch_budget": n_jobs * epochs,
        "epochs_used": used, "epochs_used_share": used / (n_jobs * epochs),
        "jobs_stopped": int(stopped.sum()), "jobs_completed": int((~stopped).sum()),
        "best_job": best + 1, "best_rmse": float(reported[best]),
        "best_learning_rate": float(rates[best]),
        "best_job_without_stopping": best_full + 1,
        "best_rmse_without_stopping": float(curves[best_full, -1]),
        "same_best_job": int(best == best_full),
        "best_rmse_excess": float(reported[best] / curves[best_full, -1] - 1),
        "stopped_lr_below_best": int(np.sum(stopped & (rates < rates[best]))),
        "stopped_lr_above_best": int(np.sum(stopped & (rates > rates[best]))),
        "early_stopping": int(bool(early_stopping)),
    }
    # At most 12 rows: the jobs in order of learning rate, thinned evenly, the best one kept.
    by_rate = [int(j) for j in np.argsort(rates)]
    shown = by_rate if n_jobs <= 12 else sorted(
        {by_rate[int(i)] for i in np.linspace(0, n_jobs - 1, 11).round()} | {best},
        key=lambda j: rates[j])
    while len(shown) > 12:
        shown.remove(next(j for j in shown[1:] if j != best))
    rows = [(j + 1, float(f"{rates[j]:.3g}"), int(ran[j]),
             "stopped early" if stopped[j] else "ran to the end",
             round(float(reported[j]), 4) if reported[j] < cap else "diverged",
             round(float(curves[j, -1]), 4) if curves[j, -1] < cap else "diverged")
            for j in shown]
    table = Table.of(("job", "learning rate", "epochs run", "outcome",
                      "last validation:rmse reported", "had it run to the end"), rows)
    findings = [
        f"{n_jobs} training jobs with random learning rates from {lr_min:g} to {lr_max:g}; "
        f"each reports validation:rmse after every epoch, and the tuning job minimises it.",
        (f"Early stopping ended {int(stopped.sum())} of {n_jobs} jobs before epoch {epochs}; "
         f"the tuning job used {used} of {n_jobs * epochs} epochs "
         f"({_pct(used / (n_jobs * epochs))} of the compute)."
         if early_stopping else
         f"With early stopping OFF every job runs all {epochs} epochs: {used} epochs in all."),
        f"The best job is job {best + 1} (learning rate {rates[best]:.3g}, validation:rmse "
        f"{_fmt(reported[best])}); "
        + ("the same job wins when every job runs to the end." if best == best_full else
           f"run to the end, job {best_full + 1} would have won with "
           f"{_fmt(curves[best_full, -1])}, only "
           f"{_pct(reported[best] / curves[best_full, -1] - 1)} lower."),
    ]
    if early_stopping and stopped.any():
        findings.append(
            f"The stopped jobs are the poor settings: {values['stopped_lr_below_best']} had a "
            f"learning rate below the winner's (too slow to converge) and "
            f"{values['stopped_lr_above_best']} above it (unstable or diverging).")
    jobs = [str(j + 1) for j in range(n_jobs)]
    chart = Chart(
        (f"Early stopping ends {int(stopped.sum())} of {n_jobs} training jobs early and uses "
         f"{_pct(used / (n_jobs * epochs))} of the epochs; "
         + ("the best job is the same as without it" if best == best_full else
            "the best job differs from the run without it")
         if early_stopping else
         f"Early stopping OFF: all {n_jobs} training jobs run {epochs} epochs"),
        (Panel("scatter", "Last validation:rmse each job reported", "learning rate (log scale)",
               "validation:rmse (log scale"
               + (f", diverged jobs capped at {cap:g})" if np.any(curves >= cap) else ")"),
               series=(Series.of("ran to the end", rates[~stopped], reported[~stopped],
                                 "points"),
                       Series.of("stopped early", rates[stopped], reported[stopped],
                                 "points")),
               x_log=True, y_log=True,
               annotations=(Annotation(float(rates[best]), float(reported[best]), "best job"),)),
         Panel("bars", "Epochs each training job ran", "training job (launch order)",
               "epochs",
               series=(Series.of("epochs run", jobs, ran),))))
    return worked(values=values, table=table, findings=findings, chart=chart)
