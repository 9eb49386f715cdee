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

The families the legacy exam names (P2, P3, G3) are previous generation: G3 was retired in
October 2025 and P3 users were given a December 2025 migration deadline. Current choices:
G4dn/G5/G6 for cost-efficient inference and small training, P4d/P4de/P5/P5e for large
training, Trn1/Trn2 for training on AWS silicon, Inf2 for high-throughput inference.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from simulations import Param, SimulationError, scenario
from simulations.example import Annotation, Chart, Panel, Series, Table, worked

GROUPS = ("overview", "legacy", "current", "nvidia")
_OVERVIEW = ("p2", "p3", "g3", "g4dn", "g5", "g6", "p4d", "p5", "p5e", "trn1", "trn2", "inf2")
_REQUIRED = ("family", "accelerator", "vendor", "largest_size", "accelerators",
             "memory_gib_each", "peak_tflops", "peak_precision", "status", "use", "source",
             "as_of")

_GROUP = Param("str", "overview", "which families to tabulate and chart: overview (12 main "
               "families, without the P3dn/P4de memory variants), legacy, current or nvidia",
               choices=GROUPS)


def _slug(family: str) -> str:
    """'P5e / P5en' -> 'p5e': the short name used in value names such as hours_p5e."""
    return family.split("/")[0].strip().lower()


