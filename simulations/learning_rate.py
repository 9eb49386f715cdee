r"""Learning rate and gradient descent: why the step size decides whether training works.

**Training is gradient descent.** A network starts from random weights :math:`w_0`. Each
*update step* takes a mini-batch, computes the gradient of the loss (cost) function and moves
every weight a little way downhill:

.. math:: w_{t+1} = w_t - \eta \, \nabla L(w_t)

The learning rate :math:`\eta` is the size of that step. Weights change at every step, and an
epoch (one full pass over the training data) holds many steps. SGD, momentum and Adam are
variants of this one rule.

**One dimension.** Take the bowl :math:`L(w) = \tfrac{c}{2} w^2` (curvature :math:`c`; with
:math:`c = 2` it is :math:`w^2`). Its gradient is :math:`c\,w`, so one step gives
:math:`w_{t+1} = (1 - \eta c)\, w_t`: every step multiplies the weight by the same factor
:math:`r = 1 - \eta c` and the loss by :math:`r^2`. Everything follows from that factor:

- :math:`0 < r < 1` (small :math:`\eta`): the weight creeps toward the minimum from one side.
  The closer :math:`r` is to 1, the more steps it takes: a rate that is too low wastes time.
- :math:`r = 0` (:math:`\eta = 1/c`): one step lands exactly on the minimum.
- :math:`-1 < r < 0`: each step jumps *across* the minimum (overshoot); the sign flips
  every step, but the size still shrinks, so it converges while oscillating.
- :math:`|r| \ge 1` (:math:`\eta \ge 2/c`): each step overshoots by more than it started
  with, the loss grows by :math:`r^2` per step and, in a real framework, soon becomes inf and
  then NaN. The largest stable rate is :math:`2/c`.

**Many dimensions.** A real loss curves differently in different directions. Near a minimum it
looks like :math:`\tfrac12 \sum_i \lambda_i x_i^2` along its principal directions, and each
direction has its own factor :math:`1 - \eta \lambda_i`. Stability needs every factor inside
(-1, 1), so the *steepest* direction sets the limit :math:`\eta < 2/\lambda_{max}`, while the
*flattest* direction then moves by only :math:`1 - \eta\lambda_{min}` per step. With condition
number :math:`\kappa = \lambda_{max}/\lambda_{min}` the best a constant rate can do is a factor
:math:`(\kappa - 1)/(\kappa + 1)` per step: the more elongated the valley, the slower plain
gradient descent crawls along it, zig-zagging across it. Momentum keeps a running velocity
:math:`v_{t+1} = \beta v_t - \eta \nabla L`, which builds up speed along the consistent flat
direction and lets the back-and-forth steep components partly cancel; Adam instead divides
each weight's step by a running size of its own gradient, adapting the step per parameter.

**Noise, schedules and warm-up.** With mini-batches the gradient is noisy. A constant rate
keeps kicking the weights around the minimum, so the loss stalls at a floor that grows with the
rate (here about :math:`d\,\eta\,\sigma^2 / (4 - 2\eta)`). A large rate reaches its floor fast
but the floor is high; a small rate has a low floor but takes very long to get there. A
*schedule* takes both: start large, then decay (step decay, cosine) so the last steps are
small and average out the noise. *Warm-up* ramps the rate up over the first steps: early in
training the loss is often much sharper (higher curvature) than later, so the full rate is
unstable at the start and fine once the weights have reached flatter ground. The warm-up
scenario shows that on :math:`L(w) = w^4/4 + w^2/2`, whose curvature :math:`3w^2 + 1` falls
from 28 at :math:`w = 3` to 1 at the minimum.

The learning rate, its schedule and the batch size are hyperparameters: nothing in the data
fixes them, so they are found by experiment (a sweep, or automatic model tuning such as
SageMaker's), and they can matter as much as the network's topology.
"""

from __future__ import annotations

import math

import numpy as np

from quizzer.simulations import Param, SimulationError, scenario
from quizzer.simulations.example import Annotation, Chart, Panel, Series, Table, short, worked

# A diverging run is cut once its loss passes this multiple of the starting loss, well before
# floats overflow; the charts and values never hold inf or NaN.
BLOWUP = 1e6
# Exact zeros (a step that lands on the minimum) are drawn at this value on log axes.
FLOOR = 1e-12


_fmt = short  # 0.01, 1.44, 3.2e+06


def _descend_1d(w0: float, factor: float, loss_of, steps: int, tol: float, cap: float):
    """Iterate w <- factor * w.

    Returns (weights, losses, first step at or below tol or None, step the loss passed cap or
    None).
    """
    ws, losses = [w0], [loss_of(w0)]
    converged = blowup = None
    w = w0
    for t in range(1, steps + 1):
        w = factor * w
        loss = loss_of(w)
        ws.append(w)
        losses.append(loss)
        if converged is None and loss <= tol:
            converged = t
        if loss > cap:
            blowup = t
            break
    return np.array(ws), np.array(losses), converged, blowup


def _verdict(factor: float, steps: int | None, fastest: int | None) -> str:
    if abs(factor) > 1:
        return "diverges"
    if abs(factor) == 1:
        return "bounces forever"
    if factor == 0:
        word = "one step"
    elif factor < 0:
        word = "overshoots, converges"
    else:
        word = "smooth, converges"
    if steps is None:
        return word.replace("converges", "not converged yet") + " (slow)"
    if fastest and steps >= 10 * fastest and steps > 20:
        word += " (slow)"
    return word


