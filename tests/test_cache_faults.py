"""Caches are verified before they are trusted, and files are written with normal modes
(issue 13, kinds 6 and 7)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizzer.system import cache

from quizzer.cli import cli
from quizzer.content.bank import load
from quizzer.engine import run_cache
from quizzer.system.home import cache_dir


def explain(*args):
    result = CliRunner().invoke(cli, ["explain", *args])
    return result.exit_code, result.output


def kept_entry(name: str) -> Path:
    [entry] = cache_dir().glob(f"examples-*/{name}-*.json")
    return entry


def precision_line(out: str) -> str:
    return next(line for line in out.splitlines() if "Precision" in line and "/" in line)


# ------------------------------------------------------------------ 6. worked-example entries

def test_an_entry_edited_into_other_valid_json_is_not_served():
    """The fault campaign's case: the kept example edited (150 -> 950) and still valid JSON.
    The checksum no longer matches, so the example is run again."""
    code, first = explain("cm", "--no-plot")
    assert code == 0
    entry = kept_entry("confusion_matrix.metrics")
    head, _, body = entry.read_bytes().partition(b"\n")
    data = json.loads(body)
    data["example"]["findings"] = [f.replace("50/55", "950/955")
                                   for f in data["example"]["findings"]]
    entry.write_bytes(head + b"\n" + json.dumps(data).encode())
    assert explain("cm", "--no-plot") == (0, first)
    assert "950" not in first


@pytest.mark.parametrize("content", [
    b"",
    b"{\"example\":",                                   # cut short
    b"[" * 100_000 + b"]" * 100_000,                    # nested past the recursion limit
    b"{\"example\": {\"name\": 3}, \"purpose\": [], \"siblings\": 7}",   # mistyped
    b"\x00\xff\xfe",
], ids=["empty", "truncated", "deeply-nested", "mistyped", "binary"])
@pytest.mark.parametrize("with_valid_checksum", [False, True])
def test_a_bad_entry_is_run_again_whatever_is_wrong_with_it(content, with_valid_checksum):
    first = run_cache.get("confusion_matrix.metrics", {}, 0)
    entry = kept_entry("confusion_matrix.metrics")
    if with_valid_checksum:  # even when someone took care to make the checksum match
        cache.write_verified(entry, content)
    else:
        entry.write_bytes(content)
    again = run_cache.get("confusion_matrix.metrics", {}, 0)
    assert again.example.to_dict() == first.example.to_dict()
    assert json.loads(cache.read_verified(entry))["example"] == first.example.to_dict()


def test_an_entry_of_another_scenario_under_this_name_is_not_served():
    run_cache.get("confusion_matrix.metrics", {}, 0)
    other = run_cache.get("confusion_matrix.roc_auc", {}, 0)
    entry = kept_entry("confusion_matrix.metrics")
    entry.write_bytes(kept_entry("confusion_matrix.roc_auc").read_bytes())
    again = run_cache.get("confusion_matrix.metrics", {}, 0)
    assert again.example.name == "confusion_matrix.metrics" != other.example.name


def test_a_bank_snapshot_edited_or_nested_is_parsed_again(mini_bank):
    first = load(cache_dir=cache_dir())
    [snapshot] = cache_dir().glob("bank-*.json")
    head, _, body = snapshot.read_bytes().partition(b"\n")
    snapshot.write_bytes(head + b"\n" + body.replace(b"Mini topic", b"Edited topic"))
    assert load(cache_dir=cache_dir()) == first
    cache.write_verified(snapshot, b"[" * 100_000 + b"]" * 100_000)
    assert load(cache_dir=cache_dir()) == first


# ------------------------------------------------------------------ 6. cached PNGs

def png_of_cm(topic: str = "cm") -> Path:
    code, out = explain(topic)
    assert code == 0
    return Path(next(line for line in out.splitlines() if line.startswith("Plot: "))[6:])


@pytest.mark.parametrize("damage", ["empty", "truncated", "scribbled", "padded", "not-png"])
def test_a_damaged_cached_png_is_drawn_again(damage):
    png = png_of_cm()
    whole = png.read_bytes()
    assert cache.png_is_whole(png)
    broken = {"empty": b"", "truncated": whole[:len(whole) // 2],
              "scribbled": whole[:200] + bytes(b ^ 0xFF for b in whole[200:260]) + whole[260:],
              "padded": whole + b"\0" * 16, "not-png": b"GIF89a" + whole[6:]}[damage]
    png.write_bytes(broken)
    assert not cache.png_is_whole(png)
    assert png_of_cm() == png
    assert cache.png_is_whole(png) and png.stat().st_size == len(whole)


def test_a_cache_that_cannot_be_written_still_shows_the_screen(isolated_home):
    isolated_home.mkdir()
    (isolated_home / "cache").write_text("a file where the cache folder should be")
    code, out = explain("cm")
    assert code == 0
    assert "Worked example" in out and precision_line(out)
    notes = [line for line in out.splitlines() if line.startswith("Plot:")]
    assert notes == [f"Plot: not drawn, the cache folder {isolated_home / 'cache'} cannot be "
                     "written (File exists)."]


def test_practice_feedback_without_a_writable_cache_keeps_its_worked_example(isolated_home,
                                                                              mini_bank):
    isolated_home.mkdir()
    (isolated_home / "cache").write_text("a file where the cache folder should be")
    result = CliRunner().invoke(cli, ["practice", "--seed", "5", "--count", "1"],
                                input="f\n")
    assert result.exit_code == 0
    assert "Precision = 50/55 = 0.909." in result.output
    assert "\n  Plot: not drawn, the cache cannot be written (File exists).\n" in result.output


# ------------------------------------------------------------------ 7. file modes

@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    cache._umask = None  # read again
    yield
    os.umask(old)
    cache._umask = None


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path, umask_022):
    new = cache.write_atomically(tmp_path / "new.bin", lambda f: f.write(b"x"))
    assert mode(new) == 0o644
    old = tmp_path / "old.bin"
    old.write_bytes(b"old")
    old.chmod(0o640)
    cache.write_atomically(old, lambda f: f.write(b"new"))
    assert (old.read_bytes(), mode(old)) == (b"new", 0o640)
    os.umask(0o077)
    cache._umask = None
    assert mode(cache.write_atomically(tmp_path / "private.bin", lambda f: f.write(b"x"))) \
        == 0o600


def test_every_output_gets_a_normal_mode(tmp_path, umask_022, mini_bank):
    """The PNG cache, the worked-example and bank caches, a --plot PNG, stats' plot and the
    PDF: each new file 0644 under umask 022, and an existing 0664 file stays 0664."""
    png = png_of_cm("mini")
    plot = tmp_path / "plot.png"
    plot.write_bytes(b"")
    plot.chmod(0o664)
    assert explain("mini", "--plot", str(plot))[0] == 0
    progress = tmp_path / "progress.png"
    assert CliRunner().invoke(cli, ["stats", "--plot", str(progress)]).exit_code == 0
    pdf = tmp_path / "cards.pdf"
    result = CliRunner().invoke(cli, ["export", "pdf", "--no-plots", "--out", str(pdf)])
    assert result.exit_code == 0, result.output
    outputs = [png, kept_entry("conftest.fixed"),
               *cache_dir().glob("bank-*.json"), progress, pdf]
    assert [oct(mode(p)) for p in outputs] == [oct(0o644)] * len(outputs)
    assert mode(plot) == 0o664 and cache.png_is_whole(plot)
