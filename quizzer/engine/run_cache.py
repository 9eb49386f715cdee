"""The run cache: each simulation call run once and its worked example kept as JSON under
``$QUIZZER_HOME/cache``.

A scenario is a pure function of its name, parameters and seed, so its Example can be kept
and read back instead of run again. Entries are keyed by the call as the bank or the command
line gave it and by the simulations' code and data (each file's size and modification time,
and the quizzer version), so an edited scenario is never served stale.

Each entry also keeps what ``quizzer explain`` prints about the scenario (its purpose and the
other scenarios of its module), so explaining a topic whose example is cached loads neither
numpy nor the scenario module: reading the entry takes about a millisecond.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from quizzer.system.cache import code_key


@dataclass(frozen=True)
class ScenarioRun:
    """One run of a scenario, as the run cache keeps it: the Example it returned and what
    ``explain`` says about the scenario itself."""

    example: Any  # quizzer.simulations.example.Example
    purpose: str
    siblings: tuple  # every scenario of the same module, this one included


def _folder() -> Path | None:
    """This code's folder of entries (quizzer.system.cache.runs_folder)."""
    from quizzer.system.cache import runs_folder

    code = code_key()
    return runs_folder(code) if code else None


def _path(name: str, params: Mapping[str, Any], seed: int) -> Path | None:
    folder = _folder()
    if folder is None:
        return None
    call = json.dumps([name, dict(params), seed], sort_keys=True, default=list)
    return folder / f"{name}-{hashlib.sha256(call.encode()).hexdigest()[:16]}.json"


def get(name: str, params: Mapping[str, Any], seed: int = 0) -> ScenarioRun:
    """The scenario's worked example, from the cache or run now (and kept).

    Raises simulations.SimulationError for an unknown name or a bad parameter, as a run does.
    """
    return _read(name, params, seed) or _run(name, params, seed)


def get_many(calls: list[tuple], workers: int) -> dict:
    """``{call_key(call): ScenarioRun or SimulationError}`` for each ``(name, params,
    seed)``; those not kept yet are run on ``workers`` processes when there are enough to be
    worth it (a whole deck's first export runs about 150)."""
    found, missing = {}, []
    for call in calls:
        kept = read(call)
        if kept is None:
            missing.append(call)
        else:
            found[call_key(call)] = kept
    from quizzer.system.worker_pool import ordered_map

    # Each worker keeps what it runs; workers are quiet on Ctrl-C and die with this process.
    with ordered_map(run_or_error, missing, workers if len(missing) > 8 else 1) as runs:
        results = list(runs)
    for call, result in zip(missing, results):
        found[call_key(call)] = result
    return found


def call_key(call: tuple) -> str:
    return json.dumps(call, sort_keys=True, default=list)


def read(call: tuple) -> ScenarioRun | None:
    """The kept run of ``(name, params, seed)``, or None when it must be run."""
    return _read(*call)


def run_or_error(call: tuple):
    """The ScenarioRun of ``(name, params, seed)``, run now and kept, or the
    SimulationError it raised (returned, so a worker pool carries it back as a value)."""
    from quizzer import simulations

    try:
        return _run(*call)
    except simulations.SimulationError as err:
        return err


def _read(name: str, params: Mapping[str, Any], seed: int) -> ScenarioRun | None:
    path = _path(name, params, seed)
    if path is None:
        return None
    from quizzer.system.cache import read_verified, used

    blob = read_verified(path)
    if blob is None:
        return None  # not kept yet, cut short or edited: run it
    try:
        data = json.loads(blob)
        from quizzer.simulations.example import Example

        kept = ScenarioRun(Example.from_dict(data["example"]), str(data["purpose"]),
                           tuple(str(s) for s in data["siblings"]))
    except Exception:  # noqa: BLE001 - any doubt (nesting, types, fields) means run it
        return None
    if kept.example.name != name:
        return None
    used(path)  # a hit: evicted last (quizzer.system.cache.RUNS)
    return kept


def _run(name: str, params: Mapping[str, Any], seed: int) -> ScenarioRun:
    from quizzer import simulations

    example = simulations.run(name, seed=seed, **params)
    worked = ScenarioRun(example, simulations.describe(name).purpose,
                         tuple(simulations.names(name.split(".", 1)[0])))
    path = _path(name, params, seed)
    if path is not None:
        from quizzer.system.cache import run_written, write_verified

        entry = {"example": example.to_dict(), "purpose": worked.purpose,
                 "siblings": list(worked.siblings)}
        try:
            write_verified(path, json.dumps(entry, separators=(",", ":")).encode("utf-8"))
            run_written(path)  # other code's folders go; the bound (quizzer.system.cache.RUNS)
        except OSError:
            pass  # a cache that cannot be written only costs speed next time
    return worked
