"""Confusion matrices and the classification metrics read from them.

A binary classifier sorts every test example into one of four cells. Call the class we care
about (the cat, the disease, the fraud) *positive*. Then

* TP, true positive: actually positive, predicted positive;
* FN, false negative: actually positive, predicted negative (a miss);
* FP, false positive: actually negative, predicted positive (a false alarm);
* TN, true negative: actually negative, predicted negative.

Laid out as a 2x2 table this is the confusion matrix. There is no standard orientation, so
every example here names its layout:

* the ``metrics`` table and heat map: rows actual, columns predicted, positive class first,
  ``[[TP, FN], [FP, TN]]``. This is NOT scikit-learn's order;
* scikit-learn's ``confusion_matrix(y_true, y_pred)`` for labels 0/1: rows actual, columns
  predicted, classes in sorted order, so the negative class (0) comes first:
  ``[[TN, FP], [FN, TP]]``;
* a common slide layout: rows predicted, columns actual, positive class first:
  ``[[TP, FP], [FN, TN]]``.

Read the axis labels before any number: reading one layout with another's labels swaps
cells and therefore metrics. In every layout the diagonal holds the correct predictions, and
row and column totals give the number of actual and predicted examples of each class.

Every metric is a ratio of cells. With N = TP + FP + FN + TN,

    accuracy    = (TP + TN) / N               share of all predictions that are right
    precision   = TP / (TP + FP)              of everything flagged positive, share truly positive
    recall      = TP / (TP + FN)              of all actual positives, share found (= sensitivity, TPR)
    specificity = TN / (TN + FP)              of all actual negatives, share correctly cleared (TNR)
    FPR         = FP / (FP + TN) = 1 - specificity
    NPV         = TN / (TN + FN)              of everything cleared, share truly negative
    F1          = 2PR / (P + R) = 2TP / (2TP + FP + FN)   harmonic mean of precision and recall

For the cat classifier (TP 50, FP 5, FN 10, TN 100): precision 50/55 = 0.909, recall
50/60 = 0.833, specificity 100/105 = 0.952, accuracy 150/165 = 0.909, F1 = 100/115 = 0.870.
A ratio whose denominator is zero is *undefined* (``None`` here), never silently 0: a model
that never predicts positive has no precision at all.

Accuracy hides the class balance. When 50 of 10,000 patients are sick, a "model" that always
answers healthy scores 99.5% accuracy with recall 0 and undefined precision, while a useful
screening test with lower accuracy finds most of the sick. The metrics that condition on the
actual class (recall, specificity) or on the prediction (precision, NPV) expose this.

A scoring classifier gives each example a number; a threshold turns it into a decision. Lowering
the threshold flags more examples, raising recall and FPR and usually lowering precision. The
ROC curve plots TPR against FPR over all thresholds; its area (AUC) is threshold-independent
and equals the probability that a random positive scores above a random negative (the
Mann-Whitney rank statistic), so 0.5 is random guessing and 1.0 perfect ranking. Because TPR
and FPR are each computed within one actual class, ROC ignores prevalence; the
precision-recall curve does not, which is why it is the more telling picture under heavy
class imbalance (a random model's precision equals the prevalence).
"""

from __future__ import annotations

import math

import numpy as np

from quizzer.simulations import Param, SimulationError, scenario
from quizzer.simulations.example import Annotation, Chart, Panel, Series, Table, worked

_COUNT_MAX = 10_000_000


def _ratio(num: float, den: float) -> float | None:
    """num / den, or None when the denominator is zero (the metric is undefined)."""
    return None if den == 0 else float(num) / float(den)


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def _fmt(value: float | None, spec: str = ".3f") -> str:
    return "undefined" if value is None else format(value, spec)


def _metrics(tp: int, fp: int, fn: int, tn: int) -> dict:
    """Every ratio of a binary confusion matrix; None where a denominator is zero."""
    total = tp + fp + fn + tn
    recall = _ratio(tp, tp + fn)
    specificity = _ratio(tn, tn + fp)
    return {
        "accuracy": _ratio(tp + tn, total),
        "precision": _ratio(tp, tp + fp),
        "recall": recall,
        "specificity": specificity,
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "fpr": _ratio(fp, fp + tn),
        "fnr": _ratio(fn, tp + fn),
        "npv": _ratio(tn, tn + fn),
        "balanced_accuracy": None if recall is None or specificity is None
        else (recall + specificity) / 2,
        "prevalence": _ratio(tp + fn, total),
    }