def _rates_title(runs: list, fastest: dict | None, first_div: dict | None, c: float) -> str:
    """Say only what the drawn runs show: slow, fastest, overshooting, diverging."""
    parts = []
    slow = [r for r in runs if abs(r["factor"]) < 1 and fastest is not None and r is not fastest
            and (r["steps"] is None or r["steps"] >= 5 * fastest["steps"])]
    if slow:
        r = min(slow, key=lambda r: r["rate"])
        parts.append(f"rate {_fmt(r['rate'])} crawls")
    converged = [r for r in runs if r["steps"] is not None]
    over = [r for r in runs if -1 < r["factor"] < 0]
    if len(converged) > 1:
        parts.append(f"rate {_fmt(fastest['rate'])} is fastest ({fastest['steps']} step"
                     + ("s)" if fastest["steps"] != 1 else ")"))
    elif converged and not over:
        parts.append(f"rate {_fmt(fastest['rate'])} converges in {fastest['steps']} steps")
    if over:
        parts.append(f"rate {_fmt(over[0]['rate'])} overshoots yet converges"
                     + (f" ({over[0]['steps']} steps)" if over[0]["steps"] else ""))
    if first_div is not None:
        parts.append(f"above 2/c = {_fmt(2 / c)}, rate {_fmt(first_div['rate'])} diverges")
    return "Loss on the bowl (c/2)w^2: " + "; ".join(parts)



@scenario(
    "Gradient descent on the bowl (c/2)w^2 for several learning rates: slow, good, "
    "oscillating and divergent",
    rates=Param("floats", (0.01, 0.1, 0.4, 0.9, 1.1), "learning rates to compare",
                low=1e-4, high=5.0),
    curvature=Param("float", 2.0, "curvature c of the loss (c/2)w^2; 2 gives w^2",
                    low=0.01, high=100.0),
    w0=Param("float", 3.0, "starting weight", low=0.01, high=100.0),
    steps=Param("int", 400, "maximum number of update steps", low=5, high=5000),
    tol=Param("float", 1e-4, "converged once the loss is at or below this", low=1e-12,
              high=1.0),
    path_rate=Param("float", 0.9, "the rate whose path over the curve is drawn, if it is one "
                    "of the rates (otherwise an overshooting rate of the run, else a "
                    "diverging one, else its fastest)", low=1e-4, high=5.0),
    check_step=Param("int", 10, "report every run's loss after this many steps (a tuning "
                     "job's early look)", low=1, high=5000),
)
def rates(*, seed, rates, curvature, w0, steps, tol, path_rate, check_step):
    del seed  # deterministic: no randomness in plain gradient descent on a fixed curve
    if len(rates) > 8:
        raise SimulationError("rates: give at most 8 learning rates")
    c = float(curvature)

    def loss_of(w: float) -> float:
        return 0.5 * c * w * w

    loss0 = loss_of(w0)
    if loss0 <= tol:
        raise SimulationError(f"tol: the starting loss {loss0:g} is already below tol={tol:g}; "
                              "lower tol or raise w0")
    cap = BLOWUP * loss0
    runs = []
    for eta in rates:
        factor = 1.0 - eta * c
        ws, losses, conv, blow = _descend_1d(w0, factor, loss_of, steps, tol, cap)
        runs.append(dict(rate=eta, factor=factor, growth=factor * factor, ws=ws, losses=losses,
                         steps=conv if abs(factor) < 1 else None, blowup=blow,
                         final=None if abs(factor) > 1 else float(losses[-1])))
    converged = [r for r in runs if r["steps"] is not None]
    fastest = min(converged, key=lambda r: (r["steps"], r["rate"])) if converged else None
    diverged = [r for r in runs if abs(r["factor"]) > 1]
    first_div = min(diverged, key=lambda r: r["rate"]) if diverged else None

    values: dict = {"curvature": c, "initial_loss": loss0, "stable_limit": 2.0 / c,
                    "best_rate": 1.0 / c, "n_diverged": len(diverged),
                    "n_converged": len(converged), "w0": w0, "tol": tol, "steps": steps,
                    "check_step": check_step}
    for i, r in enumerate(runs, 1):
        # a run that converged or was cut earlier keeps its last loss (it stopped there)
        losses = r["losses"]
        values[f"loss_at_check_{i}"] = (float(losses[min(check_step, len(losses) - 1)])
                                        if r["blowup"] is None or check_step < len(losses)
                                        else None)
        values[f"rate_{i}"] = r["rate"]
        values[f"factor_{i}"] = r["factor"]
        values[f"loss_growth_{i}"] = r["growth"]
        values[f"steps_{i}"] = r["steps"]
        values[f"final_loss_{i}"] = r["final"]
    values["fastest_rate"] = fastest["rate"] if fastest else None
    values["fastest_steps"] = fastest["steps"] if fastest else None
    values["diverged_rate"] = first_div["rate"] if first_div else None
    values["diverged_growth"] = first_div["growth"] if first_div else None
    values["diverged_blowup_step"] = first_div["blowup"] if first_div else None

    rows = []
    for r in runs:
        final = "-" if r["final"] is None else _fmt(r["final"])
        if r["blowup"] is not None:
            final = f">{_fmt(cap)} at step {r['blowup']}"
        rows.append((r["rate"], round(r["factor"], 4), round(r["growth"], 4),
                     "-" if r["steps"] is None else r["steps"], final,
                     _verdict(r["factor"], r["steps"], fastest["steps"] if fastest else None)))
    table = Table.of(("rate", "w factor 1-rate*c", "loss x per step", "steps to tol",
                      f"loss after {steps} steps", "verdict"), rows)

    findings = [f"Each step multiplies w by 1 - rate*{_fmt(c)}; the largest stable rate is "
                f"2/{_fmt(c)} = {_fmt(2 / c)} and rate 1/{_fmt(c)} = {_fmt(1 / c)} lands on the "
                "minimum in one step."]
    if fastest:
        slow = max(converged, key=lambda r: r["steps"])
        text = (f"Rate {_fmt(fastest['rate'])} reached loss {_fmt(tol)} in "
                f"{fastest['steps']} step{'s' if fastest['steps'] != 1 else ''}")
        if slow is not fastest and slow["steps"] > fastest["steps"]:
            text += f"; rate {_fmt(slow['rate'])} needed {slow['steps']}"
        findings.append(text + ".")
    stalled = [r for r in runs if abs(r["factor"]) < 1 and r["steps"] is None]
    for r in stalled[:1]:
        findings.append(f"Rate {_fmt(r['rate'])} is so small that after {steps} steps the loss "
                        f"was still {_fmt(r['final'])}, above the tolerance {_fmt(tol)}.")
    over = [r for r in runs if -1 < r["factor"] < 0]
    if over:
        r = over[0]
        findings.append(f"Rate {_fmt(r['rate'])} overshoots: w flips sign every step (factor "
                        f"{_fmt(r['factor'])}) yet still converges.")
    if first_div:
        if first_div["blowup"] is not None:
            tail = (f"passing {_fmt(BLOWUP)} times its starting value at step "
                    f"{first_div['blowup']}")
        else:
            tail = f"reaching {_fmt(float(first_div['losses'][-1]))} after {steps} steps"
        findings.append(f"Rate {_fmt(first_div['rate'])} diverged: every step multiplied the "
                        f"loss by {_fmt(first_div['growth'])}, {tail}.")

    series = []
    for r in runs:
        end = r["steps"] if r["steps"] is not None else len(r["losses"]) - 1
        ys = np.maximum(r["losses"][:end + 1], FLOOR)
        series.append(Series.of(f"rate {_fmt(r['rate'])}", range(end + 1), ys,
                                "dashed" if abs(r["factor"]) > 1 else "line"))
    annotations = []
    if first_div:
        last = len(first_div["losses"]) - 1
        annotations.append(Annotation(last, float(first_div["losses"][-1]),
                                      f"rate {_fmt(first_div['rate'])} diverges (cut)"))
    for i, a in enumerate(runs):
        twin = next((b for b in runs[i + 1:] if a["steps"] is not None
                     and abs(abs(a["factor"]) - abs(b["factor"])) < 1e-9), None)
        if twin is not None:
            mid = a["steps"] // 2
            annotations.append(Annotation(mid, float(a["losses"][mid]),
                                          f"rates {_fmt(a['rate'])} and {_fmt(twin['rate'])} "
                                          f"overlap: |factor| = {_fmt(abs(a['factor']))}"))
            break
    loss_panel = Panel("lines", "Loss per step (diverging runs cut at 1e6 x start)",
                       "update step", "loss (log scale)", tuple(series), y_log=True,
                       hlines=((tol, "tolerance"),), annotations=tuple(annotations))

    # Draw only a rate the run has: a path of a rate no curve shows would be a chart about
    # something else (a path of 0.9 under a question about rates 0.0001 to 0.1).
    if not any(math.isclose(r["rate"], path_rate) for r in runs):
        over = [r for r in runs if -1 < r["factor"] < 0]
        pick = (over[0] if over else first_div if first_div is not None
                else fastest if fastest is not None else runs[-1])
        path_rate = pick["rate"]
    pfactor = 1.0 - path_rate * c
    path = [w0]
    for _ in range(10):
        nxt = pfactor * path[-1]
        if loss_of(nxt) > cap:
            break
        path.append(nxt)
    path = np.array(path)
    span = max(abs(path).max(), abs(w0)) * 1.15
    grid = np.linspace(-span, span, 61)
    path_panel = Panel(
        "lines", f"Path of rate {_fmt(path_rate)} over the loss curve (first "
        f"{len(path) - 1} steps)", "weight w", "loss",
        (Series.of("loss (c/2)w^2", grid, 0.5 * c * grid ** 2, "line"),
         Series.of(f"rate {_fmt(path_rate)}", path, 0.5 * c * path ** 2, "dashed"),
         Series.of("steps", path, 0.5 * c * path ** 2, "points")),
        annotations=(Annotation(float(path[0]), float(loss_of(path[0])), "start"),),
        vlines=((0.0, "minimum"),))
    title = _rates_title(runs, fastest, first_div, c)
    return worked(values, table, findings, Chart(title, (loss_panel, path_panel)))



