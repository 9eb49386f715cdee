"""Vanishing and exploding gradients, gradient clipping, and gradient checking.

Back-propagation is the chain rule applied layer by layer. Write a plain layer as
``h_l = f(z_l)`` with ``z_l = W_l h_{l-1}``. The gradient of the loss with respect to an earlier
layer is a product of one factor per layer it passes through:

    dL/dh_{l-1} = W_l^T (f'(z_l) * dL/dh_l)

so the signal that reaches layer 1 of an L-layer network has been multiplied by L Jacobians,
and the gradient of layer l's weights, ``dL/dW_l = (f'(z_l) * dL/dh_l) h_{l-1}^T``, inherits
that product. If the typical size of a factor is below 1, the product shrinks *geometrically*
with depth (a vanishing gradient); if it is above 1, it grows geometrically (an exploding
gradient). Nothing here is about being near the bottom of the loss curve: the early layers of a
deep network get a tiny gradient from the very first step, far from any minimum, because their
gradient is a long product of small numbers. They barely learn while the top layers do.

The sigmoid makes this concrete: ``sigmoid'(z) = s(1 - s) <= 0.25``, with the maximum at z = 0.
Even with Xavier/Glorot initialisation (weight variance 2 / (fan-in + fan-out), which is
1 / width for these square layers and keeps the ``W^T`` part of each factor near 1 in size), the
activation part of every sigmoid layer's factor is at most 0.25, so
through 10 sigmoid layers the derivative part of the product is at most 0.25^10 ~ 9.5e-7.
Xavier initialisation cannot remove that cap: it sizes the weights, not the derivative. (The
ratio of two layers' weight gradients also holds the weight factors and the layers' inputs, so
it can exceed the derivative bound; ``layer_norms`` reports both.)
``tanh'`` is at most 1 and close to 1 near zero, so with Xavier initialisation a tanh stack
loses far less per layer (it still vanishes once its units saturate in the flat tails:
``layer_norms`` with ``tanh_shift`` adds that offset to every pre-activation, as drift during
training can, so tanh' is small in every layer while the weights stay Xavier-sized, and
shows the same stack with batch normalisation before each tanh, which subtracts the batch mean
and so removes the offset. Larger weights would not show saturation this way: the backward
pass multiplies by the same larger weights, which outgrow the smaller tanh'). ReLU,
``max(0, x)``, has derivative exactly 1 for positive inputs, and with He initialisation (weight
variance 2 / fan-in, compensating for the half of the units that are off) the expected factor is
1, so the gradient neither vanishes nor explodes on average (it still wanders at finite width).
A residual (ResNet) block ``h_l = h_{l-1} + a * W_l relu(h_{l-1})`` adds an identity path:
``dL/dh_{l-1} = dL/dh_l + (branch term)``, so the gradient reaches early layers undiminished
whatever the branch does. (Without batch normalisation the branch is scaled down, here by
``a = 1 / sqrt(depth)`` as in Fixup/SkipInit-style initialisation, so the forward signal
grows by only about e over the whole stack instead of doubling in every block.)

Exploding gradients are the mirror image: weights that are too large (``weight_scale`` times the
He standard deviation) make each factor about ``weight_scale`` in size, so the norm grows like
``weight_scale ** layers``. Recurrent networks are the extreme case because the *same* matrix
is applied at every time step: in a linear RNN with recurrent matrix ``W = r Q`` (``Q``
orthogonal) the gradient sent back k steps is multiplied by exactly ``r ** k``: ``r < 1``
vanishes, ``r > 1`` explodes until float32 overflows to inf and then NaN. LSTM and GRU cells
add a gated, additive path through time for the same reason ResNets add a skip connection.

Gradient clipping by global norm treats the symptom of explosion: if the gradient's norm G over
all parameters exceeds ``max_norm`` it is multiplied by ``max_norm / G``. Every component is
scaled by the same number, so the gradient vector keeps its direction and only its length is
capped (a plain SGD step follows it exactly; with momentum or Adam the update also depends on
past gradients, so its direction can still change).
Clipping each component to ``[-c, c]`` (clip by value) is cruder: it can change the direction.

Gradient checking tests back-propagation code against the definition of a derivative. For each
parameter w, the centred difference ``(L(w + h) - L(w - h)) / 2h`` has truncation error of order
h^2 (one-sided differences: order h) and round-off error of order eps / h (eps ~ 2.2e-16 in
float64), so the total error is smallest near ``h ~ eps^(1/3) ~ 1e-5``: too large an h and the
Taylor remainder dominates; too small and subtracting two nearly equal losses loses the digits.
The relative error ``|g_bp - g_num| / (|g_bp| + |g_num|)`` is ~1e-10 for correct code and
~1e-1 for a real bug (a forgotten activation derivative, a missing factor of 2). It needs two
forward passes per parameter, so it is a debugging step when writing layers or a framework, run
on a tiny network, never part of training. Smooth activations (tanh here) avoid false alarms at
the kink of ReLU.
"""

from __future__ import annotations

import math

import numpy as np

from quizzer.simulations import Param, SimulationError, scenario
from quizzer.simulations.example import Annotation, Chart, Panel, Series, Table, worked

