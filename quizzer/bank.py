"""The question bank: records, and a loader that reports every problem with its file and line.

A bank is a set of YAML files, one topic each. They are data only: a file can name a
simulation and its parameters, never code. Loading goes node by node over the YAML
*composition* (not ``yaml.load``) so that every value keeps its line and column, tags that
would construct Python objects are refused before anything is built, and an alias bomb is
caught by counting expanded nodes instead of exhausting memory.

All problems in all files are collected and raised together as :class:`BankError`, in the
spirit of a compiler: one run of ``quizzer validate`` shows the author everything to fix.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

if TYPE_CHECKING:
    import yaml

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 100_000  # expanded YAML nodes per file; the whole built-in bank needs ~20k
KINDS = ("single", "multiple", "true-false", "numeric")
STYLES = ("scenario", "recall")
EXAMS = ("MLA-C01", "MLS-C01")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*(?::([^}]*))?\}\}")
_SAFE_TAGS = {f"tag:yaml.org,2002:{t}" for t in
              ("str", "int", "float", "bool", "null", "map", "seq")}
_STR_TAG = "tag:yaml.org,2002:str"
CACHE_FORMAT = "1"  # bump when a record changes shape: old caches are then ignored


# ----------------------------------------------------------------------------------- records

@dataclass(frozen=True)
class Location:
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    where: Location
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class BankError(Exception):
    """Every problem found in a bank, in file and line order."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.where.file, p.where.line,
                                                        p.where.column))
        super().__init__("\n".join(map(str, self.problems)))


@dataclass(frozen=True)
class ExampleRef:
    """A worked example: a simulation NAME, its parameters and a seed."""

    simulation: str
    params: Mapping[str, Any] = field(default_factory=dict)
    seed: int = 0
    where: Location | None = field(default=None, compare=False)

    def key(self) -> tuple:
        return (self.simulation, self.seed, tuple(sorted(
            (k, tuple(v) if isinstance(v, list) else v) for k, v in self.params.items())))


@dataclass(frozen=True)
class Choice:
    text: str
    why: str
    correct: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    kind: str
    prompt: str
    explanation: str
    choices: tuple = ()
    answer: Any = None  # bool for true-false, float for numeric
    tolerance: float = 0.0
    unit: str = ""
    answer_value: str = ""  # numeric: the example value the answer must equal
    example: ExampleRef | None = None
    difficulty: int = 2
    style: str = "recall"
    tags: tuple = ()
    where: Location | None = field(default=None, compare=False)

    @property
    def correct_count(self) -> int:
        return sum(c.correct for c in self.choices)


@dataclass(frozen=True)
class Card:
    id: str
    topic: str
    front: str
    back: str
    example: ExampleRef | None = None
    tags: tuple = ()
    where: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    exam: Mapping[str, str]
    summary: str
    key_points: tuple
    example: ExampleRef
    questions: tuple = ()
    cards: tuple = ()
    aliases: tuple = ()
    file: str = ""


@dataclass(frozen=True)
class Bank:
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
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def resolve_topic(self, name: str) -> Topic | None:
        """A topic by slug, title or alias, ignoring case and -/_/space differences."""
        want = _fold(name)
        for t in self.topics:
            if want in {_fold(t.slug), _fold(t.title), *map(_fold, t.aliases)}:
                return t
        return None


def _fold(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.lower())


def example_for(question: Question | Card, bank: Bank) -> ExampleRef:
    """The question's own worked example, or its topic's."""
    return question.example or bank.topic(question.topic).example


def fill_placeholders(text: str, values: Mapping[str, Any]) -> str:
    """Replace ``{{name}}`` / ``{{name:.3f}}`` with the worked example's computed values."""

    def one(match: re.Match) -> str:
        value = values.get(match.group(1))
        if value is None:
            return "undefined"
        spec = (match.group(2) or "").strip()
        return format(value, spec) if spec else (f"{value:g}" if isinstance(value, float)
                                                  else str(value))

    return PLACEHOLDER.sub(one, text)


