"""The bank snapshot: each bank file's checked records kept in the cache, read back lazily.

Parsing YAML node by node (to keep every value's line and column) is most of the time a large
bank takes to load, so a file that loaded cleanly is kept as a snapshot entry of its own, named
by the file's path, size and modification time, the simulation code and the snapshot format.
Editing one file of a large bank re-reads that file only.

An entry holds an *index* (the topic's own fields, and each question's and card's id and place)
and the records' *bodies*, one JSON object each, decoded only when a record is first used: the
first practice question of a 10,000-question bank needs every id but only one question.

An entry is data someone else could have written, so nothing in it is trusted blindly:

- the whole entry carries a CRC-32 of its content (:func:`quizzer.system.cache.read_verified`)
  and, on its first line, the key it was made for (the file name is only a CRC of the key);
- it is written ASCII-only, so any control character is an escape; one scan of the bytes for
  the escapes of terminal controls refuses the entry before anything is decoded;
- the index must hold exactly our records' fields and spans that lie inside the bodies, or the
  YAML is read instead;
- a body that does not decode to the record its index names (only a deliberately forged entry
  with a recomputed checksum gets that far) makes the entry be deleted and the file be read
  again from YAML.

Shape of an entry (after the checksum line), the key and three parts::

    '<format>\x00<version>\x00<code key>\x00<shown name>\x00<path>|<size>|<mtime>'\n
    {"questions": [ids, lines, columns, offsets], "cards": [...]}\n     (the index)
    {"topic": {"@": "Topic", ..., "questions": [], "cards": []},
     "names": [[what, name, line, column], ...]}\n
    {"@": "Question", ...}{"@": "Question", ...}...      (bodies)

``offsets`` are byte offsets into the bodies, one more than there are records: record ``i``
is ``bodies[offsets[i]:offsets[i + 1]]``. The index is plain lists, checked as a whole, so a
bank of 10,000 questions is ready without a step per question.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import operator
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable

from quizzer.content import kinds
from quizzer.content.bank import Bank, Card, Location, Question, SimulationCall, Topic

# Bump when a record or the entry changes shape: old entries are then ignored (5: a kind's
# answer records tagged with the kind, so reading one imports that kind only; 4: an entry per
# file, records decoded when first used; 3 was one whole-bank file).
FORMAT = "5"

# The bank's own records, by tag. A kind's answer records are tagged ``kind:Name`` instead
# (quizzer.content.kinds.record finds them), so decoding a question imports only its kind.
_CORE = {cls.__name__: cls for cls in (Location, SimulationCall, Question, Card, Topic, Bank)}


@functools.cache
def _shape(record: type) -> tuple[tuple, frozenset, tuple]:
    """A record's field names in order, as a set, and those that hold tuples (JSON gives
    lists back: only these are converted)."""
    fields = dataclasses.fields(record)
    names = tuple(f.name for f in fields)
    return names, frozenset(names), tuple(f.name for f in fields if str(f.type) == "tuple")


# A control character inside a JSON string (an entry is written ASCII-only, so every one is an
# escape): C0 but tab and newline, DEL, C1, and the bidirectional controls. An entry holding
# one is not trusted (the YAML is read instead, and reports it): a cache file is data too, and
# cannot be allowed to drive the terminal. One scan of the bytes, in C, instead of a check of
# every string after decoding.
_UNSAFE_JSON = re.compile(rb"\\u00[01][0-9a-fA-F]|\\u007[fF]|\\u00[89][0-9a-fA-F]"
                          rb"|\\u202[a-eA-E]|\\u206[6-9]|\\[bfr]")


@dataclasses.dataclass(frozen=True)
class Kept:
    """A file's topic as its snapshot entry gives it, and the names the topic answers to
    (what, name, Location): the checks across files need them."""

    topic: Topic
    names: list


# ------------------------------------------------------------------------------ the records

class KeptRecords(Sequence):
    """A topic's questions or cards, each decoded from its JSON body when first used.

    Behaves as the tuple of records it stands for (indexing, iteration, ``len``, equality with
    a tuple); ``ids`` and :meth:`place` come from the index without decoding anything.
    Pickled, it becomes that tuple.
    """

    def __init__(self, index: list, bodies: bytes, shown: str, kind: type, slug: str,
                 on_damage: Callable[[], Sequence]):
        self.ids, self._lines, self._columns, self._offsets = index
        self._bodies = bodies
        self._shown = shown
        self._kind = kind
        self._slug = slug
        self._on_damage = on_damage  # the records read again from the YAML
        self._records: list = [None] * len(self.ids)

    def place(self, position: int) -> Location:
        """Where the record at ``position`` stands in its bank file."""
        return Location(self._shown, self._lines[position], self._columns[position])

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        record = self._records[index]
        if record is None:
            record = self._records[index] = self._decode(index)
        return record

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def _decode(self, index: int) -> Any:
        index = range(len(self))[index]  # a negative index counts from the end
        body = bytes(self._bodies[self._offsets[index]:self._offsets[index + 1]])
        try:
            record = json.loads(body, object_hook=_record)
        except Exception:  # noqa: BLE001 - any doubt: the YAML decides
            record = None
        if (type(record) is not self._kind or record.id != self.ids[index]
                or record.topic != self._slug):
            self._records = list(self._on_damage())
            record = self._records[index]
        return record

    def __eq__(self, other) -> bool:
        if isinstance(other, (tuple, KeptRecords)):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self):
        return tuple, (tuple(self),)


def record_ids(records: Sequence) -> Sequence[str]:
    """The ids of a topic's questions or cards, decoding none that a snapshot keeps."""
    return records.ids if isinstance(records, KeptRecords) else tuple(r.id for r in records)


