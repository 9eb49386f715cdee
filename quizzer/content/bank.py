"""The question bank: records, and a loader that reports every problem with its file and line.

A bank is a set of YAML files, one topic each. They are data only: a file can name a
simulation and its parameters, never code. bank_files.py finds and reads the files (every
way a file can be hostile or careless becomes a located problem there); bank_reading.py
checks the values against the bank's schema and builds the records; this module holds the
records and :func:`load`, which takes what it can from the bank snapshot
(bank_snapshot.py) and hands only the other files to bank_reading.

There is one loading path, :func:`load`, for every command: the same schema, placeholder and
simulation checks run before practice, review, explain, export or validate use a bank. All
problems in all files are collected and raised together as :class:`BankError`, in the spirit
of a compiler: one run of ``quizzer validate`` shows the author everything to fix.
"""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Mapping

from quizzer.content import kinds
from quizzer.content.bank_files import MAX_FILE_BYTES, Location, Problem, find_files, shown_path
# Choice is a bank record, importable from here.
from quizzer.content.kinds.choices import Choice  # noqa: F401

__all__ = ["MAX_FILE_BYTES", "Location", "Problem", "BankError", "load"]  # and the records

KINDS = kinds.names()
STYLES = ("scenario", "recall")
EXAMS = ("MLA-C01", "MLS-C01")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*(?::([^}]*))?\}\}")
# A format spec for a number (Python's mini-language without nesting): fill, align, sign,
# z, #, 0, width (at most 2 digits), grouping, precision (at most 2 digits), type.
FORMAT_SPEC = re.compile(r"^(?:[^{}]?[<>=^])?[-+ ]?z?#?0?(?P<width>\d{0,2})[,_]?"
                         r"(?:\.(?P<precision>\d{1,2}))?[eEfFgGn%d]?$")


# ----------------------------------------------------------------------------------- records

class BankError(Exception):
    """Every problem found in a bank, in file and line order."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.where.file, p.where.line,
                                                        p.where.column))
        super().__init__("\n".join(map(str, self.problems)))


@dataclass
class SimulationCall:
    """Which worked example to show: a simulation NAME, its parameters and a seed (the
    bank's ``example:`` key). Running it gives a :class:`quizzer.simulations.example.Example`."""

    simulation: str
    params: Mapping[str, Any] = field(default_factory=dict)
    seed: int = 0
    where: Location | None = field(default=None, compare=False)

    def key(self) -> tuple:
        return (self.simulation, self.seed, tuple(sorted(
            (k, tuple(v) if isinstance(v, list) else v) for k, v in self.params.items())))


@dataclass
class Question:
    """One question of a topic: its kind's answer record, its worked example and where it
    stands in its bank file."""

    id: str
    topic: str
    kind: str
    prompt: str
    explanation: str
    # The kind's answer record (quizzer.content.kinds): Choices, TrueFalse, Numeric, Ordering,
    # Matching
    answer: Any = None
    example: SimulationCall | None = None
    difficulty: int = 2
    style: str = "recall"
    tags: tuple = ()
    where: Location | None = field(default=None, compare=False)

    @property
    def choices(self) -> tuple:
        """A choice question's choices in bank order; () for other kinds."""
        return getattr(self.answer, "choices", ())

    @property
    def correct_count(self) -> int:
        return sum(c.correct for c in self.choices)


@dataclass
class Card:
    """A flashcard: front, back and, optionally, a worked example."""

    id: str
    topic: str
    front: str
    back: str
    example: SimulationCall | None = None
    tags: tuple = ()
    where: Location | None = field(default=None, compare=False)


@dataclass
class Topic:
    """A topic: only slug, title and questions or cards are required (any subject will do)."""

    slug: str
    title: str
    exam: Mapping[str, str] = field(default_factory=dict)  # exam name -> domain
    summary: str = ""
    key_points: tuple = ()
    example: SimulationCall | None = None  # None: no worked example, plot or inset
    questions: tuple = ()
    cards: tuple = ()
    aliases: tuple = ()
    file: str = ""


@dataclass
class Bank:
    """Every topic loaded, built-in and the learner's, in file order."""

    topics: tuple

    @property
    def questions(self) -> tuple:
        return tuple(q for t in self.topics for q in t.questions)

    @property
    def cards(self) -> tuple:
        return tuple(c for t in self.topics for c in t.cards)

    def topic(self, slug: str) -> Topic:
        for t in self.topics:
            if t.slug == slug:
                return t
        raise KeyError(slug)

    def question(self, qid: str) -> Question:
        """The question with id ``qid`` (KeyError if none); decodes no other kept record."""
        topic, position = self._question_places[qid]
        return self.topics[topic].questions[position]

    @cached_property
    def _question_places(self) -> dict:
        """question id -> (index of its topic, its position there)."""
        from quizzer.content.bank_snapshot import record_ids

        return {qid: (t, i) for t, topic in enumerate(self.topics)
                for i, qid in enumerate(record_ids(topic.questions))}

    def resolve_topic(self, name: str) -> Topic | None:
        """A topic by slug, title or alias, ignoring case and -/_/space differences."""
        want = _fold(name)
        for t in self.topics:
            if want in {_fold(t.slug), _fold(t.title), *map(_fold, t.aliases)}:
                return t
        return None


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.lower())


