"""Reading bank files: the schema check that builds a topic's records, the fast read, places.

:func:`quizzer.content.bank.load` takes every file it can from the bank snapshot and hands
the rest here (:func:`read_files`), so a start whose files are all kept never imports this
module, the YAML readers or the checks. A file is read fast, without the place of each value
(``bank_files.read_plain``: rapidyaml to JSON), when it is clean; one with a problem is read
again node by node with PyYAML's marks, so every message says where. The places its records
keep are found when first asked for (:class:`_Pending`). A snapshot entry holds places, so
it is written from the node-by-node read: as the command ends (:func:`write_pending_snapshot`),
or at once for a load without ``keep_later``.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any, Iterable, Mapping

from quizzer.content import kinds
from quizzer.content.bank import (ID_PATTERN, KINDS, PLACEHOLDER, STYLES, Bank, BankError, Card,
                                  Question, SimulationCall, Topic, placeholders, spec_problem)
from quizzer.content.bank_files import (LocatedList, LocatedMap, Location, Problem, close_key,
                                        read, read_plain, whole_file)


def read_files(files: list, problems: list, check_simulations: bool, cache_dir: Path | None,
               keep_later: bool) -> dict:
    """``{path: (topic, names)}`` for each ``(path, shown)`` of ``files`` (those the snapshot
    did not keep) that reads without a problem of its own; the problems go to ``problems``,
    in file order. With ``cache_dir``, a clean file gets its snapshot entry: noted for the
    command's end with ``keep_later`` (:func:`write_pending_snapshot`), written at once
    otherwise."""
    fast = keep_later or cache_dir is None
    # The last files (about half the bytes) read fast by a second process meanwhile, when
    # there is enough to read.
    elsewhere = _Elsewhere(files if fast else [], check_simulations)
    read_topics = {}
    try:
        for path, shown in files:
            before = len(problems)
            found = elsewhere.result(path)
            if found is not None:
                topic, spots = _with_places(*found, path, shown, check_simulations)
            else:
                topic, spots = _read_topic(path, shown, problems, check_simulations,
                                           fast=fast and not elsewhere.tried(path))
            if topic is None:
                continue
            read_topics[path] = (topic, spots)
            if cache_dir is not None and len(problems) == before:
                if keep_later:
                    if (path, shown, cache_dir) not in _LATER:
                        _LATER.append((path, shown, cache_dir))
                else:
                    from quizzer.content import bank_snapshot

                    bank_snapshot.write(path, shown, cache_dir, topic, spots)
    finally:
        elsewhere.stop()
    return read_topics


# The located values bank_files.py builds (short names: the checks below use them a lot).
_Map = LocatedMap
_Seq = LocatedList


# ---------------------------------------------------------------------------- schema checking

class _Checker:
    """Reads one topic file's values into records, noting each problem where it stands."""

    def __init__(self, file: str, problems: list, flagged: set = frozenset()):
        self.file = file
        self.problems = problems
        self.flagged = flagged  # where reading the file already found a bad value
        self.names: list = []  # (what, name, Location) of the topic's slug, title, aliases
        # (id, Location) of the questions that could not be built (an unknown kind): their ids
        # still count when ids used twice in the file are looked for.
        self.unbuilt: list = []

    def problem(self, where: Location, message: str) -> None:
        if where not in self.flagged:  # one fault, one message
            self.problems.append(Problem(where, message))

    def keys(self, data: _Map, what: str, required: set, optional: set) -> None:
        allowed = required | optional
        if required <= data.keys() <= allowed:  # the common case, in one step
            return
        for key in data:
            if key not in allowed:
                close = close_key(key, required | optional)
                if isinstance(key, str) and " " in key.strip() and data.get(key) is None:
                    # Words with no value: the rest of a text cut at a comma in { ... }
                    hint = ("a comma inside { } ends a value, so the words after it were "
                            "read as a key: put text that holds a comma in quotes "
                            "(why: \"..., ...\")")
                else:
                    hint = (f"did you mean {close!r}?" if close
                            else f"allowed: {', '.join(sorted(required | optional))}")
                self.problem(data.at[key], f"unknown key {key!r} in {what}; {hint}")
        for key in sorted(required - set(data)):
            self.problem(data.where, f"{what} is missing {key!r}")

    def text(self, data: _Map, key: str, what: str, required: bool = True) -> str:
        value = data.get(key)
        if value.__class__ is str and "{{" not in value:  # most texts: one test each
            stripped = value.strip()
            if stripped:
                return stripped
        if value is None:
            if key in data and required:
                self.problem(data.at[key], f"{what} {key!r} is empty")
            return ""
        if not isinstance(value, str):
            self.problem(data.at[key], f"{what} {key!r} must be text, not {_type(value)}")
            return ""
        if not value.strip():
            self.problem(data.at[key], f"{what} {key!r} is empty")
        if "{{" in value:  # its place is made only for a text with placeholders
            self.formats(value, data.at[key])
        return value.strip()

    def formats(self, text: str, where: Location) -> None:
        """Check each ``{{name:spec}}`` now, not when a learner's screen formats it."""
        for match in PLACEHOLDER.finditer(text):
            spec = (match.group(2) or "").strip()
            why = spec_problem(spec) if spec else None
            if why:
                self.problem(where, f"placeholder {match.group()} {why}")

    def texts(self, data: _Map, key: str, what: str) -> tuple:
        if key not in data:
            return ()
        value = data[key]
        if not isinstance(value, list):
            self.problem(data.at.get(key, data.where), f"{what} {key!r} must be a list")
            return ()
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.problem(value.at[i], f"{what} {key!r} item {i + 1} must be non-empty text")
            else:
                if "{{" in item:
                    self.formats(item, value.at[i])
                out.append(item.strip())
        return tuple(out)

    def mapping(self, value: Any, where: Location, what: str) -> _Map | None:
        if not isinstance(value, _Map):
            self.problem(where, f"{what} must be a mapping, not {_type(value)}")
            return None
        return value

    def example(self, data: _Map, key: str = "example") -> SimulationCall | None:
        if key not in data:
            return None
        ref = self.mapping(data[key], data.at[key], "example")
        if ref is None:
            return None
        self.keys(ref, "example", {"simulation"}, {"params", "seed"})
        name = self.text(ref, "simulation", "example")
        params = ref.get("params") or {}
        if not isinstance(params, dict):
            self.problem(ref.at["params"], "example 'params' must be a mapping")
            params = {}
        seed = ref.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            self.problem(ref.at.get("seed", ref.where),
                         "example 'seed' must be a whole number >= 0")
            seed = 0
        return SimulationCall(name, dict(params), seed, ref.at.get("simulation", ref.where)) \
            if name else None

    def ident(self, data: _Map, what: str) -> str:
        qid = self.text(data, "id", what)
        if qid and not ID_PATTERN.match(qid):
            self.problem(data.at["id"], f"{what} id {qid!r} must be lower-case letters, digits "
                                        "and dashes")
        return qid

    def topic(self, data: Any, where: Location) -> Topic | None:
        data = self.mapping(data, where, "a topic file")
        if data is None:
            return None
        self.keys(data, "topic", {"topic", "title"},
                  {"exam", "summary", "key_points", "example", "aliases", "questions", "cards"})
        slug = self.text(data, "topic", "topic")
        if slug and not ID_PATTERN.match(slug):
            self.problem(data.at["topic"], f"topic slug {slug!r} must be lower-case letters, "
                                           "digits and dashes")
        if not data.get("questions") and not data.get("cards") \
                and isinstance(data.get("questions", []), list) \
                and isinstance(data.get("cards", []), list):
            self.problem(data.where, "topic has no questions or cards; give it 'questions:' "
                                     "or 'cards:' (or both)")
        exam = {}
        if "exam" in data and self.mapping(data["exam"], data.at["exam"], "exam") is not None:
            exam_map = data["exam"]  # any exams: a bank may be about any subject
            exam = {str(k): self.text(exam_map, k, "exam") for k in exam_map}
        topic_example = self.example(data)
        questions = self.items(data, "questions", lambda d, w: self.question(d, w, slug))
        cards = self.items(data, "cards", lambda d, w: self.card(d, w, slug))
        self._unbuilt_duplicates(questions + cards)
        title = self.text(data, "title", "topic")
        aliases = self.texts(data, "aliases", "topic")
        self.names = [("slug", slug, data.at.get("topic")), ("title", title, data.at.get("title"))]
        self.names += [("alias", a, data["aliases"].at[i]) for i, a in enumerate(aliases)] \
            if len(aliases) == len(data.get("aliases") or ()) else []
        return Topic(slug=slug, title=title, exam=exam,
                     summary=self.text(data, "summary", "topic"),
                     key_points=self.texts(data, "key_points", "topic"),
                     example=topic_example, questions=questions, cards=cards,
                     aliases=aliases, file=self.file)

    def _unbuilt_duplicates(self, built: tuple) -> None:
        """Ids used twice in this file where one use is a question that could not be built:
        the checks across items see built records only, so without this a wrong kind would
        hide a duplicate id until it was fixed. (Two built ones are the load's to report.)"""
        if not self.unbuilt:  # the common case; and records read fast find places lazily
            return
        uses = sorted([(r.where.line, r.where.column, r.id, r.where, False) for r in built
                       if r.id and r.where is not None]
                      + [(w.line, w.column, qid, w, True) for qid, w in self.unbuilt])
        first: dict = {}
        for _, _, item_id, where, unbuilt in uses:
            if item_id not in first:
                first[item_id] = (where, unbuilt)
            elif unbuilt or first[item_id][1]:
                self.problem(where, f"duplicate id {item_id!r} (first at {first[item_id][0]})")

    def items(self, data: _Map, key: str, read) -> tuple:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(data.at[key], f"{key!r} must be a list")
            return ()
        return tuple(r for r in (read(item, value.at[i]) for i, item in enumerate(value)) if r)

    def question(self, data: Any, where: Location, topic: str) -> Question | None:
        data = self.mapping(data, where, "a question")
        if data is None:
            return None
        name = data.get("kind")
        kind = kinds.get(name)
        common = _COMMON
        extra = _EXTRA
        if kind is None:
            self.problem(data.at.get("kind", data.where),
                         f"question kind must be one of {', '.join(KINDS)}"
                         + (f", not {name!r}" if "kind" in data else ""))
            every = set().union(*(k.required | k.optional for k in kinds.every()))
            self.keys(data, "question", common - {"kind"} | {"explanation"},
                      extra | {"kind"} | every)
            qid = self.ident(data, "question")
            if qid:
                self.unbuilt.append((qid, data.where))
            return None
        # The kind reads its own fields; an explanation is required unless the kind checks
        # that its parts explain themselves (ordering and matching: a why on each).
        self.keys(data, f"{name} question", *_allowed_keys(kind))
        qid = self.ident(data, "question")
        prompt = self.text(data, "prompt", "question")
        explanation = self.text(data, "explanation", "question")
        answer = kind.read(self, data)
        difficulty = data.get("difficulty", 2)
        if difficulty not in (1, 2, 3) or isinstance(difficulty, bool):
            self.problem(data.at.get("difficulty", data.where), "difficulty must be 1, 2 or 3")
            difficulty = 2
        style = data.get("style", "recall")
        if style not in STYLES:
            self.problem(data.at.get("style", data.where),
                         f"style must be one of {', '.join(STYLES)}")
            style = "recall"
        return Question(id=qid, topic=topic, kind=name, prompt=prompt, explanation=explanation,
                        answer=answer, example=self.example(data), difficulty=difficulty,
                        style=style, tags=self.texts(data, "tags", "question"),
                        where=data.where)

    def card(self, data: Any, where: Location, topic: str) -> Card | None:
        data = self.mapping(data, where, "a card")
        if data is None:
            return None
        self.keys(data, "card", {"id", "front", "back"}, {"example", "tags"})
        return Card(id=self.ident(data, "card"), topic=topic,
                    front=self.text(data, "front", "card"), back=self.text(data, "back", "card"),
                    example=self.example(data), tags=self.texts(data, "tags", "card"),
                    where=data.where)