SIGMOID_DERIVATIVE_MAX = 0.25
FLOAT32_MAX = float(np.finfo(np.float32).max)
PLOT_CAP = 1e6      # a diverging series is cut where it passes this
PLOT_FLOOR = 1e-12  # a vanishing series is cut where it falls below this
BATCH = 16
ACTIVATIONS = ("sigmoid", "tanh", "relu", "residual")
LABELS = {"sigmoid": "sigmoid (Xavier)", "tanh": "tanh (Xavier)", "relu": "ReLU (He)",
          "residual": "ReLU + residual (He)"}


def _sig(x: float) -> float:
    """Three significant digits, for tables and findings."""
    return float(f"{x:.3g}")


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _random_layers(rng, depth: int, width: int) -> list:
    """Standard-normal matrices; each network scales the same draw by its own init."""
    return [rng.standard_normal((width, width)) for _ in range(depth)]


# Leaky ReLU's slope for negative inputs (the common default, e.g. PyTorch's LeakyReLU).
LEAKY_SLOPE = 0.01
# Batch normalisation's variance epsilon (PyTorch's BatchNorm1d default).
BN_EPS = 1e-5


def _batch_norm(z):
    """Normalise each unit of a (batch, width) pre-activation over the batch (BN at init:
    scale 1, shift 0). Returns (z_hat, 1/std per unit)."""
    inv_std = 1.0 / np.sqrt(z.var(axis=0) + BN_EPS)
    return (z - z.mean(axis=0)) * inv_std, inv_std


def _batch_norm_backward(d_zhat, z_hat, inv_std):
    """dL/dz from dL/dz_hat for :func:`_batch_norm` (the mean and variance depend on z too)."""
    n = d_zhat.shape[0]
    return inv_std / n * (n * d_zhat - d_zhat.sum(axis=0)
                          - z_hat * (d_zhat * z_hat).sum(axis=0))


def _deep_net(activation: str, x, y, readout, raw_weights, shift: float = 0.0) -> tuple:
    """Forward a batch through the stack, back-propagate a squared-error loss.

    Returns (loss, [dL/dW_l for l = 1..depth], [mean activation derivative of layer l for
    l = depth..1] (empty for the residual net)).
    ``activation`` is sigmoid or tanh (Xavier init), tanh_bn (Xavier, each layer's
    pre-activations batch-normalised before tanh), relu or leaky (He; leaky ReLU has slope
    LEAKY_SLOPE below zero) or residual (He, pre-activation blocks ``h + a W relu(h)`` with
    ``a = 1/sqrt(depth)``). ``shift`` is added to every pre-activation of the sigmoid and tanh
    stacks (a bias on every unit), pushing them off-centre towards the flat tails.
    """
    width = x.shape[1]
    depth = len(raw_weights)
    xavier = activation in ("sigmoid", "tanh", "tanh_bn")
    std = math.sqrt(1.0 / width) if xavier else math.sqrt(2.0 / width)
    weights = [std * w for w in raw_weights]
    branch = 1.0 / math.sqrt(depth)
    hs, zs, norms = [x], [], []
    for w in weights:
        if activation == "residual":
            z = np.maximum(hs[-1], 0.0) @ w
            h = hs[-1] + branch * z
        elif activation == "tanh_bn":
            z_hat, inv_std = _batch_norm(hs[-1] @ w + shift)
            norms.append((z_hat, inv_std))
            z = z_hat
            h = np.tanh(z_hat)
        else:
            z = hs[-1] @ w + (shift if xavier else 0.0)
            h = {"sigmoid": _sigmoid, "tanh": np.tanh,
                 "relu": lambda v: np.maximum(v, 0.0),
                 "leaky": lambda v: np.where(v > 0, v, LEAKY_SLOPE * v)}[activation](z)
        zs.append(z)
        hs.append(h)
    out = hs[-1] @ readout
    loss = 0.5 * float(np.mean((out - y) ** 2))
    d_h = np.outer((out - y) / len(y), readout)
    grads = [None] * depth
    derivs = []
    for layer in range(depth - 1, -1, -1):
        z, h_prev, w = zs[layer], hs[layer], weights[layer]
        if activation == "residual":
            d_z = branch * d_h
            grads[layer] = np.maximum(h_prev, 0.0).T @ d_z
            d_h = d_h + (d_z @ w.T) * (h_prev > 0)
            continue
        if activation == "sigmoid":
            deriv = hs[layer + 1] * (1.0 - hs[layer + 1])
        elif activation in ("tanh", "tanh_bn"):
            deriv = 1.0 - hs[layer + 1] ** 2
        elif activation == "leaky":
            deriv = np.where(z > 0, 1.0, LEAKY_SLOPE)
        else:
            deriv = (z > 0).astype(float)
        derivs.append(deriv.mean())
        d_z = d_h * deriv
        if activation == "tanh_bn":
            d_z = _batch_norm_backward(d_z, *norms[layer])
        grads[layer] = h_prev.T @ d_z
        d_h = d_z @ w.T
    return loss, grads, [float(d) for d in derivs]