@functools.lru_cache(maxsize=1)
def families() -> tuple:
    """The instance table from question_bank/data/instances.yaml, as a tuple of dicts."""
    from importlib.resources import files

    import yaml

    text = (files("question_bank") / "data" / "instances.yaml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    rows = []
    for raw in data["families"]:
        missing = [k for k in _REQUIRED if k not in raw]
        if missing:
            raise SimulationError(f"instances.yaml: {raw.get('family')!r} lacks {missing}")
        if raw["status"] not in ("legacy", "current"):
            raise SimulationError(f"instances.yaml: {raw['family']}: bad status {raw['status']!r}")
        rows.append({**raw, "slug": _slug(raw["family"]),
                     "accelerators": int(raw["accelerators"]),
                     "memory_gib_each": float(raw["memory_gib_each"]),
                     "peak_tflops": float(raw["peak_tflops"])})
    return tuple(rows)


def _by_slug() -> dict:
    return {f["slug"]: f for f in families()}


def _select(group: str) -> list:
    rows = families()
    if group == "overview":
        index = _by_slug()
        return [index[s] for s in _OVERVIEW]
    if group == "nvidia":
        return [f for f in rows if f["vendor"] == "NVIDIA"]
    return [f for f in rows if f["status"] == group]


def _total_memory(f: dict) -> float:
    return f["accelerators"] * f["memory_gib_each"]


def _instance_tflops(f: dict) -> float:
    return f["accelerators"] * f["peak_tflops"]


def _names(rows: list) -> str:
    return ", ".join(f["family"] for f in rows) if rows else "none"


def _split_bars(label_value: list, rows: list, style: str = "line") -> tuple:
    """Two bar series, legacy and current, over disjoint family labels (table order)."""
    out = []
    for status in ("legacy", "current"):
        picked = [(f["family"], v) for f, v in zip(rows, label_value) if f["status"] == status]
        if picked:
            labels, ys = zip(*picked)
            out.append(Series.of(f"{status} family", labels, ys, style))
    return tuple(out)


# --------------------------------------------------------------------------------- scenarios

@scenario("Accelerators and total accelerator memory per largest instance, legacy vs current",
          group=_GROUP,
          metric=Param("str", "memory", "what the bars show: memory (total GiB per instance) "
                       "or accelerators (count per instance)", choices=("memory", "accelerators")))
def catalog(*, seed: int, group: str, metric: str):
    del seed  # a lookup, nothing random
    rows = _select(group)
    everything = families()
    index = _by_slug()
    values: dict = {}
    for f in everything:
        values[f"accelerators_{f['slug']}"] = f["accelerators"]
        values[f"memory_each_{f['slug']}"] = f["memory_gib_each"]
        values[f"memory_total_{f['slug']}"] = _total_memory(f)
    totals = np.array([_total_memory(f) for f in rows])
    counts = np.array([f["accelerators"] for f in rows], dtype=float)
    legacy = [f for f in rows if f["status"] == "legacy"]
    biggest = rows[int(np.argmax(totals))]
    p2, p3, p5 = index["p2"], index["p3"], index["p5"]
    values.update(
        n_shown=len(rows), n_legacy_shown=len(legacy),
        max_memory_total_shown=float(totals.max()),
        memory_ratio_p5_over_p3=_total_memory(p5) / _total_memory(p3),
        compute_ratio_p3_over_p2=_instance_tflops(p3) / _instance_tflops(p2),
    )
    table = Table.of(("family", "accelerator", "count", "GiB each", "GiB total", "status"),
                     [(f["family"], f["accelerator"], f["accelerators"],
                       round(f["memory_gib_each"], 1), round(_total_memory(f), 1),
                       f["status"]) for f in rows])
    findings = [
        f"{len(legacy)} of the {len(rows)} families shown are previous generation "
        f"({_names(legacy)}); exam questions may still name them, new work should not use them.",
        f"{p3['largest_size']} has {p3['accelerators']} {p3['accelerator']} GPUs "
        f"({_total_memory(p3):g} GiB in all); {p2['largest_size']} has {p2['accelerators']} "
        f"{p2['accelerator']} GPUs ({_total_memory(p2):g} GiB), two per board.",
        f"More GPUs is not more speed: by published peaks {p3['largest_size']} offers "
        f"{values['compute_ratio_p3_over_p2']:.1f} times the compute of {p2['largest_size']} "
        f"with half as many GPUs.",
        f"The largest instance shown, {biggest['largest_size']}, has {totals.max():g} GiB of "
        f"accelerator memory, {totals.max() / _total_memory(p3):.1f} times p3.16xlarge.",
    ]
    if metric == "memory":
        ys, y_label, y_log = totals, "accelerator memory per instance (GiB, log scale)", True
        title = "Current families carry many times the accelerator memory of legacy P2/P3/G3"
    else:
        ys, y_label, y_log = counts, "accelerators per largest instance", False
        title = "Accelerator count alone says little: P2 has 16 slow GPUs, P3 has 8 fast ones"
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
    rows = _select(group)
    index = _by_slug()
    work = total_exaflop * 1e18

    def hours(f: dict) -> float:
        return work / (_instance_tflops(f) * 1e12 * utilisation) / 3600.0

    values: dict = {f"hours_{f['slug']}": hours(f) for f in families()}
    h = np.array([hours(f) for f in rows])
    fast = rows[int(np.argmin(h))]
    meets = h <= deadline_hours
    speedup = values["hours_p2"] / values["hours_p3"]
    cost_ratio = price_ratio_p3_over_p2 / speedup
    values.update(
        speedup_p3_over_p2=speedup,
        cost_ratio_p3_over_p2=cost_ratio,
        fastest_hours=float(h.min()),
        slowest_hours=float(h.max()),
        n_meet_deadline=int(meets.sum()),
        n_shown=len(rows),
        p2_meets_deadline=int(values["hours_p2"] <= deadline_hours),
        p3_meets_deadline=int(values["hours_p3"] <= deadline_hours),
        instance_pflops_p2=_instance_tflops(index["p2"]) / 1000,
        instance_pflops_p3=_instance_tflops(index["p3"]) / 1000,
    )
    table = Table.of(("family", "count", "peak PFLOP/s", "hours", "meets deadline"),
                     [(f["family"], f["accelerators"], round(_instance_tflops(f) / 1000, 3),
                       round(float(x), 2), "yes" if ok else "no")
                      for f, x, ok in zip(rows, h, meets)])
    missed = [f for f, ok in zip(rows, meets) if not ok]
    findings = [
        f"Illustrative, not a benchmark: {total_exaflop:g} exaFLOP at {utilisation:.0%} of each "
        f"instance's published peak (FP16/BF16 tensor where available, FP32 for K80 and M60).",
        f"p3.16xlarge takes {values['hours_p3']:.1f} h and p2.16xlarge {values['hours_p2']:.1f} h: "
        f"P3 is {speedup:.1f} times faster, so at {price_ratio_p3_over_p2:g} times the hourly "
        f"price the whole job costs {cost_ratio:.2f} times as much on P3.",
        f"{int(meets.sum())} of {len(rows)} instances finish within the {deadline_hours:g} h "
        f"deadline; too slow: {_names(missed)}.",
        f"The fastest by peak is {fast['largest_size']} at {h.min():.2f} h; real speed also "
        f"depends on utilisation, interconnect and software support, so test before committing.",
    ]
    panel = Panel("bars", f"Same job on each largest instance ({group})", "instance family",
                  "hours to finish (log scale)", series=_split_bars(list(h), rows), y_log=True,
                  hlines=((deadline_hours, f"deadline {deadline_hours:g} h"),),
                  annotations=(Annotation(fast["family"], float(h.min()), "fastest by peak"),))
    title = (f"{total_exaflop:g} EFLOP at {utilisation:.0%} of peak: p2.16xlarge needs "
             f"{values['hours_p2']:.0f} h, p3.16xlarge {values['hours_p3']:.1f} h, "
             f"p5.48xlarge {values['hours_p5']:.1f} h")
    return worked(values, table, findings, Chart(title, (panel,)))


@scenario("Does a model's state (training or serving) fit in one instance's accelerator memory?",
          params_billion=Param("float", 13.0, "model parameters, in billions", low=0.01,
                               high=2000),
          bytes_per_param=Param("float", 16.0, "memory per parameter: about 16 for mixed-"
                                "precision Adam training, 2 for FP16 weights only (serving)",
                                low=0.5, high=64),
          sharded=Param("bool", True, "state split evenly across all accelerators (ZeRO-3/FSDP);"
                        " false = every accelerator holds a full copy"),
          group=_GROUP)
def memory_fit(*, seed: int, params_billion: float, bytes_per_param: float, sharded: bool,
               group: str):
    del seed
    need = params_billion * 1e9 * bytes_per_param / 2**30  # GiB

    def capacity(f: dict) -> float:
        return _total_memory(f) if sharded else f["memory_gib_each"]

    rows = sorted(_select(group), key=capacity)  # a staircase that crosses the need line

    values: dict = {"memory_needed_gib": need}
    for f in families():
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
        (f"The smallest that fits is {smallest['largest_size']} with {capacity(smallest):g} "
         f"{unit}, leaving {capacity(smallest) - need:.1f} GiB for activations and buffers."
         if smallest else
         "No instance shown fits: the smallest capacity values are undefined; shard over "
         "several instances, use fewer bytes per parameter, or pick a bigger family."),
        "Accelerators needed = memory needed / memory per accelerator, rounded up: a bigger "
        "model needs more or larger accelerators, not faster ones.",
    ]
    labels = [f["family"] for f in rows]
    series = []
    for name, mask in (("too small", ~fits), ("fits", fits)):
        if mask.any():
            series.append(Series.of(name, [lab for lab, m in zip(labels, mask) if m],
                                    cap[mask]))
    panel = Panel("bars", f"Accelerator memory vs need ({group})", "instance family",
                  f"{unit} (log scale)", series=tuple(series), y_log=True,
                  hlines=((need, f"needed {need:.0f} GiB"),))
    title = (f"{params_billion:g}B parameters x {bytes_per_param:g} B = {need:.0f} GiB: "
             f"only bars above the line can hold it")
    return worked(values, table, findings, Chart(title, (panel,)))
