"""Tests for simulations.batch_size: numbers pinned for seed 0 and each scenario's claim."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from quizzer import simulations
from quizzer.simulations import SimulationError

ESCAPE = "batch_size.escape"
NOISE = "batch_size.gradient_noise"
EPOCHS = "batch_size.same_epochs"
SIZES = (1, 2, 4, 8, 16, 32, 64, 128)     # the default batch sizes of escape (N = 128)


def fresh(name, seed=0, **params):
    """Run the scenario function itself, bypassing the registry's memo."""
    full, problems = simulations.check_params(name, params)
    assert not problems
    return simulations.describe(name).function(seed=seed, **full)


# ----------------------------------------------------------------------------------- escape

@pytest.fixture(scope="module")
def escape():
    return simulations.run(ESCAPE)


def test_escape_pinned_numbers(escape):
    v = escape.values
    shares = [v[f"escape_share_b{b}"] for b in SIZES]
    assert_allclose(shares, [1.0, 1.0, 1.0, 0.755, 0.01, 0.0, 0.0, 0.0], atol=1e-9)
    assert_allclose([v["loss_std_b1"], v["loss_std_b8"], v["loss_std_b16"], v["loss_std_b128"]],
                    [0.0066, 0.3924, 0.0908, 0.0], atol=2e-4)
    assert_allclose([v["poor_min_loss"], v["better_min_loss"], v["barrier_height"]],
                    [-0.4968, -1.4097, 0.0781], atol=2e-4)
    assert v["batch_at_max_std"] == 8
    assert v["updates_per_epoch_b8"] == 16


def test_escape_small_batches_escape_large_batches_stay(escape):
    v = escape.values
    shares = [v[f"escape_share_b{b}"] for b in SIZES]
    assert shares == sorted(shares, reverse=True)      # never more escapes with a bigger batch
    assert v["escape_share_smallest"] >= 0.95
    assert v["escape_share_largest"] == 0.0


def test_escape_narrow_minimum_loses_more_on_moved_test_data(escape):
    """bs-sharp-minima-gap and bs-regularising-effect quote this: with new data modelled as
    the landscape moved by test_shift, the narrow (poor) minimum loses more than the wide one,
    so the batch sizes that stay in it lose more on test data."""
    v = escape.values
    assert v["test_gap_poor_min"] > 2 * v["test_gap_better_min"] > 0
    assert v["test_gap_b128"] > 2 * v["test_gap_b1"]
    assert v["test_gap_b64"] > 2 * v["test_gap_b2"]
    # no shift, no gap: the effect comes only from the modelled move of the data
    still = fresh(ESCAPE, test_shift=0.0, runs=20)
    assert all(still.values[f"test_gap_b{b}"] == 0 for b in SIZES)


def test_escape_full_batch_is_deterministic(escape):
    # No sampling noise at B = N: every run follows the same path, whatever its shuffle.
    assert escape.values["loss_std_largest"] == 0.0
    assert escape.table.rows[-1][0] == "128 (full)"


def test_escape_spread_peaks_where_runs_split(escape):
    v = escape.values
    peak = v["batch_at_max_std"]
    assert v["smallest_batch"] < peak < v["largest_batch"]
    assert 0.1 <= v["escape_share_at_max_std"] <= 0.9
    # a split between the basins makes a spread far larger than jitter inside one basin
    assert v["loss_std_max"] > 20 * v["loss_std_smallest"]
    assert any("shuffle order" in f for f in escape.findings)


def test_escape_needs_gradient_noise():
    e = simulations.run(ESCAPE, noise=0.0)
    v = e.values
    assert all(v[f"escape_share_b{b}"] == 0.0 for b in SIZES)
    assert v["batch_at_max_std"] is None     # no batch size splits the runs: undefined
    assert any("no batch size where runs disagree" in f for f in e.findings)


