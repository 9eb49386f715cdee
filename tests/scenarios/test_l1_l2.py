"""Tests for simulations.l1_l2: pinned numbers for seed 0 and the claims each scenario makes."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from quizzer import simulations
from quizzer.simulations import SimulationError
from quizzer.simulations import l1_l2 as m


def run(scenario, **params):
    return simulations.run(f"l1_l2.{scenario}", seed=params.pop("seed", 0), **params)


# ------------------------------------------------------------------------------- solvers


def _problem(seed=3, n=80, p=25):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, :4] @ np.array([2.0, -1.5, 1.0, 0.5]) + rng.standard_normal(n)
    return m._gram(*m._standardize(X), y)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.5])
def test_lasso_solver_satisfies_optimality_conditions(alpha):
    G, c = _problem()
    w = m._coordinate_descent(G, c, alpha, 0.0)
    grad = c - G @ w  # minus the gradient of the smooth part
    zero = w == 0
    # zero weights: the pull of the data is within the penalty's reach
    assert np.all(np.abs(grad[zero]) <= alpha + 1e-7)
    # non-zero weights: the pull balances the penalty's slope exactly
    assert_allclose(grad[~zero], alpha * np.sign(w[~zero]), atol=1e-6)


def test_ridge_closed_form_sets_the_gradient_to_zero():
    G, c = _problem()
    w = m._ridge(G, c, 0.3)
    assert_allclose(G @ w - c + 2 * 0.3 * w, 0.0, atol=1e-10)


def test_coordinate_descent_with_only_l2_matches_the_closed_form():
    G, c = _problem()
    assert_allclose(m._coordinate_descent(G, c, 0.0, 0.3), m._ridge(G, c, 0.3), atol=1e-6)


def test_soft_threshold_gives_exact_zeros():
    out = m._soft(np.array([-3.0, -0.5, 0.0, 0.9, 2.5]), 1.0)
    assert_allclose(out, [-2.0, 0.0, 0.0, 0.0, 1.5])
    assert np.count_nonzero(out) == 2


# ------------------------------------------------------------------------------ penalties


def test_penalties_of_three_minus_four_zero():
    v = run("penalties").values
    assert v["l1_penalty"] == 7.0
    assert v["l2_penalty"] == 25.0
    assert v["l2_norm"] == 5.0
    # the source's "sum of the weights" would give 3 - 4 + 0 = -1, not the L1 penalty
    assert v["l1_penalty"] != 3.0 - 4.0 + 0.0


def test_penalties_l1_zeroes_small_weights_l2_only_scales():
    ex = run("penalties", weights=[3.0, -4.0, 0.5, -0.2], alpha=1.0)
    v = ex.values
    assert v["l1_zeroed"] == 2 and v["l2_zeroed"] == 0
    assert_allclose(v["l2_shrink_factor"], 1 / 3)
    rows = ex.table.rows
    assert [r[3] for r in rows[:4]] == [2.0, -3.0, 0.0, 0.0]
    assert_allclose([r[4] for r in rows[:4]], [1.0, -1.3333, 0.1667, -0.0667], atol=1e-4)


# ------------------------------------------------------------------------------- sparsity


def test_sparsity_pinned_numbers():
    v = run("sparsity").values
    assert (v["l1_nonzero"], v["l1_zeros"], v["l2_nonzero"], v["l2_zeros"]) == (12, 88, 100, 0)
    assert v["l1_informative_kept"] == 10
    assert v["l1_uninformative_kept"] == 2
    assert_allclose(v["l1_val_mse"], 1.85061, rtol=1e-4)
    assert_allclose(v["l2_val_mse"], 2.77790, rtol=1e-4)
    assert_allclose(v["ols_val_mse"], 3.05578, rtol=1e-4)
    assert_allclose(v["l2_smallest_abs_coef"], 0.000114901, rtol=1e-3)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_sparsity_claim_default_ridge_really_regularises(seed):
    # the L2 row of the main example must differ from no penalty: ridge validates better
    # than least squares while still zeroing nothing
    v = run("sparsity", seed=seed).values
    assert v["l2_val_mse"] < v["ols_val_mse"]
    assert v["l2_zeros"] == 0


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_sparsity_claim_l1_zeroes_most_uninformative_l2_zeroes_none(seed):
    v = run("sparsity", seed=seed).values
    assert v["l1_uninformative_zeroed"] > 0.5 * v["n_uninformative"]
    assert v["l2_zeros"] == 0
    assert v["l2_smallest_abs_coef"] > 0
    # with the default settings, 100 features come down to about 10 non-zero
    assert 8 <= v["l1_nonzero"] <= 15
    assert v["l1_informative_kept"] >= 9


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_sparsity_claim_a_penalty_closes_the_gap_of_an_unpenalised_fit(seed):
    # l1l2-overfit-fix: 110 rows for 100 features, least squares overfits badly; either
    # penalty lowers validation error and narrows the train-validation gap
    v = run("sparsity", seed=seed, n_samples=110).values
    assert v["ols_gap"] > 5 * v["ols_train_mse"]
    for k in ("l1", "l2"):
        assert v[f"{k}_val_mse"] < 0.6 * v["ols_val_mse"]
        assert v[f"{k}_gap"] < 0.6 * v["ols_gap"]


def test_sparsity_l2_zeroes_none_even_with_a_strong_penalty():
    v = run("sparsity", l2_alpha=20.0).values
    assert v["l2_zeros"] == 0


def test_sparsity_too_strong_l1_underfits():
    weak, strong = run("sparsity").values, run("sparsity", l1_alpha=5.0).values
    assert strong["l1_nonzero"] == 0
    assert strong["l1_val_mse"] > 5 * weak["l1_val_mse"]


# ---------------------------------------------------------------------------------- paths


def test_paths_pinned_numbers():
    v = run("paths").values
    assert v["l1_nonzero_at_alpha_min"] == 30
    assert v["l1_nonzero_at_alpha_max"] == 0
    assert v["l2_nonzero_min"] == 30
    assert_allclose(v["alpha_all_zero"], 3.23252, rtol=1e-4)
    assert_allclose(v["l1_best_alpha"], 0.1, rtol=1e-9)
    assert v["l1_nonzero_at_best"] == 10
    assert v["l1_informative_kept_at_best"] == 5
    assert_allclose(v["l1_best_val_mse"], 1.12373, rtol=1e-4)
    assert_allclose(v["l2_best_val_mse"], 1.41237, rtol=1e-4)


def test_paths_claim_l1_drops_features_l2_keeps_all():
    ex = run("paths")
    counts = dict((s.label, s.y) for s in ex.chart.panels[0].series)
    l1, l2 = np.array(counts["L1 (lasso)"]), np.array(counts["L2 (ridge)"])
    assert np.all(l2 == ex.values["n_features"])
    assert l1[0] > l1[-1] == 0
    # features leave (almost always) one by one as alpha grows: few re-entries, none large
    steps = np.diff(l1)
    assert np.sum(steps > 0) <= 2 and np.max(steps) <= 1
    assert ex.values["l2_smallest_abs_coef_at_alpha_max"] > 0


@pytest.mark.parametrize("seed", range(4))
def test_paths_claim_tuning_on_training_error_picks_the_weakest_penalty(seed):
    # l1l2-amt-tune-strength: training error only rises with alpha, validation error is
    # lowest at an intermediate alpha
    v = run("paths", seed=seed).values
    assert v["l1_train_mse_at_alpha_min"] < v["l1_train_mse_at_best"]
    assert v["l1_train_mse_argmin_alpha"] == 0.001           # the weakest penalty of the path
    assert v["l1_best_alpha"] > 0.001
    assert v["l1_best_val_mse"] < v["l1_val_mse_at_alpha_min"]


def test_paths_alpha_all_zero_is_the_threshold():
    v = run("paths").values
    a0 = v["alpha_all_zero"]
    above = run("paths", alpha_min=a0 * 1.001, alpha_max=a0 * 2, n_alphas=3).values
    below = run("paths", alpha_min=a0 * 0.95, alpha_max=a0 * 0.99, n_alphas=3).values
    assert above["l1_nonzero_at_alpha_min"] == 0
    assert below["l1_nonzero_at_alpha_max"] >= 1


def test_paths_is_deterministic_and_seed_dependent():
    assert run("paths").values == run("paths").values
    assert run("paths", seed=1).values != run("paths").values


# -------------------------------------------------------------------------- loss_outliers


def test_loss_outliers_pinned_numbers():
    v = run("loss_outliers").values
    assert_allclose(v["mse_slope"], 3.36846, rtol=1e-4)
    assert_allclose(v["mae_slope"], 2.05358, rtol=1e-4)
    assert_allclose(v["mse_slope_shift"], 1.40917, rtol=1e-4)
    assert_allclose(v["mae_slope_shift"], 0.130881, rtol=1e-4)
    assert_allclose(v["mean_y_shift"], 3.0, rtol=1e-9)  # 4 * 30 / 40
    assert v["median_y_shift"] == 0.0
    assert_allclose(v["outlier_share_of_squared_error"], 0.988076, rtol=1e-4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_loss_outliers_claim_mse_pulled_mae_robust(seed):
    v = run("loss_outliers", seed=seed).values
    assert v["mse_slope_shift"] > 5 * abs(v["mae_slope_shift"])
    assert abs(v["mae_slope"] - v["true_slope"]) < abs(v["mse_slope"] - v["true_slope"])
    assert v["mean_y_shift"] > abs(v["median_y_shift"])
    assert v["outlier_share_of_squared_error"] > v["outlier_share_of_absolute_error"] \
        > v["outlier_fraction"]


def test_loss_outliers_median_stays_because_the_outliers_were_already_above_it():
    """l1l2-mean-median explains the zero shift this way: the pushed points lie above the
    median before they are pushed, so the middle of the sorted targets is unchanged."""
    ex = run("loss_outliers")
    v = ex.values
    assert v["median_y_shift"] == 0.0
    assert any("already lay above the median" in f for f in ex.findings)
    # the outliers are the points at the largest x, on a rising line: above the middle
    rows = {r[0]: r for r in ex.table.rows}
    clean_median = rows["median of y (MAE constant)"][1]
    x = np.sort(np.random.default_rng(0).uniform(0.0, 10.0, 40))
    assert (1.0 + 2.0 * x[-4:] - 3.0 > clean_median).all()  # even 3 noise sds low


def test_sparsity_findings_name_no_uninformative_features_when_there_are_none():
    ex = run("sparsity", n_features=12, n_informative=12)
    text = " ".join(ex.findings)
    assert "uninformative" not in text and "all of them informative" in text


def test_lad_line_is_optimal_among_nearby_lines():
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 10, 30)
    y = 1 + 2 * x + rng.standard_normal(30)
    y[-3:] += 20
    slope, intercept = m._lad_line(x, y)
    best = np.abs(y - intercept - slope * x).sum()
    for ds in (-0.05, 0.0, 0.05):
        for di in (-0.2, 0.0, 0.2):
            assert best <= np.abs(y - intercept - di - (slope + ds) * x).sum() + 1e-9


def test_loss_outliers_without_noise_or_outliers_has_undefined_shares():
    ex = run("loss_outliers", noise=0.0, n_outliers=0)
    assert ex.values["outlier_share_of_squared_error"] is None
    assert any("undefined" in f for f in ex.findings)


# ---------------------------------------------------------------------------- elastic_net


def test_elastic_net_pinned_numbers():
    v = run("elastic_net").values
    assert [v[f"nonzero_l1_ratio_{k}"] for k in ("100", "050", "010", "000")] == [8, 17, 33, 39]
    assert v["groups_whole_l1_ratio_100"] == 2 and v["groups_whole_l1_ratio_050"] == 3
    assert_allclose(v["val_mse_l1_ratio_100"], 1.36815, rtol=1e-4)


def test_elastic_net_claim_more_l1_more_zeros_pure_l2_none():
    v = run("elastic_net", l1_ratios=[0.0, 0.25, 0.5, 0.75, 1.0]).values
    zeros = [v[f"zeros_l1_ratio_{k}"] for k in ("000", "025", "050", "075", "100")]
    assert zeros[0] == 0
    assert all(a < b for a, b in zip(zeros, zeros[1:]))


def test_elastic_net_ratio_one_is_the_lasso():
    G, c = _problem()
    assert_allclose(m._coordinate_descent(G, c, 0.2 * 1.0, 0.2 * 0.0),
                    m._coordinate_descent(G, c, 0.2, 0.0))


# -------------------------------------------------------------------------------- scaling


def test_scaling_pinned_numbers():
    v = run("scaling").values
    assert (v["raw_informative_kept"], v["std_informative_kept"]) == (2, 3)
    assert (v["raw_nonzero"], v["std_nonzero"]) == (3, 3)
    assert_allclose(v["std_small_unit_coef"], 1.21767, rtol=1e-4)
    assert_allclose(v["raw_big_unit_coef_per_std"], -0.0735459, rtol=1e-4)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_scaling_claim_units_decide_the_penalty_until_standardised(seed):
    v = run("scaling", seed=seed).values
    # raw units: the informative small-unit feature is zeroed, the big-unit noise is kept
    assert v["raw_small_unit_coef_per_std"] == 0.0
    assert v["raw_big_unit_coef_per_std"] != 0.0
    # standardised: the informative feature survives, the noise feature is zeroed
    assert v["std_small_unit_coef"] > 0.5
    assert v["std_big_unit_coef"] == 0.0


def test_scaling_with_equal_units_is_the_same_as_standardising_would_suggest():
    v = run("scaling", small_unit_std=1.0, big_unit_std=1.0).values
    assert v["raw_informative_kept"] == v["std_informative_kept"] == 3


# ---------------------------------------------------------------------------- parameters


@pytest.mark.parametrize("scenario, params", [
    ("sparsity", {"n_informative": 50, "n_features": 20}),
    ("sparsity", {"l1_alpha": -1.0}),
    ("sparsity", {"n_samples": 5}),
    ("paths", {"alpha_min": 1.0, "alpha_max": 0.5}),
    ("paths", {"n_alphas": 1000}),
    ("loss_outliers", {"n_outliers": 20, "n_samples": 30}),
    ("elastic_net", {"l1_ratios": [0.5, 1.5]}),
    ("penalties", {"weights": "3,x"}),
    ("penalties", {"weights": list(range(20))}),
    ("penalties", {"lambda": 1.0}),
    ("scaling", {"small_unit_std": 0.0}),
])
def test_bad_params_raise(scenario, params):
    with pytest.raises(SimulationError):
        run(scenario, **params)