def _lopsided(w, c: float):
    """Loss of the lopsided valley: w^2/2 right of the minimum, c w^2/2 left of it."""
    return 0.5 * w * w * (1.0 if w >= 0 else c)


@scenario(
    "Gradient descent in a lopsided valley (curvature 1 on one side, c on the other): a rate "
    "that overshoots makes the LOSS zig-zag up and down; a larger one zig-zags while it climbs",
    rates=Param("floats", (0.1, 0.45, 1.45, 1.6), "learning rates to compare",
                low=1e-4, high=5.0),
    steep_side=Param("float", 2.0, "curvature c left of the minimum (1 on the right)",
                     low=1.0, high=50.0),
    w0=Param("float", 3.0, "starting weight (on the right, gentle side)", low=0.01,
             high=100.0),
    steps=Param("int", 200, "maximum number of update steps", low=5, high=5000),
    tol=Param("float", 1e-4, "converged once the loss is at or below this", low=1e-12,
              high=1.0),
    path_rate=Param("float", 1.45, "the rate whose path over the valley is drawn",
                    low=1e-4, high=5.0),
)
def lopsided(*, seed, rates, steep_side, w0, steps, tol, path_rate):
    del seed  # deterministic: plain gradient descent on a fixed curve
    if len(rates) > 6:
        raise SimulationError("rates: give at most 6 learning rates")
    c = float(steep_side)
    loss0 = _lopsided(w0, c)
    if loss0 <= tol:
        raise SimulationError(f"tol: the starting loss {loss0:g} is already below tol={tol:g}; "
                              "lower tol or raise w0")
    cap = BLOWUP * loss0
    runs = []
    for eta in rates:
        w, ws, losses, conv, blow = w0, [w0], [loss0], None, None
        for t in range(1, steps + 1):
            w = w - eta * w * (1.0 if w >= 0 else c)
            loss = _lopsided(w, c)
            ws.append(w)
            losses.append(loss)
            if loss > cap:
                blow = t
                break
            if loss <= tol:
                conv = t
                break
        losses = np.array(losses)
        diffs = np.diff(losses)
        window = min(len(diffs), 20)
        runs.append(dict(rate=eta, ws=np.array(ws), losses=losses, steps=conv, blowup=blow,
                         ups=int(np.sum(diffs[:window] > 0)), window=window,
                         crossed=bool(np.any(np.array(ws) < 0)),
                         # two steps (right, then left) multiply w by this when it overshoots
                         cycle=abs((1 - eta) * (1 - eta * c)),
                         final=float(losses[-1])))

    def verdict(r) -> str:
        if r["blowup"] is not None:
            return "zig-zags and climbs (diverges)" if r["ups"] < r["window"] else "climbs"
        if r["ups"] > 0:
            return "zig-zags, converges" if r["steps"] else "zig-zags, not converged"
        return "smooth, converges" if r["steps"] else "smooth, not converged"

    values: dict = {"steep_side": c, "initial_loss": loss0, "w0": w0, "tol": tol,
                    "steps": steps}
    for i, r in enumerate(runs, 1):
        values[f"rate_{i}"] = r["rate"]
        values[f"steps_{i}"] = r["steps"]
        values[f"ups_{i}"] = r["ups"]
        values[f"window_{i}"] = r["window"]
        values[f"blowup_step_{i}"] = r["blowup"]
        values[f"cycle_factor_{i}"] = r["cycle"] if r["crossed"] else None
        values[f"final_loss_{i}"] = None if r["blowup"] is not None else r["final"]
    rows = []
    for r in runs:
        end = (f">{_fmt(cap)} at step {r['blowup']}" if r["blowup"] is not None
               else _fmt(r["final"]))
        rows.append((r["rate"], f"{r['ups']} of {r['window']}",
                     "-" if r["steps"] is None else r["steps"], end, verdict(r)))
    table = Table.of(("rate", "loss rose on (first steps)", "steps to tol", "last loss",
                      "verdict"), rows)

    findings = [f"Right of the minimum the curvature is 1, left of it {_fmt(c)}: a step that "
                "jumps across lands on a different slope, so the loss does not fall evenly."]
    calm = [r for r in runs if r["ups"] == 0 and r["steps"] is not None]
    if calm:
        r = min(calm, key=lambda r: r["steps"])
        findings.append(f"Rate {_fmt(r['rate'])} never overshoots: the loss fell on every step "
                        f"and reached {_fmt(tol)} in {r['steps']} steps.")
    zig = [r for r in runs if r["ups"] > 0 and r["blowup"] is None]
    if zig:
        r = zig[0]
        tail = (f"it still converged, in {r['steps']} steps" if r["steps"]
                else f"after {steps} steps it was at {_fmt(r['final'])}")
        findings.append(f"Rate {_fmt(r['rate'])} jumps across the minimum: the loss rose on "
                        f"{r['ups']} of its first {r['window']} steps, up and down in turn; "
                        f"{tail}.")
    div = [r for r in runs if r["blowup"] is not None]
    if div:
        r = div[0]
        findings.append(f"Rate {_fmt(r['rate'])} {'also ' if zig else ''}zig-zags (the loss rose on {r['ups']} of "
                        f"its first {r['window']} steps) but every round trip multiplies w by "
                        f"{_fmt(r['cycle'])}, so the loss climbs until it passes {_fmt(cap)} "
                        f"at step {r['blowup']}; a framework would print inf, then NaN.")

    series = []
    for r in runs:
        ys = np.clip(r["losses"], FLOOR, cap * 10)
        series.append(Series.of(f"rate {_fmt(r['rate'])}", range(len(ys)), ys,
                                "dashed" if r["blowup"] is not None else "line"))
    loss_panel = Panel("lines", "Loss per step (diverging runs cut at 1e6 x start)",
                       "update step", "loss (log scale)", tuple(series), y_log=True,
                       hlines=((tol, "tolerance"),))
    path = [w0]
    for _ in range(8):
        nxt = path[-1] - path_rate * path[-1] * (1.0 if path[-1] >= 0 else c)
        if _lopsided(nxt, c) > cap:
            break
        path.append(nxt)
    path = np.array(path)
    span = max(abs(path).max(), abs(w0)) * 1.15
    grid = np.linspace(-span, span, 81)
    curve = np.array([_lopsided(g, c) for g in grid])
    path_panel = Panel(
        "lines", f"Path of rate {_fmt(path_rate)} (first {len(path) - 1} steps)", "weight w",
        "loss", (Series.of("loss", grid, curve, "line"),
                 Series.of(f"rate {_fmt(path_rate)}", path,
                           [_lopsided(p, c) for p in path], "dashed"),
                 Series.of("steps", path, [_lopsided(p, c) for p in path], "points")),
        annotations=(Annotation(float(path[0]), float(_lopsided(path[0], c)), "start"),),
        vlines=((0.0, "minimum"),))
    parts = []
    if zig:
        parts.append(f"rate {_fmt(zig[0]['rate'])}: the loss rose on {zig[0]['ups']} of "
                     f"{zig[0]['window']} steps")
    if div:
        parts.append(f"rate {_fmt(div[0]['rate'])}: zig-zags past {_fmt(BLOWUP)} x its start "
                     f"by step {div[0]['blowup']}")
    if not parts:
        parts.append("no rate here overshoots, so every loss curve falls smoothly")
    title = "Overshooting a lopsided minimum: " + "; ".join(parts)
    return worked(values, table, findings, Chart(title, (loss_panel, path_panel)))

