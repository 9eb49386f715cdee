"""The bank as an Anki package (``.apkg``), written with genanki.

Anki has no multiple-choice cards of its own, so questions get a note type of ours whose
front shows the prompt and lettered choices and whose back shows the key, the why of every
option, the explanation and the worked example with its plot. Flashcards are Basic-style
notes (front, back, the worked example's findings and plot).

Identity is what makes re-importing safe: every note's GUID is derived from its item id, and
the note types and decks have ids derived from their names, so exporting again and importing
*updates* the learner's notes (keeping their review history) instead of adding copies.

With SOURCE_DATE_EPOCH set, the same bank gives the same bytes: genanki stamps notes with the
timestamp we pass, and the zip container is written again with that date on every entry
(``zipfile`` would stamp each entry with the time of writing).
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

PARENT_DECK = "quizzer"

CSS = """\
.card { font-family: -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; font-size: 18px;
        text-align: left; color: #111; background: #fff; line-height: 1.4; }
.nightMode .card, .card.nightMode { color: #eee; background: #222; }
.topic { font-size: 13px; color: #777; margin-bottom: 0.6em; }
.prompt { margin-bottom: 0.8em; }
ol.choices { list-style: none; padding-left: 0; }
ol.choices li { margin: 0.35em 0; padding: 0.3em 0.5em; border: 1px solid #ccc;
                border-radius: 6px; }
ol.choices li.picked { border-color: #0072B2; background: rgba(0, 114, 178, 0.12); }
.instruction { font-size: 14px; color: #555; }
.key { font-weight: bold; font-size: 20px; margin: 0.6em 0; }
.reasons li { margin: 0.3em 0; }
.reasons .right { color: #007a55; }
.reasons .wrong { color: #b3401a; }
.explanation { margin: 0.8em 0; }
.example { font-size: 15px; color: #333; border-left: 3px solid #0072B2;
           padding-left: 0.6em; margin: 0.8em 0; }
.nightMode .example { color: #ccc; }
.plot img { max-width: 100%; }
.item { font-size: 11px; color: #999; margin-top: 1em; }
"""

# The front works as plain text wherever scripts are off (AnkiMobile and AnkiDroid may run
# them, or not): the script only lets the learner tap choices to mark them, nothing depends
# on it.
QUESTION_FRONT = """\
<div class="topic">{{Topic}}</div>
<div class="prompt">{{Prompt}}</div>
{{Choices}}
<div class="instruction">{{Instruction}}</div>
<script>
(function () {
  var items = document.querySelectorAll("ol.choices li");
  for (var i = 0; i < items.length; i++) {
    items[i].addEventListener("click", function () { this.classList.toggle("picked"); });
  }
})();
</script>
"""

QUESTION_BACK = """\
<div class="topic">{{Topic}}</div>
<div class="prompt">{{Prompt}}</div>
{{Choices}}
<hr id="answer">
<div class="key">{{Key}}</div>
{{Reasons}}
<div class="explanation">{{Explanation}}</div>
{{#Example}}<div class="example">{{Example}}</div>{{/Example}}
{{#Plot}}<div class="plot">{{Plot}}</div>{{/Plot}}
<div class="item">{{Item}}</div>
"""

CARD_FRONT = """\
<div class="topic">{{Topic}}</div>
<div class="prompt">{{Front}}</div>
"""

CARD_BACK = """\
{{FrontSide}}
<hr id="answer">
<div class="explanation">{{Back}}</div>
{{#Example}}<div class="example">{{Example}}</div>{{/Example}}
{{#Plot}}<div class="plot">{{Plot}}</div>{{/Plot}}
<div class="item">{{Item}}</div>
"""

QUESTION_FIELDS = ("Item", "Topic", "Prompt", "Choices", "Instruction", "Key", "Reasons",
                   "Explanation", "Example", "Plot")
CARD_FIELDS = ("Item", "Topic", "Front", "Back", "Example", "Plot")


def stable_id(name: str) -> int:
    """A positive 63-bit id from a name: the same deck or note type gets the same id in every
    export, which is how Anki recognises it again on re-import."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") >> 2 | 1 << 40


@dataclass(frozen=True)
class ExportSummary:
    notes: int
    cards: int
    media: int
    decks: int
    path: Path


def tag(text: str) -> str:
    """An Anki tag: no spaces (Anki splits on them), ``::`` kept as hierarchy."""
    cleaned = "".join("_" if ch.isspace() else ch for ch in text.strip())
    while "__" in cleaned:
        cleaned = cleaned.replace("__", "_")
    return cleaned.replace(":_", ":").strip("_")


def escape(text: str) -> str:
    """Plain bank text as HTML: ``<``, ``>``, ``&`` escaped, line breaks kept."""
    return html.escape(text, quote=False).replace("\n", "<br>")


# ------------------------------------------------------------------------------ the notes

def _paragraphs(paragraphs, roles: Sequence[str]) -> str:
    return "<br>".join(escape(p.text) for p in paragraphs if p.role in roles)


def _choices_html(content) -> str:
    items = [f"<li><b>{escape(p.label)})</b> {escape(p.text)}</li>"
             for p in content.front if p.role == "choice"]
    return f'<ol class="choices">{"".join(items)}</ol>' if items else ""


def _reasons_html(content) -> str:
    rows = []
    for reason in content.reasons:
        mark = "right" if reason.correct else "wrong"
        verdict = "Correct" if reason.correct else "Wrong"
        rows.append(f'<li class="{mark}"><b>{escape(reason.label)}) {verdict}.</b> '
                    f"{escape(reason.why)}</li>")
    return f'<ul class="reasons">{"".join(rows)}</ul>' if rows else ""


def _example_html(content, findings: Sequence[str]) -> str:
    if content.example is None or not findings:
        return ""
    head = escape(f"Worked example: {content.example.simulation}")
    body = "".join(f"<li>{escape(line)}</li>" for line in findings)
    return f"<b>{head}</b><ul>{body}</ul>"


def note_tags(content, difficulty: int | None, exam: dict) -> list[str]:
    """Topic, kind, difficulty and exam domain, as Anki tags (no spaces)."""
    tags = [f"quizzer::topic::{content.topic}", f"quizzer::kind::{content.kind}"]
    if difficulty is not None:
        tags.append(f"quizzer::difficulty::{difficulty}")
    tags += [tag(f"quizzer::{name}::{domain.split(':')[0]}") for name, domain in exam.items()]
    return [tag(t) for t in tags]


@dataclass(frozen=True)
class ChartToDraw:
    """What the PNG cache needs of a worked example to name and draw its chart."""

    name: str
    chart: object


def _models():
    import genanki

    question = genanki.Model(
        stable_id("quizzer question v1"), "quizzer question",
        fields=[{"name": name} for name in QUESTION_FIELDS],
        templates=[{"name": "Question", "qfmt": QUESTION_FRONT, "afmt": QUESTION_BACK}],
        css=CSS, sort_field_index=2)
    card = genanki.Model(
        stable_id("quizzer basic v1"), "quizzer basic",
        fields=[{"name": name} for name in CARD_FIELDS],
        templates=[{"name": "Card", "qfmt": CARD_FRONT, "afmt": CARD_BACK}],
        css=CSS, sort_field_index=2)
    return question, card


def _fields(content, plot_name: str | None) -> dict:
    """A note's field values (HTML) for one card's content."""
    plot = f'<img src="{html.escape(plot_name)}">' if plot_name else ""
    example = _example_html(content, content.findings)
    common = {"Item": escape(content.id), "Topic": escape(content.topic_title),
              "Example": example, "Plot": plot}
    if content.kind == "card":
        return {**common, "Front": _paragraphs(content.front, ("front",)),
                "Back": _paragraphs(content.back, ("back",))}
    key = _paragraphs(content.back, ("answer",))
    chosen = [p for p in content.back if p.role == "answer-choice"]
    if chosen:
        key += "<br>" + "<br>".join(f"{escape(p.label)}) {escape(p.text)}" for p in chosen)
    return {**common, "Prompt": _paragraphs(content.front, ("prompt",)),
            "Choices": _choices_html(content), "Instruction": escape(content.instruction),
            "Key": key, "Reasons": _reasons_html(content),
            "Explanation": _paragraphs(content.back, ("explanation",))}


def build_package(bank, contents: Sequence, plots: dict, progress: Callable[[int], None]
                  = lambda n: None, stamp: Callable[[str, str], float] | None = None):
    """A genanki Package: one deck per topic under ``quizzer``, a note per card content.

    ``plots`` maps a card id to its PNG (absent: no plot). Media files are named by the
    PNG's own cache name, so a chart shared by several notes is stored once. ``times`` maps
    ``stamp(card id, note version)`` gives a note's modification time (seconds), where the
    version is a hash of what the note shows; without it every note gets the package's.
    Returns (package, notes, media paths).
    """
    import genanki

    class TimedNote(genanki.Note):
        """A note stamped with its own modification time: Anki's importer updates a note
        only when the incoming one is newer, so an unchanged note keeps its old time."""

        mtime: float | None = None

        def write_to_db(self, cursor, timestamp, deck_id, id_gen):
            super().write_to_db(cursor, self.mtime or timestamp, deck_id, id_gen)

    question_model, card_model = _models()
    # One look-up table, not Bank.question per note (a scan of every question each time).
    difficulties = {q.id: q.difficulty for q in bank.questions}
    decks: dict[str, genanki.Deck] = {}
    media: dict[str, Path] = {}
    notes = 0
    for content in contents:
        topic = bank.topic(content.topic)
        deck = decks.get(content.topic)
        if deck is None:
            name = f"{PARENT_DECK}::{topic.title}"
            deck = decks[content.topic] = genanki.Deck(stable_id("deck " + content.topic),
                                                       name, description=escape(topic.summary))
        png = plots.get(content.id)
        if png is not None:
            media[png.name] = png
        values = _fields(content, png.name if png is not None else None)
        model = card_model if content.kind == "card" else question_model
        difficulty = difficulties.get(content.id)  # None for a concept card
        fields = [values[name] for name in (f["name"] for f in model.fields)]
        tags = note_tags(content, difficulty, dict(topic.exam))
        note = TimedNote(model=model, fields=fields, tags=tags,
                         guid=genanki.guid_for("quizzer", content.id))
        if stamp is not None:
            note.mtime = stamp(content.id, note_version(model.model_id, fields, tags))
        deck.add_note(note)
        notes += 1
        progress(1)
    package = genanki.Package(list(decks.values()), media_files=[str(p) for p in
                                                                 sorted(media.values())])
    return package, notes, sorted(media.values())


def write_apkg(package, target: Path, timestamp: float | None = None) -> None:
    """Write ``package`` to ``target`` atomically, byte-identical for a fixed timestamp.

    ``timestamp`` (seconds since the epoch) defaults to SOURCE_DATE_EPOCH, else now.
    Raises OSError when the file cannot be written (nothing is left behind).
    """
    import tempfile

    from quizzer.system.cache import write_atomically

    if timestamp is None:
        timestamp = export_time()
    with tempfile.TemporaryDirectory(prefix="quizzer-anki-") as work:
        raw = Path(work) / "deck.apkg"
        package.write_to_file(str(raw), timestamp=timestamp)
        stamped = _restamp(raw.read_bytes(), timestamp)
    write_atomically(target, lambda handle: handle.write(stamped))


def export_time() -> float:
    """SOURCE_DATE_EPOCH if it is set to a number of seconds, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return float(epoch) if epoch.isdigit() else time.time()


def note_version(model_id: int, fields: Sequence[str], tags: Sequence[str]) -> str:
    """A hash of everything a note shows: its note type, fields (plots by file name, which
    is a hash of the chart) and tags."""
    import json

    blob = json.dumps([model_id, list(fields), sorted(tags)])
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


class NoteLedger:
    """When each exported note last changed, kept in the cache (``anki-notes.json``).

    Anki updates an already imported note only if the incoming note is newer. Stamping every
    note with the export time would mark all of them updated on each re-import; this ledger
    keeps a note's old time until its content changes, so a re-import updates exactly the
    notes that changed. Losing the file costs nothing but that precision.
    """

    FORMAT = 1

    def __init__(self, path: Path | None, entries: dict):
        self.path, self.entries = path, entries

    @classmethod
    def read(cls) -> "NoteLedger":
        import json

        from quizzer.system.home import cache_dir

        path = cache_dir() / "anki-notes.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["notes"] if data.get("format") == cls.FORMAT else {}
            entries = {k: (str(v[0]), int(v[1])) for k, v in entries.items()}
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError,
                RecursionError):
            entries = {}  # missing or not ours: every note counts as changed now
        return cls(path, entries)

    def time(self, ident: str, version: str, now: int) -> int:
        """The note's modification time: the kept one if its version is unchanged, else
        ``now`` (which is then kept)."""
        kept = self.entries.get(ident)
        if kept is None or kept[0] != version:
            kept = self.entries[ident] = (version, now)
        return kept[1]

    def save(self) -> None:
        """Write the ledger atomically; a cache that cannot be written only loses precision."""
        import json

        from quizzer.system.cache import write_atomically

        blob = json.dumps({"format": self.FORMAT, "notes": self.entries}, sort_keys=True)
        try:
            write_atomically(self.path, lambda handle: handle.write(blob.encode()))
        except OSError:
            pass


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _restamp(apkg: bytes, timestamp: float) -> bytes:
    """The same zip with every entry dated ``timestamp`` (zip dates start in 1980), the
    collection and media list deflated, the plots stored as they are: a PNG is deflated
    already, and deflating a whole deck's plots again took a quarter of a second, at the
    end of the export when nothing else runs, to make the file about 4 % smaller."""
    date = time.gmtime(max(timestamp, 315532800))[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(apkg)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            entry = zipfile.ZipInfo(info.filename, date_time=date)
            entry.compress_type = (zipfile.ZIP_STORED if data.startswith(PNG_SIGNATURE)
                                   else zipfile.ZIP_DEFLATED)
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()


def export(bank, what: str, topics: list[str] | None, target: Path, plots: bool = True,
           workers: int = 1, progress: Callable[[int], None] = lambda n: None
           ) -> ExportSummary:
    """Write the chosen cards and questions of ``bank`` as an Anki package at ``target``.

    Worked examples come from the same cache as ``explain`` and the PDF export, and every
    plot is the PNG ``explain`` draws (drawn once, cached). ``progress(n)`` is called as
    plots are drawn and notes are made. Raises OSError if the file cannot be written.
    """
    from quizzer.engine.card_content import chosen_items

    contents, pngs = examples_and_pngs(bank, chosen_items(bank, what, topics), plots,
                                       workers, progress)
    timestamp = export_time()
    ledger = NoteLedger.read()
    package, notes, media = build_package(
        bank, contents, pngs, progress,
        stamp=lambda ident, version: ledger.time(ident, version, int(timestamp)))
    write_apkg(package, target, timestamp)
    ledger.save()
    cards = len(contents)  # one card per note: both note types have one template
    return ExportSummary(notes, cards, len(media), len({c.topic for c in contents}), target)


def chart_pngs(contents: Sequence, workers: int = 1,
               progress: Callable[[int], None] = lambda n: None) -> dict:
    """``{card id: PNG path}`` for every card with a chart. Each distinct chart is drawn once
    into the PNG cache ``explain`` uses, on ``workers`` processes when many are missing (a
    whole bank has about 140 charts; drawing one takes a tenth of a second or more), the
    longest first (see :func:`drawing_order`)."""
    from quizzer.render import figures
    from quizzer.system.worker_pool import ordered_map

    charts: dict[str, ChartToDraw] = {}
    keys = {}
    for content in contents:
        if content.chart is not None and content.example is not None:
            drawable = ChartToDraw(content.example.simulation, content.chart)
            keys[content.id] = key = figures.chart_key(drawable)
            charts.setdefault(key, drawable)
    progress(len(contents) - len(charts))
    order = drawing_order(charts)
    paths = {}
    # Workers are forked (they inherit the imported renderer), quiet on Ctrl-C, and die
    # with this process; each writes into the shared cache.
    with ordered_map(draw_png, [charts[key] for key in order],
                     workers if len(charts) > 8 else 1) as drawn:
        for key, path in zip(order, drawn):
            paths[key] = path
            progress(1)
    return {ident: paths[key] for ident, key in keys.items()}


# Charts handed to the workers ahead of the one each is drawing: enough that a worker
# never waits for this process to choose its next chart, few enough that the choice is
# still the longest chart known when a worker takes it.
DRAWS_AHEAD = 1
# Fewer runs and charts to draw than this are done in this process: forking costs more.
POOL_AFTER = 8


def examples_and_pngs(bank, chosen: list, plots: bool = True, workers: int = 1,
                      progress: Callable[[int], None] = lambda n: None) -> tuple:
    """``(contents, {card id: PNG path})`` for the ``chosen`` items: what
    :func:`quizzer.engine.card_content.deck` and :func:`chart_pngs` give, made in one
    pipeline. The worked examples not kept yet run on one pool of ``workers`` processes,
    and each example's chart is drawn on the same pool as soon as it has run, instead of
    after every example has: of the charts known, the longest first (see
    :func:`drawing_work`). A simulation that fails leaves its cards without an example; any
    other exception of a worker (OSError of a full cache) is raised here. ``progress(1)``
    per item whose chart is drawn or that has none (only when ``plots``).
    """
    import heapq
    import queue

    from quizzer.engine import card_content, run_cache
    from quizzer.render import figures
    from quizzer.system import cache
    from quizzer.system.worker_pool import started

    calls = card_content.example_calls(chosen, bank)
    users: dict[str, int] = {}  # items per call key
    for item in chosen:
        ref = card_content.example_for(item, bank)
        if ref is not None:
            users[ref.key()] = users.get(ref.key(), 0) + 1
    if plots:
        progress(len(chosen) - sum(users.values()))  # items without an example
    found: dict[str, object] = {}
    missing = []
    for ref_key, call in calls.items():
        kept = run_cache.read(call)
        if kept is None:
            missing.append((ref_key, call))
        else:
            found[ref_key] = kept

    paths: dict[str, Path] = {}  # chart key -> PNG
    waiting: dict[str, int] = {}  # chart key -> items waiting for it (progress)
    ready: list = []  # heap of (-work, chart key, ChartToDraw) to draw
    call_chart: dict[str, str] = {}  # call key -> chart key

    def arrived(ref_key: str, result) -> None:
        """A call's run is known: note its chart, drawn already or to draw."""
        found[ref_key] = result
        chart = None if isinstance(result, Exception) else result.example.chart
        if not plots or chart is None or not chart.panels:
            if plots:
                progress(users[ref_key])
            return
        drawable = ChartToDraw(calls[ref_key][0], chart)
        key = call_chart[ref_key] = figures.chart_key(drawable)
        if key not in paths and key not in waiting:
            path = cache.plot_path(drawable.name, key)
            if cache.png_is_whole(path):  # drawn by an earlier export or explain
                cache.used(path)
                paths[key] = path
        if key in paths:
            progress(users[ref_key])
        elif key in waiting:
            waiting[key] += users[ref_key]
        else:
            waiting[key] = users[ref_key]
            heapq.heappush(ready, (-drawing_work(chart), key, drawable))

    def drawn(key: str, path: Path) -> None:
        paths[key] = path
        progress(waiting.pop(key))

    for ref_key, _ in list(found.items()):
        arrived(ref_key, found[ref_key])
    # One pool when there is enough to do (a whole bank's first export: about 160 runs and
    # 140 charts); otherwise all in this process, as run_cache.get_many and chart_pngs do.
    if workers > 1 and (len(missing) > POOL_AFTER or len(ready) > POOL_AFTER):
        with started(workers) as pool:
            events: queue.Queue = queue.Queue()

            def submit(function, item, tag) -> None:
                pool.apply_async(function, (item,),
                                 callback=lambda value: events.put((tag, value, None)),
                                 error_callback=lambda error: events.put((tag, None, error)))

            # The runs first (about 10 ms each): they make the charts known, so the
            # longest can be drawn first; the charts follow, a few ahead of the workers.
            for ref_key, call in missing:
                submit(run_cache.run_or_error, call, ("run", ref_key))
            outstanding, drawing = len(missing), 0
            while outstanding or ready:
                while ready and drawing < workers + DRAWS_AHEAD:
                    _, key, drawable = heapq.heappop(ready)
                    submit(draw_png, drawable, ("draw", key))
                    outstanding, drawing = outstanding + 1, drawing + 1
                (what, key), value, error = _next(events)
                outstanding -= 1
                if error is not None:
                    raise error
                if what == "run":
                    arrived(key, value)
                else:
                    drawing -= 1
                    drawn(key, value)
            pool.close()
    else:
        for ref_key, call in missing:
            arrived(ref_key, run_cache.run_or_error(call))
        while ready:
            _, key, drawable = heapq.heappop(ready)
            drawn(key, draw_png(drawable))
    results = {run_cache.call_key(calls[ref_key]): result for ref_key, result in found.items()}
    contents = card_content.contents(chosen, bank, results, plots)
    pngs = {}
    for content, item in zip(contents, chosen):
        ref = card_content.example_for(item, bank)
        if content.chart is not None and ref is not None and ref.key() in call_chart:
            pngs[content.id] = paths[call_chart[ref.key()]]
    return contents, pngs


def _next(events):
    """The next result from ``events``, waiting in short steps so that a Ctrl-C is acted on
    at once on every platform."""
    import queue

    while True:
        try:
            return events.get(timeout=0.2)
        except queue.Empty:
            continue


# A full collection after this many charts drawn by draw_png in one process: it bounds
# what the previous charts' figures, freed only by the collector, keep in memory (about
# 1.5 MB a chart) and takes under a tenth of a second.
COLLECT_EVERY = 40
_drawn = 0


def draw_png(drawable: ChartToDraw) -> Path:
    """:func:`quizzer.render.figures.cached_png` with Python's cycle collector paused while
    the chart is drawn, and a full collection every :data:`COLLECT_EVERY` charts.

    Drawing a chart makes tens of thousands of objects (artists, transforms, paths) that
    all live until its PNG is written; the collector, started every 700 new objects,
    walked them again and again without finding anything to free, about a tenth of the
    CPU time of a deck's plots. The collector is left as it was found (enabled or not).
    """
    import gc

    from quizzer.render import figures

    global _drawn
    enabled = gc.isenabled()
    gc.disable()
    try:
        return figures.cached_png(drawable)
    finally:
        _drawn += 1
        if enabled:
            gc.enable()
            if _drawn % COLLECT_EVERY == 0:
                gc.collect()


def drawing_order(charts: dict) -> list:
    """The keys of ``charts`` ({key: ChartToDraw}), the longest to draw first, so that the
    workers, taking the next chart as each becomes free, end within a short chart of each
    other rather than one drawing a long chart alone at the end."""
    return sorted(charts, key=lambda key: -drawing_work(charts[key].chart))


def drawing_work(chart) -> float:
    """A rough measure of the time ``chart`` takes to draw, in units of a series.

    Fitted to the CPU time of the 142 charts of the built-in bank (correlation 0.8): a panel
    costs about five series (its Axes, ticks, labels and title), a call-out two, a log axis
    one (its minor ticks).
    """
    work = 0.0
    for panel in chart.panels:
        logs = (panel.x_log + panel.y_log) if panel.kind != "heatmap" else 0
        work += 5 + len(panel.series) + 2 * len(panel.annotations) + logs
    return work
