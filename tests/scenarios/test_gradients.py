"""Tests for simulations.gradients: pinned numbers for seed 0 and the claims each scenario makes."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from numpy.testing import assert_allclose

from quizzer import simulations
from quizzer.simulations import SimulationError
from quizzer.simulations import gradients as grad

SCENARIOS = ["gradients.layer_norms", "gradients.exploding", "gradients.clipping",
             "gradients.gradient_check"]


def run(name, seed=0, **params):
    return simulations.run(f"gradients.{name}", seed=seed, **params)


def _plotted_numbers(example):
    for panel in example.chart.panels:
        for series in panel.series:
            yield from series.y
            yield from (x for x in series.x if not isinstance(x, str))
        for note in panel.annotations:
            yield note.y
        for value, _ in (*panel.hlines, *panel.vlines):
            yield value


# ------------------------------------------------------------------------------ layer_norms

def test_layer_norms_pinned_seed0():
    v = run("layer_norms").values
    assert_allclose(v["ratio_sigmoid"], 5.3505e-13, rtol=1e-3)
    assert_allclose(v["ratio_tanh"], 0.63444, rtol=1e-3)
    assert_allclose(v["ratio_relu"], 0.97585, rtol=1e-3)
    assert_allclose(v["ratio_residual"], 0.79982, rtol=1e-3)
    assert_allclose(v["first_layer_grad_sigmoid"], 1.3674e-13, rtol=1e-3)
    assert_allclose(v["last_layer_grad_sigmoid"], 0.25558, rtol=1e-3)
    assert_allclose(v["mean_sigmoid_derivative"], 0.23262, rtol=1e-3)
    assert_allclose(v["decay_per_layer_sigmoid"], 0.22601, rtol=1e-3)


@pytest.mark.parametrize("seed", range(5))
def test_sigmoid_vanishes_residual_does_not_at_depth_20(seed):
    # The required claim: >= 1000x smaller for sigmoid, within 10x for residual ReLU.
    v = run("layer_norms", seed=seed, depth=20).values
    assert v["first_layer_grad_sigmoid"] * 1000 <= v["last_layer_grad_sigmoid"]
    assert v["ratio_sigmoid"] <= 1e-3
    assert 0.1 <= v["ratio_residual"] <= 10
    assert v["ratio_residual"] > 1e6 * v["ratio_sigmoid"]


@pytest.mark.parametrize("seed, depth", [(0, 5), (1, 10), (2, 10), (3, 20), (4, 40)])
def test_measured_derivative_product_respects_the_quarter_cap(seed, depth):
    # What the bank prints beside "at most 0.25^n" must never exceed it.
    v = run("layer_norms", seed=seed, depth=depth).values
    assert v["sigmoid_derivative_product"] <= v["sigmoid_bound_path"]
    assert_allclose(v["sigmoid_bound_path"], 0.25 ** (depth - 1))
    assert v["mean_sigmoid_derivative"] <= 0.25


@pytest.mark.parametrize("seed", range(4))
def test_xavier_does_not_save_sigmoid_but_tanh_keeps_its_gradient(seed):
    v = run("layer_norms", seed=seed, depth=20).values
    assert v["ratio_sigmoid"] < 1e-6
    assert 0.1 < v["ratio_tanh"] < 10


def test_layer_norms_title_quotes_this_run():
    ex = run("layer_norms", depth=10)
    assert ex.chart.title.startswith("10 layers")
    assert f"{ex.values['ratio_sigmoid']:.0e}" in ex.chart.title


def test_sigmoid_shrinks_geometrically_toward_the_input():
    ex = run("layer_norms")
    sigmoid = next(s for s in ex.chart.panels[0].series if s.label.startswith("sigmoid"))
    norms = np.array(sigmoid.y)
    # Every 5 layers back the gradient loses at least an order of magnitude ...
    assert np.all(norms[:-5] * 10 < norms[5:])
    # ... at a steady per-layer factor no larger than the sigmoid's maximum derivative 0.25
    # times a modest weight factor.
    steps = norms[:-1] / norms[1:]
    assert np.all(steps < 0.5)
    v = ex.values
    assert v["mean_sigmoid_derivative"] <= 0.25
    assert v["sigmoid_bound"] == pytest.approx(0.25 ** 20)
    assert v["orders_sigmoid"] > 3


def test_deeper_sigmoid_net_vanishes_more():
    shallow = run("layer_norms", depth=5).values["ratio_sigmoid"]
    deep = run("layer_norms", depth=40).values["ratio_sigmoid"]
    assert deep < shallow * 1e-10


@pytest.mark.parametrize("activation", grad.ACTIVATIONS)
def test_deep_net_backprop_matches_finite_differences(activation):
    rng = np.random.default_rng(3)
    raw = grad._random_layers(rng, 3, 5)
    x, y = rng.standard_normal((4, 5)), rng.standard_normal(4)
    readout = rng.standard_normal(5)
    _, grads, _ = grad._deep_net(activation, x, y, readout, raw)
    std = math.sqrt((1.0 if activation in ("sigmoid", "tanh") else 2.0) / 5)
    h = 1e-6
    for layer in range(3):
        for idx in [(0, 0), (2, 4), (4, 1)]:
            old = raw[layer][idx]
            raw[layer][idx] = old + h
            up = grad._deep_net(activation, x, y, readout, raw)[0]
            raw[layer][idx] = old - h
            down = grad._deep_net(activation, x, y, readout, raw)[0]
            raw[layer][idx] = old
            numeric = (up - down) / (2 * h) / std  # dL/dW = dL/draw / std
            assert_allclose(grads[layer][idx], numeric, rtol=1e-5, atol=1e-9)


def test_layer_norms_table_and_chart():
    ex = run("layer_norms")
    assert len(ex.table.rows) <= 12 and len(ex.table.columns) <= 6
    assert ex.table.rows[-1][0] == "first/last"
    panel = ex.chart.panels[0]
    assert panel.y_log and len(panel.series) == 4
    assert all(math.isfinite(n) and n > 0 for n in _plotted_numbers(ex))
    assert "0.25" in " ".join(ex.findings)
    assert 2 <= len(ex.findings) <= 5


def test_dead_relu_network_gives_undefined_ratio_and_says_why():
    ex = run("layer_norms", depth=40, width=4)
    assert ex.values["ratio_relu"] is None
    assert any("undefined" in f for f in ex.findings)
    assert all(math.isfinite(n) and n > 0 for n in _plotted_numbers(ex))


# -------------------------------------------------------------------------------- exploding

def test_exploding_pinned_seed0():
    v = run("exploding").values
    assert_allclose(v["growth_factor"], 1.50884, rtol=1e-4)
    assert_allclose(v["grad_ratio_deep"], 3739.92, rtol=1e-4)
    assert_allclose(v["grad_ratio_he"], 1.12470, rtol=1e-4)
    assert v["steps_to_float32_overflow"] == 931


def test_large_weights_explode_geometrically():
    ex = run("exploding", weight_scale=1.5)
    v = ex.values
    big = np.array(ex.chart.panels[0].series[1].y)
    assert np.all(np.diff(big[::5]) > 0)  # grows every 5 layers
    assert v["grad_ratio_deep"] > 1000
    assert v["growth_factor"] == pytest.approx(1.5, rel=0.1)
    # ReLU is positively homogeneous: scaling every weight by s scales each backward factor by s.
    assert v["growth_factor"] / v["growth_factor_he"] == pytest.approx(1.5, rel=1e-9)
    assert 0.1 < v["grad_ratio_he"] < 10
    small = run("exploding", weight_scale=0.5).values
    assert small["grad_ratio_deep"] < 1e-3


def test_rnn_factor_is_r_to_the_k():
    v = run("exploding", steps=50, rnn_small=0.9, rnn_large=1.1).values
    assert_allclose(v["rnn_ratio_small"], 0.9 ** 50, rtol=1e-9)
    assert_allclose(v["rnn_ratio_large"], 1.1 ** 50, rtol=1e-9)
    assert_allclose(v["rnn_ratio_one"], 1.0, rtol=1e-9)
    assert v["rnn_ratio_small"] < 0.01 < 100 < v["rnn_ratio_large"]
    n = v["steps_to_float32_overflow"]
    assert 1.1 ** (n - 1) < float(np.finfo(np.float32).max) <= 1.1 ** n


def test_exploding_chart_is_cut_and_finite():
    ex = run("exploding", weight_scale=4.0, depth=60, steps=300, rnn_small=0.1, rnn_large=3.0)
    values = list(_plotted_numbers(ex))
    assert all(math.isfinite(n) for n in values)
    for panel in ex.chart.panels:
        for series in panel.series:
            assert max(series.y) <= grad.PLOT_CAP
    assert any("cut" in f for f in ex.findings)
    assert run("exploding", rnn_large=1.0).values["steps_to_float32_overflow"] is None


# --------------------------------------------------------------------------------- clipping

def test_clipping_pinned_seed0():
    v = run("clipping").values
    assert_allclose(v["grad_norm_before"], 50144.5, rtol=1e-4)
    assert_allclose(v["cosine_value_clip"], 0.58674, rtol=1e-3)


def test_clip_by_global_norm_caps_length_and_keeps_direction():
    ex = run("clipping", max_norm=2.0, learning_rate=0.1)
    v = ex.values
    assert v["grad_norm_before"] > 2.0
    assert v["grad_norm_after"] == pytest.approx(2.0)
    assert v["update_after"] == pytest.approx(0.2)
    assert v["update_before"] == pytest.approx(0.1 * v["grad_norm_before"])
    assert v["cosine_norm_clip"] == pytest.approx(1.0, abs=1e-12)
    assert v["cosine_value_clip"] < 0.9  # clipping by value turns the direction
    before, after = (np.array(s.y) for s in ex.chart.panels[0].series)
    assert_allclose(after / before, v["clip_coefficient"], rtol=1e-12)


def test_exploding_title_follows_the_weight_scale():
    small = run("exploding", weight_scale=0.5)
    assert "x0.50 per layer" in small.chart.title and small.values["grad_ratio_deep"] < 1e-3
    big = run("exploding", weight_scale=1.5)
    assert "x1.51 per layer" in big.chart.title and big.values["grad_ratio_deep"] > 1e3


def test_clipping_shrinks_small_layers_too_and_never_enlarges():
    ex = run("clipping", max_norm=1.0)
    rows = [r for r in ex.table.rows if r[0] != "all"]
    assert all(after <= before for _, before, after, _ in rows)
    assert ex.values["clip_coefficient"] < 1 and "rescales" in ex.chart.title
    calm = run("clipping", max_norm=1e6)
    assert calm.values["clip_coefficient"] == 1.0 and "unchanged" in calm.chart.title


def test_clipping_below_threshold_changes_nothing():
    v = run("clipping", max_norm=1e6).values
    assert v["clip_coefficient"] == 1.0
    assert v["grad_norm_after"] == v["grad_norm_before"]


# --------------------------------------------------------------------------- gradient_check

def test_gradient_check_pinned_seed0():
    v = run("gradient_check").values
    assert_allclose(v["rel_error_buggy"], 0.12883, rtol=1e-3)
    assert_allclose(v["rel_error_large_h"], 2.5951e-3, rtol=1e-3)
    assert_allclose(v["rel_error_correct"], 2.7e-11, rtol=0.5)  # round-off sized: loose
    assert v["best_h"] == 1e-5
    assert v["n_params"] == 26 and v["loss_evaluations"] == 52


@pytest.mark.parametrize("seed", range(3))
def test_correct_gradient_passes_buggy_fails(seed):
    v = run("gradient_check", seed=seed).values
    assert v["rel_error_correct"] < 1e-7
    assert v["rel_error_buggy"] > 5e-2
    assert v["rel_error_buggy"] > 1e6 * v["rel_error_correct"]


def test_missing_factor_two_gives_one_third():
    # g/2 against g: |g - g/2| / (|g| + |g/2|) = 1/3
    v = run("gradient_check", bug="missing-factor-2").values
    assert_allclose(v["rel_error_buggy"], 1 / 3, rtol=1e-6)


def test_missing_activation_derivative_only_breaks_first_layer():
    rows = {r[0]: r for r in run("gradient_check").table.rows}
    assert rows["W1"][4] > 1e-2 and rows["b1"][4] > 1e-2
    assert rows["W2"][4] < 1e-7 and rows["b2"][4] < 1e-7


def test_step_size_has_a_sweet_spot():
    v = run("gradient_check").values
    assert 1e-7 <= v["best_h"] <= 1e-3
    assert v["rel_error_large_h"] > 1e4 * v["best_rel_error"]  # truncation
    assert v["rel_error_tiny_h"] > 1e4 * v["best_rel_error"]   # round-off
    assert v["best_rel_error_forward"] > 10 * v["best_rel_error"]  # one-sided is worse
    tiny = run("gradient_check", h=1e-12).values
    assert tiny["rel_error_correct"] > 1e-7  # a too-small h makes correct code look wrong


# ------------------------------------------------------------------------------- contract

@pytest.mark.parametrize("name", SCENARIOS)
def test_fast(name):
    simulations.run(name, seed=11)  # warm up imports
    start = time.perf_counter()
    simulations.run(name, seed=12)
    assert time.perf_counter() - start < 0.3


@pytest.mark.parametrize("name, params", [
    ("layer_norms", {"depth": 1}),
    ("layer_norms", {"width": 0}),
    ("layer_norms", {"depth": 2.5}),
    ("exploding", {"weight_scale": -1.0}),
    ("exploding", {"rnn_small": 1.5}),
    ("clipping", {"max_norm": 0.0}),
    ("clipping", {"momentum": 0.9}),
    ("gradient_check", {"h": 0.0}),
    ("gradient_check", {"bug": "off-by-one"}),
])
def test_bad_params_raise(name, params):
    with pytest.raises(SimulationError):
        run(name, **params)


def test_lstm_cell_path_keeps_gate_to_the_k_and_outlasts_the_rnn():
    ex = run("exploding", steps=50, rnn_small=0.9, gate=0.99)
    v = ex.values
    assert_allclose(v["rnn_ratio_gated"], 0.99 ** 50, rtol=1e-9)
    assert v["rnn_ratio_gated"] > 100 * v["rnn_ratio_small"]
    assert any("forget gate" in f and f"{v['rnn_ratio_gated']:.2g}" in f for f in ex.findings)
    # At He scale the deep net neither explodes nor vanishes, so the title is about time.
    he = run("exploding", weight_scale=1.0)
    assert "per layer" not in he.chart.title
    assert f"{he.values['rnn_ratio_gated']:.2g}" in he.chart.title


def test_leaky_relu_keeps_gradients_where_plain_relu_dies():
    ex = run("layer_norms", depth=40, width=4)
    v = ex.values
    assert v["ratio_relu"] is None
    assert v["ratio_leaky_relu"] is not None and v["ratio_leaky_relu"] > 1e-3
    assert any("Leaky ReLU" in f and f"{v['ratio_leaky_relu']:.2g}" in f for f in ex.findings)


# ------------------------------------------------------------- tanh drift and batch norm

@pytest.mark.parametrize("activation, shift", [("tanh", 1.5), ("tanh_bn", 0.0), ("tanh_bn", 2.0)])
def test_shifted_and_batch_normalised_tanh_backprop_matches_finite_differences(activation, shift):
    rng = np.random.default_rng(5)
    raw = grad._random_layers(rng, 3, 5)
    x, y = rng.standard_normal((6, 5)), rng.standard_normal(6)
    readout = rng.standard_normal(5)
    _, grads, _ = grad._deep_net(activation, x, y, readout, raw, shift=shift)
    std = math.sqrt(1.0 / 5)
    h = 1e-6
    for layer in range(3):
        for idx in [(0, 0), (2, 4), (4, 1)]:
            old = raw[layer][idx]
            raw[layer][idx] = old + h
            up = grad._deep_net(activation, x, y, readout, raw, shift=shift)[0]
            raw[layer][idx] = old - h
            down = grad._deep_net(activation, x, y, readout, raw, shift=shift)[0]
            raw[layer][idx] = old
            assert_allclose(grads[layer][idx], (up - down) / (2 * h) / std, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_tanh_drifted_into_its_tails_vanishes_and_batch_norm_restores_it(seed):
    # The claim grad-batchnorm-scenario quotes: the same tanh stack with its pre-activations
    # pushed into the flat tails has a far smaller tanh' and a first/last gradient ratio many
    # orders of magnitude below the well-scaled stack; batch norm on the shifted stack brings
    # tanh' back and the ratio does not collapse.
    v = run("layer_norms", seed=seed, depth=30, tanh_shift=2.0).values
    assert v["mean_tanh_derivative_shifted"] < 0.5 * v["mean_tanh_derivative"]
    assert v["ratio_tanh_shifted"] < 1e-6 * v["ratio_tanh"]
    assert v["orders_tanh_shifted"] > 6
    assert v["mean_tanh_derivative_bn"] > 2 * v["mean_tanh_derivative_shifted"]
    assert v["ratio_tanh_bn"] > 1e6 * v["ratio_tanh_shifted"]
    assert v["ratio_tanh_bn"] > 0.1


def test_a_larger_drift_saturates_more():
    ratios = [run("layer_norms", depth=20, tanh_shift=s).values["ratio_tanh_shifted"]
              for s in (0.5, 1.0, 2.0, 3.0)]
    assert all(b < a for a, b in zip(ratios, ratios[1:]))


def test_batch_norm_removes_a_constant_shift_whatever_its_size():
    bn = [run("layer_norms", depth=20, tanh_shift=s).values for s in (0.5, 3.0)]
    assert_allclose(bn[0]["ratio_tanh_bn"], bn[1]["ratio_tanh_bn"], rtol=1e-6)
    assert_allclose(bn[0]["mean_tanh_derivative_bn"], bn[1]["mean_tanh_derivative_bn"],
                    rtol=1e-6)


def test_drifted_tanh_run_shows_and_quotes_its_own_numbers():
    ex = run("layer_norms", depth=30, tanh_shift=2.0)
    v = ex.values
    assert ex.table.columns == ("layer", "sigmoid", "tanh", "tanh +2", "tanh +2, BN")
    assert ex.table.rows[-1][3] == float(f"{v['ratio_tanh_shifted']:.3g}")
    assert f"{v['ratio_tanh_shifted']:.0e}" in ex.chart.title
    assert f"{v['ratio_tanh_bn']:.2g}" in ex.chart.title
    text = " ".join(ex.findings)
    assert f"{v['mean_tanh_derivative_shifted']:.2f}" in text
    assert f"{v['ratio_tanh_shifted']:.1e}" in text
    assert "ReLU" not in text  # the ReLU columns are not in this table
    labels = [s.label for s in ex.chart.panels[0].series]
    assert any("batch norm" in label for label in labels)
    assert all(math.isfinite(n) and n > 0 for n in _plotted_numbers(ex))


def test_without_a_shift_the_run_is_unchanged():
    plain, explicit = run("layer_norms", depth=10), run("layer_norms", depth=10, tanh_shift=0.0)
    assert plain.values == explicit.values and plain.findings == explicit.findings
    assert "ratio_tanh_shifted" not in plain.values
    assert plain.table.columns == ("layer", "sigmoid", "tanh", "relu", "relu+residual")