# --------------------------------------------------------------------------- two dimensions

def _bowl_run(eta: float, lam: np.ndarray, start: np.ndarray, steps: int, tol: float,
              beta: float = 0.0):
    """(Heavy-ball) gradient descent on 0.5*sum(lam*x^2); return path, losses, converged step."""
    x = start.astype(float).copy()
    v = np.zeros_like(x)
    loss0 = 0.5 * float(lam @ (x * x))
    cap = BLOWUP * loss0
    path, losses = [x.copy()], [loss0]
    conv = None
    for t in range(1, steps + 1):
        v = beta * v - eta * lam * x
        x = x + v
        loss = 0.5 * float(lam @ (x * x))
        path.append(x.copy())
        losses.append(loss)
        if conv is None and loss <= tol:
            conv = t
            break
        if loss > cap:
            break
    return np.array(path), np.array(losses), conv


def _ellipses(lam: np.ndarray, levels) -> tuple:
    t = np.linspace(0, 2 * np.pi, 73)
    out = []
    for k, level in enumerate(levels):
        a, b = np.sqrt(2 * level / lam)
        out.append(Series.of(f"loss = {_fmt(level)}", a * np.cos(t), b * np.sin(t), "dotted"))
    return tuple(out)


def _clip_path(path: np.ndarray, box: np.ndarray) -> np.ndarray:
    """The path up to (not including) the first point outside the plotting box."""
    inside = np.all(np.abs(path) <= box, axis=1)
    n = len(path) if inside.all() else int(np.argmin(inside))
    return path[:max(n, 1)]


