"""instance_types: the instance table, job time from peak figures, and the memory-fit check."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

import simulations
from simulations import SimulationError
from simulations import instance_types as it

SCENARIOS = ("catalog", "job_time", "memory_fit")


def run(name, **params):
    return simulations.run(f"instance_types.{name}", **params)


# ------------------------------------------------------------------------------- the data file

# The project's "Facts to get right" table (shared/CONTENT.md): family -> (largest size,
# accelerators, memory each, status). The data file must agree with it exactly.
FACTS = {
    "P2": ("p2.16xlarge", 16, 12, "legacy"),
    "P3": ("p3.16xlarge", 8, 16, "legacy"),
    "P3dn": ("p3dn.24xlarge", 8, 32, "legacy"),
    "G3": ("g3.16xlarge", 4, 8, "legacy"),
    "G4dn": ("g4dn.metal", 8, 16, "current"),
    "G5": ("g5.48xlarge", 8, 24, "current"),
    "G6": ("g6.48xlarge", 8, 24, "current"),
    "P4d": ("p4d.24xlarge", 8, 40, "current"),
    "P4de": ("p4de.24xlarge", 8, 80, "current"),
    "P5": ("p5.48xlarge", 8, 80, "current"),
    "P5e / P5en": ("p5e.48xlarge", 8, 141, "current"),
    "Trn1": ("trn1.32xlarge", 16, 32, "current"),
    "Trn2": ("trn2.48xlarge", 16, 96, "current"),
    "Inf2": ("inf2.48xlarge", 12, 32, "current"),
}


def test_data_file_matches_the_facts_table():
    rows = {f["family"]: f for f in it.families()}
    assert set(rows) == set(FACTS)
    for family, (size, count, memory, status) in FACTS.items():
        f = rows[family]
        assert (f["largest_size"], f["accelerators"], f["memory_gib_each"], f["status"]) == \
            (size, count, memory, status), family


def test_data_rows_are_complete_and_sourced():
    for f in it.families():
        assert f["peak_tflops"] > 0 and f["peak_precision"]
        assert f["source"].strip() and str(f["as_of"]).startswith(("2025", "2026"))
        assert f["use"] in ("training", "inference", "cost-efficient training/inference")
        assert f["vendor"] in ("NVIDIA", "AWS")
    slugs = [f["slug"] for f in it.families()]
    assert len(set(slugs)) == len(slugs)


# ------------------------------------------------------------------------------------ catalog

def test_catalog_pins_exam_numbers():
    v = run("catalog").values
    assert v["accelerators_p3"] == 8 and v["accelerators_p2"] == 16 and v["accelerators_g3"] == 4
    assert_allclose([v["memory_total_p3"], v["memory_total_p2"], v["memory_total_p4de"],
                     v["memory_total_p5"], v["memory_total_p5e"], v["memory_total_trn2"]],
                    [128, 192, 640, 640, 1128, 1536])
    assert v["n_shown"] == 12 and v["n_legacy_shown"] == 3
    assert_allclose(v["memory_ratio_p5_over_p3"], 5.0)
    assert_allclose(v["compute_ratio_p3_over_p2"], 1000 / (16 * 4.37), rtol=1e-9)


def test_catalog_claim_more_gpus_is_not_more_compute():
    v = run("catalog").values
    # P2 has twice the GPUs of P3 yet far less compute by published peaks.
    assert v["accelerators_p2"] == 2 * v["accelerators_p3"]
    assert v["compute_ratio_p3_over_p2"] > 10


def test_catalog_claim_current_families_hold_more_memory():
    rows = it.families()
    legacy = max(it._total_memory(f) for f in rows if f["status"] == "legacy")
    current = max(it._total_memory(f) for f in rows if f["status"] == "current")
    assert current > 5 * legacy
    ex = run("catalog")
    assert max(ex.values["memory_total_" + f["slug"]] for f in rows) == ex.values[
        "max_memory_total_shown"]


@pytest.mark.parametrize("group,n,legacy", [("overview", 12, 3), ("legacy", 4, 4),
                                            ("current", 10, 0), ("nvidia", 11, 4)])
def test_catalog_groups_select_rows(group, n, legacy):
    ex = run("catalog", group=group)
    assert len(ex.table.rows) == n == ex.values["n_shown"]
    assert ex.values["n_legacy_shown"] == legacy
    assert sum(row[-1] == "legacy" for row in ex.table.rows) == legacy


def test_catalog_accelerator_metric_plots_counts():
    ex = run("catalog", group="legacy", metric="accelerators")
    ys = [y for s in ex.chart.panels[0].series for y in s.y]
    assert sorted(ys) == [4, 8, 8, 16]


# ----------------------------------------------------------------------------------- job_time

def test_job_time_pins_hours():
    v = run("job_time").values
    assert_allclose(v["hours_p3"], 10e18 / (8 * 125e12 * 0.4) / 3600, rtol=1e-12)
    assert_allclose([v["hours_p2"], v["hours_p3"], v["hours_p5"], v["hours_g3"]],
                    [99.32, 6.944, 0.8777, 360.19], rtol=1e-3)
    assert_allclose(v["speedup_p3_over_p2"], 14.302, rtol=1e-3)
    assert_allclose(v["cost_ratio_p3_over_p2"], 1.7 / 14.302, rtol=1e-3)
    assert v["n_meet_deadline"] == 10 and v["p2_meets_deadline"] == 0
    assert v["p3_meets_deadline"] == 1
    assert_allclose(v["fastest_hours"], v["hours_trn2"])


def test_job_time_claim_hours_scale_with_work_and_inverse_utilisation():
    base = run("job_time").values
    double = run("job_time", total_exaflop=20.0).values
    faster = run("job_time", utilisation=0.8).values
    for slug in ("p2", "p3", "p5", "trn1"):
        assert_allclose(double[f"hours_{slug}"], 2 * base[f"hours_{slug}"], rtol=1e-12)
        assert_allclose(faster[f"hours_{slug}"], base[f"hours_{slug}"] / 2, rtol=1e-12)
    # The speed-up is a ratio of peaks: utilisation and job size cancel.
    assert_allclose(double["speedup_p3_over_p2"], base["speedup_p3_over_p2"])
    assert_allclose(faster["speedup_p3_over_p2"], base["speedup_p3_over_p2"])


def test_job_time_claim_deadline_decides_between_p2_and_p3():
    tight = run("job_time", deadline_hours=24.0).values
    loose = run("job_time", deadline_hours=120.0).values
    assert tight["p2_meets_deadline"] == 0 and tight["p3_meets_deadline"] == 1
    assert loose["p2_meets_deadline"] == 1
    assert loose["n_meet_deadline"] > tight["n_meet_deadline"]


def test_job_time_fastest_is_the_most_peak_compute():
    ex = run("job_time", group="nvidia")
    hours = [row[3] for row in ex.table.rows]
    pflops = [row[2] for row in ex.table.rows]
    assert int(np.argmin(hours)) == int(np.argmax(pflops))
    assert all(math.isfinite(y) for s in ex.chart.panels[0].series for y in s.y)


# --------------------------------------------------------------------------------- memory_fit

def test_memory_fit_pins_need_and_smallest_fit():
    v = run("memory_fit").values
    assert_allclose(v["memory_needed_gib"], 13e9 * 16 / 2**30, rtol=1e-12)
    assert_allclose(v["memory_needed_gib"], 193.715, rtol=1e-4)
    assert (v["fits_p4d"], v["fits_p5"], v["fits_g5"], v["fits_p3"], v["fits_p3dn"]) == \
        (1, 1, 0, 0, 1)
    assert v["n_fit"] == 6
    assert_allclose(v["smallest_fit_capacity_gib"], 320)
    assert v["accelerators_needed_p5"] == 3 and v["accelerators_needed_p3"] == 13


def test_memory_fit_claim_unsharded_needs_memory_per_accelerator():
    v = run("memory_fit", params_billion=7.0, sharded=False).values
    assert_allclose(v["memory_needed_gib"], 104.308, rtol=1e-4)
    # A full copy on one accelerator: only the 141 GB H200 is big enough.
    assert v["fits_p5e"] == 1 and v["fits_p5"] == 0 and v["fits_trn2"] == 0
    assert v["n_fit"] == 1
    sharded = run("memory_fit", params_billion=7.0, sharded=True).values
    assert sharded["n_fit"] > v["n_fit"]


def test_memory_fit_claim_bigger_models_fit_fewer_instances():
    counts = [run("memory_fit", params_billion=b).values["n_fit"]
              for b in (1, 7, 13, 30, 70, 200)]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


def test_memory_fit_nothing_fits_is_undefined_not_zero():
    ex = run("memory_fit", params_billion=1000.0)
    assert ex.values["n_fit"] == 0
    assert ex.values["smallest_fit_capacity_gib"] is None
    assert ex.values["smallest_fit_headroom_gib"] is None
    assert any("undefined" in f for f in ex.findings)


# ------------------------------------------------------------------------------------ contract

@pytest.mark.parametrize("name,params", [
    ("job_time", {"utilisation": 0.0}),
    ("job_time", {"utilisation": 1.5}),
    ("job_time", {"total_exaflop": -1}),
    ("job_time", {"group": "all"}),
    ("catalog", {"metric": "price"}),
    ("memory_fit", {"params_billion": 0}),
    ("memory_fit", {"bytes_per_param": "many"}),
    ("memory_fit", {"sharded": "maybe"}),
    ("catalog", {"nonsense": 1}),
])
def test_bad_params_raise(name, params):
    with pytest.raises(SimulationError):
        run(name, **params)
