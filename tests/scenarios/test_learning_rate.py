"""The learning-rate scenarios: pinned numbers, and the claims each one demonstrates."""


import numpy as np
import pytest
from numpy.testing import assert_allclose

from quizzer import simulations
from quizzer.simulations import SimulationError

NAMES = ("rates", "lopsided", "ill_conditioned", "momentum", "schedules", "warmup")


def run(name, **params):
    return simulations.run(f"learning_rate.{name}", **params)


# ------------------------------------------------------------------------------- 1-D rates

def test_rates_pinned_numbers():
    v = run("rates").values
    assert [v[f"rate_{i}"] for i in range(1, 6)] == [0.01, 0.1, 0.4, 0.9, 1.1]
    assert_allclose([v[f"factor_{i}"] for i in range(1, 6)], [0.98, 0.8, 0.2, -0.8, -1.2])
    assert [v[f"steps_{i}"] for i in range(1, 6)] == [283, 26, 4, 26, None]
    assert v["final_loss_5"] is None
    assert_allclose(v["diverged_growth"], 1.44)
    assert v["diverged_rate"] == 1.1 and v["diverged_blowup_step"] == 38
    assert v["stable_limit"] == 1.0 and v["best_rate"] == 0.5
    assert v["fastest_rate"] == 0.4 and v["fastest_steps"] == 4


def test_rates_claims():
    ex = run("rates")
    v = ex.values
    # too small needs far more steps than a good rate
    assert v["steps_1"] > 10 * v["steps_3"]
    # the divergent rate's loss grows step over step until it is cut
    div = next(s for s in ex.chart.panels[0].series if s.label == "rate 1.1")
    assert all(b > a for a, b in zip(div.y, div.y[1:]))
    assert div.y[-1] > 1e6 * div.y[0]
    # the oscillating rate flips the sign of w every step but its loss still falls
    path = next(s for s in ex.chart.panels[1].series if s.label == "rate 0.9")
    signs = np.sign(path.x)
    assert all(signs[1:] == -signs[:-1])
    osc = next(s for s in ex.chart.panels[0].series if s.label == "rate 0.9")
    assert all(b < a for a, b in zip(osc.y, osc.y[1:]))
    # rates mirrored around 1/c converge equally fast: |1 - 2r| is the same
    assert v["steps_2"] == v["steps_4"]
    assert any("1.1 diverged" in f and "1.44" in f for f in ex.findings)


@pytest.mark.parametrize("rate", [0.05, 0.3, 0.7, 0.95, 1.05, 1.5])
def test_rates_stability_boundary_is_two_over_curvature(rate):
    v = run("rates", rates=[rate], curvature=4.0, steps=3000).values
    assert_allclose(v["factor_1"], 1 - 4.0 * rate)
    diverged = rate > 2 / 4.0
    assert (v["final_loss_1"] is None) == diverged
    assert (v["steps_1"] is None) == diverged


def test_rates_too_few_steps_is_reported_not_invented():
    ex = run("rates", rates=[0.01, 0.4], steps=50)
    assert ex.values["steps_1"] is None and ex.values["final_loss_1"] > 1e-4
    assert any("still" in f for f in ex.findings)


def test_rates_title_names_only_the_runs_drawn():
    one = run("rates", rates=[0.9]).chart.title
    assert "diverges" not in one and "crawls" not in one and "0.9" in one
    assert "diverges" in run("rates").chart.title


@pytest.mark.parametrize("rates, drawn", [
    ((0.0001, 0.001, 0.01, 0.1), "0.1"),   # nothing overshoots or diverges: the fastest
    ((0.1, 1.1), "1.1"),                    # the diverging one
    ((0.1, 0.3, 0.5, 0.8, 1.2), "0.8"),     # the overshooting one
    ((0.01, 0.1, 0.4, 0.9, 1.1), "0.9"),    # the chosen path_rate, since the run has it
])
def test_rates_path_panel_draws_a_rate_the_run_has(rates, drawn):
    ex = run("rates", rates=list(rates))
    panel = ex.chart.panels[1]
    assert panel.title.startswith(f"Path of rate {drawn} ")
    # the path's first step is that rate's own factor (1 - rate * c) times the start
    path = next(s for s in panel.series if s.label == f"rate {drawn}")
    assert_allclose(path.x[1], (1 - float(drawn) * 2.0) * path.x[0])
    assert float(drawn) in rates


