"""The worked-example cache: read back equal, never stale, and cheap to use."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quizzer import simulations
from quizzer.engine import run_cache
from quizzer.system.cache import code_key, key_name, stat_key
from quizzer.system.home import cache_dir
from quizzer.simulations.example import Example


@pytest.mark.parametrize("name", simulations.names())
def test_every_example_survives_json(name):
    example = simulations.run(name)
    again = Example.from_dict(json.loads(json.dumps(example.to_dict())))
    assert again.to_dict() == example.to_dict()


def test_a_second_request_reads_the_kept_example_instead_of_running(monkeypatch):
    first = run_cache.get("confusion_matrix.metrics", {"tp": 40}, 0)
    assert first.example.values["precision"] == pytest.approx(40 / 45)
    assert first.purpose == simulations.describe("confusion_matrix.metrics").purpose
    assert "confusion_matrix.roc_auc" in first.siblings

    def no_runs(*args, **kwargs):
        raise AssertionError("ran the simulation again")

    monkeypatch.setattr(simulations, "run", no_runs)
    second = run_cache.get("confusion_matrix.metrics", {"tp": 40}, 0)
    assert second.example.to_dict() == first.example.to_dict()
    assert (second.purpose, second.siblings) == (first.purpose, first.siblings)
    with pytest.raises(AssertionError):  # other parameters are another entry
        run_cache.get("confusion_matrix.metrics", {"tp": 41}, 0)


def test_changed_simulation_code_is_a_new_entry(monkeypatch):
    runs = []
    real = simulations.run
    monkeypatch.setattr(simulations, "run", lambda *a, **k: runs.append(a) or real(*a, **k))
    run_cache.get("l1_l2.penalties", {}, 0)
    run_cache.get("l1_l2.penalties", {}, 0)
    [before] = cache_dir().glob("examples-*")
    monkeypatch.setattr(run_cache, "code_key", lambda: "after-an-edit")
    run_cache.get("l1_l2.penalties", {}, 0)
    assert len(runs) == 2
    # Entries of the old code can never be read again: their folder goes.
    assert [p.name for p in cache_dir().glob("examples-*")] == [
        f"examples-{key_name('after-an-edit')}"]
    assert not before.exists()


def test_the_code_key_follows_file_size_and_mtime(tmp_path):
    source = tmp_path / "scenario.py"
    source.write_text("x = 1\n")
    before = stat_key([source], "v1")
    assert stat_key([source], "v1") == before
    os.utime(source, ns=(1, 1))
    assert stat_key([source], "v1") != before
    assert stat_key([tmp_path / "missing.py"], "v1") is None


def _scenario_source(name: str) -> Path:
    """The file that defines scenario ``name`` (module.scenario)."""
    return Path(sys.modules[f"{simulations.__name__}.{name.split('.')[0]}"].__file__)


def _data_file() -> Path:
    """The data file instance_types reads (one of the bank's data files)."""
    from importlib.util import find_spec

    folder = Path(find_spec("quizzer.question_bank").submodule_search_locations[0]) / "data"
    return folder / "instances.yaml"


@pytest.mark.parametrize("name,edited", [
    ("l1_l2.penalties", lambda name: _scenario_source(name)),
    ("instance_types.memory_fit", lambda name: _data_file()),
], ids=["simulation-source", "simulation-data"])
def test_editing_a_simulation_or_its_data_runs_its_kept_examples_again(monkeypatch, name,
                                                                       edited):
    """The cache watches the real files: an example kept before the scenario's module (or
    the data it reads) changed on disk is never served again. The edit is a new mtime,
    put back afterwards."""
    runs = []
    real = simulations.run
    monkeypatch.setattr(simulations, "run", lambda *a, **k: runs.append(a) or real(*a, **k))
    code_key.cache_clear()
    first = run_cache.get(name, {}, 0)
    run_cache.get(name, {}, 0)
    assert len(runs) == 1  # kept
    path = edited(name)
    assert path.is_file(), path
    saved = path.stat()
    try:
        os.utime(path, ns=(saved.st_atime_ns, saved.st_mtime_ns + 10**9))
        code_key.cache_clear()  # a new process: the key is read once per process
        again = run_cache.get(name, {}, 0)
    finally:
        os.utime(path, ns=(saved.st_atime_ns, saved.st_mtime_ns))
        code_key.cache_clear()
    assert len(runs) == 2
    assert again.example.to_dict() == first.example.to_dict()


def test_an_unreadable_entry_is_run_again_and_replaced():
    first = run_cache.get("gradients.gradient_check", {}, 0)
    [entry] = cache_dir().glob("examples-*/gradients.gradient_check-*.json")
    entry.write_text("{not json")
    again = run_cache.get("gradients.gradient_check", {}, 0)
    assert again.example.to_dict() == first.example.to_dict()
    from quizzer.system.cache import read_verified

    assert json.loads(read_verified(entry))["example"] == first.example.to_dict()


def test_bad_parameters_raise_as_a_run_does():
    with pytest.raises(simulations.SimulationError, match="valid"):
        run_cache.get("confusion_matrix.metrics", {"nope": 1}, 0)


def test_explaining_a_topic_whose_example_is_kept_loads_no_numpy(tmp_path):
    env = {**os.environ, "QUIZZER_HOME": str(tmp_path)}
    probe = ("import sys\nfrom quizzer.cli import cli\n"
             "try:\n    cli(['explain', 'cm', '--no-plot'], prog_name='quizzer')\n"
             "except SystemExit:\n    pass\n"
             "print('numpy loaded:', 'numpy' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           env=env, check=True).stdout for _ in range(2)]
    assert runs[0].splitlines()[-1] == "numpy loaded: True"  # the first run computes it
    assert runs[1].splitlines()[-1] == "numpy loaded: False"
    assert runs[0] == runs[1].replace("numpy loaded: False", "numpy loaded: True")