def example_for(question: Question | Card, bank: Bank) -> SimulationCall | None:
    """The question's own worked example, or its topic's; None when neither has one."""
    return question.example or bank.topic(question.topic).example


def format_value(value: Any, spec: str = "") -> str:
    """``value`` as a placeholder shows it; a spec that does not suit the value (checked by
    ``validate --run-examples``) falls back to the plain form rather than failing a screen."""
    if spec:
        try:
            return format(value, spec)
        except (ValueError, TypeError):
            pass
    return f"{value:g}" if isinstance(value, float) else str(value)


def fill_placeholders(text: str, values: Mapping[str, Any]) -> str:
    """Replace ``{{name}}`` / ``{{name:.3f}}`` with the worked example's computed values.

    Never raises: a value the example does not have (or has as None) reads "undefined",
    which ``quizzer validate --run-examples`` reports before a learner can see it.
    """

    def one(match: re.Match) -> str:
        value = values.get(match.group(1))
        if value is None:
            return "undefined"
        return format_value(value, (match.group(2) or "").strip())

    return PLACEHOLDER.sub(one, text)


def spec_problem(spec: str) -> str | None:
    """Why a placeholder's format spec cannot be used, or None if it can."""
    if not FORMAT_SPEC.match(spec):
        return ("is not a number format Python knows (e.g. .3f, .1%, ,d, >8.2f; widths "
                "and precisions of at most 2 digits)")
    return None