def test_rates_loss_at_check_step_is_read_off_the_curve():
    ex = run("rates", rates=[0.0001, 0.1], check_step=10)
    curve = next(s for s in ex.chart.panels[0].series if s.label == "rate 0.0001")
    assert_allclose(ex.values["loss_at_check_1"], curve.y[10])
    assert ex.values["loss_at_check_2"] < ex.values["loss_at_check_1"] / 10


# ------------------------------------------------------------------------- lopsided valley

def test_lopsided_overshoot_makes_the_loss_zigzag():
    ex = run("lopsided")
    v = ex.values
    by_rate = {s.label: s.y for s in ex.chart.panels[0].series}
    # the small rates never overshoot: the loss falls on every step
    for label in ("rate 0.1", "rate 0.45"):
        y = by_rate[label]
        assert all(b < a for a, b in zip(y, y[1:]))
    # rate 1.45: the loss goes up and down in turn, yet converges
    y = by_rate["rate 1.45"]
    moves = np.sign(np.diff(y[:21]))
    assert v["ups_3"] == int(np.sum(moves > 0)) >= 5
    assert all(moves[1:] == -moves[:-1])
    assert v["steps_3"] is not None
    # rate 1.6: the same zig-zag, but it climbs until it is cut
    y = by_rate["rate 1.6"]
    assert v["ups_4"] >= 5 and v["blowup_step_4"] is not None
    assert y[-1] > 1e6 * y[0] and max(y[:4]) < y[0] * 10
    assert "zig-zags" in ex.chart.title


@pytest.mark.parametrize("rate", [1.2, 1.4, 1.45, 1.55, 1.6, 1.8])
def test_lopsided_converges_exactly_when_a_round_trip_shrinks(rate):
    v = run("lopsided", rates=[rate], steps=3000).values
    shrinks = abs((1 - rate) * (1 - 2 * rate)) < 1
    assert (v["steps_1"] is not None) == shrinks
    assert (v["blowup_step_1"] is not None) == (not shrinks)
    # a small overshoot can still lower the loss on every step; a large one cannot
    assert (v["ups_1"] > 0) == (rate >= 1.4)


# ------------------------------------------------------------------------------------ 2-D bowl

def test_ill_conditioned_pinned_numbers():
    v = run("ill_conditioned").values
    assert_allclose(v["stable_limit"], 0.08)
    assert_allclose(v["best_rate"], 2 / 26)
    assert_allclose(v["best_factor"], 24 / 26)
    assert [v["steps_1"], v["steps_2"], v["steps_3"]] == [280, 73, None]
    assert_allclose([v["steep_factor_3"], v["flat_factor_3"]], [-1.25, 0.91])
    assert v["n_diverged"] == 1


def test_ill_conditioned_claims():
    ex = run("ill_conditioned")
    loss = ex.chart.panels[1].series
    # 0.09 is a fine rate for the flat direction but diverges along the steep one
    div = loss[2].y
    assert all(b > a for a, b in zip(div[1:], div[2:]))
    # a rate just under 2/lambda_max converges; the flat direction dominates its progress
    v = ex.values
    assert v["rate_2"] < v["stable_limit"] < v["rate_3"]
    assert abs(v["flat_factor_2"]) > abs(v["steep_factor_2"])
    # the more elongated the bowl, the slower the best stable rate gets there
    slow = run("ill_conditioned", condition=100.0, rates=[1.9 / 100]).values
    fast = run("ill_conditioned", condition=4.0, rates=[1.9 / 4]).values
    assert fast["steps_1"] < slow["steps_1"]


# -------------------------------------------------------------------------------- momentum

def test_momentum_pinned_and_faster():
    v = run("momentum").values
    assert v["plain_steps"] == 78 and v["momentum_steps"] == 31
    assert_allclose(v["plain_factor"], 0.93)
    assert_allclose(v["momentum_factor"], 0.82095, rtol=1e-4)
    assert v["momentum_steps"] < v["plain_steps"]
    assert_allclose(v["momentum_limit"], 2 * 1.5 / 25)


