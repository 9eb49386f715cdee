"""The regularization scenarios: pinned numbers, and the claims each one demonstrates."""


import numpy as np
import pytest
from numpy.testing import assert_allclose

from quizzer import simulations
from quizzer.simulations import SimulationError

NAMES = ("capacity", "early_stopping", "dropout", "kfold", "amt_early_stopping")


def run(name, **params):
    return simulations.run(f"regularization.{name}", **params)


def series(example, label, panel=0):
    return next(s for s in example.chart.panels[panel].series if s.label == label)


@pytest.mark.parametrize("name", NAMES)
def test_a_different_seed_gives_different_numbers(name):
    assert run(name, seed=1).values != run(name).values


# -------------------------------------------------------------------------------- capacity

def test_capacity_pinned_numbers():
    v = run("capacity").values
    assert (v["n_train"], v["n_val"], v["n_test"]) == (30, 15, 15)
    assert v["best_degree"] == 7 and v["max_degree"] == 15
    assert_allclose([v["train_mse_best"], v["val_mse_best"], v["test_mse_best"]],
                    [0.055455, 0.103102, 0.105713], rtol=1e-4)
    assert_allclose([v["train_mse_max"], v["val_mse_max"]], [0.047799, 2.104923], rtol=1e-3)


def test_capacity_training_error_only_falls_validation_error_is_u_shaped():
    ex = run("capacity")
    v = ex.values
    train = np.array(series(ex, "training").y)
    val = np.array(series(ex, "validation").y)
    assert np.all(np.diff(train) <= 1e-9)                    # nested models: never rises
    best = int(np.argmin(val))
    assert 0 < best < len(val) - 1                           # a U, not a slope
    assert val[0] > 2 * val[best] and val[-1] > 5 * val[best]
    assert v["gap_max"] > 10 * v["gap_best"]
    # the chosen model generalises: its test error is near the noise floor, far below the
    # most complex model's
    assert v["test_mse_best"] < 1.5 * v["noise_var"] < v["test_mse_max"]


def test_capacity_split_sizes_and_more_data_removes_the_overfitting():
    v = run("capacity", n_samples=10000, train_frac=0.7, val_frac=0.15).values
    assert (v["n_train"], v["n_val"], v["n_test"]) == (7000, 1500, 1500)
    assert v["val_ratio_max_to_best"] < 1.05                 # degree 15 is harmless now
    assert v["gap_max"] < 0.01


def test_capacity_bad_splits_are_refused():
    with pytest.raises(SimulationError, match="test set"):
        run("capacity", train_frac=0.6, val_frac=0.4)
    with pytest.raises(SimulationError, match="validation set"):
        run("capacity", n_samples=10, train_frac=0.5, val_frac=0.05)


# -------------------------------------------------------------------------- early stopping

def test_early_stopping_pinned_numbers():
    v = run("early_stopping").values
    assert (v["best_epoch"], v["stop_epoch"], v["returned_epoch"]) == (14, 24, 14)
    assert v["stopped_early"] == 1 and v["epochs_saved"] == 96
    assert_allclose([v["val_loss_at_best"], v["val_loss_at_end"], v["train_loss_at_end"]],
                    [0.452124, 0.788977, 0.139840], rtol=1e-3)


def test_early_stopping_stops_patience_epochs_after_the_best_and_restores_it():
    ex = run("early_stopping")
    v = ex.values
    val = np.array(series(ex, "validation loss").y)          # the epochs actually run
    assert len(val) == v["stop_epoch"]
    assert v["stop_epoch"] == v["best_epoch"] + v["patience"]
    best = v["best_epoch"] - 1
    assert np.argmin(val) == best and np.all(val[best + 1:] >= val[best])
    # the saved weights, scored afresh, give the best epoch's validation loss
    assert_allclose(v["val_loss_returned"], v["val_loss_at_best"], rtol=1e-9)
    assert v["val_loss_returned"] < v["val_loss_at_stop"]


def test_early_stopping_claim_training_keeps_improving_while_validation_gets_worse():
    v = run("early_stopping").values
    assert v["train_loss_at_end"] < v["train_loss_at_best"]
    assert v["train_acc_at_end"] > v["train_acc_at_best"]
    assert v["val_loss_at_end"] > 1.5 * v["val_loss_at_best"]
    assert v["val_acc_at_end"] < v["val_acc_at_best"]


