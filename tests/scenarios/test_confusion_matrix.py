"""The confusion-matrix scenarios: pinned numbers for fixed seeds, and the claims they teach."""

from __future__ import annotations

import math

import pytest
from numpy.testing import assert_allclose

from quizzer import simulations
from quizzer.simulations import SimulationError

SCENARIOS = ("metrics", "orientation", "accuracy_paradox", "digits", "roc_auc")


def run(name, seed=0, **params):
    return simulations.run(f"confusion_matrix.{name}", seed=seed, **params)


# ----------------------------------------------------------------------------------- metrics

def test_cat_example_metrics_match_the_hand_computed_fractions():
    v = run("metrics").values
    assert (v["tp"], v["fp"], v["fn"], v["tn"], v["total"]) == (50, 5, 10, 100, 165)
    assert_allclose([v["precision"], v["recall"], v["specificity"], v["accuracy"], v["f1"],
                     v["npv"]],
                    [50 / 55, 50 / 60, 100 / 105, 150 / 165, 100 / 115, 100 / 110], rtol=1e-12)
    assert_allclose([v["precision"], v["recall"], v["specificity"], v["accuracy"], v["f1"]],
                    [0.909, 0.833, 0.952, 0.909, 0.870], atol=5e-4)


def test_fpr_is_one_minus_specificity_and_f1_is_the_harmonic_mean():
    for counts in [dict(tp=50, fp=5, fn=10, tn=100), dict(tp=7, fp=30, fn=2, tn=400)]:
        v = run("metrics", **counts).values
        assert_allclose(v["fpr"], 1 - v["specificity"], rtol=1e-12)
        harmonic = 2 * v["precision"] * v["recall"] / (v["precision"] + v["recall"])
        assert_allclose(v["f1"], harmonic, rtol=1e-12)
        assert min(v["precision"], v["recall"]) <= v["f1"] <= max(v["precision"], v["recall"])


def test_table_shows_totals_and_fractions():
    ex = run("metrics")
    rows = {r[0]: r for r in ex.table.rows}
    assert rows["actual positive"][3] == 60 and rows["actual negative"][3] == 105
    assert rows["total"][1:] == (55, 110, 165)
    assert rows["precision"][2] == "50/55" and rows["recall (TPR)"][2] == "50/60"
    assert rows["F1"][2] == "100/115"
    assert "actual" in ex.table.columns[0] and "predicted" in ex.table.columns[1]
    heat = ex.chart.panels[0]
    assert heat.kind == "heatmap" and heat.matrix == ((50, 10), (5, 100))


def test_zero_denominator_is_undefined_never_zero():
    ex = run("metrics", tp=0, fp=0, fn=50, tn=9950)
    v = ex.values
    assert v["precision"] is None
    assert v["recall"] == 0.0 and v["accuracy"] == pytest.approx(0.995)
    assert any("undefined" in f.lower() and "precision" in f for f in ex.findings)
    assert dict((r[0], r[3]) for r in ex.table.rows)["precision"] == "undefined"
    bars = ex.chart.panels[1].series[0]
    assert "precision" not in bars.x
    no_actual_negatives = run("metrics", tp=5, fp=0, fn=1, tn=0).values
    assert no_actual_negatives["specificity"] is None and no_actual_negatives["fpr"] is None


def test_findings_carry_this_runs_numbers():
    text = " ".join(run("metrics", tp=30, fp=20, fn=10, tn=40).findings)
    assert "30/50 = 0.600" in text and "30/40 = 0.750" in text


# ------------------------------------------------------------------------------- orientation

def test_misreading_the_slide_layout_swaps_precision_and_recall():
    v = run("orientation").values
    assert_allclose([v["precision"], v["recall"]], [50 / 55, 50 / 60], rtol=1e-12)
    assert v["misread_precision"] == v["recall"] and v["misread_recall"] == v["precision"]
    sklearn, slide = run("orientation").chart.panels
    assert slide.matrix == ((50, 5), (10, 100))  # [[TP, FP], [FN, TN]]
    assert "rows predicted" in slide.title and slide.y_label == "predicted class"


def test_sklearn_panel_is_sklearns_real_layout():
    # scikit-learn documents confusion_matrix for labels 0/1 as [[TN, FP], [FN, TP]] (rows
    # actual, columns predicted, sorted labels); scikit-learn is not a dependency, so the
    # layout is written out here.
    ex = run("orientation", tp=30, fp=20, fn=10, tn=940)
    assert ex.chart.panels[0].matrix == ((940, 20), (10, 30))
    v = ex.values
    assert (v["sklearn_top_left"], v["sklearn_bottom_right"]) == (940, 30)
    # Misreading scikit-learn's matrix as positive-first turns precision into NPV and recall
    # into specificity.
    assert_allclose([v["sklearn_misread_precision"], v["sklearn_misread_recall"]],
                    [940 / 950, 940 / 960])


