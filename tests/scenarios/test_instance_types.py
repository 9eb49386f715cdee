"""instance_types: the instance table, job time from peak figures, the memory-fit check and
the EMR/MXNet release range."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from quizzer import simulations
from quizzer.simulations import SimulationError
from quizzer.simulations import instance_types as it

SCENARIOS = ("catalog", "job_time", "memory_fit", "emr_mxnet_releases", "billing")


def run(name, **params):
    return simulations.run(f"instance_types.{name}", **params)


# ------------------------------------------------------------------------------- the data file

# The project's "Facts to get right" table (shared/CONTENT.md): family -> (largest size,
# accelerators, memory each as published, status). The data file must agree with it.
FACTS = {
    "P2": ("p2.16xlarge", 16, (12, "GiB"), "previous generation"),
    "P3": ("p3.16xlarge", 8, (16, "GiB"), "retired"),
    "P3dn": ("p3dn.24xlarge", 8, (32, "GiB"), "previous generation"),
    "G3": ("g3.16xlarge", 4, (8, "GiB"), "retired"),
    "G4dn": ("g4dn.metal", 8, (16, "GiB"), "current"),
    "G5": ("g5.48xlarge", 8, (24, "GiB"), "current"),
    "G6": ("g6.48xlarge", 8, (24, "GiB"), "current"),
    "G6e": ("g6e.48xlarge", 8, (48, "GB"), "current"),
    "P4d": ("p4d.24xlarge", 8, (40, "GB"), "current"),
    "P4de": ("p4de.24xlarge", 8, (80, "GB"), "current"),
    "P5": ("p5.48xlarge", 8, (80, "GB"), "current"),
    "P5e / P5en": ("p5e.48xlarge", 8, (143771, "MiB"), "current"),  # AWS: "141 GB"
    "P6-B200": ("p6-b200.48xlarge", 8, (179, "GB"), "current"),
    "P6-B300": ("p6-b300.48xlarge", 8, (268, "GB"), "current"),
    "Trn1": ("trn1.32xlarge", 16, (32, "GiB"), "current"),
    "Trn2": ("trn2.48xlarge", 16, (96, "GiB"), "current"),
    "Inf2": ("inf2.48xlarge", 12, (32, "GiB"), "current"),
}


def test_data_file_matches_the_facts_table():
    rows = {f["family"]: f for f in it.families()}
    assert set(rows) == set(FACTS)
    for family, (size, count, (memory, unit), status) in FACTS.items():
        f = rows[family]
        assert (f["largest_size"], f["accelerators"], f["status"]) == (size, count, status), \
            family
        assert f["memory_published"] == {"value": memory, "unit": unit}, family


def test_memory_is_converted_to_gib_from_the_published_unit():
    rows = {f["family"]: f for f in it.families()}
    assert rows["P5"]["memory_gib_each"] == 80  # an H100 "80 GB" holds 80 GiB of HBM3
    assert rows["P4d"]["memory_gib_each"] == 40
    assert rows["Trn2"]["memory_gib_each"] == 96  # the Neuron docs print GiB already
    # the driver's 143,771 MiB per H200 is 140.4 GiB (AWS rounds it to "141 GB")
    assert_allclose(rows["P5e / P5en"]["memory_gib_each"], 143771 / 1024, atol=0.006)
    for f in it.families():
        assert_allclose(f["memory_gib_each"], it.published_gib(f["memory_published"]),
                        atol=0.006)


def test_trn3_is_no_instance_row_without_a_sourced_size():
    # Trn3 is sold as UltraServers; a made-up "instance" must not reach charts or fit counts.
    assert "Trn3" not in {f["family"] for f in it.families()}
    for group in it.GROUPS:
        assert "fits_trn3" not in run("memory_fit", params_billion=7.0, group=group).values


def test_retired_rows_carry_a_date_and_inference_only_is_inf2():
    for f in it.families():
        assert bool(f["status_date"]) == (f["status"] == "retired"), f["family"]
    assert [f["family"] for f in it.families() if f["purpose"] == "inference"] == ["Inf2"]
    slugs = [f["slug"] for f in it.families()]
    assert len(set(slugs)) == len(slugs)


# ------------------------------------------------------------------------------------ catalog

def test_catalog_pins_totals_from_the_data():
    v = run("catalog").values
    assert v["accelerators_p3"] == 8 and v["accelerators_p2"] == 16 and v["accelerators_g3"] == 4
    assert_allclose([v["memory_total_p3"], v["memory_total_p2"], v["memory_total_trn2"],
                     v["memory_total_p5"], v["memory_total_p6_b300"]],
                    [128, 192, 1536, 8 * 80, 8 * 268], rtol=1e-3)
    assert v["n_shown"] == 12 and v["n_legacy_shown"] == 3 and v["n_inference_only_shown"] == 1
    assert_allclose(v["compute_ratio_p3_over_p2"], 1000 / (16 * 4.37), rtol=1e-9)


def test_catalog_title_names_only_what_the_chart_holds():
    for group in ("overview", "legacy", "current", "nvidia", "training"):
        for metric in ("memory", "accelerators"):
            ex = run("catalog", group=group, metric=metric)
            shown = {f["largest_size"] for f in it.families()
                     if f["family"] in {row[0] for row in ex.table.rows}}
            named = {size for size in (f["largest_size"] for f in it.families())
                     if size in ex.chart.title}
            assert named <= shown, (group, metric, ex.chart.title)


def test_catalog_memory_ratio_is_computed_not_claimed():
    ex = run("catalog")
    rows = [f for f in it.families() if f["family"] in {r[0] for r in ex.table.rows}]
    current = max(it._total_memory(f) for f in rows if not f["legacy"])
    legacy = max(it._total_memory(f) for f in rows if f["legacy"])
    assert_allclose(ex.values["memory_ratio_current_over_legacy"], current / legacy)
    assert f"{current / legacy:.1f} times" in ex.chart.title
    # With no legacy rows there is no ratio to claim.
    assert "memory_ratio_current_over_legacy" not in run("catalog", group="current").values


@pytest.mark.parametrize("group,n,legacy", [("overview", 12, 3), ("legacy", 4, 4),
                                            ("current", 13, 0), ("nvidia", 14, 4),
                                            ("training", 16, 4)])
def test_catalog_groups_select_rows(group, n, legacy):
    ex = run("catalog", group=group)
    assert len(ex.table.rows) == n == ex.values["n_shown"]
    assert ex.values["n_legacy_shown"] == legacy
    assert sum(row[-1] != "current" for row in ex.table.rows) == legacy


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
    assert v["p2_meets_deadline"] == 0 and v["p3_meets_deadline"] == 1
    assert_allclose(v["fastest_hours"], v["hours_p6_b300"])


def test_job_time_never_trains_on_an_inference_chip():
    for group in ("overview", "current", "training"):
        ex = run("job_time", group=group)
        assert "Inf2" not in [row[0] for row in ex.table.rows]
        assert "hours_inf2" not in ex.values
    assert any("Inf2" in f and "inference" in f for f in run("job_time").findings)


def test_job_time_times_no_family_without_a_published_peak():
    """G5's A10G has no vendor peak: its row is left out and the example says so, rather
    than timing it from the A10's datasheet figure."""
    no_peak = [f["family"] for f in it.families() if f["peak_tflops"] is None]
    assert no_peak == ["G5"]
    ex = run("job_time", group="current")
    assert "G5" not in [row[0] for row in ex.table.rows] and "hours_g5" not in ex.values
    assert any("G5" in f and "no published peak" in f for f in ex.findings)
    assert ex.values["n_shown"] == len(ex.table.rows)