@scenario(
    "Per-layer gradient norms in a deep net: sigmoid vanishes, ReLU (He) and residual ReLU do "
    "not; with tanh_shift, a tanh stack drifted into saturation, with and without batch norm",
    depth=Param("int", 20, "number of hidden layers", low=2, high=60),
    width=Param("int", 32, "units per layer", low=4, high=128),
    tanh_shift=Param("float", 0.0, "offset added to every pre-activation of a second tanh "
                     "stack (drift into the flat tails), shown beside the same shifted stack "
                     "with batch normalisation; 0 = not shown", low=0.0, high=5.0),
)
def layer_norms(*, seed, depth, width, tanh_shift):
    rng = np.random.default_rng(seed)
    raw = _random_layers(rng, depth, width)
    x = rng.standard_normal((BATCH, width))
    y = rng.standard_normal(BATCH)
    readout = rng.standard_normal(width) / math.sqrt(width)
    norms, mean_deriv, sig_derivs = {}, {}, []
    for act in ACTIVATIONS:
        _, grads, derivs = _deep_net(act, x, y, readout, raw)
        mean_deriv[act] = float(np.mean(derivs)) if derivs else None
        if act == "sigmoid":
            sig_derivs = derivs[::-1]  # layer 1 first
        norms[act] = [float(np.linalg.norm(g)) for g in grads]
    ratio = {act: (norms[act][0] / norms[act][-1] if norms[act][0] > 0 and norms[act][-1] > 0
                   else None) for act in ACTIVATIONS}
    values = {f"ratio_{act}": ratio[act] for act in ACTIVATIONS}
    for act in ACTIVATIONS:
        values[f"first_layer_grad_{act}"] = norms[act][0]
        values[f"last_layer_grad_{act}"] = norms[act][-1]
    values["orders_sigmoid"] = -math.log10(ratio["sigmoid"])
    values["decay_per_layer_sigmoid"] = ratio["sigmoid"] ** (1.0 / (depth - 1))
    values["mean_sigmoid_derivative"] = mean_deriv["sigmoid"]
    values["sigmoid_bound"] = SIGMOID_DERIVATIVE_MAX ** depth
    # From the last layer's weight gradient back to the first's, the gradient crosses the
    # activation derivatives of layers 1..depth-1: each at most 0.25, so their product is
    # at most 0.25^(depth-1). The first/last ratio also holds the weight matrices' factors
    # and the layers' inputs, so it is NOT bounded by that number.
    values["sigmoid_derivative_product"] = float(np.prod(sig_derivs[:-1]))
    values["sigmoid_bound_path"] = SIGMOID_DERIVATIVE_MAX ** (depth - 1)
    values["depth"] = depth
    values["width"] = width
    # Leaky ReLU on the same weights: kept out of the table, quoted when plain ReLU dies.
    _, leaky_grads, _ = _deep_net("leaky", x, y, readout, raw)
    leaky = [float(np.linalg.norm(g)) for g in leaky_grads]
    values["ratio_leaky_relu"] = leaky[0] / leaky[-1] if leaky[0] > 0 and leaky[-1] > 0 else None
    values["mean_tanh_derivative"] = mean_deriv["tanh"]
    drift = None
    if tanh_shift > 0:
        drift = {}
        for act, key in (("tanh", "shifted"), ("tanh_bn", "bn")):
            _, grads, derivs = _deep_net(act, x, y, readout, raw, shift=tanh_shift)
            drift[key] = [float(np.linalg.norm(g)) for g in grads]
            first, last = drift[key][0], drift[key][-1]
            values[f"ratio_tanh_{key}"] = first / last if first > 0 and last > 0 else None
            values[f"mean_tanh_derivative_{key}"] = float(np.mean(derivs))
        values["tanh_shift"] = tanh_shift
        shifted = values["ratio_tanh_shifted"]
        values["orders_tanh_shifted"] = -math.log10(shifted) if shifted else None

    shown = sorted({1, *range(5, depth, 5), depth})
    if len(shown) > 11:
        shown = sorted({1, *np.linspace(1, depth, 10).round().astype(int).tolist(), depth})
    columns = {"sigmoid": norms["sigmoid"], "tanh": norms["tanh"], "relu": norms["relu"],
               "relu+residual": norms["residual"]}
    if drift:  # the drifted tanh stacks beside the plain one; the ReLU columns make way
        columns = {"sigmoid": norms["sigmoid"], "tanh": norms["tanh"],
                   f"tanh +{tanh_shift:g}": drift["shifted"],
                   f"tanh +{tanh_shift:g}, BN": drift["bn"]}
    rows = [[layer, *(_sig(col[layer - 1]) for col in columns.values())] for layer in shown]
    rows.append(["first/last", *(_sig(col[0] / col[-1]) if col[0] > 0 and col[-1] > 0 else None
                                 for col in columns.values())])
    table = Table.of(["layer", *columns], rows)

    def shown_ratio(act: str) -> str:
        return "undefined" if ratio[act] is None else f"{ratio[act]:.2g}"

    findings = [
        f"Sigmoid: the first layer's gradient norm is {ratio['sigmoid']:.1e} times the last "
        f"layer's, {values['orders_sigmoid']:.1f} orders of magnitude smaller after {depth} "
        f"layers (about x{values['decay_per_layer_sigmoid']:.2f} per layer).",
        f"The sigmoid derivative never exceeds 0.25 (here it averages "
        f"{mean_deriv['sigmoid']:.3f}): the {depth - 1} derivatives between the last layer and "
        f"the first multiply to {values['sigmoid_derivative_product']:.1e}, under the cap "
        f"0.25^{depth - 1} = {values['sigmoid_bound_path']:.1e}; the weights add factors of "
        f"their own.",
        f"tanh (first/last = {shown_ratio('tanh')}) does not compound like the sigmoid because "
        f"tanh' is close to 1 near zero; plain ReLU with He init gives "
        + (f"{shown_ratio('relu')}." if ratio["relu"] is not None else
           "no ratio at all (a dead layer, below)."),
        f"ReLU with residual connections: first/last = {shown_ratio('residual')}; the skip path "
        f"adds the upstream gradient back unchanged, so it cannot shrink block by block.",
    ]
    if drift:  # the table shows the drifted tanh stacks instead of ReLU: so do the findings
        findings[2:] = [
            f"tanh with every pre-activation shifted by {tanh_shift:g} (drifted into the flat "
            f"tails): the mean tanh' falls from {values['mean_tanh_derivative']:.2f} to "
            f"{values['mean_tanh_derivative_shifted']:.2f}, and the first layer gets "
            f"{_shown(values['ratio_tanh_shifted'], '.1e')} of the last layer's gradient "
            f"(without the shift: {shown_ratio('tanh')}).",
            f"The same shifted stack with batch normalisation before every tanh (each unit's "
            f"pre-activations centred and scaled over the batch of {BATCH}): the shift is "
            f"removed, the mean tanh' is {values['mean_tanh_derivative_bn']:.2f} and "
            f"first/last = {_shown(values['ratio_tanh_bn'], '.2g')}, so the early layers' "
            f"gradient no longer collapses.",
        ]
    dead = [LABELS[act] for act in ("relu", "residual") if ratio[act] is None and not drift]
    if dead:
        findings.append(f"{' and '.join(dead)}: every unit of some layer is off for every "
                        f"example, so a gradient is exactly 0 and the ratio is undefined "
                        f"(a dead ReLU network; wider layers make this much rarer).")
        if ratio["relu"] is None and values["ratio_leaky_relu"] is not None:
            findings.append(f"Leaky ReLU (slope {LEAKY_SLOPE:g} below zero) on the same weights "
                            f"never has a zero derivative: first/last = "
                            f"{values['ratio_leaky_relu']:.2g}, so every layer still learns.")
    x_layers = list(range(1, depth + 1))
    lines = [(LABELS[act], norms[act], "line" if act != "residual" else "dashed")
             for act in ACTIVATIONS]
    if drift:
        lines = [lines[0], lines[1],
                 (f"tanh, shift {tanh_shift:g} (saturated)", drift["shifted"], "line"),
                 (f"tanh, shift {tanh_shift:g} + batch norm", drift["bn"], "dashed")]
    series = tuple(Series.of(label, [x for x, v in zip(x_layers, ys) if v > 0],
                             [v for v in ys if v > 0], style) for label, ys, style in lines)
    panel = Panel("lines", f"{depth} layers x {width} units",
                  "layer (1 = input side)", "||dL/dW|| (log scale)", series=series, y_log=True,
                  annotations=(Annotation(1, norms["sigmoid"][0],
                                          f"sigmoid: x{ratio['sigmoid']:.0e} of last layer"),)
                  if not (drift and drift["shifted"][0] > 0) else
                  (Annotation(1, drift["shifted"][0],
                              f"tanh, shift {tanh_shift:g}: "
                              f"x{values['ratio_tanh_shifted']:.0e} of last layer"),))
    title = (f"{depth} layers: the first sigmoid layer gets {ratio['sigmoid']:.0e} of the "
             f"last layer's gradient; ReLU (He) {shown_ratio('relu')}, residual "
             f"{shown_ratio('residual')}")
    if drift:
        title = (f"{depth} tanh layers shifted by {tanh_shift:g}: the first layer gets "
                 f"{_shown(values['ratio_tanh_shifted'], '.0e')} of the last layer's gradient; "
                 f"with batch norm {_shown(values['ratio_tanh_bn'], '.2g')}, unshifted "
                 f"{shown_ratio('tanh')}")
    chart = Chart(title, (panel,))
    return worked(values, table, findings, chart)