def test_momentum_stays_stable_where_plain_gd_diverges():
    v = run("momentum", rate=0.1).values
    assert v["plain_steps"] is None and v["plain_final_loss"] is None
    assert v["momentum_steps"] is not None


def test_momentum_beta_zero_is_plain_gd():
    v = run("momentum", beta=0.0).values
    assert v["plain_steps"] == v["momentum_steps"]


# ------------------------------------------------------------------------------- schedules

def test_schedules_pinned_numbers():
    v = run("schedules").values
    assert_allclose(v["high_floor"], 10 * 0.5 / 3)
    assert_allclose([v["const_high_final"], v["const_low_final"], v["step_decay_final"],
                     v["cosine_final"]], [1.6848, 1.1075, 0.10127, 0.091054], rtol=1e-3)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_schedules_decay_beats_constant_rates(seed):
    v = simulations.run("learning_rate.schedules", seed=seed).values
    for decayed in (v["step_decay_final"], v["cosine_final"]):
        assert decayed < v["const_high_final"] / 5
        assert decayed < v["const_low_final"]
    # the constant high rate sits at its theoretical noise floor
    assert_allclose(v["const_high_final"], v["high_floor"], rtol=0.25)
    # early on, the high rate is far ahead of the low one
    assert v["const_high_quarter"] < v["const_low_quarter"] / 5


def test_schedules_cosine_is_flat_at_both_ends_and_steepest_halfway():
    """The warm-up/cosine ordering item rests on this shape, measured on the drawn rates."""
    ex = run("schedules", warmup=20)
    v = ex.values
    cosine = next(s for s in ex.chart.panels[1].series if s.label == "cosine")
    assert list(cosine.y[:20]) == sorted(cosine.y[:20]) and max(cosine.y) == v["rate"]
    assert v["cosine_drop_middle_tenth"] > 5 * v["cosine_drop_first_tenth"]
    assert v["cosine_drop_middle_tenth"] > 5 * v["cosine_drop_last_tenth"]
    span = v["cosine_tenth_steps"]
    assert_allclose(v["cosine_drop_first_tenth"], cosine.y[20] - cosine.y[20 + span])


def test_schedules_without_noise_have_no_floor():
    v = run("schedules", noise=0.0).values
    assert v["const_high_final"] < 1e-20


def test_schedules_seed_changes_noise_only():
    a = simulations.run("learning_rate.schedules", seed=0).values
    b = simulations.run("learning_rate.schedules", seed=1).values
    assert a["const_high_final"] != b["const_high_final"]
    assert a["high_floor"] == b["high_floor"]


# --------------------------------------------------------------------------------- warm-up

def test_warmup_claims():
    v = run("warmup").values
    assert_allclose(v["start_limit"], 2 / 28)
    assert v["peak_steps"] is None and v["peak_blowup_step"] == 2
    assert v["warmup_steps"] == 15 and v["small_steps"] == 125
    assert v["warmup_steps"] < v["small_steps"]
    assert v["rate"] > v["start_limit"] and v["small_rate"] < v["start_limit"]


def test_warmup_below_the_start_limit_needs_no_warmup():
    v = run("warmup", rate=0.06).values
    assert v["peak_blowup_step"] is None and v["peak_steps"] is not None


# ---------------------------------------------------------------------------- bad params

@pytest.mark.parametrize("name, params", [
    ("rates", {"rates": [0.1, -0.5]}),
    ("rates", {"rates": [0.1] * 9}),
    ("rates", {"curvature": 0}),
    ("rates", {"tol": 100.0}),
    ("rates", {"w0": 0.01, "tol": 1e-3}),
    ("rates", {"steps": "many"}),
    ("ill_conditioned", {"condition": 0.5}),
    ("ill_conditioned", {"bogus": 1}),
    ("momentum", {"beta": 1.0}),
    ("schedules", {"warmup": 200}),
    ("schedules", {"noise": -1}),
    ("warmup", {"warmup": 0}),
    ("warmup", {"warmup": 300, "steps": 100}),
])
def test_bad_params_raise(name, params):
    with pytest.raises(SimulationError):
        run(name, **params)
