"""The cache folder stays bounded: least recently used entries go first, entries in use stay,
and nothing outside a cache's own entries is ever removed (quizzer.system.cache)."""

import os
import time

from click.testing import CliRunner

from quizzer.cli import cli
from quizzer.engine import run_cache
from quizzer.system import cache
from quizzer.system.home import cache_dir

HOUR = 3600


def entry(folder, name, size, last_used):
    path = folder / name
    path.write_bytes(b"x" * size)
    os.utime(path, (last_used, last_used))
    return path


def test_sweep_removes_the_least_recently_used_until_three_quarters_of_the_bound(tmp_path):
    now = time.time()
    # Four entries of 100 bytes, last used 5, 4, 3 and 2 hours ago; the bound is 300 bytes.
    paths = [entry(tmp_path, f"{n}.png", 100, now - (5 - n) * HOUR) for n in range(4)]
    removed = cache.sweep(tmp_path, cache.Bound("*.png", 300), now=now)
    # 400 > 300: the oldest two go (400 -> 300 -> 200, which is within 3/4 of 300 = 225).
    assert removed == paths[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2.png", "3.png"]


def test_sweep_leaves_a_cache_within_its_bound_alone(tmp_path):
    now = time.time()
    for n in range(3):
        entry(tmp_path, f"{n}.png", 100, now - 10 * HOUR)
    assert cache.sweep(tmp_path, cache.Bound("*.png", 300), now=now) == []
    assert len(list(tmp_path.iterdir())) == 3


def test_entries_used_within_the_hour_stay_even_above_the_bound(tmp_path):
    """A running export holds the paths of the plots it drew; they must not vanish."""
    now = time.time()
    old = entry(tmp_path, "old.png", 100, now - 2 * HOUR)
    fresh = [entry(tmp_path, f"fresh{n}.png", 100, now - 60 * n) for n in range(4)]
    assert cache.sweep(tmp_path, cache.Bound("*.png", 200), now=now) == [old]
    assert all(p.exists() for p in fresh)


def test_sweep_touches_only_its_own_pattern(tmp_path):
    now = time.time()
    entry(tmp_path, "a.png", 500, now - 9 * HOUR)
    others = [entry(tmp_path, name, 500, now - 9 * HOUR)
              for name in ("anki-notes.json", "bank-0123.json", "notes.txt")]
    (tmp_path / "matplotlib").mkdir()
    assert [p.name for p in cache.sweep(tmp_path, cache.Bound("*.png", 100), now=now)] \
        == ["a.png"]
    assert all(p.exists() for p in others) and (tmp_path / "matplotlib").is_dir()


def test_sweep_of_a_missing_or_unreadable_folder_removes_nothing_and_raises_nothing(tmp_path):
    assert cache.sweep(tmp_path / "absent", cache.PLOTS) == []
    (tmp_path / "file").write_text("not a folder")
    assert cache.sweep(tmp_path / "file", cache.PLOTS) == []


def test_a_hit_marks_the_entry_used(tmp_path):
    path = entry(tmp_path, "a.png", 10, time.time() - 5 * HOUR)
    cache.used(path)
    assert time.time() - path.stat().st_mtime < 60
    cache.used(tmp_path / "gone.png")  # removed meanwhile: no error


def test_explain_with_many_set_values_keeps_the_plots_within_the_bound(monkeypatch):
    """The issue's case: every `explain --set` value drew a PNG that stayed for ever."""
    monkeypatch.setattr(cache, "SWEEP_EVERY", 1)
    monkeypatch.setattr(cache, "KEEP_SECONDS", 0)  # nothing counts as in use by a session
    pngs = []
    for tp in (40, 41, 42, 43):
        result = CliRunner().invoke(cli, ["explain", "cm", "--scenario",
                                          "confusion_matrix.metrics", "--set", f"tp={tp}"])
        assert result.exit_code == 0, result.output
        [png] = [p for p in cache_dir().glob("*.png") if p not in pngs] or [None]
        assert png is not None  # this value's plot was drawn
        pngs.append(png)
        if tp == 41:
            # Two plots exist now. Bound the cache to a bit more than two of them: each new
            # plot then pushes the least recently used one out.
            size = max(p.stat().st_size for p in pngs)
            monkeypatch.setattr(cache, "PLOTS", cache.Bound("*.png", int(size * 2.2)))
        time.sleep(0.02)  # distinct modification times
    kept = sorted(p.name for p in cache_dir().glob("*.png"))
    assert kept == sorted(p.name for p in pngs[-1:]) or kept == sorted(p.name for p in pngs[-2:])
    assert pngs[-1].name in kept and pngs[0].name not in kept


def test_explaining_again_marks_its_plot_and_its_run_used():
    """A hit is what keeps an entry: the plot and the kept run shown again are the most
    recently used, so a sweep takes them last."""
    def explain():
        result = CliRunner().invoke(cli, ["explain", "cm", "--scenario",
                                          "confusion_matrix.metrics", "--set", "tp=40"])
        assert result.exit_code == 0, result.output

    explain()
    # The plot, and two runs: the scenario's, and the topic's example (its values fill the
    # topic's text).
    entries = [*cache_dir().glob("*.png"), *cache_dir().glob("examples-*/*.json")]
    assert len(entries) == 3
    for path in entries:
        os.utime(path, (time.time() - 3 * HOUR,) * 2)
    explain()
    assert [time.time() - p.stat().st_mtime < 60 for p in entries] == [True] * 3


def test_the_run_cache_evicts_its_least_recently_used_runs(monkeypatch):
    monkeypatch.setattr(cache, "SWEEP_EVERY", 1)
    monkeypatch.setattr(cache, "KEEP_SECONDS", 0)
    run_cache.get("confusion_matrix.metrics", {"tp": 40}, 0)
    [first] = cache_dir().glob("examples-*/*.json")
    os.utime(first, (time.time() - 3 * HOUR,) * 2)
    monkeypatch.setattr(cache, "RUNS", cache.Bound("*.json", int(first.stat().st_size * 1.5)))
    run_cache.get("confusion_matrix.metrics", {"tp": 41}, 0)
    [left] = cache_dir().glob("examples-*/*.json")
    assert left != first
    # The evicted run is run again when asked for, with the same numbers.
    again = run_cache.get("confusion_matrix.metrics", {"tp": 40}, 0)
    assert again.example.params["tp"] == 40


def test_a_bank_file_s_new_entry_replaces_its_old_ones_and_no_other_file_s(tmp_path):
    old = cache.snapshot_path(tmp_path, "a" * 12, "0" * 20)
    other_file = cache.snapshot_path(tmp_path, "b" * 12, "0" * 20)
    whole_bank = tmp_path / ("bank-" + "1" * 20 + ".json")  # the format before entries per file
    keep = tmp_path / "anki-notes.json"
    new = cache.snapshot_path(tmp_path, "a" * 12, "f" * 20)
    for path in (old, other_file, whole_bank, keep, new):
        path.write_text("{}")
    cache.snapshot_written(new, "a" * 12)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["anki-notes.json", other_file.name, new.name])