def _shown(ratio: float | None, spec: str) -> str:
    return "undefined (a zero gradient)" if ratio is None else format(ratio, spec)


def _positive(xs: list, ys: list) -> tuple[list, list]:
    """The points a log axis can show."""
    kept = [(x, y) for x, y in zip(xs, ys) if y > 0]
    return [x for x, _ in kept], [y for _, y in kept]


def _cut(values: list) -> tuple[list, bool]:
    """Keep a series while it stays inside [PLOT_FLOOR, PLOT_CAP]; say whether it was cut."""
    kept = []
    for v in values:
        if not (PLOT_FLOOR <= v <= PLOT_CAP):
            return kept, True
        kept.append(v)
    return kept, False


def _relu_backward_norms(raw_weights, width: int, scale: float, top_grad) -> list:
    """||dL/dh_l|| for l = depth..0 in a ReLU net whose weights are scale x He std.

    The loss gradient at the top is held fixed so only the backward product is measured.
    """
    std = scale * math.sqrt(2.0 / width)
    rng_x = np.random.default_rng(12345)
    h = rng_x.standard_normal((top_grad.shape[0], width))
    masks = []
    for w in raw_weights:
        z = h @ (std * w)
        masks.append(z > 0)
        h = np.maximum(z, 0.0)
    d_h = top_grad
    norms = [float(np.linalg.norm(d_h))]
    for w, mask in zip(reversed(raw_weights), reversed(masks)):
        d_h = (d_h * mask) @ (std * w).T
        norms.append(float(np.linalg.norm(d_h)))
    return norms  # index k = k layers below the top


