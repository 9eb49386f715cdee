r"""Batch size: how many training samples feed ONE gradient update, and what that does.

**Definitions.** A training set holds :math:`N` samples. Mini-batch gradient descent shuffles
them, cuts them into batches of :math:`B` samples and makes one weight update per batch:

.. math::  w \leftarrow w - \eta\, g_B(w), \qquad
           g_B(w) = \frac1B \sum_{i \in \text{batch}} \nabla \ell_i(w).

One update is one *iteration*; one pass over all :math:`N` samples is one *epoch*, so an epoch
holds :math:`\lceil N/B \rceil` updates (60,000 samples in batches of 32 give 1,875 updates).
Batch size is therefore "samples per update", not "samples per epoch": every epoch always uses
all the data.

**Gradient noise falls like 1/sqrt(B).** Each per-sample gradient :math:`\nabla\ell_i` is the
full-data gradient :math:`\nabla L` plus a sample-specific deviation with standard deviation
:math:`\sigma`. The batch average is an unbiased estimate of :math:`\nabla L` whose standard
deviation is :math:`\sigma/\sqrt{B}` (times :math:`\sqrt{(N-B)/(N-1)}` because a batch draws
without replacement; at :math:`B = N` the noise is exactly zero). Quadrupling the batch only
halves the noise, while it cuts the number of updates per epoch by four.

**Why noise can help.** A constant-learning-rate SGD run behaves roughly like a particle at a
"temperature" proportional to :math:`\eta\,\sigma^2/B`: the bigger the batch, the colder the
run. A cold run rolls into the first basin it meets and stays there; a warm run is kicked over
small barriers, and a shallow, narrow ("sharp") minimum is much easier to leave than a deep,
wide one. Escape is a rare-event process whose rate falls exponentially as the barrier height
grows relative to the temperature, so the share of runs that escape switches from almost all
to almost none over a short range of batch sizes. In between, whether a given run escapes
depends on the order of its batches, i.e. on the shuffle: runs that differ only by their
shuffling seed end in different minima. The full batch has no sampling noise at all, so every
run follows the same path: perfectly repeatable, and stuck.

**What the scenarios compute.** ``escape`` trains 1-D models by mini-batch SGD on a finite
training set whose per-sample losses are :math:`\ell_i(w) = L(w) + a_i w` with
:math:`\sum_i a_i = 0`, so the per-sample gradients average exactly to :math:`L'(w)` and the
batch noise is genuine sampling noise that scales with the batch size. :math:`L` has a
shallow, narrow minimum near the start and a deeper, wider one beyond a small barrier; runs
differ only by their per-epoch shuffle. By default the learning rate decays linearly to zero,
a common schedule, so every run ends at rest in one basin and the spread of the final loss
measures disagreement between runs rather than end-of-training jitter.

``gradient_noise`` measures the spread of minibatch gradients of a linear-regression data set
against :math:`\sigma/\sqrt B` and counts updates per epoch. ``same_epochs`` trains the same
regression for the same number of epochs with different batch sizes and shows that the loss per
*epoch* depends mostly on how many updates an epoch buys, and what linear learning-rate scaling
does (it lines the curves up until the scaled rate passes the stability limit 2 / curvature).
"""

from __future__ import annotations

import math

import numpy as np

from quizzer.simulations import Param, SimulationError, scenario
from quizzer.simulations.example import Annotation, Chart, Panel, Series, Table, worked

# The 1-D landscape of ``escape``: a small quadratic bowl with two Gaussian wells carved in it.
# Poor well: shallow and narrow, at 0. Better well: deeper and wide, at 2.
_POOR = (0.0, 0.25, 0.35)    # centre, width, depth
_BETTER = (2.0, 0.9, 1.6)
_BOWL = 0.05
_START = -0.3                # just outside the poor minimum, on the side away from the better one


def _landscape(w: np.ndarray) -> np.ndarray:
    (m1, s1, h1), (m2, s2, h2) = _POOR, _BETTER
    return (_BOWL * w ** 2 - h1 * np.exp(-(w - m1) ** 2 / (2 * s1 ** 2))
            - h2 * np.exp(-(w - m2) ** 2 / (2 * s2 ** 2)))