# The formula, numerator and denominator of each metric shown in the metrics table.
_FORMULAS = (
    ("accuracy", "(TP+TN)/N", lambda tp, fp, fn, tn: (tp + tn, tp + fp + fn + tn)),
    ("precision", "TP/(TP+FP)", lambda tp, fp, fn, tn: (tp, tp + fp)),
    ("recall (TPR)", "TP/(TP+FN)", lambda tp, fp, fn, tn: (tp, tp + fn)),
    ("specificity", "TN/(TN+FP)", lambda tp, fp, fn, tn: (tn, tn + fp)),
    ("F1", "2TP/(2TP+FP+FN)", lambda tp, fp, fn, tn: (2 * tp, 2 * tp + fp + fn)),
    ("FPR", "FP/(FP+TN)", lambda tp, fp, fn, tn: (fp, fp + tn)),
    ("NPV", "TN/(TN+FN)", lambda tp, fp, fn, tn: (tn, tn + fn)),
)

_WHY_UNDEFINED = {
    "precision": "TP + FP = 0: the model predicted no positives",
    "recall": "TP + FN = 0: there are no actual positives",
    "specificity": "TN + FP = 0: there are no actual negatives",
    "fpr": "FP + TN = 0: there are no actual negatives",
    "npv": "TN + FN = 0: the model predicted no negatives",
    "f1": "2TP + FP + FN = 0: no positives were predicted or present",
}

_COUNT = dict(low=0, high=_COUNT_MAX)


@scenario(
    "The 2x2 matrix and every metric read from it (default: the cat classifier)",
    tp=Param("int", 50, "true positives: actual positive, predicted positive", **_COUNT),
    fp=Param("int", 5, "false positives: actual negative, predicted positive", **_COUNT),
    fn=Param("int", 10, "false negatives: actual positive, predicted negative", **_COUNT),
    tn=Param("int", 100, "true negatives: actual negative, predicted negative", **_COUNT),
)
def metrics(*, seed: int, tp: int, fp: int, fn: int, tn: int):
    total = tp + fp + fn + tn
    if total == 0:
        raise SimulationError("the confusion matrix is empty: tp + fp + fn + tn must be > 0")
    m = _metrics(tp, fp, fn, tn)
    values = {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "total": total,
              "actual_positive": tp + fn, "actual_negative": fp + tn,
              "predicted_positive": tp + fp, "predicted_negative": fn + tn,
              "correct": tp + tn, **m}

    rows = [
        ("actual positive", f"TP = {tp}", f"FN = {fn}", tp + fn),
        ("actual negative", f"FP = {fp}", f"TN = {tn}", fp + tn),
        ("total", tp + fp, fn + tn, total),
        ("metric", "formula", "fraction", "value"),
    ]
    for label, formula, parts in _FORMULAS:
        num, den = parts(tp, fp, fn, tn)
        value = _ratio(num, den)
        rows.append((label, formula, f"{num}/{den}", "undefined" if value is None
                     else round(value, 4)))
    table = Table.of(("actual \\ predicted", "predicted positive", "predicted negative",
                      "total"), rows)

    findings = [
        f"Layout: rows actual, columns predicted, positive class first (scikit-learn puts the "
        f"negative class first for 0/1 labels); the diagonal holds the {tp + tn} correct "
        f"predictions of {total}, so accuracy = {tp + tn}/{total} = {_fmt(m['accuracy'])}.",
    ]
    parts = []
    if m["precision"] is not None:
        parts.append(f"precision {tp}/{tp + fp} = {m['precision']:.3f}: {fp} of the {tp + fp} "
                     f"predicted positives were false alarms")
    if m["recall"] is not None:
        parts.append(f"recall {tp}/{tp + fn} = {m['recall']:.3f}: {fn} of the {tp + fn} "
                     f"actual positives were missed")
    if parts:
        text = "; ".join(parts) + "."
        findings.append(text[0].upper() + text[1:])
    if m["specificity"] is not None:
        findings.append(
            f"Specificity {tn}/{tn + fp} = {m['specificity']:.3f}, so FPR = 1 - specificity "
            f"= {fp}/{fp + tn} = {m['fpr']:.3f}.")
    if m["f1"] is not None and m["precision"] is not None and m["recall"] is not None:
        findings.append(
            f"F1 = 2TP/(2TP+FP+FN) = {2 * tp}/{2 * tp + fp + fn} = {m['f1']:.3f}, the harmonic "
            f"mean of precision and recall: it is pulled toward the lower of the two.")
    undefined = [k for k in ("precision", "recall", "specificity", "npv", "f1")
                 if m[k] is None]
    if undefined:
        findings.append("Undefined, not 0: " + "; ".join(
            f"{k} ({_WHY_UNDEFINED[k]})" for k in undefined) + ".")

    heat = Panel(
        "heatmap", "Rows actual, columns predicted, positive first",
        "predicted class", "actual class",
        matrix=((tp, fn), (fp, tn)),
        x_ticks=("positive", "negative"), y_ticks=("positive", "negative"),
        annotations=(Annotation(1, 0, f"FN {fn}: missed"),
                     Annotation(0, 1, f"FP {fp}: false alarm")))
    names = [("accuracy", "accuracy"), ("precision", "precision"), ("recall", "recall"),
             ("specificity", "specificity"), ("F1", "f1"), ("FPR", "fpr"), ("NPV", "npv")]
    shown = [(label, m[key]) for label, key in names if m[key] is not None]
    missing = [label for label, key in names if m[key] is None]
    bars = Panel(
        "bars", "Metrics" + (f" ({', '.join(missing)} undefined, not plotted)" if missing else ""),
        "metric", "value (0 to 1)",
        series=(Series.of("value", [s[0] for s in shown], [s[1] for s in shown]),))
    title = (f"The diagonal ({tp + tn} of {total}) is what accuracy counts; precision and "
             f"recall split the {fp + fn} errors into false alarms and misses")
    return worked(values, table, findings, Chart(title, (heat, bars)))