_COMMON = frozenset({"id", "kind", "prompt"})
_EXTRA = frozenset({"example", "difficulty", "style", "tags"})
_ALLOWED: dict = {}


def _allowed_keys(kind) -> tuple:
    """A question kind's required and optional keys, made once per kind: an explanation is
    required unless the kind checks that its parts explain themselves (ordering and
    matching: a why on each)."""
    found = _ALLOWED.get(kind.name)
    if found is None:
        explanation = {"explanation"}
        found = _ALLOWED[kind.name] = (
            _COMMON | kind.required | (explanation if kind.explanation_required else set()),
            _EXTRA | kind.optional | (set() if kind.explanation_required else explanation))
    return found


def _type(value: Any) -> str:
    return {dict: "a mapping", _Map: "a mapping", list: "a list", _Seq: "a list",
            str: "text", bool: "true/false", int: "a number", float: "a number",
            type(None): "nothing"}.get(type(value), type(value).__name__)


def _read_topic(path: Path, shown: str, problems: list, check_simulations: bool = True,
                fast: bool = False) -> tuple[Topic | None, list]:
    """One file's topic and the names it answers to, checked on its own (everything but
    the checks across files); its problems are added to ``problems``. ``fast``: read it
    without places first (:func:`_read_plain_topic`), node by node only if that finds a
    problem or doubt."""
    if fast:
        found = _read_plain_topic(path, shown, check_simulations)
        if found is not None:
            return found
    before = len(problems)
    data = read(path, shown, problems)
    if data is None:
        return None, []
    checker = _Checker(shown, problems, {p.where for p in problems[before:]})
    topic = checker.topic(data, Location(shown, 1, 1))
    if topic is None:
        return None, []
    problems.extend(_without_example([topic]))
    if check_simulations:
        problems.extend(simulation_problems([topic]))
    return topic, checker.names