def _slope(w: np.ndarray) -> np.ndarray:
    (m1, s1, h1), (m2, s2, h2) = _POOR, _BETTER
    d1, d2 = w - m1, w - m2
    return (2 * _BOWL * w + (h1 / s1 ** 2) * d1 * np.exp((-0.5 / s1 ** 2) * (d1 * d1))
            + (h2 / s2 ** 2) * d2 * np.exp((-0.5 / s2 ** 2) * (d2 * d2)))


def _critical_points() -> tuple[float, float, float]:
    """(poor minimum, barrier top, better minimum) of the landscape, found on a fine grid."""
    grid = np.linspace(-1.5, 4.0, 55001)
    loss = _landscape(grid)
    turn = np.diff(np.sign(np.diff(loss)))
    minima = grid[1:-1][turn > 0]
    maxima = grid[1:-1][turn < 0]
    return float(minima[0]), float(maxima[0]), float(minima[-1])


def _batches(batch_sizes: tuple, n_samples: int) -> list[int]:
    sizes = sorted(set(int(b) for b in batch_sizes))
    too_big = [b for b in sizes if b > n_samples]
    if too_big:
        raise SimulationError(f"batch size {too_big[0]} is larger than the training set "
                              f"(n_samples={n_samples}); a batch cannot exceed N")
    return sizes


def _label(batch: int, n_samples: int) -> str:
    return f"{batch} (full)" if batch == n_samples else str(batch)


def _batch_means(shuffled_cumsum: np.ndarray, batch: int, n_samples: int) -> np.ndarray:
    """Mean of each consecutive batch (last one may be smaller), from cumulative sums."""
    starts = np.arange(0, n_samples, batch)
    ends = np.minimum(starts + batch, n_samples)
    return (shuffled_cumsum[..., ends] - shuffled_cumsum[..., starts]) / (ends - starts)


# --------------------------------------------------------------------------------- escape