@scenario(
    "Exploding gradients: large weights grow the norm layer by layer; RNN factor r^k through time",
    depth=Param("int", 20, "number of ReLU layers", low=2, high=60),
    width=Param("int", 32, "units per layer", low=4, high=128),
    weight_scale=Param("float", 1.5, "weights = weight_scale x He standard deviation",
                       low=0.1, high=4.0),
    steps=Param("int", 50, "time steps the RNN gradient is sent back", low=2, high=300),
    rnn_small=Param("float", 0.9, "recurrent scale below 1 (vanishes)", low=0.1, high=1.0),
    rnn_large=Param("float", 1.1, "recurrent scale above 1 (explodes)", low=1.0, high=3.0),
    gate=Param("float", 0.99, "LSTM forget-gate value on the cell-state path", low=0.0,
               high=1.0),
)
def exploding(*, seed, depth, width, weight_scale, steps, rnn_small, rnn_large, gate):
    rng = np.random.default_rng(seed)
    raw = _random_layers(rng, depth, width)
    top = rng.standard_normal((BATCH, width))
    top /= np.linalg.norm(top)
    big = _relu_backward_norms(raw, width, weight_scale, top)
    he = _relu_backward_norms(raw, width, 1.0, top)
    growth = (big[-1] / big[0]) ** (1.0 / depth) if big[-1] > 0 else None
    growth_he = (he[-1] / he[0]) ** (1.0 / depth) if he[-1] > 0 else None

    q, r_mat = np.linalg.qr(rng.standard_normal((width, width)))
    q = q * np.sign(np.diag(r_mat))
    g0 = rng.standard_normal(width)
    rnn = {}
    for label, r in (("small", rnn_small), ("one", 1.0), ("large", rnn_large)):
        g, norms = g0.copy(), [float(np.linalg.norm(g0))]
        w_t = (r * q).T
        for _ in range(steps):
            g = w_t @ g
            norms.append(float(np.linalg.norm(g)))
        rnn[label] = [n / norms[0] for n in norms]
    # An LSTM's cell state is c_t = f * c_(t-1) + (new input): along that additive path the
    # gradient is multiplied by the forget gate f at each step, not by a weight matrix and a
    # squashing derivative. Held at a constant f, that path keeps f^k of the gradient.
    cell = [1.0]
    for _ in range(steps):
        cell.append(cell[-1] * gate)
    overflow = (math.ceil(math.log(FLOAT32_MAX) / math.log(rnn_large))
                if rnn_large > 1.0 else None)

    values = {
        "growth_factor": growth,
        "growth_factor_he": growth_he,
        "grad_ratio_deep": big[-1] / big[0],
        "grad_ratio_he": he[-1] / he[0],
        "rnn_ratio_small": rnn["small"][-1],
        "rnn_ratio_large": rnn["large"][-1],
        "rnn_ratio_one": rnn["one"][-1],
        "rnn_ratio_gated": cell[-1],
        "gate": gate,
        "steps_to_float32_overflow": overflow,
        "weight_scale": weight_scale,
        "depth": depth,
        "steps": steps,
        "rnn_small": rnn_small,
        "rnn_large": rnn_large,
    }
    shown = sorted({0, *range(5, depth, 5), depth})[:11]
    rows = [[k, _sig(he[k]), _sig(big[k])] for k in shown]
    table = Table.of(["layers back", "He init (x1.0)", f"weights x{weight_scale:g}"], rows)

    if growth is None:
        findings = ["Every ReLU unit of some layer is off for every example, so the gradient "
                    "below it is exactly 0 and the per-layer factor is undefined (a dead "
                    "network; more width avoids it)."]
    else:
        findings = [
            f"With weights {weight_scale:g} times the He scale, each layer multiplies the "
            f"gradient norm by about {growth:.2f}: {depth} layers down it is "
            f"{values['grad_ratio_deep']:.3g} times its size at the top (He init: "
            f"{values['grad_ratio_he']:.3g})."]
    findings += [
        f"In a linear RNN the same recurrent matrix multiplies the gradient at every step: after "
        f"{steps} steps r = {rnn_small:g} leaves {rnn['small'][-1]:.2e} of it and "
        f"r = {rnn_large:g} multiplies it by {rnn['large'][-1]:.3g}.",
    ]
    findings.append(f"Along an LSTM's cell-state path the gradient is multiplied by the forget "
                    f"gate instead: f = {gate:g} keeps {cell[-1]:.2g} of it after {steps} steps, "
                    f"against {rnn['small'][-1]:.2g} for r = {rnn_small:g}.")
    if overflow is not None:
        findings.append(f"At r = {rnn_large:g} the factor r^k passes the float32 maximum "
                        f"(3.4e38) after {overflow} steps: gradients become inf, then NaN "
                        f"spreads into the weights and the loss.")
    else:
        findings.append("With r = 1 the gradient neither grows nor shrinks, so there is no "
                        "overflow step (steps_to_float32_overflow is undefined).")

    layers_x = list(range(depth + 1))
    big_cut, big_was_cut = _cut(big)
    panel1 = Panel(
        "lines", "Deep ReLU net: gradient norm vs layers back from the loss", "layers back",
        "||dL/dh|| (log scale)", y_log=True,
        series=(Series.of("He init (x1.0)", *_positive(layers_x, he)),
                Series.of(f"weights x{weight_scale:g}", layers_x[:len(big_cut)], big_cut)),
        annotations=((Annotation(len(big_cut) - 1, big_cut[-1], f"x{growth:.2f} per layer"),)
                     if big_cut and growth is not None else ()),
        hlines=((PLOT_CAP, "plot cut at 1e6"),) if big_was_cut else ())
    steps_x = list(range(steps + 1))
    rnn_series, cut_any = [], False
    for label, r, style in (("small", rnn_small, "line"), ("one", 1.0, "dotted"),
                            ("large", rnn_large, "dashed")):
        kept, was_cut = _cut(rnn[label])
        cut_any = cut_any or was_cut
        rnn_series.append(Series.of(f"r = {r:g}", steps_x[:len(kept)], kept, style))
    kept, was_cut = _cut(cell)
    cut_any = cut_any or was_cut
    rnn_series.append(Series.of(f"LSTM cell, f = {gate:g}", steps_x[:len(kept)], kept, "line"))
    panel2 = Panel("lines", "Linear RNN: gradient norm vs steps back in time", "steps back",
                   "gradient norm / initial (log scale)", y_log=True, series=tuple(rnn_series),
                   hlines=((1.0, "no change"),))
    if cut_any:
        findings.append("Series leaving 1e-12..1e6 are cut there in the chart.")
    deep = ("the gradient norm dies out (a dead ReLU layer)" if growth is None else
            f"x{growth:.2f} per layer gives {values['grad_ratio_deep']:.2g} after {depth} layers")
    through_time = (f"r = {rnn_small:g} and {rnn_large:g} give {rnn['small'][-1]:.2g} and "
                    f"{rnn['large'][-1]:.3g} after {steps} steps")
    if weight_scale == 1.0:  # He init: the deep net is unremarkable, so lead with time
        title = (f"Per-step factors compound through time: {through_time}; an LSTM cell path "
                 f"with forget gate {gate:g} keeps {cell[-1]:.2g}")
    else:
        title = f"Per-step factors compound: {deep}; {through_time}"
    chart = Chart(title, (panel1, panel2))
    return worked(values, table, findings, chart)