class _Refusing(list):
    """The problem list of a schema check of values read without places: the first problem
    ends the check (the file is then read node by node, to say where)."""

    def append(self, problem) -> None:
        raise _Doubt


class _Doubt(Exception):
    pass


def _read_plain_topic(path: Path, shown: str,
                      check_simulations: bool) -> tuple[Topic, list] | None:
    """The topic of a clean file read fast (:func:`read_plain`) with the names it answers to,
    its places pending (:class:`_Pending`); None if the file is not read so or holds any
    problem of its own."""
    read = _read_plain_values(path, shown, check_simulations)
    return None if read is None else _with_places(*read, path, shown, check_simulations)


def _read_plain_values(path: Path, shown: str,
                       check_simulations: bool) -> tuple[Topic, list] | None:
    """:func:`_read_plain_topic` without places: the topic, and its names as (what, name)."""
    data = read_plain(path, shown)
    if data is None:
        return None
    checker = _Checker(shown, _Refusing())
    try:
        topic = checker.topic(data, whole_file(shown))
        if topic is None or _without_example([topic]) or (
                check_simulations and simulation_problems([topic])):
            return None
    except Exception:  # noqa: BLE001 - a problem, or values the check did not expect
        return None
    return topic, [(what, name) for what, name, _ in checker.names]