@scenario(
    "Mini-batch SGD from a poor local minimum: share of runs reaching the better one, per batch",
    batch_sizes=Param("ints", (1, 2, 4, 8, 16, 32, 64, 128), "batch sizes to compare "
                      "(samples per update; at most n_samples)", low=1, high=4096),
    n_samples=Param("int", 128, "training-set size N", low=8, high=4096),
    epochs=Param("int", 8, "passes over the training set, each with a fresh shuffle",
                 low=1, high=50),
    learning_rate=Param("float", 0.15, "initial step size", low=0.001, high=0.5),
    noise=Param("float", 4.0, "std of the per-sample gradients around the full gradient",
                low=0.0, high=20.0),
    runs=Param("int", 200, "independent runs; they differ only by their shuffle order",
               low=10, high=1000),
    schedule=Param("str", "linear-decay", "learning rate over training",
                   choices=("linear-decay", "constant")),
    compare_rate=Param("float", 0.0, "a second learning rate run on the same shuffles "
                       "(0 = none)", low=0.0, high=0.5),
    test_shift=Param("float", 0.15, "the test loss is the training loss moved this far in w "
                     "(new data puts each minimum slightly elsewhere); a narrow minimum "
                     "loses more under the move than a wide one", low=0.0, high=1.0),
)
def escape(*, seed, batch_sizes, n_samples, epochs, learning_rate, noise, runs, schedule,
           compare_rate, test_shift):
    sizes = _batches(batch_sizes, n_samples)
    if epochs * n_samples > 60_000:
        raise SimulationError(f"epochs x n_samples = {epochs * n_samples} is more than 60000 "
                              "updates for batch 1; lower one of them")
    if runs * epochs * n_samples > 4_000_000:
        raise SimulationError(f"runs x epochs x n_samples = {runs * epochs * n_samples} is more "
                              "than 4000000 shuffled samples; lower one of them")
    rng = np.random.default_rng(seed)
    poor, barrier, better = _critical_points()

    # The training set: per-sample gradient L'(w) + a_i with sum(a_i) = 0 exactly.
    deviations = rng.normal(0.0, noise, n_samples)
    deviations -= deviations.mean()
    # One shuffle per run and epoch, shared by every batch size (a paired comparison).
    order = rng.permuted(np.tile(np.arange(n_samples), (runs * epochs, 1)), axis=1)
    shuffled = deviations[order].reshape(runs, epochs, n_samples)
    cumsum = np.concatenate([np.zeros((runs, epochs, 1)), np.cumsum(shuffled, axis=2)], axis=2)

    # Smallest batch first: it makes the most updates, so at step t the runs still training
    # are always a prefix of this list, and the loop only updates that prefix.
    steps = [epochs * math.ceil(n_samples / b) for b in sizes]
    kicks = []   # per batch size: (its updates, runs) minibatch gradient noise, time-major
    for b, n in zip(sizes, steps):
        if b < n_samples:
            kicks.append(_batch_means(cumsum, b, n_samples).reshape(runs, n).T)
        else:  # the full batch averages every a_i: its noise is exactly zero
            kicks.append(np.zeros((n, runs)))
    def train(peak: float) -> np.ndarray:
        """Final weights, (batch sizes, runs), for one peak learning rate."""
        rates = []
        for n in steps:
            decay = 1 - np.arange(n) / n if schedule == "linear-decay" else np.ones(n)
            rates.append(peak * decay)
        w = np.full((len(sizes), runs), _START)
        bounds = steps + [0]
        for m in range(len(sizes), 0, -1):      # phase in which the first m sizes still train
            t0, t1 = bounds[m], bounds[m - 1]
            if t1 <= t0:
                continue
            kick = np.stack([kicks[k][t0:t1] for k in range(m)], axis=1)
            rate = np.stack([rates[k][t0:t1] for k in range(m)], axis=1)[:, :, None]
            part = w[:m]
            for t in range(t1 - t0):
                part -= rate[t] * (_slope(part) + kick[t])
        return w

    w = train(learning_rate)
    # The same shuffles at a second rate: how the switch-over moves with the rate.
    w_cmp = train(compare_rate) if compare_rate > 0 else None

    final = _landscape(w)
    # Generalisation in this toy: test data move the landscape by test_shift, and the gap
    # (test minus training loss) at a run's final weight is what it loses on new data.
    test_gap = _landscape(w - test_shift) - final
    escaped = (w > barrier).mean(axis=1)
    std = final.std(axis=1)
    mean = final.mean(axis=1)

    values = {"runs": runs, "n_samples": n_samples, "smallest_batch": sizes[0],
              "learning_rate": learning_rate, "noise": noise, "epochs": epochs,
              "compare_rate": compare_rate if w_cmp is not None else None,
              "largest_batch": sizes[-1],
              "poor_min_loss": round(float(_landscape(np.array(poor))), 4),
              "better_min_loss": round(float(_landscape(np.array(better))), 4),
              "barrier_height": round(float(_landscape(np.array(barrier))
                                            - _landscape(np.array(poor))), 4),
              "test_shift": test_shift,
              "test_gap_poor_min": round(float(_landscape(np.array(poor - test_shift))
                                               - _landscape(np.array(poor))), 4),
              "test_gap_better_min": round(float(_landscape(np.array(better - test_shift))
                                                 - _landscape(np.array(better))), 4)}
    rows = []
    for k, b in enumerate(sizes):
        values[f"escape_share_b{b}"] = round(float(escaped[k]), 4)
        values[f"loss_std_b{b}"] = round(float(std[k]), 4)
        values[f"updates_per_epoch_b{b}"] = math.ceil(n_samples / b)
        values[f"test_gap_b{b}"] = round(float(test_gap[k].mean()), 4)
        rows.append([_label(b, n_samples), math.ceil(n_samples / b), steps[k],
                     round(100 * float(escaped[k]), 1), round(float(mean[k]), 4),
                     round(float(std[k]), 4)])
    peak = int(np.argmax(std))
    spread = bool(std[peak] > 1e-3)   # below this every batch size gives one outcome per size
    values.update(escape_share_smallest=values[f"escape_share_b{sizes[0]}"],
                  escape_share_largest=values[f"escape_share_b{sizes[-1]}"],
                  loss_std_smallest=values[f"loss_std_b{sizes[0]}"],
                  loss_std_largest=values[f"loss_std_b{sizes[-1]}"],
                  loss_std_max=values[f"loss_std_b{sizes[peak]}"],
                  batch_at_max_std=sizes[peak] if spread else None,
                  escape_share_at_max_std=values[f"escape_share_b{sizes[peak]}"]
                  if spread else None)

    findings = [
        f"Batch {sizes[0]}: {100 * escaped[0]:.0f}% of {runs} runs ended in the better minimum; "
        f"batch {sizes[-1]}: {100 * escaped[-1]:.0f}%.",
    ]
    if sizes[-1] == n_samples:
        findings.append(
            f"The full batch ({n_samples} samples) has no sampling noise, so all {runs} runs "
            f"take the same path: final-loss std {std[-1]:.4f}, "
            + ("stuck in the poor minimum." if escaped[-1] < 0.5 else "in the better minimum."))
    split = 0.1 <= escaped[peak] <= 0.9
    if not spread:
        findings.append("Every run of a given batch size ends the same way (final-loss std below "
                        "0.001 everywhere), so there is no batch size where runs disagree.")
    else:
        findings.append(
            f"Run-to-run spread peaks at batch {sizes[peak]} (final-loss std {std[peak]:.3f}, "
            f"{100 * escaped[peak]:.0f}% escaped): "
            + ("there the shuffle order alone decides which minimum a run ends in."
               if split else "runs bounce around inside a basin at this learning rate."))
    cmp_escaped = None
    if w_cmp is not None:
        cmp_final = _landscape(w_cmp)
        cmp_escaped = (w_cmp > barrier).mean(axis=1)
        cmp_std = cmp_final.std(axis=1)
        cmp_peak = int(np.argmax(cmp_std))
        for k, b in enumerate(sizes):
            values[f"escape_share_cmp_b{b}"] = round(float(cmp_escaped[k]), 4)
        values["batch_at_max_std_cmp"] = sizes[cmp_peak] if cmp_std[cmp_peak] > 1e-3 else None
        shares = ", ".join(f"batch {b} {100 * e:.0f}%" for b, e in zip(sizes, cmp_escaped)
                           if b <= max(sizes[peak], sizes[cmp_peak]) * 2)
        findings.append(f"The same shuffles at learning rate {compare_rate:g} instead of "
                        f"{learning_rate:g}: {shares} reach the better minimum"
                        + (f"; the spread peaks at batch {values['batch_at_max_std_cmp']}."
                           if values["batch_at_max_std_cmp"] else "."))
    else:
        values["batch_at_max_std_cmp"] = None
    findings.append(
        f"The barrier out of the poor minimum is {values['barrier_height']:.3f} high; the better "
        f"minimum is {values['poor_min_loss'] - values['better_min_loss']:.3f} lower than the "
        "poor one.")
    if schedule == "constant":
        findings.append("With a constant learning rate small batches keep jittering at the end, "
                        "which adds to their final-loss spread.")
    if test_shift > 0:
        findings.append(
            f"On test data (the landscape moved by {test_shift:g}) the narrow poor minimum "
            f"loses {values['test_gap_poor_min']:.3f} and the wide better one "
            f"{values['test_gap_better_min']:.3f}: batch {sizes[0]} runs lose "
            f"{values[f'test_gap_b{sizes[0]}']:.3f} on average, batch "
            f"{_label(sizes[-1], n_samples)} runs {values[f'test_gap_b{sizes[-1]}']:.3f}.")
    for least_needed in ("The barrier", "On test data"):   # the lines most easily spared
        if len(findings) > 5:
            findings = [f for f in findings if not f.startswith(least_needed)]

    labels = [_label(b, n_samples) for b in sizes]
    grid = np.round(np.linspace(-1.2, 3.8, 201), 3)
    if noise == 0:
        title = (f"Without gradient noise: {100 * escaped[0]:.0f}% of runs escape the poor "
                 "minimum at every batch size, from batch "
                 f"{sizes[0]} to {_label(sizes[-1], n_samples)}"
                 if np.all(escaped == escaped[0]) else
                 "Without gradient noise the batch size only changes the number of steps")
    elif escaped[0] > escaped[-1] + 0.5:
        title = (f"Batch {sizes[0]}: {100 * escaped[0]:.0f}% of runs escape the poor minimum, "
                 f"batch {_label(sizes[-1], n_samples)}: {100 * escaped[-1]:.0f}%"
                 + (f"; runs disagree most at batch {sizes[peak]}" if spread else "")
                 + (f" (rate {learning_rate:g})" if w_cmp is not None else ""))
    else:
        title = (f"Here batch size barely matters: {100 * escaped[0]:.0f}% of batch-{sizes[0]} "
                 f"runs and {100 * escaped[-1]:.0f}% of batch-{_label(sizes[-1], n_samples)} "
                 "runs reach the better minimum")
    bars = [Series.of(f"better minimum, rate {learning_rate:g}", labels,
                      [100 * e for e in escaped])]
    if cmp_escaped is not None:
        bars.append(Series.of(f"rate {compare_rate:g}", labels, [100 * e for e in cmp_escaped]))
    chart = Chart(
        title,
        (Panel("bars", "Runs ending in the better minimum", "batch size (samples per update)",
               "share of runs (%)",
               series=tuple(bars),
               annotations=(Annotation(labels[peak], 100 * float(escaped[peak]),
                                       f"largest spread (std {std[peak]:.2f})"),)
               if spread else ()),
         Panel("lines", "Full-data loss landscape", "weight w", "training loss L(w)",
               series=(Series.of("L(w)", grid, np.round(_landscape(grid), 4)),),
               vlines=((_START, "start"), (barrier, "barrier")),
               annotations=(Annotation(poor, float(_landscape(np.array(poor))),
                                       "poor (shallow, narrow)"),
                            Annotation(better, float(_landscape(np.array(better))),
                                       "better (deep, wide)")))))
    table = Table.of(["batch", "updates/epoch", "total updates", "better min %",
                      "mean final loss", "std final loss"], rows)
    return worked(values=values, table=table, findings=findings, chart=chart)


