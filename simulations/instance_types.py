"""GPU and accelerator instances for deep learning: memory per instance, job time, fit.

Deep learning is dense linear algebra, and GPUs (or purpose-built chips such as AWS Trainium
and Inferentia) do that far faster than CPUs; they also cost far more per hour. Choosing an
instance is therefore arithmetic over three published numbers per family: how many
accelerators the largest size carries, how much memory each has, and each one's peak
throughput. The table lives in ``question_bank/data/instances.yaml`` (one row per family, with
its source and date); this module only does the arithmetic and says what to notice.

**Memory per instance.** An instance with ``n`` accelerators of ``m`` GiB each offers
``M = n * m`` GiB of accelerator memory. p3.16xlarge: 8 V100 x 16 GiB = 128 GiB;
p2.16xlarge: 16 K80 GPUs (8 dual-GPU boards) x 12 GiB = 192 GiB. More GPUs is not more speed:
each K80 GPU is far slower than a V100.

**Job time from peak figures.** A training job needs a fixed amount of arithmetic ``W``
(floating-point operations). For a transformer a common estimate is ``W ~ 6 * N * D`` for
``N`` parameters and ``D`` training tokens, so a 1-billion-parameter model on 1.7 billion
tokens is about 10^19 FLOP = 10 exaFLOP. With ``n`` accelerators of peak ``P`` FLOP/s each,
running at a utilisation ``u`` (the share of peak a real job achieves; 0.3-0.5 is typical for
well-tuned training), the wall-clock time is

    T = W / (n * P * u).

The ratio of two instances' times is the ratio of their ``n * P``; utilisation cancels if it
is the same for both (it rarely is exactly, which is why these numbers are *illustrative*,
computed from vendor peaks, not benchmarks). Peaks are dense FP16/BF16 tensor figures where the
chip has tensor cores, and FP32 for the old K80 and M60 that have none, so the P3-over-P2
ratio also includes the gain from mixed precision.

**Does the model fit?** Training with Adam in mixed precision keeps, per parameter, an FP16
weight and gradient (2 + 2 bytes), an FP32 master weight (4) and two FP32 moment estimates
(4 + 4): about 16 bytes, before activations. A model with ``N`` parameters needs
``16 N`` bytes; if that state is sharded evenly over all accelerators (ZeRO-3 / FSDP style) the
instance fits when ``16 N <= M``; without sharding every accelerator holds a full copy and it
fits only when ``16 N <= m``. Serving needs far less (about 2 bytes per parameter for FP16
weights, plus the activation and attention caches).

The families the legacy exam names (P2, P3, G3) are history: G3 was retired on 31 October
2025, AWS asked P3 users to migrate by 20 December 2025, and P2 is previous generation. What a
family is for (training, inference or both), its status and its source are columns of the data
file, and every title and finding below is computed from the rows a run shows: a family that is
built for inference (Inf2) is never offered as a place to train.

Accelerator memory is in GiB everywhere. Memory chips are made in binary sizes, and by the
JEDEC convention for memory capacity a "GB" on a GPU's datasheet or AWS's page is 2^30 bytes:
an A100 sold as 40 GB holds 40 GiB of HBM2 (nvidia-smi shows a little less, what ECC and the
driver reserve). For the H200 and B200 AWS's figure is the usable capacity the driver
reports (B200: 183,359 MiB = 179.1 GiB), so it is GiB too; for the H200 the data file keeps the
driver's 143,771 MiB = 140.4 GiB, since AWS's "141" rounds it up. The B300's 268 (below
NVIDIA's 288 GB) is taken the same way, though no source checked says what it measures. The data file keeps the
published figure and its unit beside the GiB one.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from quizzer.simulations import Param, SimulationError, scenario
from quizzer.simulations.example import Annotation, Chart, Panel, Series, Table, worked

GROUPS = ("overview", "legacy", "current", "nvidia", "training")
STATUSES = ("current", "previous generation", "retired")
PURPOSES = ("training", "inference", "both")
# The overview is 12 rows, one per kind of choice: the three legacy families, then the
# newest of each current line. It leaves out the memory variants (P3dn, P4de), the older
# siblings G5, P6-B200 and Trn1. Trn3 is no row at all: AWS sells it as UltraServers and no
# single instance size is sourced, so it never enters a chart or a fit count.
_OVERVIEW = ("p2", "p3", "g3", "g4dn", "g6", "g6e", "p4d", "p5", "p5e", "p6_b300", "trn2",
             "inf2")
_REQUIRED = ("family", "accelerator", "vendor", "largest_size", "accelerators",
             "memory_published", "memory_gib_each", "peak_tflops", "peak_precision", "purpose",
             "role", "status", "status_note", "source", "as_of")
GIB_PER_MEMORY_GB = 1.0  # JEDEC: a memory capacity in "GB" is in units of 2^30 bytes

_GROUP = Param("str", "overview", "which families to tabulate and chart: overview (the main "
               "families, 12 rows), legacy (previous generation "
               "or retired), current, nvidia, or training (families built for training)",
               choices=GROUPS)


def _slug(family: str) -> str:
    """'P5e / P5en' -> 'p5e', 'P6-B200' -> 'p6_b200': the name used in values (hours_p5e)."""
    return family.split("/")[0].strip().lower().replace("-", "_")


def published_gib(memory: dict) -> float:
    """A published accelerator memory figure ({value, unit: GB, GiB or MiB}) in GiB. A memory
    capacity printed in GB is a binary size, so the number is the same; MiB is what the
    driver (nvidia-smi) reports, used where AWS's GB figure is a rounded usable capacity."""
    unit = memory.get("unit")
    if unit == "GiB":
        return float(memory["value"])
    if unit == "MiB":
        return float(memory["value"]) / 1024
    if unit == "GB":
        return float(memory["value"]) * GIB_PER_MEMORY_GB
    raise SimulationError(f"instances.yaml: memory unit {unit!r} is not GB, GiB or MiB")