def _with_places(topic: Topic, names: list, path: Path, shown: str,
                 check_simulations: bool) -> tuple[Topic, list]:
    """``topic`` read without places, its records' places (and its names') made pending."""
    places = _Places(path, shown, check_simulations)
    for field in ("questions", "cards"):
        for i, record in enumerate(getattr(topic, field)):
            record.where = _Pending(shown, places, field, i)
            if record.example is not None:
                record.example.where = _Pending(shown, places, field, i, "example")
    if topic.example is not None:
        topic.example.where = _Pending(shown, places, "example")
    names = [(what, name, _Pending(shown, places, "names", i))
             for i, (what, name) in enumerate(names)]
    return topic, names


class _Elsewhere:
    """The files a second process reads fast (:func:`_read_plain_values`) while this one reads
    the others: the last of ``files``, about half their bytes, when they hold more than
    :data:`ELSEWHERE_BYTES`. The machine has two cores; YAML files are independent.

    The process is forked, so it starts in a few milliseconds with everything imported, and
    sends its topics back pickled through a pipe (with the places left out: the topics of
    5,000 questions pickle in about 35 ms and load in 25). It is forked only from a process
    without threads; it ignores Ctrl-C (this process handles it and stops it)."""

    def __init__(self, files: list, check_simulations: bool):
        self.pid = None
        self.results: dict | None = None
        self.files: list = []
        sizes = [_size(path) for path, _ in files]
        if (sum(sizes) < ELSEWHERE_BYTES or len(files) < 2 or not hasattr(os, "fork")
                or not _a_core_is_free()):
            return
        import threading

        if threading.active_count() > 1:
            return
        half, split = sum(sizes) / 2, len(files)
        while split > 1 and sum(sizes[split - 1:]) <= half:
            split -= 1
        self.files = files[split:]
        import pickle
        import signal

        import ryml  # noqa: F401 - imported before the fork, for both processes

        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the second process: never returns into the command
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                os.close(read_end)
                results = [_read_plain_values(path, shown, check_simulations)
                           for path, shown in self.files]
                with os.fdopen(write_end, "wb") as out:
                    out.write(pickle.dumps(results, pickle.HIGHEST_PROTOCOL))
            finally:
                os._exit(0)
        os.close(write_end)
        self.pipe = os.fdopen(read_end, "rb")

    def tried(self, path: Path) -> bool:
        """Whether ``path`` was read fast elsewhere (so reading it fast again is no use)."""
        return any(p == path for p, _ in self.files)

    def result(self, path: Path) -> tuple | None:
        """``path``'s topic and names read elsewhere, or None (not sent there, or in doubt:
        read it here)."""
        if not self.tried(path):
            return None
        if self.results is None:
            self.results = {}
            try:
                import pickle

                data = self.pipe.read()
                results = pickle.loads(data) if data else []
            except Exception:  # noqa: BLE001 - the process failed: read the files here
                results = []
            self.stop()
            for (p, _), found in zip(self.files, results):
                self.results[p] = found
        return self.results.get(path)

    def stop(self) -> None:
        if self.pid is None:
            return
        import signal

        self.pipe.close()
        try:
            os.kill(self.pid, signal.SIGKILL)  # it has finished, or is no longer wanted
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        self.pid = None