def record_place(records: Sequence, position: int) -> Location | None:
    """Where the question or card at ``position`` stands, without decoding a kept one."""
    return records.place(position) if isinstance(records, KeptRecords) \
        else records[position].where


# ------------------------------------------------------------------------------ entries

def entry_path(path: Path, shown: str, cache_dir: Path) -> Path | None:
    """Where ``path``'s entry is kept: ``bank-<source>-<key name>.json``; None when the
    file cannot be stat'ed (reading it reports why)."""
    found = _entry(path, shown, cache_dir)
    return found[0] if found else None


def _entry(path: Path, shown: str, cache_dir: Path) -> tuple[Path, bytes] | None:
    """``path``'s entry and the key line it must start with; None as for entry_path."""
    from quizzer import __version__
    from quizzer.system.cache import code_key, key_name, snapshot_path, stat_key

    # The shown name is part of the key (records' places quote it), and so is the simulation
    # code, since an entry vouches for each example's simulation and parameters.
    key = stat_key([path], FORMAT, __version__, code_key() or "", shown)
    if key is None:
        return None
    return snapshot_path(cache_dir, _source(path), key_name(key)), key.encode("ascii")


def _source(path: Path) -> str:
    from quizzer.system.cache import key_name, real_path

    return key_name(real_path(path))


def read(path: Path, shown: str, cache_dir: Path,
         again: Callable[[], Topic]) -> Kept | None:
    """``path``'s topic from its entry, or None if there is none to trust. ``again`` reads the
    file from YAML: used if a record's body turns out not to be what its index says."""
    from quizzer.system.cache import read_verified, used

    found = _entry(path, shown, cache_dir)
    if found is None:
        return None
    where, key = found
    blob = read_verified(where)  # None: missing, cut short or edited
    if blob is None or not blob.startswith(key + b"\n") or _UNSAFE_JSON.search(blob):
        return None  # (another key with the same name: made for another file or version)
    blob = blob[len(key) + 1:]
    try:
        index_end = blob.index(b"\n")
        head_end = blob.index(b"\n", index_end + 1)
        index = json.loads(blob[:index_end])
        head = json.loads(blob[index_end + 1:head_end], object_hook=_record)
        bodies = memoryview(blob)[head_end + 1:]
        topic, names = head["topic"], head["names"]
        if (type(topic) is not Topic or set(head) != {"topic", "names"}
                or set(index) != {"questions", "cards"} or topic.questions or topic.cards):
            return None
        names = [(what, name, Location(shown, line, column) if line else None)
                 for what, name, line, column in names]
        if not all(isinstance(what, str) and isinstance(name, str) for what, name, _ in names):
            return None
        fresh: list = []  # the topic read from YAML once, if a body is ever doubted

        def reread(field: str) -> Sequence:
            if not fresh:
                where.unlink(missing_ok=True)  # never trusted again
                fresh.append(again())
            return getattr(fresh[0], field)

        for field, kind in (("questions", Question), ("cards", Card)):
            if not _index_fits(index[field], len(bodies)):
                return None
            topic.__dict__[field] = KeptRecords(index[field], bodies, shown, kind, topic.slug,
                                                lambda field=field: reread(field))
    except Exception:  # noqa: BLE001 - any doubt (nesting, types): parse the YAML instead
        return None
    used(where)  # a hit: evicted last (quizzer.system.cache.BANK)
    return Kept(topic, names)


def _index_fits(index: Any, size: int) -> bool:
    """``[ids, lines, columns, offsets]``: as many ids (text), lines and columns (whole
    numbers) as records, and offsets rising inside the bodies. Whole lists at a time."""
    if type(index) is not list or len(index) != 4:
        return False
    ids, lines, columns, offsets = index
    if not (len(ids) == len(lines) == len(columns) == len(offsets) - 1):
        return False
    if not ids:
        return True
    return (set(map(type, ids)) == {str}
            and set(map(type, lines)) | set(map(type, columns)) | set(map(type, offsets))
            == {int}
            and 0 <= offsets[0] and offsets[-1] <= size
            and all(map(operator.lt, offsets, offsets[1:])))