# ------------------------------------------------------------------------- gradient noise

def _regression_data(rng: np.random.Generator, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.normal(0.0, 1.0, n_samples)
    y = 3.0 * x + rng.normal(0.0, 0.5, n_samples)
    return x, y


@scenario(
    "Spread of the minibatch gradient vs batch size (about 1/sqrt(B)) and updates per epoch",
    batch_sizes=Param("ints", (1, 4, 16, 32, 64, 256, 1024, 4096), "batch sizes to measure",
                      low=1, high=200_000),
    n_samples=Param("int", 60_000, "training-set size N", low=100, high=200_000),
    epochs=Param("int", 10, "shuffled passes used to measure the spread", low=1, high=40),
)
def gradient_noise(*, seed, batch_sizes, n_samples, epochs):
    sizes = _batches(batch_sizes, n_samples)
    if epochs * n_samples > 2_000_000:
        raise SimulationError(f"epochs x n_samples = {epochs * n_samples} is over 2000000; "
                              "lower one of them")
    rng = np.random.default_rng(seed)
    x, y = _regression_data(rng, n_samples)
    grads = -y * x                  # d/dw of (w x - y)^2 / 2 at the starting weight w = 0
    full = float(grads.mean())
    sigma = float(grads.std())
    order = rng.permuted(np.tile(np.arange(n_samples), (epochs, 1)), axis=1)
    cumsum = np.concatenate([np.zeros((epochs, 1)), np.cumsum(grads[order], axis=1)], axis=1)

    values = {"n_samples": n_samples, "full_gradient": round(full, 4),
              "per_sample_std": round(sigma, 4)}
    rows, measured, theory = [], [], []
    for b in sizes:
        whole = n_samples // b           # full-size batches only, so every estimate has B samples
        starts = np.arange(whole) * b
        means = (cumsum[:, starts + b] - cumsum[:, starts]) / b
        # The full batch IS the full-data gradient: its spread is zero, not rounding error.
        spread = float(np.sqrt(np.mean((means - full) ** 2))) if b < n_samples else 0.0
        expect = sigma / math.sqrt(b) * math.sqrt((n_samples - b) / (n_samples - 1))
        measured.append(spread)
        theory.append(sigma / math.sqrt(b))
        values[f"grad_std_b{b}"] = round(spread, 4)
        values[f"updates_per_epoch_b{b}"] = math.ceil(n_samples / b)
        rows.append([_label(b, n_samples), math.ceil(n_samples / b), round(spread, 4),
                     round(sigma / math.sqrt(b), 4), round(spread / expect, 3) if expect else None])
    usable = [(b, s) for b, s in zip(sizes, measured) if s > 0]
    slope = None
    if len(usable) >= 2:
        slope = round(float(np.polyfit(np.log([b for b, _ in usable]),
                                       np.log([s for _, s in usable]), 1)[0]), 3)
    values["loglog_slope"] = slope
    values["grad_std_smallest"] = values[f"grad_std_b{sizes[0]}"]
    values["grad_std_largest"] = values[f"grad_std_b{sizes[-1]}"]
    # What the largest batch's spread would be if noise fell like 1/B instead of 1/sqrt(B):
    # the wrong scaling a learner might assume.
    values["one_over_b_std_largest"] = sigma / sizes[-1]

    findings = [
        f"One sample's gradient scatters with std {sigma:.3f} around the full-data gradient "
        f"{full:.3f}; a batch of {sizes[-1]} scatters with std {measured[-1]:.4f}.",
    ]
    if slope is not None and abs(slope + 0.5) <= 0.1:
        findings.append(f"On log-log axes the measured spread falls with slope {slope:.2f}, "
                        "close to the -0.5 of sigma/sqrt(B): 4x the batch halves the noise.")
    elif slope is not None:
        findings.append(f"On log-log axes the measured spread falls with slope {slope:.2f}, not "
                        "-0.5: batches that take a large share of N are drawn without "
                        "replacement, so their noise shrinks faster than sigma/sqrt(B).")
    else:
        findings.append("The log-log slope is undefined: fewer than two batch sizes with noise.")
    findings.append(
        f"Updates per epoch = ceil(N/B): with N = {n_samples}, batch {sizes[0]} makes "
        f"{math.ceil(n_samples / sizes[0])} updates and batch {sizes[-1]} makes "
        f"{math.ceil(n_samples / sizes[-1])}.")
    if sizes[-1] == n_samples:
        findings.append("The full batch averages every sample, so its gradient has no noise "
                        "(std 0) and it is left off the log-log plot.")

    pts = [(b, s, t) for b, s, t in zip(sizes, measured, theory) if s > 0]
    if slope is not None and abs(slope + 0.5) <= 0.1:
        title = (f"Gradient noise falls like 1/sqrt(B) (slope {slope:.2f}): std "
                 f"{measured[0]:.3g} at batch {sizes[0]}, {measured[-1]:.3g} at batch "
                 f"{_label(sizes[-1], n_samples)}")
    else:
        title = (f"Gradient noise: std {measured[0]:.3g} at batch {sizes[0]}, "
                 f"{measured[-1]:.3g} at batch {_label(sizes[-1], n_samples)}"
                 + (f" (log-log slope {slope:.2f})" if slope is not None else ""))
    chart = Chart(
        title,
        (Panel("lines", "Spread of the minibatch gradient", "batch size B (samples per update)",
               "std of gradient estimate",
               series=(Series.of("measured", [p[0] for p in pts], [p[1] for p in pts], "points"),
                       Series.of("sigma / sqrt(B)", [p[0] for p in pts], [p[2] for p in pts],
                                 "dashed")),
               x_log=True, y_log=True),
         Panel("bars", f"Updates per epoch, N = {n_samples}", "batch size",
               "updates per epoch (log)",
               series=(Series.of("ceil(N/B)", [_label(b, n_samples) for b in sizes],
                                 [math.ceil(n_samples / b) for b in sizes]),),
               y_log=True)))
    table = Table.of(["batch", "updates/epoch", "measured std", "sigma/sqrt(B)",
                      "measured/expected"], rows)
    return worked(values=values, table=table, findings=findings, chart=chart)


# --------------------------------------------------------------------------- same epochs

_DIVERGED = 1e6


def _loss_text(loss: float | None) -> str:
    return "divergence" if loss is None else f"{loss:.3g}"


@scenario(
    "Same number of epochs, different batch sizes: loss per epoch vs loss per update",
    batch_sizes=Param("ints", (8, 64, 512, 4096), "batch sizes to compare", low=1,
                      high=16_384),
    n_samples=Param("int", 4096, "training-set size N", low=64, high=16_384),
    epochs=Param("int", 5, "passes over the data for every batch size", low=1, high=20),
    learning_rate=Param("float", 0.05, "step size (for the smallest batch when scaled)",
                        low=0.0001, high=5.0),
    lr_scaling=Param("str", "none", "none: same rate for all; linear: rate x B / smallest B",
                     choices=("none", "linear")),
)
def same_epochs(*, seed, batch_sizes, n_samples, epochs, learning_rate, lr_scaling):
    sizes = _batches(batch_sizes, n_samples)
    if epochs * n_samples > 200_000:
        raise SimulationError(f"epochs x n_samples = {epochs * n_samples} is over 200000; "
                              "lower one of them")
    rng = np.random.default_rng(seed)
    x, y = _regression_data(rng, n_samples)
    xx, xy, yy = float(np.mean(x * x)), float(np.mean(x * y)), float(np.mean(y * y))
    w_best = xy / xx
    curvature = xx

    def loss(w: float) -> float:
        return 0.5 * (w * w * xx - 2 * w * xy + yy)

    best = loss(w_best)
    order = rng.permuted(np.tile(np.arange(n_samples), (epochs, 1)), axis=1)
    cs_xx = np.concatenate([np.zeros((epochs, 1)), np.cumsum((x * x)[order], axis=1)], axis=1)
    cs_xy = np.concatenate([np.zeros((epochs, 1)), np.cumsum((x * y)[order], axis=1)], axis=1)

    values = {"n_samples": n_samples, "min_loss": round(best, 4), "epochs": epochs,
              "learning_rate": learning_rate,
              "stability_limit": round(2 / curvature, 4)}
    common = epochs * math.ceil(n_samples / sizes[-1])   # updates the largest batch makes
    values["common_updates"] = common
    rows, per_epoch, per_update, first = [], [], [], []
    for b in sizes:
        rate = learning_rate * (b / sizes[0] if lr_scaling == "linear" else 1.0)
        a_xx = _batch_means(cs_xx, b, n_samples).ravel()   # epoch-major order of updates
        a_xy = _batch_means(cs_xy, b, n_samples).ravel()
        per = math.ceil(n_samples / b)
        w, losses, diverged = 0.0, [loss(0.0)], False
        for t in range(a_xx.size):
            w -= rate * (w * a_xx[t] - a_xy[t])
            current = loss(w)
            if not current < _DIVERGED:
                diverged = True
                break
            losses.append(current)
        losses = np.array(losses)
        epoch_loss = [losses[e * per] for e in range(epochs + 1) if e * per < losses.size]
        per_epoch.append(epoch_loss)
        per_update.append(losses)
        after_one = float(losses[per]) if losses.size > per else None
        final = None if diverged else float(losses[-1])
        first.append(after_one)
        values[f"updates_per_epoch_b{b}"] = per
        values[f"total_updates_b{b}"] = per * epochs
        values[f"lr_b{b}"] = round(rate, 6)
        values[f"loss_after_epoch1_b{b}"] = None if after_one is None else round(after_one, 4)
        values[f"final_loss_b{b}"] = None if final is None else round(final, 4)
        values[f"loss_at_common_update_b{b}"] = (round(float(losses[common]), 4)
                                                 if losses.size > common else None)
        rows.append([_label(b, n_samples), round(rate, 4), per,
                     "diverged" if after_one is None else round(after_one, 4),
                     "diverged" if final is None else round(final, 4)])
        values[f"diverged_b{b}"] = int(diverged)
        values[f"unstable_b{b}"] = int(rate > 2 / curvature)

    s, l = sizes[0], sizes[-1]
    findings = [
        f"After one epoch, batch {s} has made {math.ceil(n_samples / s)} updates and reached "
        + (f"loss {first[0]:.3f}" if first[0] is not None else "divergence")
        + f"; batch {l} has made {math.ceil(n_samples / l)} and is at "
        + (f"{first[-1]:.3f}" if first[-1] is not None else "divergence")
        + f" (best possible {best:.3f}).",
    ]
    same = [values[f"loss_at_common_update_b{b}"] for b in sizes]
    if lr_scaling == "none" and all(v is not None for v in same):
        findings.append(f"Counted per update instead: after {common} updates each (all the "
                        f"largest batch gets) the losses run from {min(same):.3f} to "
                        f"{max(same):.3f}. Much of the per-epoch gap is simply that a small "
                        "batch buys more updates per epoch.")
    unstable = [b for b in sizes if values[f"unstable_b{b}"]]
    if unstable:
        b = unstable[0]
        findings.append(
            f"Batch {b} uses learning rate {values[f'lr_b{b}']:g}, above the stability limit "
            f"2/curvature = {2 / curvature:.2f}, so its loss grows instead of falling"
            + (f" (the curve is cut where it passes {_DIVERGED:g})." if values[f"diverged_b{b}"]
               else "."))
    if lr_scaling == "linear":
        findings.append("Linear scaling multiplies the rate by B / smallest B, so a larger batch "
                        "covers about as much ground per epoch as the small one, but only while "
                        "the scaled rate stays below the stability limit.")

    epoch_series = tuple(Series.of(f"batch {b}", range(len(pe)), pe)
                         for b, pe in zip(sizes, per_epoch))
    update_series = []
    for b, pu in zip(sizes, per_update):
        # pu[t] is the loss after t updates; t = 0 cannot sit on a log axis
        idx = np.unique(np.geomspace(1, max(pu.size - 1, 1), 120).astype(int))
        idx = idx[idx < pu.size]
        update_series.append(Series.of(f"batch {b}", idx, pu[idx]))
    if lr_scaling == "none" and all(v is not None for v in same):
        title = (f"After 1 epoch batch {s} is at {_loss_text(first[0])} and batch {l} at "
                 f"{_loss_text(first[-1])}; after {common} updates each they span "
                 f"{min(same):.3g} to {max(same):.3g}")
    elif lr_scaling == "linear":
        title = ("Scaling the rate with the batch: after 1 epoch "
                 + ", ".join(f"batch {b} {_loss_text(f)}" for b, f in zip(sizes, first))
                 + (" (rate past the stability limit)" if unstable else ""))
    else:
        title = (f"After 1 epoch batch {s} is at {_loss_text(first[0])} and batch {l} at "
                 f"{_loss_text(first[-1])}")
    chart = Chart(
        title,
        (Panel("lines", "Loss per epoch", "epoch", "training loss", series=epoch_series,
               hlines=((best, "minimum"),), y_log=True),
         Panel("lines", "Loss per update", "update step (log)", "training loss",
               series=tuple(update_series), x_log=True, y_log=True,
               hlines=((best, "minimum"),))))
    table = Table.of(["batch", "learning rate", "updates/epoch", "loss after epoch 1",
                      f"loss after epoch {epochs}"], rows)
    return worked(values=values, table=table, findings=findings, chart=chart)