_START = np.array([-4.0, 1.0])  # (flat direction, steep direction)


def _eigenvalues(condition: float) -> np.ndarray:
    return np.array([1.0, float(condition)])


@scenario(
    "An elongated (ill-conditioned) bowl: the steep direction caps the rate at 2/lambda_max "
    "while the flat direction crawls",
    condition=Param("float", 25.0, "condition number lambda_max/lambda_min of the bowl",
                    low=1.0, high=1000.0),
    rates=Param("floats", (0.02, 0.075, 0.09), "learning rates to compare",
                low=1e-4, high=5.0),
    steps=Param("int", 500, "maximum number of update steps", low=5, high=5000),
    tol=Param("float", 1e-4, "converged once the loss is at or below this", low=1e-12,
              high=1.0),
)
def ill_conditioned(*, seed, condition, rates, steps, tol):
    del seed
    if len(rates) > 6:
        raise SimulationError("rates: give at most 6 learning rates")
    lam = _eigenvalues(condition)
    lmin, lmax = float(lam.min()), float(lam.max())
    runs = []
    for eta in rates:
        path, losses, conv = _bowl_run(eta, lam, _START, steps, tol)
        f_flat, f_steep = 1 - eta * lmin, 1 - eta * lmax
        diverged = max(abs(f_flat), abs(f_steep)) > 1
        runs.append(dict(rate=eta, path=path, losses=losses, steps=conv, flat=f_flat,
                         steep=f_steep, diverged=diverged,
                         final=None if diverged else float(losses[-1])))
    best = 2.0 / (lmin + lmax)
    values: dict = {"condition": float(condition), "lambda_max": lmax, "lambda_min": lmin,
                    "stable_limit": 2.0 / lmax, "best_rate": best,
                    "best_factor": (lmax - lmin) / (lmax + lmin), "flat_ideal_rate": 1.0 / lmin,
                    "initial_loss": float(runs[0]["losses"][0])}
    for i, r in enumerate(runs, 1):
        values[f"rate_{i}"] = r["rate"]
        values[f"steps_{i}"] = r["steps"]
        values[f"flat_factor_{i}"] = r["flat"]
        values[f"steep_factor_{i}"] = r["steep"]
        values[f"final_loss_{i}"] = r["final"]
    values["n_diverged"] = sum(r["diverged"] for r in runs)

    rows = []
    for r in runs:
        if r["diverged"]:
            last = len(r["losses"]) - 1
            outcome = f"diverged, loss {_fmt(float(r['losses'][-1]))} at step {last}"
        elif r["steps"] is None:
            outcome = f"loss {_fmt(r['final'])} after {steps} steps"
        else:
            outcome = "converged"
        rows.append((r["rate"], round(r["steep"], 4), round(r["flat"], 4),
                     "-" if r["steps"] is None else r["steps"], outcome))
    table = Table.of(("rate", "steep factor", "flat factor", "steps to tol", "outcome"), rows)

    findings = [f"The steep direction curves {_fmt(lmax / lmin)} times more than the flat one, "
                f"so every rate above 2/{_fmt(lmax)} = {_fmt(2 / lmax)} diverges along it, "
                f"although the flat direction alone could take {_fmt(1 / lmin)}."]
    for r in runs:
        if r["diverged"]:
            findings.append(f"Rate {_fmt(r['rate'])} diverged: the steep component is "
                            f"multiplied by {_fmt(r['steep'])} each step while the flat one "
                            f"shrinks by {_fmt(r['flat'])}.")
            break
    ok = [r for r in runs if r["steps"] is not None]
    if ok:
        quick = min(ok, key=lambda r: r["steps"])
        findings.append(f"The fastest stable rate here, {_fmt(quick['rate'])}, still needed "
                        f"{quick['steps']} steps: the flat direction only shrinks by "
                        f"{_fmt(quick['flat'])} per step.")
    findings.append(f"No constant rate beats a factor {_fmt(values['best_factor'])} per step "
                    f"(at rate {_fmt(best)}); it gets closer to 1 as the condition number grows.")

    box = np.abs(_START) * 1.6
    path_series = []
    for r in runs:
        p = _clip_path(r["path"], box)
        path_series.append(Series.of(f"rate {_fmt(r['rate'])}"
                                     + (" (leaves the plot)" if len(p) < len(r["path"]) else ""),
                                     p[:, 0], p[:, 1], "dashed" if r["diverged"] else "line"))
    loss_start = values["initial_loss"]
    path_panel = Panel("lines", "Paths from the start over the loss contours",
                       "flat direction x (lambda = {})".format(_fmt(lmin)),
                       "steep direction y (lambda = {})".format(_fmt(lmax)),
                       tuple(path_series)
                       + _ellipses(lam, (loss_start, loss_start / 8, loss_start / 64)),
                       annotations=(Annotation(float(_START[0]), float(_START[1]), "start"),
                                    Annotation(0.0, 0.0, "minimum")))
    loss_series = tuple(
        Series.of(f"rate {_fmt(r['rate'])}", range(len(r["losses"])),
                  np.maximum(r["losses"], FLOOR), "dashed" if r["diverged"] else "line")
        for r in runs)
    loss_panel = Panel("lines", "Loss per step (diverging runs cut at 1e6 x start)",
                       "update step", "loss (log scale)", loss_series, y_log=True,
                       hlines=((tol, "tolerance"),))
    title = (f"The steep direction caps the rate at {_fmt(2 / lmax)}; at that rate the flat "
             "direction crawls")
    return worked(values, table, findings, Chart(title, (path_panel, loss_panel)))