@scenario(
    "Clipping by global norm caps the gradient vector's length and keeps its direction",
    depth=Param("int", 20, "number of ReLU layers", low=2, high=60),
    width=Param("int", 32, "units per layer", low=4, high=128),
    weight_scale=Param("float", 1.5, "weights = weight_scale x He standard deviation",
                       low=0.1, high=4.0),
    max_norm=Param("float", 1.0, "clip the global gradient norm to this", low=1e-6, high=1e6),
    clip_value=Param("float", 0.01, "clip-by-value threshold for comparison", low=1e-9,
                     high=1e6),
    learning_rate=Param("float", 0.01, "step size of the SGD update", low=1e-6, high=10.0),
)
def clipping(*, seed, depth, width, weight_scale, max_norm, clip_value, learning_rate):
    rng = np.random.default_rng(seed)
    raw = _random_layers(rng, depth, width)
    std = weight_scale * math.sqrt(2.0 / width)
    h = rng.standard_normal((BATCH, width))
    hs, masks = [h], []
    for w in raw:
        z = hs[-1] @ (std * w)
        masks.append(z > 0)
        hs.append(np.maximum(z, 0.0))
    top = rng.standard_normal((BATCH, width)) / BATCH
    grads = [None] * depth
    d_h = top
    for layer in range(depth - 1, -1, -1):
        d_z = d_h * masks[layer]
        grads[layer] = hs[layer].T @ d_z
        d_h = d_z @ (std * raw[layer]).T
    flat = np.concatenate([g.ravel() for g in grads])
    total = math.sqrt(float(np.sum(flat * flat)))
    coef = min(1.0, max_norm / total) if total > 0 else 1.0
    clipped = flat * coef
    by_value = np.clip(flat, -clip_value, clip_value)

    def cos(a, b) -> float | None:  # element-wise sums: a BLAS dot is slow to spin up here
        denom = math.sqrt(float(np.sum(a * a) * np.sum(b * b)))
        return float(np.sum(a * b)) / denom if denom > 0 else None

    layer_norms = [float(np.linalg.norm(g)) for g in grads]
    after = math.sqrt(float(np.sum(clipped * clipped)))
    values = {
        "grad_norm_before": total,
        "grad_norm_after": after,
        "clip_coefficient": coef,
        "cosine_norm_clip": cos(flat, clipped),
        "cosine_value_clip": cos(flat, by_value),
        "value_clipped_share": float(np.mean(np.abs(flat) > clip_value)),
        "update_before": learning_rate * total,
        "update_after": learning_rate * after,
        "max_norm": max_norm,
    }
    shown = sorted({1, *range(5, depth, 5), depth})[:11]
    rows = [[k, _sig(layer_norms[k - 1]), _sig(layer_norms[k - 1] * coef), _sig(coef)]
            for k in shown]
    rows.append(["all", _sig(total), _sig(after), _sig(coef)])
    table = Table.of(["layer", "norm before", "norm after", "after/before"], rows)
    findings = [
        f"The raw gradient's global norm is {total:.3g}; clipping to max_norm = {max_norm:g} "
        f"multiplies every component by {coef:.3g}, so the SGD step length goes from "
        f"{values['update_before']:.3g} to {values['update_after']:.3g}.",
    ]
    if total == 0:
        findings.append("Every ReLU unit of some layer is off, so the gradient is exactly zero: "
                        "there is no direction, and both cosines are undefined.")
    else:
        findings += [
            f"Every layer is scaled by the same factor, so the gradient vector keeps its "
            f"direction (cosine with the raw gradient {values['cosine_norm_clip']:.4f}); with "
            f"momentum or Adam the update is built from more than this gradient.",
            f"Clipping each component to +-{clip_value:g} instead changes "
            f"{values['value_clipped_share']:.0%} of them and turns the direction (cosine "
            f"{values['cosine_value_clip']:.3f}).",
        ]
    if coef == 1.0:
        findings.append(f"The norm is not above max_norm = {max_norm:g}, so norm clipping "
                        f"leaves the gradient as it is.")
    layers_x = list(range(1, depth + 1))
    panel1 = Panel("lines", "Per-layer gradient norm before and after clipping",
                   "layer (1 = input side)", "||dL/dW|| (log scale)", y_log=True,
                   series=(Series.of("before clipping", *_positive(layers_x, layer_norms)),
                           Series.of("after clipping", *_positive(
                               layers_x, [n * coef for n in layer_norms]), "dashed")))
    raw_norms = np.logspace(-3, 6, 37)
    panel2 = Panel("lines", "Plain SGD step length vs raw gradient norm", "raw gradient norm (log)",
                   "step length = lr x norm (log)", x_log=True, y_log=True,
                   series=(Series.of("no clipping", raw_norms, learning_rate * raw_norms,
                                     "dotted"),
                           Series.of("clip by global norm", raw_norms,
                                     learning_rate * np.minimum(raw_norms, max_norm))),
                   vlines=((max_norm, "max_norm"),),
                   annotations=(Annotation(min(max(total, 1e-3), 1e6),
                                           learning_rate * min(max(total, 1e-3), 1e6, max_norm),
                                           "this network"),))
    if coef < 1.0:
        title = (f"Clipping by global norm rescales the whole gradient vector by {coef:.2g}: "
                 f"same direction, norm {total:.3g} -> {after:.3g}")
    else:
        title = (f"The gradient's norm {total:.3g} is within max_norm = {max_norm:g}: "
                 "clipping by global norm leaves it unchanged")
    chart = Chart(title, (panel1, panel2))
    return worked(values, table, findings, chart)