ELSEWHERE_BYTES = 1_000_000  # below this a second process gains less than it costs


def _a_core_is_free() -> bool:
    """Whether another core is likely idle: the last minute's load average (this process
    counts one) leaves half a core or more. With every core busy, a second process only
    takes turns with this one and adds its start and the pickling: measured on two cores
    with one taken by another program, 0.66 s against 0.60 s in one process (0.42 s against
    0.53 s with both cores free)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    try:
        return os.getloadavg()[0] <= cores - 0.5
    except OSError:
        return False


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


class _Places:
    """The places of one file's records and names, found by reading it node by node (with
    PyYAML's marks) when the first is asked for: only a problem across files (a duplicate
    id, a name taken twice) or a failing worked example ever needs one."""

    def __init__(self, path: Path, shown: str, check_simulations: bool):
        self.path, self.shown, self.check_simulations = path, shown, check_simulations
        self.found: tuple | None = None

    def place(self, key: tuple) -> Location:
        if self.found is None:
            problems: list = []
            topic, names = _read_topic(self.path, self.shown, problems, self.check_simulations)
            # The file changed since (or the two reads differ): its places are no longer known.
            self.found = (topic, names) if topic is not None and not problems else ()
        if not self.found:
            return whole_file(self.shown)
        topic, names = self.found
        try:
            if key[0] == "names":
                return names[key[1]][2] or whole_file(self.shown)
            if key == ("example",):
                return topic.example.where
            record = getattr(topic, key[0])[key[1]]
            return record.example.where if key[2:] == ("example",) else record.where
        except (IndexError, AttributeError):
            return whole_file(self.shown)


class _Pending(Location):
    """A place in a file read without places: its line and column are found (by
    :class:`_Places`) when first read. Pickled, it becomes the :class:`Location` it is."""

    def __init__(self, file: str, places: _Places, *key):  # noqa: D107 - not the dataclass's
        self.__dict__.update(file=file, _places=places, _key=key)

    def _found(self) -> Location:
        found = self.__dict__.get("_at")
        if found is None:
            found = self.__dict__["_at"] = self._places.place(self._key)
        return found

    line = property(lambda self: self._found().line)
    column = property(lambda self: self._found().column)

    def __reduce__(self):
        return Location, (self.file, self.line, self.column)


_LATER: list = []  # (path, shown, cache_dir) of files read fast, their entries not yet written


def write_pending_snapshot() -> None:
    """Write the snapshot entries that loads with ``keep_later`` left for later, reading each
    of those files node by node (an entry holds places). The command line calls this as a
    command ends, after the learner had the question or list they asked for; a command ending
    on Ctrl-C skips it (those files are read fast again next time)."""
    import sys

    if sys.exc_info()[0] is KeyboardInterrupt:
        _LATER.clear()
    paused = gc.isenabled()
    gc.disable()  # as in load(): the nodes of a large file would be walked again and again
    try:
        while _LATER:
            _keep(*_LATER.pop(0))
    finally:
        if paused:
            gc.enable()


def _keep(path: Path, shown: str, cache_dir: Path) -> None:
    """``path``'s entry, from a node-by-node read; none if the file changed meanwhile (an
    entry must hold what its key, the file's size and time, says) or has a problem."""
    from quizzer.content import bank_snapshot

    before = bank_snapshot.entry_path(path, shown, cache_dir)
    problems: list = []
    topic, names = _read_topic(path, shown, problems)
    if (before is not None and topic is not None and not problems
            and bank_snapshot.entry_path(path, shown, cache_dir) == before):
        bank_snapshot.write(path, shown, cache_dir, topic, names)