def placeholders(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


# ------------------------------------------------------------------------------ YAML → values

class _Map(dict):
    """A YAML mapping that remembers where it and each of its values stand."""

    where: Location
    at: dict


class _Seq(list):
    where: Location
    at: list


class _TooBig(Exception):
    pass


def _mark(file: str, node: yaml.Node) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Builds Python values from composed YAML nodes, refusing unsafe tags, counting nodes."""

    def __init__(self, file: str, problems: list):
        import yaml

        self.yaml = yaml
        self.file = file
        self.problems = problems
        self.count = 0
        self.scalars = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig
        if node.tag not in _SAFE_TAGS:
            self.problems.append(Problem(_mark(self.file, node),
                                         f"YAML tag {node.tag!r} is not allowed: a bank holds "
                                         "plain data (text, numbers, lists, mappings)"))
            return None
        if node.tag == _STR_TAG:  # most scalars: skip the generic constructor
            return node.value
        yaml = self.yaml
        if isinstance(node, yaml.MappingNode):
            out = _Map()
            out.where, out.at = _mark(self.file, node), {}
            for key_node, value_node in node.value:
                key = self.build(key_node)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    self.problems.append(Problem(_mark(self.file, key_node),
                                                 "mapping keys must be plain text"))
                    continue
                if key in out:
                    self.problems.append(Problem(_mark(self.file, key_node),
                                                 f"duplicate key {key!r}"))
                out[key] = self.build(value_node)
                out.at[key] = _mark(self.file, value_node)
            return out
        if isinstance(node, yaml.SequenceNode):
            seq = _Seq()
            seq.where, seq.at = _mark(self.file, node), []
            for item in node.value:
                seq.append(self.build(item))
                seq.at.append(_mark(self.file, item))
            return seq
        return self.scalars.construct_object(node, deep=True)


def _read_yaml(path: Path, shown: str, problems: list) -> Any:
    import yaml

    try:
        size = path.stat().st_size
    except OSError as err:
        problems.append(Problem(Location(shown, 1, 1), f"cannot read: {err.strerror}"))
        return None
    if size > MAX_FILE_BYTES:
        problems.append(Problem(Location(shown, 1, 1), f"file is {size / 1e6:.1f} MB; a bank "
                                                       f"file may be at most {MAX_FILE_BYTES // 2**20} MB"))
        return None
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Problem(Location(shown, 1, 1), f"not UTF-8 text ({err.reason} at byte "
                                                       f"{err.start})"))
        return None
    except OSError as err:
        problems.append(Problem(Location(shown, 1, 1), f"cannot read: {err.strerror}"))
        return None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown, 1, 1)
        problems.append(Problem(where, f"YAML syntax: {err.problem or err.context}"))
        return None
    except yaml.YAMLError as err:
        problems.append(Problem(Location(shown, 1, 1), f"YAML: {err}"))
        return None
    finally:
        loader.dispose()
    if node is None:
        problems.append(Problem(Location(shown, 1, 1), "file is empty"))
        return None
    try:
        return _Builder(shown, problems).build(node)
    except _TooBig:
        problems.append(Problem(Location(shown, 1, 1), f"expands to more than {MAX_NODES} "
                                                       "YAML nodes (an alias bomb?)"))
        return None


# ---------------------------------------------------------------------------- schema checking

class _Checker:
    """Reads one topic file's values into records, noting each problem where it stands."""

    def __init__(self, file: str, problems: list):
        self.file = file
        self.problems = problems

    def problem(self, where: Location, message: str) -> None:
        self.problems.append(Problem(where, message))

    def keys(self, data: _Map, what: str, required: set, optional: set) -> None:
        for key in data:
            if key not in required | optional:
                close = sorted(required | optional)
                self.problem(data.at[key], f"unknown key {key!r} in {what}; "
                                           f"allowed: {', '.join(close)}")
        for key in sorted(required - set(data)):
            self.problem(data.where, f"{what} is missing {key!r}")

    def text(self, data: _Map, key: str, what: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if key in data and required:
                self.problem(data.at[key], f"{what} {key!r} is empty")
            return ""
        if not isinstance(value, str):
            self.problem(data.at[key], f"{what} {key!r} must be text, not {_type(value)}")
            return ""
        if not value.strip():
            self.problem(data.at[key], f"{what} {key!r} is empty")
        return value.strip()

    def texts(self, data: _Map, key: str, what: str) -> tuple:
        value = data.get(key, _Seq())
        if not isinstance(value, list):
            self.problem(data.at.get(key, data.where), f"{what} {key!r} must be a list")
            return ()
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.problem(value.at[i], f"{what} {key!r} item {i + 1} must be non-empty text")
            else:
                out.append(item.strip())
        return tuple(out)

    def mapping(self, value: Any, where: Location, what: str) -> _Map | None:
        if not isinstance(value, _Map):
            self.problem(where, f"{what} must be a mapping, not {_type(value)}")
            return None
        return value

    def example(self, data: _Map, key: str = "example") -> ExampleRef | None:
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
            self.problem(ref.at.get("seed", ref.where), "example 'seed' must be a whole number >= 0")
            seed = 0
        return ExampleRef(name, dict(params), seed, ref.at.get("simulation", ref.where)) \
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
        self.keys(data, "topic", {"topic", "title", "exam", "summary", "key_points", "example"},
                  {"aliases", "questions", "cards"})
        slug = self.text(data, "topic", "topic")
        if slug and not ID_PATTERN.match(slug):
            self.problem(data.at["topic"], f"topic slug {slug!r} must be lower-case letters, "
                                           "digits and dashes")
        exam = {}
        if "exam" in data and self.mapping(data["exam"], data.at["exam"], "exam") is not None:
            exam_map = data["exam"]
            self.keys(exam_map, "exam", set(EXAMS), set())
            exam = {k: self.text(exam_map, k, "exam") for k in EXAMS if k in exam_map}
        topic_example = self.example(data)
        questions = self.items(data, "questions", lambda d, w: self.question(d, w, slug))
        cards = self.items(data, "cards", lambda d, w: self.card(d, w, slug))
        return Topic(slug=slug, title=self.text(data, "title", "topic"), exam=exam,
                     summary=self.text(data, "summary", "topic"),
                     key_points=self.texts(data, "key_points", "topic"),
                     example=topic_example, questions=questions, cards=cards,
                     aliases=self.texts(data, "aliases", "topic"), file=self.file)

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
        kind = data.get("kind")
        common = {"id", "kind", "prompt", "explanation"}
        extra = {"example", "difficulty", "style", "tags"}
        by_kind = {"single": ({"choices"}, set()), "multiple": ({"choices"}, set()),
                   "true-false": ({"answer"}, set()),
                   "numeric": ({"answer"}, {"tolerance", "unit", "answer_value"})}
        if kind not in by_kind:
            self.problem(data.at.get("kind", data.where),
                         f"question kind must be one of {', '.join(KINDS)}"
                         + (f", not {kind!r}" if "kind" in data else ""))
            self.keys(data, "question", common - {"kind"},
                      extra | {"kind", "choices", "answer", "tolerance", "unit", "answer_value"})
            return None
        must, may = by_kind[kind]
        self.keys(data, f"{kind} question", common | must, extra | may)
        qid = self.ident(data, "question")
        prompt = self.text(data, "prompt", "question")
        explanation = self.text(data, "explanation", "question")
        fields: dict[str, Any] = {}
        if kind in ("single", "multiple"):
            fields["choices"] = self.choices(data, kind)
        elif kind == "true-false" and "answer" in data:
            if not isinstance(data["answer"], bool):
                self.problem(data.at["answer"], "a true-false answer must be true or false")
            fields["answer"] = bool(data["answer"])
        elif kind == "numeric":
            fields.update(self.numeric(data))
        difficulty = data.get("difficulty", 2)
        if difficulty not in (1, 2, 3) or isinstance(difficulty, bool):
            self.problem(data.at.get("difficulty", data.where), "difficulty must be 1, 2 or 3")
            difficulty = 2
        style = data.get("style", "recall")
        if style not in STYLES:
            self.problem(data.at.get("style", data.where),
                         f"style must be one of {', '.join(STYLES)}")
            style = "recall"
        return Question(id=qid, topic=topic, kind=kind, prompt=prompt, explanation=explanation,
                        example=self.example(data), difficulty=difficulty, style=style,
                        tags=self.texts(data, "tags", "question"), where=data.where, **fields)

    def choices(self, data: _Map, kind: str) -> tuple:
        raw = data.get("choices")
        if not isinstance(raw, list) or len(raw) < 2:
            self.problem(data.at.get("choices", data.where),
                         "choices must be a list of at least two options")
            return ()
        out = []
        for i, item in enumerate(raw):
            item = self.mapping(item, raw.at[i], "a choice")
            if item is None:
                continue
            self.keys(item, "choice", {"text", "why"}, {"correct"})
            correct = item.get("correct", False)
            if not isinstance(correct, bool):
                self.problem(item.at["correct"], "choice 'correct' must be true or false")
                correct = False
            out.append(Choice(self.text(item, "text", "choice"), self.text(item, "why", "choice"),
                              correct))
        texts = [c.text for c in out]
        for i, text in enumerate(texts):
            if text and texts.index(text) != i:
                self.problem(raw.at[i], f"choice {i + 1} repeats choice {texts.index(text) + 1}")
        n = sum(c.correct for c in out)
        if kind == "single" and n != 1 and len(out) == len(raw):
            self.problem(raw.where, f"a single-answer question needs exactly one correct "
                                    f"choice; it has {n}")
        if kind == "multiple" and n < 2 and len(out) == len(raw):
            self.problem(raw.where, f"a multiple-response question needs at least two correct "
                                    f"choices; it has {n}")
        if kind == "multiple" and n >= len(out) and len(out) == len(raw):
            self.problem(raw.where, "a multiple-response question needs at least one wrong choice")
        return tuple(out)

    def numeric(self, data: _Map) -> dict:
        out: dict[str, Any] = {}
        answer = data.get("answer")
        if not _is_number(answer):
            self.problem(data.at.get("answer", data.where), "a numeric answer must be a number")
        else:
            out["answer"] = float(answer)
        tolerance = data.get("tolerance", 0)
        if not _is_number(tolerance) or tolerance < 0:
            self.problem(data.at.get("tolerance", data.where), "tolerance must be a number >= 0")
        else:
            out["tolerance"] = float(tolerance)
        if "unit" in data:
            out["unit"] = self.text(data, "unit", "question")
        if "answer_value" in data:
            out["answer_value"] = self.text(data, "answer_value", "question")
        return out

    def card(self, data: Any, where: Location, topic: str) -> Card | None:
        data = self.mapping(data, where, "a card")
        if data is None:
            return None
        self.keys(data, "card", {"id", "front", "back"}, {"example", "tags"})
        return Card(id=self.ident(data, "card"), topic=topic,
                    front=self.text(data, "front", "card"), back=self.text(data, "back", "card"),
                    example=self.example(data), tags=self.texts(data, "tags", "card"),
                    where=data.where)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _type(value: Any) -> str:
    return {dict: "a mapping", _Map: "a mapping", list: "a list", _Seq: "a list",
            str: "text", bool: "true/false", int: "a number", float: "a number",
            type(None): "nothing"}.get(type(value), type(value).__name__)


# ------------------------------------------------------------------------------------ loading

def builtin_files() -> list[Path]:
    """The YAML files of the built-in bank, wherever the package is installed."""
    from importlib.resources import files

    root = files("question_bank")
    return sorted((Path(str(p)) for p in root.iterdir() if p.name.endswith(".yaml")),
                  key=lambda p: p.name)


def bank_files(paths: Iterable[str | os.PathLike] = ()) -> list[Path]:
    """Expand files and folders (their top-level ``*.yaml``/``*.yml``) into a file list."""
    out = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir()
                              if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            out.append(path)
    return out


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load(paths: Iterable[str | os.PathLike] = (), *, builtin: bool = True,
         check_simulations: bool = False, cache_dir: Path | None = None) -> Bank:
    """Load the built-in bank plus ``paths``; raise BankError listing every problem.

    With ``cache_dir``, a bank that loaded cleanly before from files of the same size and
    modification time is read back from a JSON snapshot instead of being parsed again: YAML
    parsing is most of the time before the first practice question appears.
    """
    files = (builtin_files() if builtin else []) + bank_files(paths)
    snapshot = _snapshot_path(files, cache_dir) if cache_dir and not check_simulations else None
    if snapshot is not None:
        cached = _read_snapshot(snapshot)
        if cached is not None:
            return cached
    # A built-in file named again on the command line is the same file: read it once.
    unique = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    files = list(unique.values())
    problems: list[Problem] = []
    topics = []
    for path in files:
        shown = _shown(path)
        data = _read_yaml(path, shown, problems)
        if data is not None:
            topic = _Checker(shown, problems).topic(data, Location(shown, 1, 1))
            if topic is not None:
                topics.append(topic)
    problems.extend(_duplicates(topics))
    if check_simulations:
        problems.extend(simulation_problems(topics))
    if problems:
        raise BankError(problems)
    bank = Bank(tuple(topics))
    if snapshot is not None:
        _write_snapshot(snapshot, bank)
    return bank


# ------------------------------------------------------------------------------ the snapshot

_RECORDS = {cls.__name__: cls for cls in (Location, ExampleRef, Choice, Question, Card, Topic,
                                          Bank)}


def _snapshot_path(files: list[Path], cache_dir: Path) -> Path | None:
    from quizzer import __version__
    from quizzer.cache import stat_key

    # The shown names are part of the key: problems quote them.
    key = stat_key(files, CACHE_FORMAT, __version__, *map(_shown, files))
    return Path(cache_dir) / f"bank-{key[:20]}.json" if key else None


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {"@": type(value).__name__,
                **{f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict):
        fields = {k: _decode(v) for k, v in value.items() if k != "@"}
        return _RECORDS[value["@"]](**fields) if "@" in value else fields
    return value


def _read_snapshot(path: Path) -> Bank | None:
    try:
        bank = _decode(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or unreadable: parse the YAML instead
    return bank if isinstance(bank, Bank) else None


def _write_snapshot(path: Path, bank: Bank) -> None:
    from quizzer.cache import write_atomically

    try:
        write_atomically(path, lambda handle: handle.write(
            json.dumps(_encode(bank), separators=(",", ":")).encode("utf-8")))
        for old in path.parent.glob("bank-*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written only costs speed next time


def _duplicates(topics: list[Topic]) -> list[Problem]:
    problems = []
    seen: dict[str, Location] = {}
    slugs: dict[str, str] = {}
    for topic in topics:
        if topic.slug in slugs:
            problems.append(Problem(Location(topic.file, 1, 1),
                                    f"topic {topic.slug!r} is also defined in {slugs[topic.slug]}"))
        slugs.setdefault(topic.slug, topic.file)
        for item in (*topic.questions, *topic.cards):
            if not item.id:
                continue
            if item.id in seen:
                problems.append(Problem(item.where, f"duplicate id {item.id!r} (first at "
                                                    f"{seen[item.id]})"))
            else:
                seen[item.id] = item.where
    return problems


def simulation_problems(topics: Iterable[Topic]) -> list[Problem]:
    """Check that each example names a real simulation with valid parameters (no running)."""
    import simulations

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
    """Run every worked example once and check what the texts expect of it.

    Each ``{{placeholder}}`` must name a value the example computes, and a numeric question's
    ``answer_value`` must agree with its answer within the tolerance.
    """
    import simulations

    problems = []
    for topic in bank.topics:
        items = [(topic.example, [topic.summary, *topic.key_points], None, topic.file)]
        items += [(q.example or topic.example, [q.prompt, q.explanation,
                                                 *(c.why for c in q.choices),
                                                 *(c.text for c in q.choices)], q, q.where)
                  for q in topic.questions]
        items += [(c.example or topic.example, [c.front, c.back], None, c.where)
                  for c in topic.cards]
        for ref, texts, question, where in items:
            if isinstance(where, str):
                where = Location(where, 1, 1)
            try:
                example = simulations.run(ref.simulation, seed=ref.seed, **ref.params)
            except simulations.SimulationError as err:
                problems.append(Problem(ref.where or where, str(err)))
                continue
            for text in texts:
                for name in placeholders(text):
                    if name not in example.values:
                        problems.append(Problem(where, f"placeholder {{{{{name}}}}} is not a "
                                                       f"value of {ref.simulation}; it has "
                                                       f"{', '.join(example.values)}"))
            if question is not None and question.answer_value:
                got = example.values.get(question.answer_value)
                if got is None:
                    problems.append(Problem(where, f"answer_value {question.answer_value!r} is "
                                                   f"not a defined value of {ref.simulation}"))
                elif abs(float(got) - question.answer) > question.tolerance + 1e-12:
                    problems.append(Problem(where, f"answer {question.answer:g} differs from "
                                                   f"{ref.simulation} {question.answer_value} = "
                                                   f"{float(got):g} by more than the tolerance"))
    return problems