# ------------------------------------------------------------------------ gradient checking

BUGS = ("missing-activation-derivative", "missing-factor-2")


def _mlp_params(rng, n_in: int, hidden: int) -> dict:
    return {"W1": rng.standard_normal((n_in, hidden)) / math.sqrt(n_in),
            "b1": 0.1 * rng.standard_normal(hidden),
            "W2": rng.standard_normal((hidden, 1)) / math.sqrt(hidden),
            "b2": 0.1 * rng.standard_normal(1)}


def _mlp_loss(p: dict, x, y) -> float:
    h = np.tanh(x @ p["W1"] + p["b1"])
    out = (h @ p["W2"] + p["b2"])[:, 0]
    return float(np.mean((out - y) ** 2))


def _mlp_backprop(p: dict, x, y, bug: str | None = None) -> dict:
    h = np.tanh(x @ p["W1"] + p["b1"])
    out = (h @ p["W2"] + p["b2"])[:, 0]
    factor = 1.0 if bug == "missing-factor-2" else 2.0  # d/dout of (out - y)^2 is 2(out - y)
    d_out = (factor * (out - y) / len(y))[:, None]
    d_h = d_out @ p["W2"].T
    d_z = d_h if bug == "missing-activation-derivative" else d_h * (1.0 - h ** 2)
    return {"W1": x.T @ d_z, "b1": d_z.sum(0), "W2": h.T @ d_out, "b2": d_out.sum(0)}


def _numeric(p: dict, x, y, h: float, centred: bool = True) -> dict:
    grads = {}
    base = None if centred else _mlp_loss(p, x, y)
    for name, arr in p.items():
        g = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            old = arr[idx]
            arr[idx] = old + h
            up = _mlp_loss(p, x, y)
            if centred:
                arr[idx] = old - h
                down = _mlp_loss(p, x, y)
                g[idx] = (up - down) / (2.0 * h)
            else:
                g[idx] = (up - base) / h
            arr[idx] = old
        grads[name] = g
    return grads