def test_early_stopping_without_restore_keeps_the_last_weights():
    v = run("early_stopping", restore_best=False).values
    assert v["returned_epoch"] == v["stop_epoch"]
    assert_allclose(v["val_loss_returned"], v["val_loss_at_stop"], rtol=1e-9)


def test_early_stopping_patience_longer_than_the_run_never_stops():
    v = run("early_stopping", patience=200).values
    assert v["stopped_early"] == 0 and v["stop_epoch"] == v["max_epochs"]
    assert v["epochs_saved"] == 0


def test_early_stopping_patience_needed_reaches_the_overall_best_and_one_less_does_not():
    v = run("early_stopping", patience=1).values
    assert v["stop_epoch"] < v["overall_best_epoch"]           # patience 1 stops too soon
    need = v["patience_needed"]
    reached = run("early_stopping", patience=need).values
    assert reached["best_epoch"] == v["overall_best_epoch"]
    short = run("early_stopping", patience=need - 1).values
    assert short["best_epoch"] < v["overall_best_epoch"]


def test_early_stopping_refuses_a_batch_larger_than_the_data():
    with pytest.raises(SimulationError, match="batch_size"):
        run("early_stopping", batch_size=100, n_train=60)


# -------------------------------------------------------------------------------- dropout

def test_dropout_pinned_numbers():
    v = run("dropout").values
    assert v["training_steps"] == v["masks_drawn"] == 800 and v["steps_per_epoch"] == 2
    assert_allclose([v["train_acc_without"], v["val_acc_without"], v["train_acc_with"],
                     v["val_acc_with"]], [1.0, 0.566667, 0.925, 0.66], atol=1e-6)
    assert_allclose([v["val_loss_without"], v["val_loss_with"]], [2.566, 1.565], rtol=1e-3)


def test_dropout_claim_in_the_shown_run_every_validation_number_improves():
    # what the topic's items key: lower validation loss, higher validation accuracy, a
    # narrower gap, and a looser fit of the (partly flipped) training labels
    v = run("dropout").values
    assert v["val_loss_with"] < v["val_loss_without"]
    assert v["val_acc_with"] > v["val_acc_without"]
    assert v["gap_with"] < v["gap_without"]
    assert v["loss_gap_with"] < v["loss_gap_without"]
    assert v["train_loss_with"] > v["train_loss_without"]    # it fits training data less tightly
    assert v["train_acc_with"] < v["train_acc_without"]
    # it reduces the overfitting without removing it: both validation curves end above
    # their lowest point (the finding that says early stopping would still help)
    assert v["val_loss_without"] > v["val_loss_min_without"]
    assert v["val_loss_with"] > v["val_loss_min_with"]


def test_dropout_claim_holds_over_seeds():
    runs = [run("dropout", seed=s).values for s in range(8)]
    assert all(v["val_loss_with"] < v["val_loss_without"] for v in runs)
    assert all(v["gap_with"] < v["gap_without"] for v in runs)
    assert all(v["val_acc_with"] > v["val_acc_without"] for v in runs)
    assert all(v["train_acc_with"] < v["train_acc_without"] for v in runs)


def test_dropout_title_reports_the_directions_it_measured():
    ex = run("dropout")
    assert "lowers validation loss" in ex.chart.title
    assert "raises validation accuracy" in ex.chart.title
    assert "narrows" in ex.chart.title
    same = run("dropout", rate=0.0, epochs=20)
    assert "unchanged" in same.chart.title and "does not narrow" in same.chart.title


def test_dropout_fresh_mask_every_step_with_inverted_scaling():
    v = run("dropout", rate=0.3, epochs=20, batch_size=15, n_train=60).values
    assert v["masks_drawn"] == v["training_steps"] == 20 * 4   # 60 samples / 15 per step
    assert abs(v["kept_share"] - 0.7) < 0.01
    assert_allclose(v["scale"], 1 / 0.7)
    # scaled masks keep the mean activation; unscaled ones shrink it by the keep probability
    assert_allclose(v["act_mean_train_scaled"], v["act_mean_inference"], rtol=0.03)
    assert_allclose(v["act_mean_train_unscaled"], 0.7 * v["act_mean_inference"], rtol=0.03)