def test_every_layout_is_labelled_in_findings_and_metrics_heat_map():
    text = " ".join(run("orientation").findings)
    assert "[[TN, FP], [FN, TP]]" in text and "negative class first" in text
    heat = run("metrics").chart.panels[0]
    assert "rows actual, columns predicted, positive first" in heat.title.lower()
    assert "positive class first" in run("metrics").findings[0]


# -------------------------------------------------------------------------- accuracy paradox

def test_always_healthy_is_995_accurate_with_zero_recall_and_undefined_precision():
    v = run("accuracy_paradox").values
    assert (v["sick"], v["healthy"]) == (50, 9950)
    assert v["baseline_accuracy"] == pytest.approx(0.995)
    assert v["baseline_recall"] == 0.0
    assert v["baseline_precision"] is None
    assert v["baseline_missed"] == 50


def test_useful_model_is_less_accurate_but_catches_the_sick():
    v = run("accuracy_paradox").values
    assert (v["model_tp"], v["model_fn"], v["model_fp"], v["model_tn"]) == (45, 5, 398, 9552)
    assert_allclose([v["model_accuracy"], v["model_precision"], v["model_recall"]],
                    [0.9597, 45 / 443, 0.9], rtol=1e-9)
    assert v["model_accuracy"] < v["baseline_accuracy"]
    assert v["model_recall"] > 0.8 and v["model_missed"] < v["baseline_missed"]
    assert v["model_balanced_accuracy"] > v["baseline_balanced_accuracy"] == 0.5


def test_rarer_disease_makes_the_useless_model_look_even_better():
    v = run("accuracy_paradox", prevalence=0.001).values
    assert v["baseline_accuracy"] == pytest.approx(0.999)
    assert v["baseline_accuracy"] - v["model_accuracy"] > \
        run("accuracy_paradox").values["accuracy_gap"]


# ------------------------------------------------------------------------------------ digits

LOOKALIKE_PAIRS = {frozenset(p) for p in [(0, 6), (1, 7), (2, 7), (3, 8), (4, 9), (3, 5),
                                          (5, 6)]}


def test_digits_pinned_for_seed_0():
    v = run("digits").values
    assert (v["total"], v["correct"]) == (1000, 871)
    assert_allclose(v["accuracy"], 0.871)
    assert (v["pair_a"], v["pair_b"], v["pair_count"]) == (4, 9, 23)
    assert (v["most_confused_actual"], v["most_confused_predicted"]) == (4, 9)
    assert_allclose([v["recall_3"], v["precision_4"]], [0.8, 82 / 98], rtol=1e-12)


def test_digit_matrix_has_a_dark_diagonal_and_metrics_read_from_it():
    ex = run("digits")
    m = ex.chart.panels[0].matrix
    assert len(m) == 10 and all(len(r) == 10 for r in m)
    for i in range(10):
        row, col = m[i], [m[r][i] for r in range(10)]
        assert m[i][i] == max(row) == max(col)  # the diagonal dominates every row and column
        assert_allclose(ex.values[f"recall_{i}"], m[i][i] / sum(row), rtol=1e-12)
        assert_allclose(ex.values[f"precision_{i}"], m[i][i] / sum(col), rtol=1e-12)
    assert_allclose(ex.values["accuracy"], sum(m[i][i] for i in range(10)) / 1000)


def test_most_confused_pair_is_a_lookalike_pair_for_many_seeds():
    for seed in range(8):
        v = run("digits", seed=seed).values
        assert frozenset((v["pair_a"], v["pair_b"])) in LOOKALIKE_PAIRS, seed


def test_digits_deterministic_per_seed():
    a, b, c = run("digits", seed=3), run("digits", seed=3), run("digits", seed=4)
    assert a.chart.panels[0].matrix == b.chart.panels[0].matrix
    assert a.chart.panels[0].matrix != c.chart.panels[0].matrix


# ----------------------------------------------------------------------------------- ROC/AUC

def test_roc_pinned_for_seed_0():
    v = run("roc_auc").values
    assert_allclose(v["auc"], 0.849805, rtol=1e-6)
    assert_allclose([v["precision"], v["recall"], v["fpr"]], [772 / 1006, 0.772, 0.234],
                    rtol=1e-9)
    assert (v["n_pos"], v["n_neg"]) == (1000, 1000)