@scenario(
    "Momentum versus plain gradient descent at the same learning rate on an elongated bowl",
    condition=Param("float", 25.0, "condition number lambda_max/lambda_min of the bowl",
                    low=1.0, high=1000.0),
    rate=Param("float", 0.07, "learning rate used by both optimisers", low=1e-4, high=5.0),
    beta=Param("float", 0.5, "momentum coefficient (0 = plain gradient descent)",
               low=0.0, high=0.99),
    steps=Param("int", 500, "maximum number of update steps", low=5, high=5000),
    tol=Param("float", 1e-4, "converged once the loss is at or below this", low=1e-12,
              high=1.0),
)
def momentum(*, seed, condition, rate, beta, steps, tol):
    del seed
    lam = _eigenvalues(condition)
    lmax = float(lam.max())
    runs = {}
    for key, b in (("plain", 0.0), ("momentum", beta)):
        path, losses, conv = _bowl_run(rate, lam, _START, steps, tol, beta=b)
        # spectral radius of the linear update per direction: the per-step shrink factor
        radius = 0.0
        for li in lam:
            a = 1 + b - rate * li
            roots = np.roots([1.0, -a, b]) if b > 0 else np.array([1 - rate * li])
            radius = max(radius, float(np.abs(roots).max()))
        runs[key] = dict(path=path, losses=losses, steps=conv, radius=radius,
                         diverged=radius > 1, final=float(losses[-1]))
    p, m = runs["plain"], runs["momentum"]
    values = {"condition": float(condition), "rate": rate, "beta": beta,
              "plain_limit": 2.0 / lmax, "momentum_limit": 2.0 * (1 + beta) / lmax,
              "plain_steps": p["steps"], "momentum_steps": m["steps"],
              "plain_factor": p["radius"], "momentum_factor": m["radius"],
              "plain_final_loss": None if p["diverged"] else p["final"],
              "momentum_final_loss": None if m["diverged"] else m["final"],
              "speedup": (p["steps"] / m["steps"]) if p["steps"] and m["steps"] else None}

    def outcome(r):
        if r["diverged"]:
            return "diverges"
        return "converged" if r["steps"] is not None else f"not within {steps} steps"

    table = Table.of(("optimiser", "beta", "shrink factor per step", "steps to tol", "outcome"),
                     [("plain GD", 0.0, round(p["radius"], 4), p["steps"] or "-", outcome(p)),
                      ("momentum", beta, round(m["radius"], 4), m["steps"] or "-", outcome(m))])
    findings = []
    if values["speedup"] and values["speedup"] >= 1:
        findings.append(f"At rate {_fmt(rate)}, plain gradient descent needed {p['steps']} steps "
                        f"and momentum (beta {_fmt(beta)}) {m['steps']}: "
                        f"{values['speedup']:.1f} times fewer.")
    elif values["speedup"]:
        findings.append(f"At rate {_fmt(rate)}, plain gradient descent needed {p['steps']} steps "
                        f"and momentum (beta {_fmt(beta)}) {m['steps']}.")
    else:
        for name, r in (("Plain gradient descent", p), ("Momentum", m)):
            findings.append(f"{name} at rate {_fmt(rate)}: {outcome(r)}"
                            + (f" in {r['steps']} steps." if r["steps"] else "."))
    findings.append(f"The slowest direction shrinks by {_fmt(p['radius'])} per step without "
                    f"momentum and by {_fmt(m['radius'])} with it"
                    + (": the velocity keeps accumulating along the flat valley floor."
                       if m["radius"] < p["radius"] else "."))
    findings.append(f"Plain gradient descent is stable only below 2/{_fmt(lmax)} = "
                    f"{_fmt(2 / lmax)}; heavy-ball momentum stays stable up to "
                    f"2(1+beta)/{_fmt(lmax)} = {_fmt(values['momentum_limit'])}.")
    if m["radius"] > p["radius"] and not m["diverged"]:
        findings.append("Here momentum is slower: beta this high makes the iterates circle "
                        "the minimum, and the rate should be retuned with it.")

    box = np.abs(_START) * 1.6
    series = []
    for label, r in (("plain GD", p), (f"momentum beta {_fmt(beta)}", m)):
        q = _clip_path(r["path"], box)
        series.append(Series.of(label, q[:, 0], q[:, 1], "line"))
    loss0 = float(p["losses"][0])
    path_panel = Panel("lines", "Paths over the loss contours", "flat direction x",
                       "steep direction y",
                       tuple(series) + _ellipses(lam, (loss0, loss0 / 8, loss0 / 64)),
                       annotations=(Annotation(float(_START[0]), float(_START[1]), "start"),))
    loss_panel = Panel("lines", "Loss per step", "update step", "loss (log scale)",
                       (Series.of("plain GD", range(len(p["losses"])),
                                  np.maximum(p["losses"], FLOOR)),
                        Series.of(f"momentum beta {_fmt(beta)}", range(len(m["losses"])),
                                  np.maximum(m["losses"], FLOOR), "dashed")),
                       y_log=True, hlines=((tol, "tolerance"),))
    if m["steps"] is not None and (p["steps"] is None or m["steps"] < p["steps"]):
        title = (f"Momentum (beta {_fmt(beta)}) builds speed along the flat valley floor: "
                 f"{m['steps']} steps against "
                 + (f"{p['steps']} for plain gradient descent" if p["steps"] is not None
                    else "plain gradient descent, which " + outcome(p)))
    else:
        title = (f"At beta {_fmt(beta)} and rate {_fmt(rate)} momentum does not help here: "
                 f"{outcome(m)}" + (f" in {m['steps']} steps" if m["steps"] else "")
                 + (f" against {p['steps']} without it" if p["steps"] else ""))
    return worked(values, table, findings, Chart(title, (path_panel, loss_panel)))