def test_dropout_rate_zero_is_the_plain_network():
    v = run("dropout", rate=0.0, epochs=20).values
    assert v["masks_drawn"] == 0
    assert v["gap_with"] == v["gap_without"]
    assert v["val_loss_with"] == v["val_loss_without"]


# --------------------------------------------------------------------------------- k-fold

def test_kfold_pinned_numbers():
    v = run("kfold").values
    assert v["n_val_holdout"] == 8 and v["fits_per_estimate"] == 5
    assert_allclose([v["holdout_std"], v["kfold_std"], v["true_mse"]],
                    [0.04402, 0.0075367, 0.10787], rtol=1e-3)


def test_kfold_estimate_varies_far_less_than_a_single_split():
    v = run("kfold").values
    assert v["kfold_std"] < v["holdout_std"] / 3
    assert v["holdout_max"] - v["holdout_min"] > 3 * (v["kfold_max"] - v["kfold_min"])
    # both are estimates of the same thing: the error on fresh data
    assert abs(v["kfold_mean"] - v["true_mse"]) < 0.3 * v["true_mse"]


def test_kfold_refuses_too_many_folds_for_the_data():
    with pytest.raises(SimulationError, match="k:"):
        run("kfold", k=20, n_samples=10, degree=1)


# --------------------------------------------------------------- tuning-job early stopping

def test_amt_early_stopping_pinned_numbers():
    v = run("amt_early_stopping").values
    assert (v["jobs_stopped"], v["epochs_used"], v["best_job"]) == (12, 273, 12)
    assert v["same_best_job"] == 1       # the card and items say the search found the same job
    assert_allclose(v["best_rmse"], 0.927680, rtol=1e-4)


@pytest.mark.parametrize("seed", range(8))
def test_amt_early_stopping_claim_saves_compute_and_keeps_the_best_result(seed):
    on = run("amt_early_stopping", seed=seed).values
    off = run("amt_early_stopping", seed=seed, early_stopping=False).values
    assert off["epochs_used"] == off["epoch_budget"] and off["jobs_stopped"] == 0
    assert on["epochs_used"] < 0.7 * on["epoch_budget"]
    # the winner found with early stopping is within 1% of the full search's
    assert on["best_rmse"] <= 1.01 * off["best_rmse"]
    assert_allclose(on["best_rmse_without_stopping"], off["best_rmse"])


def test_median_stopping_rule_by_hand():
    from quizzer.simulations.regularization import _median_stopping
    curves = np.array([[4.0, 2.0, 1.0],     # running averages at epoch 2: 3.0
                       [4.0, 3.0, 2.0],     # 3.5
                       [5.0, 4.0, 3.0],     # 4.5   -> median 3.5 at epoch 2
                       [3.0, 3.4, 1.0],     # 3.4 <= 3.5 at epoch 2: keeps going (avg 3.2)
                       [3.0, 3.6, 0.5]])    # median of 3.0, 3.5, 4.5, 3.2 is 3.35 < 3.6:
    #                                         stopped at epoch 2, despite its epoch 3
    assert _median_stopping(curves).tolist() == [3, 3, 3, 3, 2]
    # too few earlier jobs: nobody is stopped
    assert _median_stopping(curves[:3]).tolist() == [3, 3, 3]


def test_amt_early_stopping_refuses_an_empty_learning_rate_range():
    with pytest.raises(SimulationError, match="lr_min"):
        run("amt_early_stopping", lr_min=0.5, lr_max=0.1)


# ------------------------------------------------------------------------------ bad params

@pytest.mark.parametrize("name, params", [
    ("capacity", {"max_degree": 40}),
    ("capacity", {"noise": "loud"}),
    ("early_stopping", {"patience": 0}),
    ("early_stopping", {"restore_best": "maybe"}),
    ("dropout", {"rate": 1.0}),
    ("dropout", {"rate": -0.1}),
    ("dropout", {"keep": 0.5}),
    ("kfold", {"k": 1}),
])
def test_bad_params_raise(name, params):
    with pytest.raises(SimulationError):
        run(name, **params)