def placeholders(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


# ------------------------------------------------------------------------------------ loading

def builtin_files() -> list[Path]:
    """The YAML files of the built-in bank, wherever the package is installed.

    pip installs the package as plain files, so its folder is listed directly (as the
    worked-example cache's code key does): importlib.resources would add a few milliseconds
    of imports before every first question."""
    from importlib.util import find_spec

    root = Path(find_spec("quizzer.question_bank").submodule_search_locations[0])
    return sorted((p for p in root.iterdir() if p.name.endswith(".yaml")),
                  key=lambda p: p.name)


def bank_files(paths: Iterable[str | os.PathLike] = ()) -> list[Path]:
    """Expand files and folders (their top-level ``*.yaml``/``*.yml``) into a file list;
    what cannot be read is left for :func:`load` to report."""
    return find_files(paths, [])


def load(paths: Iterable[str | os.PathLike] = (), *, builtin: bool = True,
         check_simulations: bool = True, cache_dir: Path | None = None,
         keep_later: bool = False) -> Bank:
    """Load the built-in bank plus ``paths``; raise BankError listing every problem.

    This is the one loading path of every command: schema, placeholders, names and (unless
    ``check_simulations`` is False, for tests of the schema alone) each example's simulation
    and parameters are checked before a bank is used.

    With ``cache_dir``, a file that loaded cleanly before with the same size and modification
    time (and the same simulation code) is read back from its snapshot entry
    (quizzer.content.bank_snapshot) instead of being parsed again, its records decoded when first
    used: YAML parsing is most of the time before the first practice question appears. The
    checks across files (ids, topic names) run on every load.

    A file is read fast, without the place of each value (:func:`read_plain`), when it is
    clean; one with a problem is read again node by node, so every message says where. The
    places its records keep are found when first asked for (:class:`_Pending`). A snapshot
    entry holds places, so it is written from the node-by-node read: with ``keep_later``
    (the command line) when :func:`write_pending_snapshot` is called, as the command ends;
    otherwise here, and each new file is read node by node only.
    """
    # A large bank is hundreds of thousands of YAML nodes and values, all alive until its
    # records are built: Python's cycle collector would walk them again and again as they
    # grow (most of the time a 10,000-question bank took to parse). Nothing here makes a
    # cycle that must be collected meanwhile; the collector runs again afterwards.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load(paths, builtin, check_simulations, cache_dir, keep_later)
    finally:
        if paused:
            gc.enable()


def _load(paths: Iterable[str | os.PathLike], builtin: bool, check_simulations: bool,
          cache_dir: Path | None, keep_later: bool = False) -> Bank:
    problems: list[Problem] = []
    files = (builtin_files() if builtin else []) + find_files(paths, problems)
    keep = cache_dir is not None and check_simulations  # an entry vouches for simulations
    if keep:
        from quizzer.content import bank_snapshot
    # A built-in file named again on the command line is the same file: read it once.
    unique = {}
    for path in files:
        unique.setdefault(os.path.realpath(path), path)  # realpath never raises on a loop
    found = []  # (path, shown, its snapshot entry's Kept or None)
    for path in unique.values():
        shown = shown_path(path)
        kept = None
        if keep:
            kept = bank_snapshot.read(path, shown, cache_dir,
                                      lambda path=path, shown=shown: _read_again(path, shown))
        found.append((path, shown, kept))
    missing = [(path, shown) for path, shown, kept in found if kept is None]
    read_topics = {}
    if missing:  # only then the readers and the schema check are imported
        from quizzer.content.bank_reading import read_files

        read_topics = read_files(missing, problems, check_simulations,
                                 cache_dir if keep else None, keep_later)
    topics = []
    names = []
    for path, shown, kept in found:
        if kept is not None:
            topics.append(kept.topic)
            names.append((kept.topic, kept.names))
        elif path in read_topics:
            topic, spots = read_topics[path]
            topics.append(topic)
            names.append((topic, spots))
    problems.extend(_duplicates(topics))
    problems.extend(_name_collisions(names))
    if problems:
        raise BankError(problems)
    return Bank(tuple(topics))


def _read_again(path: Path, shown: str) -> Topic:
    """A kept file's topic read again from its YAML (its snapshot entry is in doubt)."""
    from quizzer.content.bank_reading import read_again

    return read_again(path, shown)


def write_pending_snapshot() -> None:
    """Write the snapshot entries that loads with ``keep_later`` left for the command's end
    (quizzer.content.bank_reading.write_pending_snapshot); nothing if no file was read."""
    import sys

    reading = sys.modules.get("quizzer.content.bank_reading")
    if reading is not None:
        reading.write_pending_snapshot()


def example_problems(bank: Bank) -> list[Problem]:
    """Every placeholder or answer that disagrees with its worked example, each example run
    (``quizzer validate --run-examples``; see quizzer.content.bank_reading)."""
    from quizzer.content import bank_reading

    return bank_reading.example_problems(bank)


def _name_collisions(names: list) -> list[Problem]:
    """A topic's slug, title or alias that another topic already answers to (both places):
    ``quizzer explain NAME`` could only ever reach the first."""
    problems = []
    taken: dict[str, tuple] = {}
    for topic, spots in names:
        for what, name, where in spots:
            if not name or where is None:
                continue
            key = _fold(name)
            first = taken.get(key)
            if first is None:
                taken[key] = (topic, what, where)
            elif first[0] is not topic:
                problems.append(Problem(where, f"{what} {name!r} is also the {first[1]} of "
                                               f"topic {first[0].slug!r} ({first[2]}); "
                                               "choose another"))
    return problems


def _duplicates(topics: list[Topic]) -> list[Problem]:
    """Ids used twice (progress is keyed by id); slugs are checked with the other names.
    Reads only ids (and the places of duplicates), so no kept record is decoded for it."""
    from quizzer.content.bank_snapshot import record_ids, record_place

    problems = []
    seen: dict[str, tuple] = {}  # id -> (records, position) where it is first used
    for topic in topics:
        for records in (topic.questions, topic.cards):
            for position, item_id in enumerate(record_ids(records)):
                if not item_id:
                    continue
                first = seen.setdefault(item_id, (records, position))
                if first[0] is not records or first[1] != position:
                    problems.append(Problem(record_place(records, position),
                                            f"duplicate id {item_id!r} (first at "
                                            f"{record_place(*first)})"))
    return problems