def test_job_time_title_names_only_rows_shown():
    ex = run("job_time", group="legacy")
    assert "p5.48xlarge" not in ex.chart.title and "p3.16xlarge" in ex.chart.title
    assert "speedup_p3_over_p2" not in run("job_time", group="current").values


def test_job_time_claim_hours_scale_with_work_and_inverse_utilisation():
    base = run("job_time").values
    double = run("job_time", total_exaflop=20.0).values
    faster = run("job_time", utilisation=0.8).values
    for slug in ("p2", "p3", "p5", "trn1"):
        assert_allclose(double[f"hours_{slug}"], 2 * base[f"hours_{slug}"], rtol=1e-12)
        assert_allclose(faster[f"hours_{slug}"], base[f"hours_{slug}"] / 2, rtol=1e-12)
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
    assert_allclose(v["smallest_fit_capacity_gib"], 8 * 40, rtol=1e-3)
    assert v["accelerators_needed_p5"] == 3 and v["accelerators_needed_p3"] == 13


def test_memory_fit_training_never_offers_inf2_and_serving_never_offers_trn1():
    train = run("memory_fit", params_billion=7.0)
    assert "Inf2" not in [r[0] for r in train.table.rows] and "fits_inf2" not in train.values
    serve = run("memory_fit", params_billion=7.0, bytes_per_param=2.0, workload="serving")
    assert "Inf2" in [r[0] for r in serve.table.rows]
    assert "Trn1" not in [r[0] for r in serve.table.rows]