def test_trapezoid_auc_equals_rank_statistic_and_tracks_theory():
    for sep, prev in [(0.5, 0.5), (1.5, 0.5), (2.5, 0.2), (1.0, 0.03)]:
        v = run("roc_auc", separation=sep, prevalence=prev).values
        assert_allclose(v["auc"], v["auc_rank"], rtol=1e-10)
        assert_allclose(v["auc_theory"], 0.5 * (1 + math.erf(sep / 2)), rtol=1e-12)
        assert abs(v["auc"] - v["auc_theory"]) < 0.05


def test_no_separation_means_auc_one_half_and_more_separation_more_auc():
    assert run("roc_auc", separation=0.0).values["auc"] == pytest.approx(0.5)
    aucs = [run("roc_auc", separation=s).values["auc"] for s in (0.5, 1.0, 2.0, 3.0)]
    assert aucs == sorted(aucs) and aucs[-1] > 0.95


def test_raising_the_threshold_trades_recall_for_precision():
    rows = run("roc_auc").table.rows
    thresholds = [r[0] for r in rows]
    precision, recall, fpr = [r[3] for r in rows], [r[4] for r in rows], [r[5] for r in rows]
    assert thresholds == sorted(thresholds)
    assert recall == sorted(recall, reverse=True) and recall[0] > 0.95 > 0.3 > recall[-1]
    assert fpr == sorted(fpr, reverse=True)
    assert precision == sorted(precision)


def test_imbalance_hits_precision_and_pr_curve_but_not_roc():
    balanced = run("roc_auc", n=5000).values
    rare = run("roc_auc", n=5000, prevalence=0.01).values
    assert abs(balanced["auc"] - rare["auc"]) < 0.06
    assert rare["precision"] < 0.1 < 0.7 < balanced["precision"]
    assert rare["average_precision"] < 0.5 * balanced["average_precision"]
    assert rare["average_precision"] > 5 * rare["pr_baseline"]


def test_threshold_above_every_score_leaves_precision_undefined():
    ex = run("roc_auc", threshold=1.0)
    assert ex.values["tp"] == ex.values["fp"] == 0
    assert ex.values["precision"] is None and ex.values["recall"] == 0.0
    assert any("undefined" in f for f in ex.findings)


# ------------------------------------------------------------------------- contract and speed

@pytest.mark.parametrize("name, params", [
    ("metrics", dict(tp=-1)),
    ("metrics", dict(tp=0, fp=0, fn=0, tn=0)),
    ("metrics", dict(tp=2.5)),
    ("metrics", dict(precision=1)),
    ("orientation", dict(tp=0, fp=0, fn=0, tn=0)),
    ("accuracy_paradox", dict(prevalence=0.9)),
    ("accuracy_paradox", dict(n=100, prevalence=0.001)),
    ("digits", dict(error_rate=1.5)),
    ("digits", dict(n_per_class=0)),
    ("roc_auc", dict(threshold=1.5)),
    ("roc_auc", dict(n=50, prevalence=0.001)),
    ("roc_auc", dict(separation="wide")),
])
def test_bad_params_raise_simulation_error(name, params):
    with pytest.raises(SimulationError):
        run(name, **params)


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_keeps_the_example_contract(name):
    ex = run(name)
    assert 2 <= len(ex.findings) <= 5
    assert len(ex.table.rows) <= 12 and len(ex.table.columns) <= 6
    assert all(len(r) == len(ex.table.columns) for r in ex.table.rows)
    assert 1 <= len(ex.chart.panels) <= 2
    for value in ex.values.values():
        assert value is None or (isinstance(value, (int, float)) and math.isfinite(value))
    for panel in ex.chart.panels:
        for series in panel.series:
            assert all(math.isfinite(y) for y in series.y)
    ex.to_dict()


def test_titles_describe_the_run_they_title():
    usual = run("accuracy_paradox").chart.title
    assert "never finds a sick patient" in usual
    common = run("accuracy_paradox", prevalence=0.3)
    assert common.values["model_accuracy"] > common.values["baseline_accuracy"]
    assert "never finds" not in common.chart.title
    perfect = run("digits", error_rate=0.0)
    assert perfect.values["pair_count"] == 0 and "hot spot" not in perfect.chart.title
    nothing_flagged = run("roc_auc", threshold=1.0)
    assert nothing_flagged.values["precision"] is None
    assert "each curve" not in nothing_flagged.chart.title