@scenario(
    "The same counts in scikit-learn's layout and a slide's: misreading the axes swaps metrics",
    tp=Param("int", 50, "true positives", **_COUNT),
    fp=Param("int", 5, "false positives", **_COUNT),
    fn=Param("int", 10, "false negatives", **_COUNT),
    tn=Param("int", 100, "true negatives", **_COUNT),
)
def orientation(*, seed: int, tp: int, fp: int, fn: int, tn: int):
    if tp + fp + fn + tn == 0:
        raise SimulationError("the confusion matrix is empty: tp + fp + fn + tn must be > 0")
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    # The slide layout (predicted on rows) read as if its rows were actual classes: the
    # off-diagonal cells trade places, so the FP count is taken for FN and vice versa.
    misread_precision, misread_recall = _ratio(tp, tp + fn), _ratio(tp, tp + fp)
    # scikit-learn's 0/1 layout read as if the positive class came first: TP and TN trade
    # places and so do FP and FN, so "precision" comes out as NPV and "recall" as specificity.
    sk_misread_precision, sk_misread_recall = _ratio(tn, tn + fn), _ratio(tn, tn + fp)
    values = {"tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall,
              "misread_precision": misread_precision, "misread_recall": misread_recall,
              "sklearn_misread_precision": sk_misread_precision,
              "sklearn_misread_recall": sk_misread_recall,
              "sklearn_top_left": tn, "sklearn_top_right": fp, "sklearn_bottom_left": fn,
              "sklearn_bottom_right": tp}

    def pr(p, r):
        return f"{_fmt(p)} / {_fmt(r)}"

    table = Table.of(
        ("layout", "top-left", "top-right", "bottom-left", "bottom-right",
         "precision / recall"),
        [("rows actual, cols predicted, positive first", f"TP {tp}", f"FN {fn}", f"FP {fp}",
          f"TN {tn}", pr(precision, recall)),
         ("scikit-learn, labels 0/1: rows actual, cols predicted, negative first",
          f"TN {tn}", f"FP {fp}", f"FN {fn}", f"TP {tp}", pr(precision, recall)),
         ("slide: rows predicted, cols actual, positive first", f"TP {tp}", f"FP {fp}",
          f"FN {fn}", f"TN {tn}", pr(precision, recall)),
         ("slide misread as rows actual", f"TP {tp}", f"taken as FN: {fp}",
          f"taken as FP: {fn}", f"TN {tn}", pr(misread_precision, misread_recall)),
         ("scikit-learn misread as positive first", f"taken as TP: {tn}",
          f"taken as FN: {fp}", f"taken as FP: {fn}", f"taken as TN: {tp}",
          pr(sk_misread_precision, sk_misread_recall))])
    findings = [
        f"scikit-learn's confusion_matrix for labels 0/1 is [[TN, FP], [FN, TP]] = "
        f"[[{tn}, {fp}], [{fn}, {tp}]]: rows actual, columns predicted, negative class first, so "
        f"TP = {tp} sits bottom-right.",
        f"The slide layout puts predictions on the rows and the positive class first: "
        f"[[TP, FP], [FN, TN]] = [[{tp}, {fp}], [{fn}, {tn}]]. Read correctly, every layout "
        f"gives precision {_fmt(precision)} and recall {_fmt(recall)}.",
        f"Reading the slide as if its rows were actual classes swaps FP and FN: precision "
        f"{_fmt(misread_precision)} and recall {_fmt(misread_recall)}, the two metrics trade "
        f"places.",
        f"Reading scikit-learn's matrix as if the positive class came first takes TN {tn} for "
        f"TP: \"precision\" becomes NPV {_fmt(sk_misread_precision)} and \"recall\" becomes "
        f"specificity {_fmt(sk_misread_recall)}.",
    ]
    a = Panel("heatmap", "scikit-learn, labels 0/1: rows actual, columns predicted",
              "predicted class", "actual class",
              matrix=((tn, fp), (fn, tp)), x_ticks=("0 (negative)", "1 (positive)"),
              y_ticks=("0 (negative)", "1 (positive)"),
              annotations=(Annotation(1, 1, f"TP {tp}"), Annotation(0, 0, f"TN {tn}")))
    b = Panel("heatmap", "slide: rows predicted, columns actual, positive first",
              "actual class", "predicted class",
              matrix=((tp, fp), (fn, tn)), x_ticks=("positive", "negative"),
              y_ticks=("positive", "negative"),
              annotations=(Annotation(0, 0, f"TP {tp}"), Annotation(1, 0, f"FP {fp}")))
    return worked(values, table, findings, Chart(
        f"Same counts, two layouts: TP {tp} is bottom-right in scikit-learn's and top-left on "
        f"the slide; read the axis labels first", (a, b)))