@functools.lru_cache(maxsize=1)
def _document() -> dict:
    from importlib.resources import files

    import yaml

    text = (files("quizzer.question_bank") / "data" / "instances.yaml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


@functools.lru_cache(maxsize=1)
def families() -> tuple:
    """The instance table from question_bank/data/instances.yaml, as a tuple of dicts.

    Adds ``slug`` and ``legacy`` (status is not current); raises SimulationError for a row
    that lacks a field, has an unknown status or purpose, or whose GiB figure disagrees with
    its published one.
    """
    rows = []
    for raw in _document()["families"]:
        missing = [k for k in _REQUIRED if k not in raw]
        if missing:
            raise SimulationError(f"instances.yaml: {raw.get('family')!r} lacks {missing}")
        if raw["status"] not in STATUSES:
            raise SimulationError(f"instances.yaml: {raw['family']}: bad status {raw['status']!r}")
        if raw["purpose"] not in PURPOSES:
            raise SimulationError(
                f"instances.yaml: {raw['family']}: bad purpose {raw['purpose']!r}")
        if abs(published_gib(raw["memory_published"]) - float(raw["memory_gib_each"])) > 0.006:
            raise SimulationError(f"instances.yaml: {raw['family']}: memory_gib_each does not "
                                  f"match memory_published")
        rows.append({**raw, "slug": _slug(raw["family"]), "legacy": raw["status"] != "current",
                     "accelerators": int(raw["accelerators"]),
                     "memory_gib_each": float(raw["memory_gib_each"]),
                     # null where no vendor publishes a peak for the chip (G5's A10G):
                     # such a family is left out of every job-time estimate
                     "peak_tflops": (None if raw["peak_tflops"] is None
                                     else float(raw["peak_tflops"]))})
    return tuple(rows)


def emr_mxnet() -> dict:
    """The EMR releases that shipped Apache MXNet, with their source (instances.yaml)."""
    return dict(_document()["emr_mxnet"])


def _by_slug() -> dict:
    return {f["slug"]: f for f in families()}


def _select(group: str) -> list:
    rows = families()
    if group == "overview":
        index = _by_slug()
        return [index[s] for s in _OVERVIEW]
    if group == "nvidia":
        return [f for f in rows if f["vendor"] == "NVIDIA"]
    if group == "training":
        return [f for f in rows if f["purpose"] != "inference"]
    return [f for f in rows if f["legacy"] == (group == "legacy")]


def _total_memory(f: dict) -> float:
    return f["accelerators"] * f["memory_gib_each"]


def _top_memory_size(rows: list) -> str:
    """The largest_size of the row with the most accelerator memory."""
    return max(rows, key=_total_memory)["largest_size"]


def _instance_tflops(f: dict) -> float:
    return f["accelerators"] * f["peak_tflops"]


def _names(rows: list) -> str:
    return ", ".join(f["family"] for f in rows) if rows else "none"


def _kind(f: dict) -> str:
    return "legacy family" if f["legacy"] else "current family"


def _split_bars(label_value: list, rows: list, style: str = "line") -> tuple:
    """Two bar series, legacy and current, over disjoint family labels (table order)."""
    out = []
    for kind in ("legacy family", "current family"):
        picked = [(f["family"], v) for f, v in zip(rows, label_value) if _kind(f) == kind]
        if picked:
            labels, ys = zip(*picked)
            out.append(Series.of(kind, labels, ys, style))
    return tuple(out)


def _g(x: float) -> str:
    """A memory or count figure for text: 640, 596.1, 44.7 (at most one decimal)."""
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


# --------------------------------------------------------------------------------- scenarios

@scenario("Accelerators and total accelerator memory (GiB) per largest instance, legacy vs "
          "current",
          group=_GROUP,
          metric=Param("str", "memory", "what the bars show: memory (total GiB per instance) "
                       "or accelerators (count per instance)", choices=("memory", "accelerators")))
def catalog(*, seed: int, group: str, metric: str):
    del seed  # a lookup, nothing random
    rows = _select(group)
    everything = families()
    values: dict = {}
    for f in everything:
        values[f"accelerators_{f['slug']}"] = f["accelerators"]
        values[f"memory_each_{f['slug']}"] = f["memory_gib_each"]
        values[f"memory_total_{f['slug']}"] = _total_memory(f)
    totals = np.array([_total_memory(f) for f in rows])
    counts = np.array([f["accelerators"] for f in rows], dtype=float)
    legacy = [f for f in rows if f["legacy"]]
    current = [f for f in rows if not f["legacy"]]
    biggest = rows[int(np.argmax(totals))]
    values.update(
        n_shown=len(rows), n_legacy_shown=len(legacy), n_current_shown=len(current),
        max_memory_total_shown=float(totals.max()),
        n_inference_only_shown=sum(f["purpose"] == "inference" for f in rows),
    )
    table = Table.of(("family", "count", "GiB each", "GiB total", "built for", "status"),
                     [(f["family"], f["accelerators"],
                       round(f["memory_gib_each"], 2), round(_total_memory(f), 1),
                       f["purpose"], f["status"] + (f" ({f['status_date']})"
                                                    if f.get("status_date") else ""))
                      for f in rows])
    findings = [
        f"{len(legacy)} of the {len(rows)} families shown are legacy ({_names(legacy)}): "
        f"previous generation or retired; exam questions may still name them, new work "
        f"should not use them." if legacy else
        f"All {len(rows)} families shown are current generation.",
        f"The most accelerator memory shown is {biggest['largest_size']}'s "
        f"{_g(totals.max())} GiB ({biggest['accelerators']} x "
        f"{_g(biggest['memory_gib_each'])} GiB); memory is in GiB throughout (a GPU memory "
        f"printed as GB is a binary size: 80 GB of HBM is 80 GiB).",
    ]
    if legacy and current:
        top_legacy = max(legacy, key=_total_memory)
        top_current = max(current, key=_total_memory)
        ratio = _total_memory(top_current) / _total_memory(top_legacy)
        values["memory_ratio_current_over_legacy"] = ratio
        findings.append(
            f"The largest current instance shown, {top_current['largest_size']}, holds "
            f"{ratio:.1f} times the accelerator memory of the largest legacy one, "
            f"{top_legacy['largest_size']} ({_g(_total_memory(top_legacy))} GiB).")
    inference_only = [f for f in rows if f["purpose"] == "inference"]
    if inference_only:
        findings.append(f"Built for inference only: {_names(inference_only)}; the other "
                        f"families shown can train.")
    index = _by_slug()
    if all(index[s] in rows for s in ("p2", "p3")):
        p2, p3 = index["p2"], index["p3"]
        values["compute_ratio_p3_over_p2"] = _instance_tflops(p3) / _instance_tflops(p2)
        findings.append(
            f"{p3['largest_size']} had {p3['accelerators']} {p3['accelerator']} GPUs "
            f"({_g(_total_memory(p3))} GiB in all); {p2['largest_size']} had "
            f"{p2['accelerators']} {p2['accelerator']} GPUs ({_g(_total_memory(p2))} GiB), two "
            f"per board, and about 1/{values['compute_ratio_p3_over_p2']:.0f} of P3's peak "
            f"compute.")
    if metric == "memory":
        ys, y_label, y_log = totals, "accelerator memory per instance (GiB, log scale)", True
        if legacy and current:
            ratio = values["memory_ratio_current_over_legacy"]
            title = (f"{_top_memory_size(current)} holds {ratio:.1f} times the accelerator "
                     f"memory of {_top_memory_size(legacy)}, the largest legacy instance shown")
        else:
            title = (f"Accelerator memory per largest instance: from {_g(totals.min())} to "
                     f"{_g(totals.max())} GiB ({biggest['largest_size']})")
    else:
        ys, y_label, y_log = counts, "accelerators per largest instance", False
        most = rows[int(np.argmax(counts))]
        if "compute_ratio_p3_over_p2" in values:
            title = (f"Accelerator count alone says little: p2.16xlarge had "
                     f"{values['accelerators_p2']} GPUs, p3.16xlarge {values['accelerators_p3']}"
                     f" with {values['compute_ratio_p3_over_p2']:.0f}x the peak compute")
        else:
            title = (f"Accelerators per largest instance: {most['largest_size']} has the most "
                     f"({most['accelerators']})")
    top = rows[int(np.argmax(ys))]
    note = ("most memory" if metric == "memory"
            else f"{top['accelerators']} x {top['accelerator']}")
    panel = Panel("bars", f"Largest size of each family ({group})", "instance family", y_label,
                  series=_split_bars(list(ys), rows), y_log=y_log,
                  annotations=(Annotation(top["family"], float(ys.max()), note),))
    return worked(values, table, findings, Chart(title, (panel,)))


@scenario("Hours a training job of fixed size takes on each largest instance, from peak figures",
          total_exaflop=Param("float", 10.0, "work in the job, in exaFLOP (1e18 floating-point "
                              "operations); about 6 x parameters x tokens for a transformer",
                              low=0.001, high=1e6),
          utilisation=Param("float", 0.4, "share of the published peak the job achieves",
                            low=0.01, high=1.0),
          deadline_hours=Param("float", 24.0, "wall-clock time the team can wait", low=0.01,
                               high=1e6),
          price_ratio_p3_over_p2=Param("float", 1.7, "hourly price of p3.16xlarge divided by "
                                       "p2.16xlarge (illustrative; about 24.48 vs 14.40 USD "
                                       "on demand in us-east-1 historically)", low=0.1, high=100),
          group=_GROUP)
def job_time(*, seed: int, total_exaflop: float, utilisation: float, deadline_hours: float,
             price_ratio_p3_over_p2: float, group: str):
    del seed
    picked = _select(group)
    # A training job: families built for inference only are not candidates, and a family
    # without a published peak cannot be timed from one.
    rows = [f for f in picked if f["purpose"] != "inference" and f["peak_tflops"] is not None]
    left_out = [f for f in picked if f["purpose"] == "inference"]
    unpublished = [f for f in picked if f["purpose"] != "inference" and f["peak_tflops"] is None]
    index = _by_slug()
    work = total_exaflop * 1e18

    def hours(f: dict) -> float:
        return work / (_instance_tflops(f) * 1e12 * utilisation) / 3600.0

    values: dict = {}
    for f in families():
        values[f"accelerators_{f['slug']}"] = f["accelerators"]
        if f["peak_tflops"] is None:
            continue
        values[f"peak_tflops_{f['slug']}"] = f["peak_tflops"]
        if f["purpose"] != "inference":
            values[f"hours_{f['slug']}"] = hours(f)
    h = np.array([hours(f) for f in rows])
    fast = rows[int(np.argmin(h))]
    slow = rows[int(np.argmax(h))]
    meets = h <= deadline_hours
    values.update(
        fastest_hours=float(h.min()),
        slowest_hours=float(h.max()),
        n_meet_deadline=int(meets.sum()),
        n_shown=len(rows),
    )
    table = Table.of(("family", "count", "peak PFLOP/s", "hours", "meets deadline"),
                     [(f["family"], f["accelerators"], round(_instance_tflops(f) / 1000, 3),
                       round(float(x), 2), "yes" if ok else "no")
                      for f, x, ok in zip(rows, h, meets)])
    missed = [f for f, ok in zip(rows, meets) if not ok]
    findings = [
        f"Illustrative, not a benchmark: {total_exaflop:g} exaFLOP at {utilisation:.0%} of each "
        f"instance's published peak (FP16/BF16 tensor where available, FP32 for K80 and M60).",
        f"{int(meets.sum())} of {len(rows)} instances finish within the {deadline_hours:g} h "
        f"deadline; too slow: {_names(missed)}.",
        f"The fastest by peak is {fast['largest_size']} at {h.min():.2f} h and the slowest "
        f"{slow['largest_size']} at {h.max():.3g} h; real speed also depends on utilisation, "
        f"interconnect and software support, so test before committing.",
    ]
    if left_out:
        findings.append(f"Left out: {_names(left_out)}, built for inference, not training.")
    if unpublished:
        findings.append(f"Also left out: {_names(unpublished)}, whose accelerator has no "
                        "published peak to estimate from.")
    shown = {f["slug"] for f in rows}
    if {"p2", "p3"} <= shown:
        speedup = values["hours_p2"] / values["hours_p3"]
        cost_ratio = price_ratio_p3_over_p2 / speedup
        values.update(
            speedup_p3_over_p2=speedup, cost_ratio_p3_over_p2=cost_ratio,
            price_ratio_p3_over_p2=price_ratio_p3_over_p2,
            p2_meets_deadline=int(values["hours_p2"] <= deadline_hours),
            p3_meets_deadline=int(values["hours_p3"] <= deadline_hours),
            instance_pflops_p2=_instance_tflops(index["p2"]) / 1000,
            instance_pflops_p3=_instance_tflops(index["p3"]) / 1000,
            per_accelerator_ratio_p3_over_p2=index["p3"]["peak_tflops"] / index["p2"][
                "peak_tflops"])
        findings.insert(1,
            f"p3.16xlarge takes {values['hours_p3']:.1f} h and p2.16xlarge "
            f"{values['hours_p2']:.1f} h: P3 is {speedup:.1f} times faster, so at "
            f"{price_ratio_p3_over_p2:g} times the hourly price the whole job costs "
            f"{cost_ratio:.2f} times as much on P3.")
    panel = Panel("bars", f"Same job on each largest instance ({group})", "instance family",
                  "hours to finish (log scale)", series=_split_bars(list(h), rows), y_log=True,
                  hlines=((deadline_hours, f"deadline {deadline_hours:g} h"),),
                  annotations=(Annotation(fast["family"], float(h.min()), "fastest by peak"),))
    title = (f"{total_exaflop:g} EFLOP at {utilisation:.0%} of peak: {slow['largest_size']} "
             f"needs {h.max():.3g} h, {fast['largest_size']} {h.min():.2g} h; "
             f"{int(meets.sum())} of {len(rows)} meet {deadline_hours:g} h")
    return worked(values, table, findings, Chart(title, (panel,)))


@scenario("Does a model's state (training or serving) fit in one instance's accelerator memory?",
          params_billion=Param("float", 13.0, "model parameters, in billions", low=0.01,
                               high=2000),
          bytes_per_param=Param("float", 16.0, "memory per parameter: about 16 for mixed-"
                                "precision Adam training, 2 for FP16 weights only (serving)",
                                low=0.5, high=64),
          sharded=Param("bool", True, "state split evenly across all accelerators (ZeRO-3/FSDP);"
                        " false = every accelerator holds a full copy"),
          workload=Param("str", "training", "training (candidates: families built for "
                         "training) or serving (families built for inference)",
                         choices=("training", "serving")),
          group=_GROUP)
def memory_fit(*, seed: int, params_billion: float, bytes_per_param: float, sharded: bool,
               workload: str, group: str):
    del seed
    need = params_billion * 1e9 * bytes_per_param / 2**30  # GiB
    unfit = "inference" if workload == "training" else "training"

    def capacity(f: dict) -> float:
        return _total_memory(f) if sharded else f["memory_gib_each"]

    picked = _select(group)
    left_out = [f for f in picked if f["purpose"] == unfit]
    rows = sorted((f for f in picked if f["purpose"] != unfit), key=capacity)  # a staircase

    values: dict = {"memory_needed_gib": need}
    for f in families():
        values[f"memory_each_{f['slug']}"] = f["memory_gib_each"]
        values[f"memory_total_{f['slug']}"] = _total_memory(f)
        if f["purpose"] != unfit:
            values[f"fits_{f['slug']}"] = int(capacity(f) >= need)
        values[f"accelerators_needed_{f['slug']}"] = int(math.ceil(need / f["memory_gib_each"]))
    cap = np.array([capacity(f) for f in rows])
    fits = cap >= need
    fitting = [f for f, ok in zip(rows, fits) if ok]
    smallest = min(fitting, key=capacity) if fitting else None
    values.update(n_fit=int(fits.sum()), n_shown=len(rows),
                  smallest_fit_capacity_gib=capacity(smallest) if smallest else None,
                  smallest_fit_headroom_gib=capacity(smallest) - need if smallest else None)
    unit = "GiB per instance" if sharded else "GiB per accelerator"
    table = Table.of(("family", "count", unit, "accel. needed", "fits"),
                     [(f["family"], f["accelerators"], round(capacity(f), 1),
                       values[f"accelerators_needed_{f['slug']}"], "yes" if ok else "no")
                      for f, ok in zip(rows, fits)])
    how = ("sharded over all accelerators" if sharded else
           "replicated: each accelerator holds a full copy")
    findings = [
        f"{params_billion:g} billion parameters at {bytes_per_param:g} bytes each need "
        f"{need:.1f} GiB of accelerator memory ({how}), before activations.",
        f"{int(fits.sum())} of {len(rows)} instances shown can hold it; too small: "
        f"{_names([f for f, ok in zip(rows, fits) if not ok])}.",
        (f"The smallest that fits is {smallest['largest_size']} with {_g(capacity(smallest))} "
         f"{unit}, leaving {capacity(smallest) - need:.1f} GiB for activations and buffers."
         if smallest else
         "No instance shown fits: the smallest capacity values are undefined; shard over "
         "several instances, use fewer bytes per parameter, or pick a bigger family."),
        "Accelerators needed = memory needed / memory per accelerator, rounded up: a bigger "
        "model needs more or larger accelerators, not faster ones.",
    ]
    if left_out:
        findings.append(f"Left out of this {workload} check: {_names(left_out)} (built for "
                        f"{unfit}).")
    labels = [f["family"] for f in rows]
    series = []
    for name, mask in (("too small", ~fits), ("fits", fits)):
        if mask.any():
            series.append(Series.of(name, [lab for lab, m in zip(labels, mask) if m],
                                    cap[mask]))
    panel = Panel("bars", f"Accelerator memory vs need ({group}, {workload})", "instance family",
                  f"{unit} (log scale)", series=tuple(series), y_log=True,
                  hlines=((need, f"needed {need:.0f} GiB"),))
    title = (f"{params_billion:g}B parameters x {bytes_per_param:g} B = {need:.0f} GiB: "
             f"{int(fits.sum())} of {len(rows)} bars reach the line")
    return worked(values, table, findings, Chart(title, (panel,)))


@scenario("Which Amazon EMR releases shipped Apache MXNet (a legacy exam fact, with dates)")
def emr_mxnet_releases(*, seed: int):
    del seed
    fact = emr_mxnet()
    first, last, gone = fact["first_release"], fact["last_release"], fact["first_without"]
    first_major = int(first.split(".")[0])
    before = f"{first_major}.0-{_previous(first)}"
    spans = [(f"{before}", 0), (f"{first}-{last}", 1), (f"{gone} and later", 0)]
    values: dict = {}  # numbers only: 5.10.0 -> first_major 5, first_minor 10, first_patch 0
    for name, release in (("first", first), ("last", last), ("gone", gone)):
        for part, number in zip(("major", "minor", "patch"), release.split(".")):
            values[f"{name}_{part}"] = int(number)
    table = Table.of(("EMR releases", "MXNet offered as an application"),
                     [(span, "yes" if has else "no") for span, has in spans])
    findings = [
        f"EMR offered Apache MXNet as a cluster application in releases {first} to {last} "
        f"(MXNet {fact['mxnet_version_last']} in {last}); releases from {gone} on do not "
        f"include it.",
        "MXNet has reached end of life: on a current EMR release you install a framework "
        "yourself, or train on EC2 with a Deep Learning AMI, or with SageMaker.",
        f"Source: {' '.join(fact['source'].split())} (as of {fact['as_of']}).",
    ]
    panel = Panel("bars", "MXNet in Amazon EMR releases", "EMR releases",
                  "MXNet included (1 = yes)",
                  series=(Series.of("MXNet application", [s for s, _ in spans],
                                    [h for _, h in spans]),))
    title = f"EMR shipped MXNet in releases {first}-{last} only; {gone} and later drop it"
    return worked(values, table, findings, Chart(title, (panel,)))


def _previous(release: str) -> str:
    """'5.10.0' -> '5.9': the release series just before ``release``."""
    major, minor = (int(x) for x in release.split(".")[:2])
    return f"{major}.{minor - 1}"


@scenario("Who pays for idle accelerators: an EC2 instance left running, SageMaker training "
          "jobs, and jobs that reuse a managed warm pool (illustrative arithmetic)",
          jobs_per_day=Param("int", 6, "training jobs run back to back each day", low=1,
                             high=200),
          job_hours=Param("float", 0.5, "run time of one job, in hours", low=0.01, high=24),
          startup_minutes=Param("float", 6.0, "minutes a job waits for new instances to be "
                                "provisioned (a cold start)", low=0.0, high=60),
          keep_alive_minutes=Param("float", 30.0, "warm-pool keep-alive after the last job, "
                                   "in minutes (SageMaker allows up to 60)", low=1.0, high=60))
def billing(*, seed: int, jobs_per_day: int, job_hours: float, startup_minutes: float,
            keep_alive_minutes: float):
    del seed
    training = jobs_per_day * job_hours
    if training > 24:
        raise SimulationError(f"{jobs_per_day} jobs of {job_hours:g} h need {training:g} h, "
                              f"more than a day")
    # Billed instance-hours per day. The instance left running is billed around the clock;
    # a training job's instances are billed while the job runs and released when it ends,
    # unless a warm pool keeps them (billed) for the keep-alive period after the last job.
    billed = {"EC2 left running": 24.0, "SageMaker jobs": training,
              "SageMaker + warm pool": training + keep_alive_minutes / 60}
    # Minutes spent waiting for instances: the running instance never waits, every cold job
    # waits, and with a warm pool only the first job of the day does.
    waiting = {"EC2 left running": 0.0, "SageMaker jobs": jobs_per_day * startup_minutes,
               "SageMaker + warm pool": startup_minutes}
    values = {"training_hours": training, "billed_ec2_hours": billed["EC2 left running"],
              "billed_jobs_hours": billed["SageMaker jobs"],
              "billed_warm_hours": billed["SageMaker + warm pool"],
              "idle_ec2_hours": 24.0 - training,
              "wait_jobs_minutes": waiting["SageMaker jobs"],
              "wait_warm_minutes": waiting["SageMaker + warm pool"],
              "jobs_per_day": jobs_per_day}
    table = Table.of(("option", "billed h/day", "idle billed h", "waiting min/day"),
                     [(name, round(billed[name], 2), round(billed[name] - training, 2),
                       round(waiting[name], 1)) for name in billed])
    findings = [
        f"Illustrative arithmetic, not a price list: {jobs_per_day} jobs of {job_hours:g} h a "
        f"day are {training:g} h of training.",
        f"An EC2 instance left running (a Deep Learning AMI you manage) is billed 24 h a day, "
        f"{24 - training:g} h of them idle, unless someone stops it.",
        f"SageMaker training jobs are billed about {training:g} h: each job's instances are "
        f"released when it ends, but every job waits about {startup_minutes:g} min for new "
        f"ones ({waiting['SageMaker jobs']:g} min a day).",
        f"A managed warm pool keeps the instances between matching jobs: the waiting drops to "
        f"{startup_minutes:g} min a day for {keep_alive_minutes:g} min of billed keep-alive "
        f"after the last job.",
    ]
    names = list(billed)
    bills = Panel("bars", "Billed instance-hours per day", "option", "hours",
                  series=(Series.of("billed", names, [billed[n] for n in names]),),
                  hlines=((training, f"training {training:g} h"),))
    waits = Panel("bars", "Minutes waiting for instances per day", "option", "minutes",
                  series=(Series.of("waiting", names, [waiting[n] for n in names]),))
    title = (f"{training:g} h of training a day: billed 24 h if left running, "
             f"{billed['SageMaker jobs']:g} h as SageMaker jobs, "
             f"{billed['SageMaker + warm pool']:.3g} h with a warm pool that cuts the waiting "
             f"from {waiting['SageMaker jobs']:g} to {startup_minutes:g} min")
    return worked(values, table, findings, Chart(title, (bills, waits)))