def test_bank_entries_of_banks_no_longer_used_go_least_recently_used_first(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setattr(cache, "SWEEP_EVERY", 1)
    monkeypatch.setattr(cache, "KEEP_SECONDS", 0)
    monkeypatch.setattr(cache, "BANK", cache.Bound("bank-*.json", 250))
    now = time.time()
    entries = [cache.snapshot_path(tmp_path, f"{n:012d}", "0" * 20) for n in range(3)]
    for age, path in zip((3, 2, 1), entries):
        path.write_bytes(b"x" * 100)
        os.utime(path, (now - age * HOUR,) * 2)
    plot = entry(tmp_path, "old.png", 100, now - 9 * HOUR)
    cache.snapshot_written(entries[2], f"{2:012d}")  # 300 bytes > 250: down to 187
    assert [p.exists() for p in entries] == [False, False, True] and plot.exists()


def test_starting_again_marks_the_bank_entries_used(isolated_home):
    from quizzer.content.bank import load

    load(cache_dir=cache_dir())
    entries = list(cache_dir().glob("bank-*.json"))
    assert entries
    for path in entries:
        os.utime(path, (time.time() - 3 * HOUR,) * 2)
    load(cache_dir=cache_dir())
    assert all(time.time() - p.stat().st_mtime < 60 for p in entries)