def test_escape_lower_learning_rate_cools_the_run():
    # The noise "temperature" goes like learning_rate / B: halving the rate moves the switch
    # from escaping to staying towards smaller batches.
    hot = simulations.run(ESCAPE).values
    cold = simulations.run(ESCAPE, learning_rate=0.075).values
    assert cold["escape_share_b8"] < hot["escape_share_b8"] - 0.5
    assert cold["batch_at_max_std"] < hot["batch_at_max_std"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_escape_compare_rate_moves_the_switch_on_the_same_shuffles(seed):
    # One run holds both rates, so a question can quote both without another example.
    v = simulations.run(ESCAPE, seed=seed, learning_rate=0.075, compare_rate=0.15).values
    assert v["compare_rate"] == 0.15
    assert v["batch_at_max_std_cmp"] > v["batch_at_max_std"]
    assert v["escape_share_cmp_b4"] > v["escape_share_b4"]
    # the compare rate on the same seed gives exactly the main run at that rate
    hot = simulations.run(ESCAPE, seed=seed, learning_rate=0.15).values
    assert all(v[f"escape_share_cmp_b{b}"] == hot[f"escape_share_b{b}"] for b in SIZES)


def test_escape_title_says_what_this_run_shows(escape):
    assert "100% of runs escape" in escape.chart.title and "batch 8" in escape.chart.title
    still = simulations.run(ESCAPE, noise=0.0).chart.title
    assert still.startswith("Without gradient noise") and "0% of runs escape" in still


def test_escape_is_deterministic_and_seeded():
    a, b = fresh(ESCAPE, seed=3), fresh(ESCAPE, seed=3)
    assert a.to_dict() == b.to_dict()
    assert fresh(ESCAPE, seed=1).values["escape_share_b8"] != a.values["escape_share_b8"]


def test_escape_chart_and_table_shape(escape):
    assert len(escape.table.rows) == 8 and len(escape.table.columns) <= 6
    bars, landscape = escape.chart.panels
    assert bars.kind == "bars" and landscape.kind == "lines"
    assert bars.series[0].y == tuple(100 * escape.values[f"escape_share_b{b}"]
                                     for b in SIZES)
    assert all(math.isfinite(y) for y in landscape.series[0].y)
    assert 2 <= len(escape.findings) <= 5


# --------------------------------------------------------------------------- gradient noise

@pytest.fixture(scope="module")
def noise():
    return simulations.run(NOISE)


def test_noise_pinned_numbers(noise):
    v = noise.values
    assert_allclose([v["per_sample_std"], v["grad_std_b32"], v["grad_std_b4096"],
                     v["loglog_slope"]], [4.309, 0.7577, 0.061, -0.51], rtol=1e-3)
    assert v["updates_per_epoch_b32"] == 1875
    assert v["updates_per_epoch_b64"] == 938        # 937.5 rounds UP: the last batch is smaller


def test_noise_falls_like_one_over_sqrt_batch(noise):
    v = noise.values
    assert -0.55 <= v["loglog_slope"] <= -0.45
    assert v["grad_std_b1"] == pytest.approx(v["per_sample_std"], rel=1e-9)
    assert v["grad_std_b16"] / v["grad_std_b4"] == pytest.approx(0.5, abs=0.03)
    for row in noise.table.rows:
        assert 0.9 <= row[4] <= 1.1      # measured / (sigma/sqrt(B) with the N-B correction)


def test_noise_updates_per_epoch_is_ceil():
    v = simulations.run(NOISE, n_samples=50_000, batch_sizes=[128, 50_000]).values
    assert v["updates_per_epoch_b128"] == 391
    assert v["grad_std_b50000"] == 0.0
    assert v["loglog_slope"] is None     # only one batch size with any noise


def test_noise_full_batch_left_off_log_plot():
    e = simulations.run(NOISE, n_samples=1000, batch_sizes=[1, 10, 100, 1000])
    measured = e.chart.panels[0].series[0]
    assert measured.x == (1.0, 10.0, 100.0)
    assert e.values["grad_std_largest"] == 0.0


# ------------------------------------------------------------------------------ same epochs

@pytest.fixture(scope="module")
def epochs():
    return simulations.run(EPOCHS)


def test_epochs_pinned_numbers(epochs):
    v = epochs.values
    assert_allclose([v["loss_after_epoch1_b8"], v["loss_after_epoch1_b4096"],
                     v["final_loss_b512"], v["min_loss"]],
                    [0.1267, 4.1644, 0.201, 0.126], rtol=1e-3)
    assert v["total_updates_b8"] == 2560 and v["common_updates"] == 5


def test_epochs_small_batches_win_per_epoch_not_per_update(epochs):
    v = epochs.values
    sizes = [8, 64, 512, 4096]
    after_one = [v[f"loss_after_epoch1_b{b}"] for b in sizes]
    assert after_one == sorted(after_one)           # per epoch: the smaller batch is ahead
    assert after_one[-1] > 10 * after_one[0]
    same = [v[f"loss_at_common_update_b{b}"] for b in sizes]
    assert max(same) < 1.1 * min(same)              # per update: the curves nearly coincide


def test_epochs_linear_scaling_closes_gap_until_unstable():
    sizes = [16, 64, 256, 1024]
    plain = simulations.run(EPOCHS, batch_sizes=sizes, learning_rate=0.01).values
    scaled = simulations.run(EPOCHS, batch_sizes=sizes, learning_rate=0.01,
                             lr_scaling="linear").values
    gap = lambda v: v["loss_after_epoch1_b1024"] / v["loss_after_epoch1_b16"]  # noqa: E731
    assert gap(plain) > 10 and gap(scaled) < 1.25
    assert scaled["lr_b1024"] == pytest.approx(0.64)
    too_far = simulations.run(EPOCHS, batch_sizes=sizes + [4096], learning_rate=0.01,
                              lr_scaling="linear")
    v = too_far.values
    assert v["lr_b4096"] > v["stability_limit"] and v["unstable_b4096"] == 1
    assert v["final_loss_b4096"] > v["loss_after_epoch1_b4096"] > v["min_loss"]  # grows


def test_epochs_divergence_is_cut_and_reported():
    e = simulations.run(EPOCHS, lr_scaling="linear")
    v = e.values
    assert v["diverged_b512"] == 1 and v["final_loss_b512"] is None
    for panel in e.chart.panels:
        for series in panel.series:
            assert all(math.isfinite(y) and y < 1e6 for y in series.y)
    assert any("stability limit" in f for f in e.findings)


# ------------------------------------------------------------------------------ bad params

@pytest.mark.parametrize("name, params", [
    (ESCAPE, {"batch_sizes": [1, 256]}),                 # larger than n_samples = 128
    (ESCAPE, {"learning_rate": 2.0}),
    (ESCAPE, {"schedule": "cosine"}),
    (ESCAPE, {"runs": 1000, "epochs": 50, "n_samples": 1000}),
    (ESCAPE, {"batch": 8}),
    (NOISE, {"batch_sizes": [0, 4]}),
    (NOISE, {"batch_sizes": [300], "n_samples": 200}),
    (EPOCHS, {"lr_scaling": "sqrt"}),
    (EPOCHS, {"batch_sizes": "8,x"}),
])
def test_bad_params_raise(name, params):
    with pytest.raises(SimulationError):
        simulations.run(name, **params)


def test_default_runs_are_fast():
    import time

    for name in (ESCAPE, NOISE, EPOCHS):
        start = time.perf_counter()
        fresh(name, seed=11)
        assert time.perf_counter() - start < 0.6, name   # budget 0.3 s; slack for a busy machine


def test_values_are_plain_numbers():
    for name in (ESCAPE, NOISE, EPOCHS):
        for key, value in simulations.run(name).values.items():
            assert value is None or isinstance(value, (int, float)), key
            assert value is None or np.isfinite(value), key