# ------------------------------------------------------------------------ schedules, warm-up

_DIMS = 10
_REPEATS = 20


def _schedule(kind: str, t: int, total: int, peak: float, low: float, warmup: int) -> float:
    if kind == "constant high":
        return peak
    if kind == "constant low":
        return low
    if warmup and t < warmup:
        return peak * (t + 1) / warmup
    if kind == "step decay":
        return peak * (1.0 if t < total // 2 else 0.1 if t < (3 * total) // 4 else 0.01)
    return 0.5 * peak * (1 + math.cos(math.pi * (t - warmup) / max(total - warmup, 1)))


def _schedule_findings(values: dict, rate: float, low_rate: float, steps: int,
                       half: int) -> list:
    findings = [f"The constant high rate {_fmt(rate)} got the loss from "
                f"{_fmt(values['initial_loss'])} to {_fmt(values['const_high_quarter'])} by "
                f"step {half}, then stalled near {_fmt(values['const_high_final'])}: the "
                "noise keeps kicking the weights around the minimum."]
    findings.append(f"The constant low rate {_fmt(low_rate)} has a lower floor but was still at "
                    f"{_fmt(values['const_low_final'])} after {steps} steps.")
    gain = values["decay_gain"]
    findings.append(f"Decaying the rate ended at {_fmt(values['step_decay_final'])} (step "
                    f"decay) and {_fmt(values['cosine_final'])} (cosine)"
                    + (f", {gain:.0f} times below the constant high rate." if gain else "."))
    return findings


@scenario(
    "Noisy (mini-batch) gradients: constant high, constant low, step-decay and cosine "
    "learning-rate schedules",
    rate=Param("float", 0.5, "the high (peak) learning rate", low=1e-3, high=1.5),
    low_rate=Param("float", 0.01, "the constant low learning rate", low=1e-4, high=1.5),
    noise=Param("float", 1.0, "standard deviation of the gradient noise", low=0.0, high=10.0),
    steps=Param("int", 200, "number of update steps", low=20, high=2000),
    warmup=Param("int", 0, "linear warm-up steps for the decaying schedules", low=0,
                 high=1000),
)
def schedules(*, seed, rate, low_rate, noise, steps, warmup):
    if warmup >= steps:
        raise SimulationError(f"warmup: {warmup} warm-up steps leave none of the {steps} steps")
    rng = np.random.default_rng(seed)
    kinds = ("constant high", "constant low", "step decay", "cosine")
    w = np.full((len(kinds), _REPEATS, _DIMS), math.sqrt(10.0))  # starting loss 50
    losses = np.empty((len(kinds), steps + 1))
    losses[:, 0] = 0.5 * (w ** 2).sum(-1).mean(-1)
    etas = np.array([[_schedule(k, t, steps, rate, low_rate, warmup) for t in range(steps)]
                     for k in kinds])
    for t in range(steps):
        grad = w + noise * rng.standard_normal(w.shape)
        w = w - etas[:, t, None, None] * grad
        losses[:, t + 1] = 0.5 * (w ** 2).sum(-1).mean(-1)
    tail = max(steps // 10, 1)
    final = losses[:, -tail:].mean(axis=1)
    floor = [_DIMS * e * noise ** 2 / (4 - 2 * e) for e in (rate, low_rate)]
    keys = ("const_high", "const_low", "step_decay", "cosine")
    values: dict = {"rate": rate, "low_rate": low_rate, "noise": noise, "steps": steps,
                    "quarter_step": steps // 4, "warmup": warmup,
                    "initial_loss": float(losses[0, 0]),
                    "high_floor": floor[0], "low_floor": floor[1]}
    for key, f in zip(keys, final):
        values[f"{key}_final"] = float(f)
    best = int(np.argmin(final))
    values["best_schedule_final"] = float(final[best])
    decayed = min(final[2], final[3])
    values["decay_gain"] = float(final[0] / decayed) if decayed > 0 else None
    # The cosine's shape in numbers: how far its rate falls over the first, middle and last
    # tenth of the decay (flat near the peak, steepest halfway, flat again near zero).
    span = max((steps - warmup) // 10, 1)
    mid = warmup + (steps - warmup) // 2
    cos = etas[3]
    for name, start in (("first", warmup), ("middle", mid - span // 2), ("last", steps - 1 - span)):
        stop = min(start + span, steps - 1)
        values[f"cosine_drop_{name}_tenth"] = float(cos[start] - cos[stop])
    values["cosine_tenth_steps"] = span
    half = steps // 4
    values["const_high_quarter"] = float(losses[0, half])
    values["const_low_quarter"] = float(losses[1, half])

    checkpoints = sorted({1, steps // 10, steps // 4, steps // 2, (3 * steps) // 4, steps})
    rows = [(t, *(round(float(losses[k, t]), 4) for k in range(len(kinds))))
            for t in checkpoints]
    table = Table.of(("step", *kinds), rows)

    if noise == 0:
        findings = [f"With no gradient noise there is no floor: the constant high rate "
                    f"{_fmt(rate)} converged to {_fmt(values['const_high_final'])} on its own, "
                    "so decay buys nothing here.",
                    f"The constant low rate {_fmt(low_rate)} was still at "
                    f"{_fmt(values['const_low_final'])} after {steps} steps."]
    else:
        findings = _schedule_findings(values, rate, low_rate, steps, half)

    x = list(range(steps + 1))
    styles = ("line", "dotted", "steps", "dashed")
    loss_panel = Panel("lines", f"Loss per step (mean of {_REPEATS} noisy runs)", "update step",
                       "loss (log scale)",
                       tuple(Series.of(k, x, np.maximum(losses[i], FLOOR), styles[i])
                             for i, k in enumerate(kinds)), y_log=True,
                       hlines=((floor[0], f"noise floor of rate {_fmt(rate)}"),))
    rate_panel = Panel("lines", "Learning rate per step", "update step", "learning rate",
                       tuple(Series.of(k, range(steps), etas[i], styles[i])
                             for i, k in enumerate(kinds)))
    gain = values["decay_gain"]
    if noise == 0:
        title = "Without gradient noise there is no floor: a constant rate converges on its own"
    elif gain and gain > 1:
        title = (f"A decaying rate keeps the fast start and ends {gain:.0f}x below the constant "
                 f"rate {_fmt(rate)}")
    else:
        title = "Here decaying the rate did not end below the constant high rate"
    return worked(values, table, findings, Chart(title, (loss_panel, rate_panel)))


def _quartic(w):
    return w ** 4 / 4 + w ** 2 / 2


@scenario(
    "Warm-up on a loss that is sharp far from the minimum, L(w) = w^4/4 + w^2/2",
    rate=Param("float", 0.5, "peak learning rate", low=1e-3, high=1.9),
    warmup=Param("int", 10, "steps of linear warm-up to the peak rate", low=1, high=500),
    small_rate=Param("float", 0.05, "a constant rate small enough for the sharp start",
                     low=1e-4, high=1.9),
    w0=Param("float", 3.0, "starting weight", low=0.1, high=5.0),
    steps=Param("int", 200, "maximum number of update steps", low=5, high=2000),
    tol=Param("float", 1e-6, "converged once the loss is at or below this", low=1e-12,
              high=1.0),
)
def warmup(*, seed, rate, warmup, small_rate, w0, steps, tol):
    del seed
    if warmup > steps:
        raise SimulationError(f"warmup: {warmup} warm-up steps exceed the {steps} steps")
    loss0 = float(_quartic(w0))
    if loss0 <= tol:
        raise SimulationError(f"tol: the starting loss {loss0:g} is already below tol={tol:g}")
    cap = BLOWUP * loss0
    plans = (("constant peak", lambda t: rate),
             ("warm-up to peak", lambda t: rate * min(1.0, (t + 1) / warmup)),
             ("constant small", lambda t: small_rate))
    runs = []
    for label, plan in plans:
        w, losses, conv, blow = w0, [loss0], None, None
        for t in range(steps):
            w = w - plan(t) * (w ** 3 + w)
            loss = float(_quartic(w)) if abs(w) < 1e100 else math.inf
            if loss > cap:
                blow = t + 1
                losses.append(min(loss, 1e300))
                break
            losses.append(loss)
            if loss <= tol:
                conv = t + 1
                break
        runs.append(dict(label=label, losses=np.array(losses), steps=conv, blowup=blow))
    sharp = 3 * w0 ** 2 + 1
    values = {"rate": rate, "warmup": warmup, "small_rate": small_rate,
              "start_curvature": sharp, "start_limit": 2 / sharp, "end_limit": 2.0,
              "peak_steps": runs[0]["steps"], "peak_blowup_step": runs[0]["blowup"],
              "warmup_steps": runs[1]["steps"], "small_steps": runs[2]["steps"]}
    rows = []
    for r in runs:
        if r["blowup"] is not None:
            outcome = f"diverged, loss > {_fmt(cap)} at step {r['blowup']}"
        elif r["steps"] is None:
            outcome = f"loss {_fmt(float(r['losses'][-1]))} after {steps} steps"
        else:
            outcome = "converged"
        rows.append((r["label"], "-" if r["steps"] is None else r["steps"], outcome))
    table = Table.of(("schedule", "steps to tol", "outcome"), rows)
    findings = [f"At w = {_fmt(w0)} the curvature is {_fmt(sharp)}, so only rates below "
                f"{_fmt(2 / sharp)} are stable there; at the minimum the limit is 2."]
    peak, warm, small = runs
    if peak["blowup"] is not None:
        findings.append(f"Starting at the peak rate {_fmt(rate)} overshot so far that the loss "
                        f"passed {_fmt(cap)} by step {peak['blowup']}.")
    if warm["steps"] is not None:
        findings.append(f"Ramping up over {warmup} steps let the weight first reach flatter "
                        f"ground; it converged in {warm['steps']} steps.")
    if small["steps"] is not None:
        findings.append(f"The constant small rate {_fmt(small_rate)} also converged but needed "
                        f"{small['steps']} steps.")
    elif small["blowup"] is None:
        findings.append(f"The constant small rate {_fmt(small_rate)} had not converged after "
                        f"{steps} steps.")
    series = []
    for r, style in zip(runs, ("dashed", "line", "dotted")):
        ys = np.clip(r["losses"], FLOOR, cap)
        series.append(Series.of(r["label"], range(len(ys)), ys, style))
    loss_panel = Panel("lines", "Loss per step (diverging run cut)", "update step",
                       "loss (log scale)", tuple(series), y_log=True,
                       hlines=((tol, "tolerance"),))
    n = min(steps, 40)
    rate_panel = Panel("lines", "Learning rate per step", "update step", "learning rate",
                       tuple(Series.of(label, range(n), [plan(t) for t in range(n)], style)
                             for (label, plan), style in zip(plans, ("dashed", "line",
                                                                     "dotted"))),
                       hlines=((2 / sharp, "stable limit at the start"),))
    title = "Warm-up: small steps while the loss is sharp, the full rate once it is flat"
    return worked(values, table, findings, Chart(title, (loss_panel, rate_panel)))
