"""`quizzer export anki`: the package is checked by importing it with Anki's own engine."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizzer.cli import cli
from quizzer.content.bank import load
from quizzer.engine.card_content import deck
from quizzer.render.anki_deck import (ChartToDraw, NoteLedger, draw_png, drawing_order,
                                      escape, stable_id, tag)
from quizzer.simulations.example import Annotation, Chart, Panel, Series

anki_collection = pytest.importorskip(
    "anki.collection", reason="Anki's engine (the anki package) needs glibc 2.35 or newer")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def fixture_bank(mini_bank):
    return mini_bank


def export(tmp_path, *args, name="deck.apkg", env=None):
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["export", "anki", "--out", str(out), *args],
                                env=env or {})
    return result, out


class Anki:
    """An empty Anki collection in a temporary folder, importing with the desktop defaults
    (update a note when the incoming one is newer)."""

    def __init__(self, folder: Path):
        self.col = anki_collection.Collection(str(folder / "collection.anki2"))
        self.options = self.col._backend.get_import_anki_package_presets()

    def import_(self, path: Path):
        return self.col.import_anki_package(anki_collection.ImportAnkiPackageRequest(
            package_path=str(path), options=self.options)).log

    def note(self, item_id: str):
        return self.col.get_note(self.col.find_notes(f'"Item:{item_id}"')[0])

    def close(self):
        self.col.close()


@pytest.fixture
def anki(tmp_path):
    (tmp_path / "anki").mkdir()
    collection = Anki(tmp_path / "anki")
    yield collection
    collection.close()


def test_the_whole_transcript(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a short path: the transcript's lines do not depend on it
    result = CliRunner().invoke(cli, ["export", "anki", "--out", "deck.apkg"], env={})
    assert result.exit_code == 0, result.output
    assert result.output == (  # wrapped at 80 columns
        "Wrote 5 notes (5 cards, 1 plot) in 1 deck to deck.apkg.\n"
        "Import it in Anki with File > Import; importing a newer export updates the same\n"
        "  notes.\n")
    assert zipfile.is_zipfile(tmp_path / "deck.apkg")


def test_anki_imports_every_note_card_and_plot(tmp_path, anki):
    result, out = export(tmp_path)
    assert result.exit_code == 0, result.output
    log = anki.import_(out)
    contents = deck(load(), "all", None)
    assert sorted(n.fields[0] for n in log.new) == sorted(c.id for c in contents) == sorted(
        ["mini-card", "mini-single", "mini-multiple", "mini-tf", "mini-numeric"])
    assert anki.col.note_count() == 5 and anki.col.card_count() == 5
    names = {d.name for d in anki.col.decks.all_names_and_ids()}
    assert "quizzer::Mini topic" in names
    media = set(os.listdir(anki.col.media.dir()))
    referenced = set()
    for nid in anki.col.find_notes(""):
        note = anki.col.get_note(nid)
        referenced |= {part.split('"')[0] for part in note["Plot"].split('src="')[1:]}
    assert referenced and referenced <= media
    single = anki.note("mini-single")
    assert sorted(single.tags) == sorted([
        "quizzer::topic::mini", "quizzer::kind::single", "quizzer::difficulty::2",
        "quizzer::MLA-C01::Domain_2", "quizzer::MLS-C01::Domain_3"])
    assert all(" " not in t for nid in anki.col.find_notes("") for t in
               anki.col.get_note(nid).tags)


def test_a_question_shows_prompt_and_choices_in_front_and_key_and_reasons_behind(
        tmp_path, anki):
    _, out = export(tmp_path)
    anki.import_(out)
    card = anki.note("mini-single").cards()[0]
    front, back = card.question(), card.answer()
    content = next(c for c in deck(load(), "questions", None) if c.id == "mini-single")
    key = next(r.label for r in content.reasons if r.correct)
    assert "Which formula gives precision?" in front
    for reason in content.reasons:
        assert f"<b>{reason.label})</b> {escape(reason.text)}" in front
    assert "Answer " + key not in front and "That is recall." not in front
    assert f'<div class="key">Answer {key}<br>{key}) TP / (TP + FP)</div>' in back
    for reason in content.reasons:
        verdict = "Correct" if reason.correct else "Wrong"
        assert f"<b>{reason.label}) {verdict}.</b> {escape(reason.why)}" in back
    assert "Precision is 0.909 for the cat example." in back  # placeholder filled
    assert "Precision = 50/55 = 0.909." in back  # the worked example's finding
    assert '<img src="conftest.fixed-' in back


def test_a_flashcard_is_a_front_and_back_note(tmp_path, anki):
    _, out = export(tmp_path, "--what", "cards")
    anki.import_(out)
    card = anki.note("mini-card").cards()[0]
    assert "What is precision?" in card.question()
    assert "TP / (TP + FP)." not in card.question()
    assert "TP / (TP + FP)." in card.answer()
    assert anki.col.note_count() == 1


def test_text_is_escaped_for_html_and_dollars_stay(tmp_path, anki):
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "html.yaml").write_text(
        "topic: html\ntitle: Tags & <b>text</b>\n"
        "exam: {MLA-C01: \"Domain 2: ML Model Development\"}\n"
        "example: {simulation: conftest.fixed, params: {tp: 50, fp: 5}}\n"
        "cards:\n  - {id: html-card, front: \"Is 3 < 5 & $10 > $2?\", back: \"<script>x</script>\"}\n")
    result, out = export(tmp_path, "--bank", str(bank), "--topic", "html")
    assert result.exit_code == 0, result.output
    anki.import_(out)
    card = anki.note("html-card").cards()[0]
    assert "Is 3 &lt; 5 &amp; $10 &gt; $2?" in card.question()
    assert "&lt;script&gt;x&lt;/script&gt;" in card.answer()
    assert "<script>x" not in card.answer()
    assert "quizzer::Tags & <b>text</b>" in {d.name for d in anki.col.decks.all_names_and_ids()}


def test_the_same_bank_and_epoch_give_the_same_bytes(tmp_path):
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    _, first = export(tmp_path, name="a.apkg", env=env)
    _, second = export(tmp_path, name="b.apkg", env=env)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as package:
        assert {info.date_time for info in package.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        # the plots as they are (a PNG is deflated already), the rest deflated
        kinds = {info.filename: info.compress_type for info in package.infolist()}
        assert kinds.pop("collection.anki2") == kinds.pop("media") == zipfile.ZIP_DEFLATED
        assert kinds and set(kinds.values()) == {zipfile.ZIP_STORED}


def test_reimporting_after_an_edit_updates_that_note_only(tmp_path, anki, monkeypatch):
    _, out = export(tmp_path, name="first.apkg", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert sorted(n.fields[0] for n in anki.import_(out).new) == sorted(
        c.id for c in deck(load(), "all", None))
    edited = tmp_path / "edited.yaml"
    edited.write_text((FIXTURES / "bank" / "mini.yaml").read_text().replace(
        "Which formula gives precision?", "Which formula gives the precision?"))
    import quizzer.content.bank

    monkeypatch.setattr(quizzer.content.bank, "builtin_files", lambda: [edited])
    _, again = export(tmp_path, name="second.apkg", env={"SOURCE_DATE_EPOCH": "1700000600"})
    log = anki.import_(again)
    assert (len(log.new), [n.fields[0] for n in log.updated]) == (0, ["mini-single"])
    assert anki.col.note_count() == 5
    assert "Which formula gives the precision?" in anki.note("mini-single")["Prompt"]


def test_ids_are_stable_and_tags_have_no_spaces():
    assert stable_id("deck mini") == stable_id("deck mini") != stable_id("deck other")
    assert 1 << 40 < stable_id("x") < 1 << 63
    assert tag("quizzer::MLA-C01::Domain 2") == "quizzer::MLA-C01::Domain_2"
    assert tag("a  b\tc") == "a_b_c"


def test_a_damaged_ledger_only_costs_precision(isolated_home):
    (isolated_home / "cache").mkdir(parents=True)
    (isolated_home / "cache" / "anki-notes.json").write_text('{"format": 1, "notes": [[[')
    ledger = NoteLedger.read()
    assert ledger.time("a", "v1", 100) == 100
    ledger.save()
    again = NoteLedger.read()
    assert (again.time("a", "v1", 200), again.time("b", "v1", 200)) == (100, 200)
    assert again.time("a", "v2", 300) == 300


def test_an_unwritable_folder_is_refused_before_any_work(tmp_path):
    result = CliRunner().invoke(cli, ["export", "anki", "--out",
                                      str(tmp_path / "missing" / "x.apkg")])
    assert result.exit_code == 1
    assert result.output == (f"Error: cannot write {tmp_path / 'missing' / 'x.apkg'}: "
                             f"the folder {tmp_path / 'missing'} does not exist\n")


def test_the_charts_that_take_longest_are_drawn_first():
    line = Series.of("a", range(5), range(5))
    one = Chart("", (Panel("lines", "t", "x", "y", series=(line,)),))
    logs = Chart("", (Panel("lines", "t", "x", "y", x_log=True, y_log=True, series=(line,)),))
    noted = Chart("", (Panel("lines", "t", "x", "y", series=(line,),
                             annotations=(Annotation(1, 1, "here"), Annotation(2, 2, "there"))),))
    two = Chart("", (Panel("lines", "t", "x", "y", series=(line,)),
                     Panel("bars", "t", "x", "y", series=(line, line))))
    charts = {"one": one, "two": two, "logs": logs, "noted": noted, "one again": one}
    order = drawing_order({key: ChartToDraw(key, chart) for key, chart in charts.items()})
    assert order == ["two", "noted", "logs", "one", "one again"]  # ties keep their order


@pytest.mark.parametrize("collecting", [True, False])
def test_a_plot_drawn_for_the_deck_is_explains_and_leaves_the_collector_as_it_was(
        collecting):
    import gc

    from quizzer.render import figures

    chart = Chart("Two lines", (Panel("lines", "t", "x", "y", series=(
        Series.of("a", range(5), range(5)), Series.of("b", range(5), range(5, 0, -1)))),))
    drawable = ChartToDraw("some.scenario", chart)
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    try:
        path = draw_png(drawable)
        assert gc.isenabled() is collecting
    finally:
        (gc.enable if was else gc.disable)()
    assert path == figures.cached_png(drawable)  # the same file explain shows, kept
    assert path.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("workers", [1, 2])
def test_the_pipeline_gives_what_running_then_drawing_gives(workers, monkeypatch):
    """Examples run and charts drawn in one pool (each chart as soon as its example has
    run) give the same contents and PNGs as running every example and then drawing."""
    from quizzer.engine.card_content import chosen_items
    from quizzer.render import anki_deck
    from quizzer.system.home import cache_dir

    monkeypatch.setattr(anki_deck, "POOL_AFTER", 0)  # the mini bank is small: use the pool
    bank = load()
    chosen = chosen_items(bank, "all", None)
    steps = []
    contents, pngs = anki_deck.examples_and_pngs(bank, chosen, True, workers, steps.append)
    assert sum(steps) == len(chosen)  # one step per item, as the progress bar counts
    assert pngs and all(path.read_bytes().startswith(b"\x89PNG") for path in pngs.values())
    drawn = {path: path.stat().st_ino for path in pngs.values()}  # a new file if drawn again
    before = deck(bank, "all", None)
    assert contents == before
    assert pngs == anki_deck.chart_pngs(before)  # the same files, found in the cache
    assert {path: path.stat().st_ino for path in pngs.values()} == drawn  # not drawn again
    assert anki_deck.examples_and_pngs(bank, chosen, False, workers)[1] == {}
    import shutil

    shutil.rmtree(cache_dir())  # nothing kept: without plots, no chart is drawn
    contents, pngs = anki_deck.examples_and_pngs(bank, chosen, False, workers)
    assert pngs == {} and all(c.chart is None for c in contents)
    assert not list(cache_dir().rglob("*.png"))


def test_a_worker_that_cannot_write_the_cache_fails_the_export(monkeypatch):
    from quizzer.engine.card_content import chosen_items
    from quizzer.render import anki_deck, figures

    def full(drawable):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(anki_deck, "POOL_AFTER", 0)
    monkeypatch.setattr(figures, "cached_png", full)  # the forked workers inherit it
    bank = load()
    with pytest.raises(OSError, match="No space left"):
        anki_deck.examples_and_pngs(bank, chosen_items(bank, "all", None), True, 2)