def _round_half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


@scenario(
    "Accuracy paradox: 'always healthy' beats a useful screening test on accuracy",
    n=Param("int", 10_000, "patients tested", low=100, high=10_000_000),
    prevalence=Param("float", 0.005, "share of patients who are sick", low=0.0001, high=0.5),
    sensitivity=Param("float", 0.9, "the useful model's recall (share of sick it flags)",
                      low=0.0, high=1.0),
    specificity=Param("float", 0.96, "the useful model's specificity (share of healthy it "
                      "clears)", low=0.0, high=1.0),
)
def accuracy_paradox(*, seed: int, n: int, prevalence: float, sensitivity: float,
                     specificity: float):
    sick = _round_half_up(n * prevalence)
    if sick < 1 or sick >= n:
        raise SimulationError(f"n * prevalence = {n * prevalence:g} rounds to {sick} sick "
                              f"patients; need at least 1 sick and 1 healthy (raise n)")
    healthy = n - sick
    # Expected counts (no sampling noise) so the arithmetic can be checked by hand.
    base = {"tp": 0, "fn": sick, "fp": 0, "tn": healthy}
    tp = _round_half_up(sick * sensitivity)
    tn = _round_half_up(healthy * specificity)
    model = {"tp": tp, "fn": sick - tp, "fp": healthy - tn, "tn": tn}
    bm = _metrics(base["tp"], base["fp"], base["fn"], base["tn"])
    mm = _metrics(model["tp"], model["fp"], model["fn"], model["tn"])
    values = {"n": n, "sick": sick, "healthy": healthy, "prevalence": sick / n}
    for key in ("accuracy", "precision", "recall", "specificity", "f1", "balanced_accuracy"):
        values[f"baseline_{key}"] = bm[key]
        values[f"model_{key}"] = mm[key]
    for key in ("tp", "fn", "fp", "tn"):
        values[f"model_{key}"] = model[key]
    values["baseline_missed"] = base["fn"]
    values["model_missed"] = model["fn"]
    values["accuracy_gap"] = bm["accuracy"] - mm["accuracy"]

    def cell(v):
        return "undefined" if v is None else round(v, 4)

    rows = [(label, base[k], model[k]) for label, k in
            (("TP (sick, flagged)", "tp"), ("FN (sick, missed)", "fn"),
             ("FP (healthy, flagged)", "fp"), ("TN (healthy, cleared)", "tn"))]
    rows += [(label, cell(bm[k]), cell(mm[k])) for label, k in
             (("accuracy", "accuracy"), ("precision", "precision"), ("recall", "recall"),
              ("specificity", "specificity"), ("F1", "f1"),
              ("balanced accuracy", "balanced_accuracy"))]
    table = Table.of(("quantity", "always 'healthy'", "useful model"), rows)

    findings = [
        f"{sick} of {n} patients are sick, so answering 'healthy' every time is right "
        f"{healthy}/{n} = {bm['accuracy']:.3f} of the time, yet its recall is 0: all {sick} "
        f"sick patients are missed.",
        "Its precision is undefined, not 0: it never predicts 'sick', so TP + FP = 0 and there "
        "is nothing to divide by.",
        f"The useful model (sensitivity {sensitivity:g}, specificity {specificity:g}) has "
        f"accuracy {mm['accuracy']:.3f}, "
        + (f"{bm['accuracy'] - mm['accuracy']:.3f} LOWER than the baseline, "
           if mm["accuracy"] < bm["accuracy"] else "not lower than the baseline, ")
        + f"but it catches {model['tp']} of {sick} sick patients (recall "
        f"{_fmt(mm['recall'])}).",
    ]
    if mm["precision"] is None:
        findings.append("The second model never predicts 'sick' either, so its precision is "
                        "undefined too.")
    else:
        findings.append(
            f"Its precision is {mm['precision']:.3f} ({model['tp']} true of "
            f"{model['tp'] + model['fp']} flagged): at prevalence {sick / n:.2%} even a good "
            f"test raises many false alarms, which a follow-up test can sort out.")
    labels = [("accuracy", "accuracy"), ("precision", "precision"), ("recall", "recall"),
              ("specificity", "specificity"), ("F1", "f1"),
              ("balanced acc.", "balanced_accuracy")]

    def defined(m):  # undefined metrics are left out (no bar), never drawn as 0
        return [l for l, k in labels if m[k] is not None], [m[k] for _, k in labels
                                                            if m[k] is not None]

    metric_bars = Panel(
        "bars", "Metrics (no bar = undefined)", "metric", "value (0 to 1)",
        series=(Series.of("always 'healthy'", *defined(bm)),
                Series.of("useful model", *defined(mm))))
    caught = Panel(
        "bars", f"The {sick} sick patients", "model", "patients",
        series=(Series.of("caught (TP)", ["always 'healthy'", "useful model"], [0, model["tp"]]),
                Series.of("missed (FN)", ["always 'healthy'", "useful model"],
                          [sick, model["fn"]])))
    if bm["accuracy"] > mm["accuracy"]:
        title = (f"Accuracy {bm['accuracy']:.3f} vs {mm['accuracy']:.3f}: the more accurate "
                 f"'model' never finds a sick patient")
    else:
        title = (f"Accuracy {bm['accuracy']:.3f} for always 'healthy' vs {mm['accuracy']:.3f}: "
                 f"at {sick / n:.1%} prevalence the constant answer no longer even wins on "
                 f"accuracy")
    return worked(values, table, findings, Chart(title, (metric_bars, caught)))