def _flat(grads: dict):
    return np.concatenate([g.ravel() for g in grads.values()])


def _rel_error(a, b) -> float:
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / denom) if denom > 0 else 0.0


@scenario(
    "Gradient checking: back-prop vs centred finite differences, a buggy gradient, and the step h",
    h=Param("float", 1e-5, "finite-difference step", low=1e-12, high=0.5),
    hidden=Param("int", 5, "hidden units of the small tanh network", low=1, high=16),
    bug=Param("str", "missing-activation-derivative", "the deliberate back-prop bug",
              choices=BUGS),
)
def gradient_check(*, seed, h, hidden, bug):
    if bug not in BUGS:
        raise SimulationError(f"bug must be one of {', '.join(BUGS)}")
    rng = np.random.default_rng(seed)
    n_in = 3
    x = rng.standard_normal((8, n_in))
    y = rng.standard_normal(8)
    p = _mlp_params(rng, n_in, hidden)
    good = _mlp_backprop(p, x, y)
    wrong = _mlp_backprop(p, x, y, bug)
    num = _numeric(p, x, y, h)
    g_good, g_wrong, g_num = _flat(good), _flat(wrong), _flat(num)
    rel_correct = _rel_error(g_good, g_num)
    rel_buggy = _rel_error(g_wrong, g_num)

    hs = np.array([10.0 ** -k for k in range(1, 13)])  # 1e-1 .. 1e-12, exact decades
    centred = [_rel_error(g_good, _flat(_numeric(p, x, y, float(s)))) for s in hs]
    forward = [_rel_error(g_good, _flat(_numeric(p, x, y, float(s), centred=False)))
               for s in hs]
    best = int(np.argmin(centred))
    best_fwd = int(np.argmin(forward))
    n_params = int(g_good.size)
    values = {
        "rel_error_correct": rel_correct,
        "rel_error_buggy": rel_buggy,
        "best_h": float(hs[best]),
        "best_rel_error": centred[best],
        "best_h_forward": float(hs[best_fwd]),
        "best_rel_error_forward": forward[best_fwd],
        "rel_error_large_h": centred[0],
        "rel_error_tiny_h": centred[-1],
        "n_params": n_params,
        "loss_evaluations": 2 * n_params,
        "h": h,
    }
    rows = []
    for name in p:
        rows.append([name, int(p[name].size), _sig(float(np.linalg.norm(good[name]))),
                     _sig(_rel_error(good[name].ravel(), num[name].ravel())),
                     _sig(_rel_error(wrong[name].ravel(), num[name].ravel()))])
    rows.append(["all", n_params, _sig(float(np.linalg.norm(g_good))), _sig(rel_correct),
                 _sig(rel_buggy)])
    table = Table.of(["parameters", "count", "||grad||", "rel. error correct",
                      "rel. error buggy"], rows)
    findings = [
        f"With h = {h:g} the correct back-propagation agrees with centred differences to a "
        f"relative error of {rel_correct:.1e}; the version with the {bug.replace('-', ' ')} "
        f"bug is off by {rel_buggy:.2f}.",
        f"Error vs step: h = 0.1 gives {centred[0]:.1e} (truncation error), h = 1e-12 gives "
        f"{centred[-1]:.1e} (round-off); the best step here is h = {hs[best]:.0e} "
        f"({centred[best]:.1e}).",
        f"One-sided differences (f(w+h) - f(w)) / h are less accurate: best "
        f"{forward[best_fwd]:.1e} at h = {hs[best_fwd]:.0e}, because their truncation error "
        f"shrinks like h, not h^2.",
        f"The check needed {2 * n_params} loss evaluations for {n_params} parameters (back-prop "
        f"needs one backward pass), which is why it is a debugging tool, not a training step.",
    ]
    panel1 = Panel("bars", "Back-prop vs finite differences",
                   f"gradient code (bug: {bug})", "relative error (log scale)", y_log=True,
                   series=(Series.of("relative error", ["correct", "buggy"],
                                     [max(rel_correct, 1e-16), max(rel_buggy, 1e-16)]),),
                   hlines=((1e-7, "1e-7: fine"), (1e-2, "1e-2: suspect")))
    panel2 = Panel("lines", "Relative error vs finite-difference step h", "step h (log)",
                   "relative error (log)", x_log=True, y_log=True,
                   series=(Series.of("centred", hs, [max(c, 1e-16) for c in centred]),
                           Series.of("one-sided", hs, [max(f, 1e-16) for f in forward],
                                     "dashed")),
                   annotations=(Annotation(float(hs[best]), max(centred[best], 1e-16),
                                           f"best h = {hs[best]:.0e}"),
                                Annotation(float(hs[0]), centred[0], "truncation"),
                                Annotation(float(hs[-1]), centred[-1], "round-off")))
    chart = Chart(f"Correct code matches to {rel_correct:.0e}, the bug shows at {rel_buggy:.2g}; "
                  f"best h = {hs[best]:.0e}", (panel1, panel2))
    return worked(values, table, findings, chart)