def test_memory_fit_claim_unsharded_needs_memory_per_accelerator():
    v = run("memory_fit", params_billion=7.0, sharded=False, group="current").values
    assert_allclose(v["memory_needed_gib"], 104.308, rtol=1e-4)
    # A full copy on one accelerator: H200, B200 and B300 are big enough.
    assert (v["fits_p5e"], v["fits_p6_b200"], v["fits_p6_b300"]) == (1, 1, 1)
    assert v["fits_p5"] == 0 and v["fits_trn2"] == 0
    assert v["n_fit"] == 3
    sharded = run("memory_fit", params_billion=7.0, sharded=True, group="current").values
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


# ------------------------------------------------------------------------------- EMR and MXNet

def test_emr_mxnet_release_range_comes_from_the_data_file():
    ex = run("emr_mxnet_releases")
    v = ex.values
    assert (v["first_major"], v["first_minor"], v["first_patch"]) == (5, 10, 0)
    assert (v["last_major"], v["last_minor"], v["gone_minor"]) == (7, 2, 3)
    assert ex.table.rows == (("5.0-5.9", "no"), ("5.10.0-7.2.0", "yes"),
                             ("7.3.0 and later", "no"))
    assert "5.10.0-7.2.0" in ex.chart.title


# ------------------------------------------------------------------------------------ billing

def test_billing_left_running_pays_for_idle_hours_jobs_do_not():
    v = run("billing", jobs_per_day=6, job_hours=0.5).values
    assert v["training_hours"] == 3.0 and v["billed_ec2_hours"] == 24.0
    assert v["idle_ec2_hours"] == 21.0 and v["billed_jobs_hours"] == 3.0


def test_billing_warm_pool_trades_keep_alive_for_waiting():
    v = run("billing", jobs_per_day=30, job_hours=0.1, startup_minutes=6.0,
            keep_alive_minutes=10.0).values
    assert v["wait_jobs_minutes"] == 180.0 and v["wait_warm_minutes"] == 6.0
    assert_allclose(v["billed_warm_hours"] - v["billed_jobs_hours"], 10 / 60)


def test_billing_refuses_more_than_a_day_of_jobs():
    with pytest.raises(SimulationError):
        run("billing", jobs_per_day=100, job_hours=1.0)


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
    ("memory_fit", {"workload": "gaming"}),
    ("catalog", {"nonsense": 1}),
])
def test_bad_params_raise(name, params):
    with pytest.raises(SimulationError):
        run(name, **params)