# Handwritten-digit look-alikes: where each digit's errors mostly go.
_LOOKALIKE = {0: 6, 1: 7, 2: 7, 3: 8, 4: 9, 5: 3, 6: 5, 7: 1, 8: 3, 9: 4}
# Relative difficulty of each digit (mean 1): 0 and 1 are easy, 8, 5 and 9 are hard.
_DIFFICULTY = np.array([0.5, 0.5, 1.1, 1.2, 1.1, 1.3, 0.7, 1.0, 1.4, 1.2])


@scenario(
    "A 10-class (digits 0-9) confusion matrix with look-alike errors such as 4/9 and 3/8",
    n_per_class=Param("int", 100, "test images of each digit", low=10, high=5000),
    error_rate=Param("float", 0.12, "average share of images misread", low=0.0, high=0.9),
    lookalike_share=Param("float", 0.6, "share of a digit's errors that go to its look-alike "
                          "(4->9, 3->8, 1->7, ...)", low=0.0, high=1.0),
)
def digits(*, seed: int, n_per_class: int, error_rate: float, lookalike_share: float):
    rng = np.random.default_rng(seed)
    k = 10
    errors = np.minimum(error_rate * _DIFFICULTY / _DIFFICULTY.mean(), 0.95)
    probs = np.zeros((k, k))
    for i in range(k):
        others = [j for j in range(k) if j not in (i, _LOOKALIKE[i])]
        probs[i, others] = errors[i] * (1 - lookalike_share) / len(others)
        probs[i, _LOOKALIKE[i]] = errors[i] * lookalike_share
        probs[i, i] = 1 - errors[i]
    cm = np.array([rng.multinomial(n_per_class, probs[i]) for i in range(k)])

    total = int(cm.sum())
    correct = int(np.trace(cm))
    actual = cm.sum(axis=1)
    predicted = cm.sum(axis=0)
    precision = [_ratio(cm[j, j], predicted[j]) for j in range(k)]
    recall = [_ratio(cm[j, j], actual[j]) for j in range(k)]
    f1 = [_ratio(2 * cm[j, j], actual[j] + predicted[j]) for j in range(k)]

    off = cm.astype(float).copy()
    np.fill_diagonal(off, -1)
    cell_a, cell_p = np.unravel_index(int(np.argmax(off)), off.shape)
    pair = off + off.T
    pair[np.tril_indices(k)] = -1
    pair_a, pair_b = np.unravel_index(int(np.argmax(pair)), pair.shape)
    pair_count = int(cm[pair_a, pair_b] + cm[pair_b, pair_a])

    defined_p = [p for p in precision if p is not None]
    macro_p = float(np.mean(defined_p)) if len(defined_p) == k else None
    macro_r = float(np.mean(recall))
    defined_f = [f for f in f1 if f is not None]
    macro_f1 = float(np.mean(defined_f)) if len(defined_f) == k else None
    worst_r = int(np.argmin(recall))
    ranked_p = [(p, j) for j, p in enumerate(precision) if p is not None]
    worst_p = min(ranked_p)[1]
    tied_r = _tied([str(j) for j in range(k) if recall[j] == recall[worst_r]])
    tied_p = _tied([str(j) for j, p in enumerate(precision) if p == precision[worst_p]])

    values = {"total": total, "correct": correct, "accuracy": correct / total,
              "macro_precision": macro_p, "macro_recall": macro_r, "macro_f1": macro_f1,
              "most_confused_actual": int(cell_a), "most_confused_predicted": int(cell_p),
              "most_confused_count": int(cm[cell_a, cell_p]),
              "pair_a": int(pair_a), "pair_b": int(pair_b), "pair_count": pair_count,
              "worst_recall_digit": worst_r, "worst_recall": recall[worst_r],
              "worst_precision_digit": worst_p, "worst_precision": precision[worst_p]}
    for j in range(k):
        values[f"precision_{j}"] = precision[j]
        values[f"recall_{j}"] = recall[j]

    rows = [(str(j), int(actual[j]), int(predicted[j]),
             "undefined" if precision[j] is None else round(precision[j], 4),
             round(recall[j], 4), "undefined" if f1[j] is None else round(f1[j], 4))
            for j in range(k)]
    rows.append(("macro avg", total, total, _r(macro_p), round(macro_r, 4), _r(macro_f1)))
    table = Table.of(("digit", "actual (row sum)", "predicted (col sum)", "precision", "recall",
                      "F1"), rows)

    findings = [
        f"Rows are actual digits and columns predicted ones; the diagonal holds {correct} of "
        f"{total} correct readings, so accuracy = {correct / total:.3f}.",
        f"The most confused pair is {pair_a} and {pair_b} ({pair_count} mix-ups both ways); the "
        f"largest off-diagonal count (the darkest cell off the diagonal here) is an actual {cell_a} read as {cell_p} "
        f"({int(cm[cell_a, cell_p])} times)." if pair_count else
        "There are no mix-ups at all: every count sits on the diagonal.",
        f"Lowest recall {recall[worst_r]:.3f}: {tied_r}, whose row leaks most to other "
        f"columns; lowest precision {precision[worst_p]:.3f}: {tied_p}, whose column collects "
        f"most wrong answers.",
        "Per-class precision reads down a column and recall along a row, each class in turn "
        "playing 'positive' against the other nine.",
    ]
    undefined = [str(j) for j in range(k) if precision[j] is None]
    if undefined:
        findings.append(f"Precision is undefined for digit(s) {', '.join(undefined)}: never "
                        "predicted, so its column sums to 0.")
    heat = Panel("heatmap", "Confusion matrix, counts (rows actual, columns predicted)",
                 "predicted digit", "actual digit",
                 matrix=tuple(tuple(int(v) for v in row) for row in cm),
                 x_ticks=tuple(str(j) for j in range(k)),
                 y_ticks=tuple(str(j) for j in range(k)),
                 annotations=(Annotation(int(cell_p), int(cell_a),
                                         f"{cell_a} read as {cell_p}: {int(cm[cell_a, cell_p])}"),))
    labels = [str(j) for j in range(k)]
    bars = Panel("bars", "Per-class precision and recall" + (
                     f" (no precision bar for {', '.join(undefined)}: undefined)"
                     if undefined else ""), "digit", "value (0 to 1)",
                 series=(Series.of("precision",
                                   [lab for lab, p in zip(labels, precision) if p is not None],
                                   [p for p in precision if p is not None]),
                         Series.of("recall", labels, recall)),
                 hlines=((correct / total, "overall accuracy"),))
    title = (f"Dark diagonal = correct ({correct / total:.1%}); the off-diagonal hot spot is "
             f"{pair_a}/{pair_b}" if pair_count else
             f"Every one of the {total} readings is on the diagonal: no confusions")
    return worked(values, table, findings, Chart(title, (heat, bars)))