def write(path: Path, shown: str, cache_dir: Path, topic: Topic, names: list) -> None:
    """Keep ``topic`` (read from ``path`` and checked clean) as ``path``'s entry, replacing
    the entries of the file's earlier contents. A cache that cannot be written only costs
    speed next time."""
    from quizzer.system.cache import snapshot_written, write_verified

    found = _entry(path, shown, cache_dir)
    if found is None:
        return
    where, key = found
    bodies: list[bytes] = []
    offsets = [0]

    def index(records: Sequence) -> list:
        ids, lines, columns, ends = [], [], [], [offsets[-1]]
        for record in records:
            body = _dumps(record)
            ids.append(record.id)
            lines.append(record.where.line if record.where else 0)
            columns.append(record.where.column if record.where else 0)
            bodies.append(body)
            offsets.append(offsets[-1] + len(body))
            ends.append(offsets[-1])
        return [ids, lines, columns, ends]

    head = _fields(topic)
    head["questions"], head["cards"] = [], []
    parts = [key, _dumps({"questions": index(topic.questions), "cards": index(topic.cards)}),
             _dumps({"topic": head,
                     "names": [[what, name, at.line if at else 0, at.column if at else 0]
                               for what, name, at in names]})]
    try:
        # ASCII only: every character beyond it is an escape the reader can scan for.
        write_verified(where, b"\n".join(parts) + b"\n" + b"".join(bodies))
        # The file's older entries and the bound: quizzer.system.cache owns the folder.
        snapshot_written(where, _source(path))
    except OSError:
        pass


def _dumps(value: Any) -> bytes:
    """``value`` as compact ASCII JSON, records as objects tagged with their class (``@``);
    everything else is encoded by json's C encoder, which asks :func:`_fields` only for
    records."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True,
                      default=_fields).encode("ascii")


def _fields(record: Any) -> dict | list:
    if isinstance(record, KeptRecords):
        return list(record)
    tag = type(record).__name__
    if _CORE.get(tag) is not type(record):
        raise TypeError(f"{tag} is not a bank record")
    fields = {"@": tag, **{name: getattr(record, name) for name in _shape(type(record))[0]}}
    if tag == "Question":
        fields["answer"] = _answer_fields(fields["answer"], record.kind)
    return fields


def _answer_fields(value: Any, kind: str) -> Any:
    """A question's answer record, and the records inside it, as mappings tagged
    ``kind:Name``; anything else (text, numbers, a Location) as it is, for json."""
    if isinstance(value, (tuple, list)):
        return [_answer_fields(item, kind) for item in value]
    if not dataclasses.is_dataclass(value) or type(value).__name__ in _CORE:
        return value
    name = type(value).__name__
    if kinds.record(kind, name) is not type(value):
        raise TypeError(f"{name} is not an answer record of {kind!r} questions")
    return {"@": f"{kind}:{name}", **{field: _answer_fields(getattr(value, field), kind)
                                      for field in _shape(type(value))[0]}}


def _tuple(values: list) -> tuple:
    return tuple(_tuple(v) if type(v) is list else v for v in values)


def _record(fields: dict) -> Any:
    """json's object_hook: a record from its fields (lists as tuples), or a plain mapping.
    Called for every JSON object, innermost first, by the C decoder.

    A record is rebuilt the way pickle rebuilds one (a new object, its fields set in its
    __dict__): the entry holds every field of a record that was built and checked when the
    YAML was read, and a frozen dataclass's __init__ would set each field again through
    object.__setattr__."""
    tag = fields.pop("@", None)
    if tag is None:  # a mapping (parameters, exam domains)
        for key, value in fields.items():
            if type(value) is list:
                fields[key] = _tuple(value)
        return fields
    kind, colon, name = tag.partition(":")
    record = kinds.record(kind, name) if colon else _CORE[tag]
    if record is None:
        raise ValueError(f"no answer record {tag}")  # not ours: read the YAML instead
    _, names, tuples = _shape(record)
    if fields.keys() != names:
        raise ValueError(f"a {tag} with other fields")
    for key in tuples:
        value = fields[key]
        if type(value) is list:
            fields[key] = _tuple(value)
    if record is Question and type(fields["answer"]) not in getattr(
            kinds.get(fields["kind"]), "records", ()):
        raise ValueError(f"a {fields['kind']!r} question with another kind's answer")
    obj = object.__new__(record)
    obj.__dict__.update(fields)
    return obj