def read_again(path: Path, shown: str) -> Topic:
    """A kept file's topic read from its YAML, when its snapshot entry is in doubt;
    BankError if the file no longer loads cleanly."""
    problems: list[Problem] = []
    topic, _ = _read_topic(path, shown, problems)
    if problems or topic is None:
        raise BankError(problems or [Problem(whole_file(shown), "cannot be read again")])
    return topic


def _without_example(topics: list[Topic]) -> list[Problem]:
    """Placeholders and answer_value need a worked example to take their numbers from."""
    problems: list = []
    for topic in topics:
        if topic.example is not None:  # every item has an example: its topic's
            continue
        # An item's texts are gathered only when it has no example of its own, and looked
        # into only when one holds "{{" (joined, one search per item).
        _placeholder_without_example([topic.summary, *topic.key_points],
                                     Location(topic.file, 1, 1), problems)
        for q in topic.questions:
            if q.example is None:
                kind = kinds.of(q)
                _placeholder_without_example([q.prompt, q.explanation, *kind.texts(q)],
                                             q.where, problems)
                # e.g. a numeric answer_value
                problems += [Problem(q.where, message)
                             for message in kind.example_problems(q, None, "")]
        for c in topic.cards:
            if c.example is None:
                _placeholder_without_example([c.front, c.back], c.where, problems)
    return problems