def _tied(labels: list) -> str:
    if len(labels) == 1:
        return f"digit {labels[0]}"
    if len(labels) > 3:
        return f"{len(labels)} digits (tied)"
    return "digits " + " and ".join(labels) + " (tied)"


_TABLE_THRESHOLDS = (0.1, 0.3, 0.5, 0.7, 0.9)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _thin(n: int, keep: int = 200) -> np.ndarray:
    """Indices of at most ``keep`` points spread over 0..n-1, both ends included."""
    if n <= keep:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, keep).round().astype(int))


@scenario(
    "ROC curve, AUC and the precision/recall trade-off of the decision threshold",
    separation=Param("float", 1.5, "distance between the positive and negative score "
                     "distributions, in standard deviations (0 = no skill)", low=0.0, high=6.0),
    n=Param("int", 2000, "examples scored", low=50, high=50_000),
    prevalence=Param("float", 0.5, "share of examples that are positive", low=0.001,
                     high=0.999),
    threshold=Param("float", 0.5, "predict positive when score >= threshold", low=0.0,
                    high=1.0),
)
def roc_auc(*, seed: int, separation: float, n: int, prevalence: float, threshold: float):
    rng = np.random.default_rng(seed)
    n_pos = _round_half_up(n * prevalence)
    n_neg = n - n_pos
    if n_pos < 1 or n_neg < 1:
        raise SimulationError(f"n * prevalence = {n * prevalence:g} leaves {n_pos} positives "
                              f"and {n_neg} negatives; need at least one of each")
    # Latent evidence: negatives ~ N(0, 1), positives ~ N(separation, 1). The score is the
    # posterior P(positive | x) for equal priors, a number in (0, 1).
    x = np.concatenate([rng.normal(separation, 1.0, n_pos), rng.normal(0.0, 1.0, n_neg)])
    y = np.concatenate([np.ones(n_pos, bool), np.zeros(n_neg, bool)])
    score = _sigmoid(separation * (x - separation / 2))

    # ROC: sweep the threshold down through every distinct score.
    order = np.argsort(-score, kind="stable")
    s, lab = score[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s) != 0), len(s) - 1]  # end of each tie group
    tps = np.cumsum(lab)[last]
    fps = np.cumsum(~lab)[last]
    tpr = np.r_[0.0, tps / n_pos]
    fpr_curve = np.r_[0.0, fps / n_neg]
    auc = float(np.sum(np.diff(fpr_curve) * (tpr[1:] + tpr[:-1]) / 2))

    # Rank statistic (Mann-Whitney U / (n_pos n_neg)) with average ranks for ties.
    sorted_idx = np.argsort(score, kind="stable")
    ranks = np.empty(len(score))
    ranks[sorted_idx] = np.arange(1, len(score) + 1)
    _, inverse = np.unique(score, return_inverse=True)
    ranks = (np.bincount(inverse, ranks) / np.bincount(inverse))[inverse]
    auc_rank = float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
    auc_theory = 0.5 * (1 + math.erf(separation / 2))

    prec_curve = tps / (tps + fps)
    rec_curve = tps / n_pos
    average_precision = float(np.sum(np.diff(np.r_[0.0, rec_curve]) * prec_curve))

    def at(t: float) -> dict:
        flagged = score >= t
        tp = int(np.sum(flagged & y))
        fp = int(np.sum(flagged & ~y))
        return {"tp": tp, "fp": fp, "fn": n_pos - tp, "tn": n_neg - fp,
                **_metrics(tp, fp, n_pos - tp, n_neg - fp)}

    chosen = at(threshold)
    values = {"auc": auc, "auc_rank": auc_rank, "auc_theory": auc_theory,
              "average_precision": average_precision, "pr_baseline": n_pos / n,
              "n_pos": n_pos, "n_neg": n_neg, "threshold": threshold,
              **{k: chosen[k] for k in ("tp", "fp", "fn", "tn", "precision", "recall", "fpr",
                                        "specificity", "f1", "accuracy")}}

    thresholds = sorted(set(_TABLE_THRESHOLDS) | {round(threshold, 4)})
    sweep = [(t, at(t)) for t in thresholds]
    rows = [(t, r["tp"], r["fp"], "undefined" if r["precision"] is None
             else round(r["precision"], 4), round(r["recall"], 4), round(r["fpr"], 4))
            for t, r in sweep]
    table = Table.of(("threshold", "TP", "FP", "precision", "recall (TPR)", "FPR"), rows)

    lo, hi = sweep[0], sweep[-1]
    findings = [
        f"AUC = {auc:.3f} by the trapezoid rule over the ROC curve, the same as the rank "
        f"statistic {auc_rank:.3f} (the chance a random positive outscores a random negative); "
        f"theory gives {auc_theory:.3f}, and 0.5 would be random guessing.",
        f"At threshold {threshold:g}: precision {_fmt(chosen['precision'])}, recall "
        f"{_fmt(chosen['recall'])}, FPR {_fmt(chosen['fpr'])} ({chosen['tp']} TP, "
        f"{chosen['fp']} FP, {chosen['fn']} FN).",
        f"Raising the threshold from {lo[0]:g} to {hi[0]:g} cuts recall from "
        f"{lo[1]['recall']:.3f} to {hi[1]['recall']:.3f} and FPR from {lo[1]['fpr']:.3f} to "
        f"{hi[1]['fpr']:.3f}, while precision goes from {_fmt(lo[1]['precision'])} to "
        f"{_fmt(hi[1]['precision'])}: the threshold trades misses for false alarms.",
        f"Average precision (area under the PR curve) is {average_precision:.3f} against a "
        f"random-model baseline equal to the prevalence, {n_pos / n:.3f}; ROC AUC ignores "
        f"prevalence, the PR curve does not.",
    ]
    if chosen["precision"] is None:
        findings.append(f"At threshold {threshold:g} nothing is flagged, so precision is "
                        "undefined (TP + FP = 0), not 0.")

    idx = _thin(len(tpr))
    roc = Panel(
        "lines", f"ROC curve, AUC {auc:.3f}", "false positive rate (1 - specificity)",
        "true positive rate (recall)",
        series=(Series.of("model", fpr_curve[idx], tpr[idx], "steps"),
                Series.of("random guess (AUC 0.5)", [0, 1], [0, 1], "dashed"),
                Series.of(f"threshold {threshold:g}", [chosen["fpr"]], [chosen["recall"]],
                          "points")),
        annotations=(Annotation(chosen["fpr"], chosen["recall"],
                                f"t = {threshold:g}: TPR {chosen['recall']:.2f}, "
                                f"FPR {chosen['fpr']:.2f}"),))
    pidx = _thin(len(rec_curve))
    pr_series = [Series.of("model", rec_curve[pidx], prec_curve[pidx], "steps")]
    if chosen["precision"] is not None:
        pr_series.append(Series.of(f"threshold {threshold:g}", [chosen["recall"]],
                                   [chosen["precision"]], "points"))
    pr = Panel("lines", f"Precision-recall curve, AP {average_precision:.3f}",
               "recall", "precision", series=tuple(pr_series),
               hlines=((n_pos / n, f"random guess = prevalence {n_pos / n:.3f}"),))
    title = (f"AUC {auc:.3f} sums up every threshold; the chosen threshold {threshold:g} is one "
             + ("point on each curve" if chosen["precision"] is not None else
                "point on the ROC curve (it flags nothing, so it has no precision)"))
    return worked(values, table, findings, Chart(title, (roc, pr)))