def _placeholder_without_example(texts: list, where: Location, problems: list) -> None:
    if "{{" not in "\n".join(texts):
        return
    used = [name for text in texts for name in placeholders(text)]
    if used:
        problems.append(Problem(where, f"placeholder {{{{{used[0]}}}}} needs a worked "
                                       "example, and neither this item nor its topic has one"))


def simulation_problems(topics: Iterable[Topic]) -> list[Problem]:
    """Check that each example names a real simulation with valid parameters (no running)."""
    from quizzer import simulations

    problems = []
    seen = set()
    for topic in topics:
        for ref in [topic.example, *(q.example for q in topic.questions),
                    *(c.example for c in topic.cards)]:
            if ref is None or id(ref) in seen:
                continue
            seen.add(id(ref))
            try:
                _, bad = simulations.check_params(ref.simulation, ref.params)
            except simulations.SimulationError as err:
                bad = [str(err)]
            problems.extend(Problem(ref.where, msg) for msg in bad)
    return problems


def example_problems(bank: Bank) -> list[Problem]:
    """Run every worked example once and check what the texts expect of it, exactly as the
    screens will format it.

    Each ``{{placeholder}}`` must name a value the example computes, that value must not be
    None (a learner would read "undefined") and its format spec must suit it; a numeric
    question's ``answer_value`` must agree with its answer within the tolerance. A scenario
    that fails is reported at its reference, once.
    """
    from quizzer import simulations

    problems = []
    failed: set = set()
    for topic in bank.topics:
        items = [(topic.example, [topic.summary, *topic.key_points], None,
                  Location(topic.file, 1, 1))]
        items += [(q.example or topic.example,
                   [q.prompt, q.explanation, *kinds.of(q).texts(q)], q, q.where)
                  for q in topic.questions]
        items += [(c.example or topic.example, [c.front, c.back], None, c.where)
                  for c in topic.cards]
        for ref, texts, question, where in items:
            if ref is None or ref.key() in failed:
                continue
            try:
                example = simulations.run(ref.simulation, seed=ref.seed, **ref.params)
            except Exception as err:  # noqa: BLE001 - a failing scenario is a finding here
                failed.add(ref.key())
                reason = str(err) if isinstance(err, simulations.SimulationError) \
                    else f"the simulation failed: {type(err).__name__}: {err}"
                problems.append(Problem(ref.where or where, reason))
                continue
            for text in texts:
                problems += [Problem(where, message) for message in
                             _placeholder_faults(text, example.values, ref.simulation)]
            if question is not None:  # e.g. a numeric answer against its answer_value
                problems += [Problem(where, message) for message in kinds.of(question)
                             .example_problems(question, example.values, ref.simulation)]
    return problems


def _placeholder_faults(text: str, values: Mapping[str, Any], simulation: str) -> list[str]:
    """What a screen would get wrong filling ``text`` from ``values`` (empty if nothing)."""
    out = []
    for match in PLACEHOLDER.finditer(text):
        name, spec = match.group(1), (match.group(2) or "").strip()
        if name not in values:
            out.append(f"placeholder {{{{{name}}}}} is not a value of {simulation}; it has "
                       f"{', '.join(values) or 'none'}")
        elif values[name] is None:
            out.append(f"placeholder {{{{{name}}}}} has no value with these parameters "
                       f"({simulation} gives None); a learner would read 'undefined'")
        elif spec:
            try:
                format(values[name], spec)
            except (ValueError, TypeError) as err:
                out.append(f"placeholder {match.group()} cannot format {values[name]!r}: {err}")
    return out
