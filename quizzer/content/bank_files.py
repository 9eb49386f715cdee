"""Finding and reading bank files: from paths on disk to YAML values that know their place.

A bank file may be careless or hostile: a symlink loop, a folder without permission, a named
pipe or ``/dev/zero``, 5 GB of text, bytes that are not UTF-8, an alias bomb, aliases that
contain themselves, nesting a thousand levels deep, numbers with a million digits, escape
sequences aimed at the terminal. Every one of them ends here as a :class:`Problem` with the
``file:line:column`` where it stands, never as an exception, a hang or gigabytes of memory:

- at most :data:`MAX_FILE_BYTES` + 1 bytes are ever read, and only from a regular file;
- YAML is *composed* (never ``yaml.load``), then built node by node, so tags that would make
  Python objects are refused before anything is built, and each value keeps its location;
- values built a second time through an alias are counted (a legitimate file of 10,000
  questions builds no node twice; a "billion laughs" file builds millions), nesting depth is
  capped and an alias that contains itself is a cycle, reported;
- text may not hold control characters, so nothing a bank says can change the terminal.

YAML 1.1 (what PyYAML speaks) reads ``010`` as 8, ``9:1`` as 541 and ``2024-05-01`` as a
date; each of those is reported with what to write instead.
"""

from __future__ import annotations

import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from quizzer.content.printable import control_characters, printable

if TYPE_CHECKING:
    import yaml

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ALIAS_NODES = 100_000  # nodes built again through aliases, per file
MAX_DEPTH = 64  # nested mappings and lists; a topic file needs 6
MAX_DIGITS = 18  # of a whole number: a seed or a count, never an amount of atoms
SUFFIXES = (".yaml", ".yml")

_SAFE_TAGS = {f"tag:yaml.org,2002:{t}" for t in
              ("str", "int", "float", "bool", "null", "map", "seq")}
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_DATE = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_OCTAL = re.compile(r"^[-+]?0[0-7_]+$")


# ----------------------------------------------------------------------------------- records

@dataclass(frozen=True)
class Location:
    """Where a problem stands; line 0 means the file (or folder) as a whole."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


@dataclass(frozen=True)
class Problem:
    """One fault in a bank, where it stands (shown as ``file:line:column: message``)."""

    where: Location
    message: str

    def __str__(self) -> str:
        return (printable(self.where, one_line=True) + ": "
                + printable(self.message, one_line=True))


def whole_file(shown: str) -> Location:
    return Location(shown, 0, 0)


# ------------------------------------------------------------------------------ finding files

def shown_path(path: Path) -> str:
    """The path as problems quote it: relative to the working folder when inside it."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def find_files(paths: Iterable[str | os.PathLike], problems: list) -> list[Path]:
    """Expand files and folders into bank files, noting what cannot be read.

    A folder gives its top-level ``*.yaml`` and ``*.yml`` files, skipping names that start
    with a dot (``.#x.yaml`` editor locks, ``._x.yaml`` macOS copies), as the shell's
    ``*.yaml`` does. A file named explicitly is read whatever its name.
    """
    out = []
    for raw in paths:
        path = Path(raw)
        shown = shown_path(path)
        try:
            is_dir = stat.S_ISDIR(path.stat().st_mode)  # follows links: a loop raises ELOOP
        except OSError as err:
            problems.append(Problem(whole_file(shown), f"cannot read: {_reason(err)}"))
            continue
        if not is_dir:
            out.append(path)
            continue
        try:
            names = sorted(os.listdir(path))
        except OSError as err:
            problems.append(Problem(whole_file(shown), f"cannot read: {_reason(err)}"))
            continue
        found = [path / name for name in names
                 if name.endswith(SUFFIXES) and not name.startswith(".")]
        found = [p for p in found if not _is_folder(p)]
        if not found:
            problems.append(Problem(whole_file(shown), "holds no bank files (*.yaml or "
                                                       "*.yml; names starting with . are "
                                                       "skipped)"))
        out += found
    return out


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False  # read() reports why it cannot be read


def _reason(err: OSError) -> str:
    return err.strerror or str(err)


# ------------------------------------------------------------------------------ reading a file

def read(path: Path, shown: str, problems: list) -> Any:
    """One file's YAML as located values (:class:`LocatedMap`, :class:`LocatedList`), or None
    after noting why it could not be read."""
    data = _read_bytes(path, shown, problems)
    if data is None:
        return None
    if data.startswith(b"\xef\xbb\xbf"):  # a byte-order mark some editors write
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Problem(_at_byte(shown, data, err.start),
                                f"not UTF-8 text ({err.reason}); save the file as UTF-8"))
        return None
    node = _compose(text, data, shown, problems)
    if node is None:
        return None
    # Scalars hold only the file's characters (line breaks made newlines) unless a
    # double-quoted one spells an escape: with neither a control character nor a backslash
    # in the file, no value can hold one, and the check of each value is skipped.
    # Likewise a file without an "&" defines no anchor, so it has no alias (composing would
    # have refused one): no value can be built twice or contain itself, and the alias counts
    # and cycle guard are skipped.
    plain = "\\" not in text and not control_characters(text.replace("\r", ""))
    try:
        return _Builder(shown, problems, check_controls=not plain,
                        anchors="&" in text).build(node)
    except _Stop:
        return None
    except RecursionError:  # only if Python's stack is far smaller than usual
        problems.append(Problem(whole_file(shown), "nested too deeply"))
        return None


def _read_bytes(path: Path, shown: str, problems: list) -> bytes | None:
    """At most MAX_FILE_BYTES + 1 bytes of a regular file; a pipe, a device or a folder is
    refused before any byte is read (and opening never blocks on a pipe)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        problems.append(Problem(whole_file(shown), f"cannot read: {_reason(err)}"))
        return None
    with os.fdopen(fd, "rb") as handle:
        try:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                problems.append(Problem(whole_file(shown), "is a folder, not a bank file"))
                return None
            if not stat.S_ISREG(info.st_mode):
                problems.append(Problem(whole_file(shown), "is not a regular file (a device, "
                                                           "pipe or socket); a bank file must "
                                                           "be a plain file"))
                return None
            data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as err:
            problems.append(Problem(whole_file(shown), f"cannot read: {_reason(err)}"))
            return None
    if len(data) > MAX_FILE_BYTES:
        size = max(info.st_size, len(data))
        problems.append(Problem(whole_file(shown), f"file is {size / 1e6:.1f} MB; a bank file "
                                                   f"may be at most {MAX_FILE_BYTES // 2**20} MB"))
        return None
    return data


def _at_byte(shown: str, data: bytes, offset: int) -> Location:
    """Line and column (in characters, from 1) of a byte offset into UTF-8 ``data``."""
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return Location(shown, data.count(b"\n", 0, offset) + 1, column)


def _compose(text: str, data: bytes, shown: str, problems: list):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
    except yaml.reader.ReaderError as err:
        # libyaml gives a byte offset; the pure-Python reader a character offset
        where = (_at_byte(shown, data, err.position) if hasattr(yaml, "CSafeLoader")
                 else _at_byte(shown, data, len(text[:err.position].encode("utf-8"))))
        char = err.character if isinstance(err.character, int) else ord(str(err.character)[:1]
                                                                         or "\0")
        problems.append(Problem(where, f"character {_char_name(char)} is not allowed in a bank "
                                       "file (control characters could change the terminal)"))
        return None
    except yaml.MarkedYAMLError as err:
        problems.append(explain_syntax(err, shown))
        return None
    except yaml.YAMLError as err:
        problems.append(Problem(whole_file(shown), f"YAML: {err}"))
        return None
    except RecursionError:
        problems.append(Problem(whole_file(shown), f"nested more than {MAX_DEPTH} levels deep"))
        return None
    finally:
        loader.dispose()
    if node is None or (node.tag == _NULL and isinstance(node, yaml.ScalarNode)):
        problems.append(Problem(Location(shown, 1, 1), "file is empty (it holds no topic)"))
        return None
    return node


def _char_name(code: int) -> str:
    names = {0x1B: "ESC", 0x07: "BEL", 0x08: "BS", 0x00: "NUL", 0x7F: "DEL", 0x0C: "FF",
             0x9B: "CSI", 0x9D: "OSC", 0x85: "NEL"}
    return f"U+{code:04X}" + (f" ({names[code]})" if code in names else "")


# ----------------------------------------------------------------------- YAML syntax, in words

# (what libyaml says, what a bank author should hear); the first that matches is used.
_SYNTAX = [
    ("found unexpected end of stream", "a quote opened here is never closed"),
    ("while scanning a quoted scalar", "a quote opened here is never closed"),
    ("did not find expected key", "this line does not line up with the keys above it; check "
                                   "the indentation of the line above"),
    ("did not find expected '-' indicator", "a list item ('- ...') was expected at this "
                                            "indentation; check the indentation of the line "
                                            "above"),
    ("could not find expected ':'", "a line with no 'key:' inside a mapping; check the "
                                    "indentation of the line above, or add the key"),
    ("mapping values are not allowed", "a ': ' in the middle of a value, or a key indented "
                                       "deeper than the one above; quote the value (\"...\") "
                                       "or check the indentation of the line above"),
    ("did not find expected ',' or ']'", "a list opened with '[' here is not closed with ']'"),
    ("did not find expected ',' or '}'", "a mapping opened with '{' here is not closed "
                                         "with '}'"),
    ("tab character", "a tab is used for indentation; YAML needs spaces"),
    ("found character '\\t'", "a tab is used for indentation; YAML needs spaces"),
    ("cannot start any token", "a value cannot start with this character (@, `, % or a tab); "
                               "quote the value"),
    ("found undefined alias", "this *alias names no &anchor defined above it"),
    ("found duplicate anchor", "this &anchor is defined twice"),
    ("unknown escape character", "an unknown \\ escape in double quotes; use single quotes, "
                                 "or write \\\\ for a backslash"),
    ("exceeded maximum nesting depth", f"nested more than {MAX_DEPTH} levels deep"),
    ("but found another document", "a second document ('---') in the file; a bank file holds "
                                   "one topic"),
    ("expected <document start>", "text after the end of the topic at this indentation; check "
                                  "the indentation of this line"),
    ("did not find expected node content", "a value is missing here"),
    ("did not find expected <document start>", "text after the end of the topic; check the "
                                               "indentation of this line"),
]
# Problems best reported where the construct began (an unclosed quote, bracket or brace).
_AT_START = ("a quote opened here", "a list opened with", "a mapping opened with")


def explain_syntax(err: yaml.MarkedYAMLError, shown: str) -> Problem:
    """A YAML syntax error in a bank author's words, at the place to look."""
    said = " ".join(str(part) for part in (err.context, err.problem) if part)
    words = next((w for pattern, w in _SYNTAX if pattern in said), None)
    mark = err.problem_mark or err.context_mark
    if words and words.startswith(_AT_START) and err.context_mark is not None:
        mark = err.context_mark
    where = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown, 1, 1)
    raw = err.problem or err.context or "invalid YAML"
    return Problem(where, f"YAML syntax: {words} (YAML says: {raw})" if words
                   else f"YAML syntax: {raw}")


# ------------------------------------------------------------------------------ YAML → values

class _Places(dict):
    """key -> where its value stands. Holds YAML marks and makes a :class:`Location` only
    when one is asked for: a file of 10,000 questions has 350,000 values, and only the
    records' own places and the problems' are ever read."""

    __slots__ = ("file",)

    def __getitem__(self, key) -> Location:
        mark = dict.__getitem__(self, key)
        return Location(self.file, mark.line + 1, mark.column + 1)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def values(self):
        return [self[key] for key in self]

    def items(self):
        return [(key, self[key]) for key in self]


class _ListPlaces(list):
    """Position -> where that item stands; like :class:`_Places`, marks made Locations when
    asked for."""

    __slots__ = ("file",)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        mark = list.__getitem__(self, index)
        return Location(self.file, mark.line + 1, mark.column + 1)

    def __iter__(self):
        return (self[i] for i in range(len(self)))


class LocatedMap(dict):
    """A YAML mapping that remembers where it and each of its values stand (``where``,
    ``at[key]``: Locations)."""

    _file: str
    _mark: Any
    at: _Places

    @property
    def where(self) -> Location:
        return Location(self._file, self._mark.line + 1, self._mark.column + 1)


class LocatedList(list):
    """A YAML list that remembers where it and each item stand (``where``, ``at[i]``)."""

    _file: str
    _mark: Any
    at: _ListPlaces

    @property
    def where(self) -> Location:
        return Location(self._file, self._mark.line + 1, self._mark.column + 1)


class _Stop(Exception):
    """The file cannot be built further (an alias bomb); its problem is noted."""


def _mark(file: str, node: yaml.Node) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Builds plain Python values from composed YAML nodes, noting each bad value.

    ``flagged`` holds the locations already reported, so a schema check can stay quiet about
    a value whose problem was said here (one fault, one message).
    """

    def __init__(self, file: str, problems: list, check_controls: bool = True,
                 anchors: bool = True):
        import yaml

        self.check_controls = check_controls
        self.anchors = anchors  # False: the file defines no &anchor, so it has no alias
        self.yaml = yaml
        self.file = file
        self.problems = problems
        self.scalars = yaml.constructor.SafeConstructor()
        self.built: set = set()  # ids of nodes built at least once
        self.active: set = set()  # ids of the mappings and lists being built (cycle guard)
        self.again = 0
        self.alias = None  # the outermost node being built a second time (an alias)
        self.at_alias = None  # where that alias is written

    def note(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(_mark(self.file, node), message))


    def build(self, node: yaml.Node, depth: int = 0, slot: Any = None) -> Any:
        """``slot``: what the node is written in, a key's node or a located list (an alias's
        node only knows its anchor's place); its place is made when an alias needs it."""
        if not self.anchors:  # no node can be reached twice, nor contain itself
            return self.build_node(node, None, depth)
        key = id(node)
        outer = False
        if key in self.built:  # reached again: through an alias
            self.again += 1
            if self.alias is None:
                self.alias, outer = node, True
                self.at_alias = (slot.where if isinstance(slot, LocatedList)
                                 else _mark(self.file, slot or node))
            if self.again > MAX_ALIAS_NODES:
                self.problems.append(Problem(self.at_alias, (
                    f"aliases expand to more than {MAX_ALIAS_NODES} copied values (an alias "
                    "bomb?); write them out")))
                raise _Stop
        self.built.add(key)
        try:
            return self.build_node(node, key, depth)
        finally:
            if outer:
                self.alias = None

    def build_node(self, node: yaml.Node, key: int | None, depth: int) -> Any:
        """``key``: the node's id for the cycle guard, None in a file without anchors."""
        yaml = self.yaml
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if key is not None and key in self.active:
            self.note(node, "this alias contains itself (a cycle); a bank holds plain data")
            return None
        if depth >= MAX_DEPTH:
            self.note(node, f"nested more than {MAX_DEPTH} levels deep")
            raise _Stop
        if node.tag not in _SAFE_TAGS:
            self.refuse_tag(node)
            return None
        if key is None:
            return self.collection(node, depth)
        self.active.add(key)
        try:
            return self.collection(node, depth)
        finally:
            self.active.discard(key)

    def collection(self, node: yaml.Node, depth: int) -> LocatedMap | LocatedList:
        if isinstance(node, self.yaml.MappingNode):
            return self.mapping(node, depth)
        seq = LocatedList()
        seq._file, seq._mark = self.file, node.start_mark
        seq.at = at = _ListPlaces()
        at.file = self.file
        for item in node.value:
            seq.append(self.build(item, depth + 1, seq))
            list.append(at, item.start_mark)
        return seq

    def mapping(self, node: yaml.MappingNode, depth: int) -> LocatedMap:
        out = LocatedMap()
        out._file, out._mark = self.file, node.start_mark
        out.at = at = _Places()
        at.file = self.file
        merged: list = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged += self.merge_sources(value_node, depth)
                continue
            key = self.build(key_node, depth + 1)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                self.note(key_node, "mapping keys must be plain text")
                continue
            if key in out:
                self.note(key_node, f"duplicate key {key!r}")
            out[key] = self.build(value_node, depth + 1, key_node)
            dict.__setitem__(at, key, value_node.start_mark)
        for source in merged:  # YAML merge keys: keys written here win over merged ones
            for key, value in source.items():
                if key not in out:
                    out[key] = value
                    dict.__setitem__(at, key, dict.__getitem__(source.at, key))
        return out

    def merge_sources(self, node: yaml.Node, depth: int) -> list:
        """``<<: *base`` or ``<<: [*a, *b]``: the mappings whose keys are merged in."""
        sources = node.value if isinstance(node, self.yaml.SequenceNode) else [node]
        out = []
        for source in sources:
            if not isinstance(source, self.yaml.MappingNode):
                self.note(source, "a merge key (<<) takes a mapping or a list of mappings, "
                                  "e.g. <<: *defaults")
                continue
            value = self.build(source, depth + 1)
            if isinstance(value, LocatedMap):
                out.append(value)
        return out

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _STR:  # most scalars: skip the generic constructor
            bad = self.check_controls and control_characters(node.value)
            if bad:
                self.note(node, f"text holds the control character {_char_name(ord(bad[0]))}, "
                                "which could change the terminal; remove it")
                return printable(node.value)
            return node.value
        if node.tag == _DATE:
            self.note(node, f"{node.value} is read by YAML as a date; quote it "
                            f"('{node.value}') to keep it as text")
            return node.value
        if node.tag == _INT:
            return self.whole_number(node)
        if node.tag not in _SAFE_TAGS:
            self.refuse_tag(node)
            return node.value
        value = self.scalars.construct_object(node, deep=True)
        if node.tag == _FLOAT:
            if ":" in node.value:
                self.note(node, f"{node.value} is read by YAML 1.1 as a base-60 number "
                                f"({value:g}); quote it ('{node.value}') to keep it as text")
            elif not math.isfinite(value):
                self.note(node, f"{node.value} is not a finite number; a bank holds finite "
                                "numbers")
                return None
        return value

    def whole_number(self, node: yaml.ScalarNode) -> int | None:
        text = node.value
        digits = sum(ch.isdigit() for ch in text)
        if digits > MAX_DIGITS:
            self.note(node, f"a whole number of {digits} digits is too large for a bank "
                            f"(at most {MAX_DIGITS} digits)")
            return None
        value = self.scalars.construct_object(node, deep=True)
        if _OCTAL.match(text):
            decimal = int(text.replace("_", ""), 10)
            self.note(node, f"{text} is read by YAML 1.1 as the octal number {value}; write "
                            f"{decimal}, or quote it ('{text}') to keep it as text")
        elif ":" in text:
            self.note(node, f"{text} is read by YAML 1.1 as a base-60 number ({value}); "
                            f"quote it ('{text}') to keep it as text, or write the number")
        return value

    def refuse_tag(self, node: yaml.Node) -> None:
        self.note(node, f"YAML tag {node.tag!r} is not allowed: a bank holds plain data "
                        "(text, numbers, lists, mappings)")


# ----------------------------------------------------------------- a fast read, without marks

class PlainMap(LocatedMap):
    """A mapping read without marks (:func:`read_plain`): ``where`` and ``at`` know no place.
    The schema check of such values stops at the first problem (the file is then read node by
    node, whose messages say where), so no place is ever read from these."""

    where = None
    at = None  # set below: an empty lookup


class PlainList(LocatedList):
    """A list read without marks; see :class:`PlainMap`."""

    where = None
    at = None


class _Nowhere:
    """``at`` of values read without marks: no key has a place."""

    def __getitem__(self, key):
        return None

    def get(self, key, default=None):
        return default


PlainMap.at = PlainList.at = _Nowhere()


class _NotPlain(Exception):
    """The file is not one the fast read vouches for: read it node by node."""


# Files the fast read leaves to PyYAML. rapidyaml reads YAML 1.2 and PyYAML 1.1; what a file
# may hold for the fast read is where the two are known to read alike, and the rest is read
# node by node. The checks are plain searches (a regular expression with a class first takes
# 5 to 20 ms on a 500 kB file; these take a few ms together).
#
# Bytes: printable ASCII but the backslash (escapes differ between the two YAMLs), newlines,
# and UTF-8 sequences; of those, not the C1 controls (NEL among them, a line break to YAML
# 1.1), the line and paragraph separators, the bidirectional controls the exact read
# reports, the byte-order mark inside a file and the non-characters U+FFFE and U+FFFF.
_PLAIN_BYTES = bytes([10, *range(0x20, 0x5C), *range(0x5D, 0x7F), *range(0x80, 0x100)])
_NOT_PLAIN_UTF8 = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]"
                             rb"|\xef\xbb\xbf|\xef\xbf[\xbe\xbf]")
# YAML syntax only PyYAML is trusted with: merge keys, directives and document markers,
# tags (!) and complex keys ("? ") where a token can start, comments after a [ or { not yet
# closed, and a plain scalar that begins with a colon inside [ ] or { } (conservatively: any
# colon after a space or a flow indicator).
_NOT_PLAIN_WRITTEN = (b"<<", b"\n%", b"\n---", b"\n...", b"[:", b"{:", b",:", b" :")
_TOKEN_BEFORE = b" \n[{,"

# In the JSON rapidyaml writes: a string's opening quote follows [, {, a comma, a colon and a
# space, or a line's indentation; a quote inside a string follows its backslash.
#
# A string that begins with a character PyYAML gives a meaning to, or refuses, at the start
# of a plain scalar (an anchor, an alias, a tag, %, @, `, ?), or with a digit, sign, point,
# ~, < or = (its numbers, dates, null, merge and value keys), or that is a short word
# beginning as its booleans and null do, or empty: rapidyaml may have read as text what
# PyYAML does not. JSON no longer says which strings were quoted, so each one found is asked
# of PyYAML's resolver, quoted ones too.
_MAYBE_NOT_TEXT = re.compile(r'"([-+.0-9<=~&*!%@`?][^"]*|[yYnNtTfFoO][a-zA-Z]{0,4}|)"')
_ODD_START = frozenset("&*!%@`?")
# rapidyaml writes a plain scalar spelled as a JSON number, true, false or null as that
# (tested for signs, points, exponents and leading zeros), so a string spelled so was quoted
# in the file, and is text to PyYAML too.
_JSON_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
                          r"|true|false|null")


def _plain_text(data: bytes) -> bool:
    """Whether the file holds only what the fast read vouches for (see above). Searches of
    the bytes: a character that is not there costs one memchr."""
    if data.translate(None, _PLAIN_BYTES):
        return False
    if not data.isascii() and _NOT_PLAIN_UTF8.search(data):
        return False
    if data.startswith((b"%", b"---", b"...")) or any(s in data for s in _NOT_PLAIN_WRITTEN):
        return False
    for mark in (b"!", b"?"):
        at = data.find(mark)
        while at >= 0:
            if at == 0 or data[at - 1] in _TOKEN_BEFORE:
                if mark == b"!" or data[at + 1:at + 2] in (b"", b" ", b"\n"):
                    return False  # a tag, or a complex key
            at = data.find(mark, at + 1)
    at = data.find(b"#")
    while at >= 0:  # a comment: rapidyaml reads "{b: x # c}" as the text "x # c"
        if (at == 0 or data[at - 1] in b" \n") and (
                max(data.rfind(b"{", 0, at), data.rfind(b"[", 0, at))
                > max(data.rfind(b"}", 0, at), data.rfind(b"]", 0, at))):
            return False
        at = data.find(b"#", at + 1)
    return True


def _plain_json(written: str) -> bool:
    """Whether every string in rapidyaml's JSON is text to PyYAML too (see above)."""
    # Quotes inside strings (after their backslash) are dropped first, so that every quote
    # left opens or closes a string; a string that held one cannot be anything but text.
    if '\\"' in written:
        written = written.replace('\\"', "")
    strings = set(_MAYBE_NOT_TEXT.findall(written))
    return not any(text[:1] in _ODD_START
                   or (_resolved(text) != _STR and not _JSON_SCALAR.fullmatch(text))
                   for text in strings)


def read_plain(path: Path, shown: str) -> PlainMap | None:
    """One topic file's values, fast and without places (:class:`PlainMap`, :class:`PlainList`),
    or None: the file is one to read with :func:`read`, node by node, because it may hold a
    problem (which that read reports, with its place) or YAML this read does not vouch for.

    rapidyaml parses the file and writes it as JSON, which json's C decoder turns into values:
    about ten times faster than PyYAML building nodes, and what is read is checked to be what
    PyYAML reads (:func:`_plain_text`, :func:`_plain_json`), so a clean bank loads the same
    either way.
    """
    data = _read_bytes(path, shown, [])
    if data is None:
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not _plain_text(data):
        return None
    import json

    import ryml

    try:
        with _quiet_stderr():
            written = ryml.emit_json(ryml.parse_in_arena(data))
        if not _plain_json(written):
            return None
        value = json.loads(written, object_pairs_hook=_plain_map, parse_int=_whole,
                           parse_float=_decimal, parse_constant=_refuse)
    except Exception:  # noqa: BLE001 - a parse error or any doubt: PyYAML reads it and says why
        return None
    return value if type(value) is PlainMap else None


def _plain_map(pairs: list, _map=PlainMap, _list=PlainList, _len=len) -> PlainMap:
    """json's object hook: a mapping, refused if a key is written twice (the exact read
    reports that); its lists made :class:`PlainList` for the schema check. (Called for each
    of a large bank's 50,000 mappings: its names are bound as defaults.)"""
    out = _map(pairs)
    if _len(out) != _len(pairs):
        raise _NotPlain
    for key, value in pairs:
        if value.__class__ is list:
            out[key] = _list(value)
    return out


def _whole(text: str) -> int:
    """A JSON whole number (digits and a sign: PyYAML reads it alike), within the digits the
    exact read allows."""
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _NotPlain
    return int(text)


def _decimal(text: str) -> float:
    """A JSON number with a point or exponent, if PyYAML reads it as a float too (``1e3`` is
    text to YAML 1.1)."""
    if _resolved(text) != _FLOAT:
        raise _NotPlain
    return float(text)


def _refuse(text: str):
    raise _NotPlain  # NaN, Infinity: not numbers a bank may hold


_RESOLVER: list = []


def _resolved(text: str) -> str:
    """The tag PyYAML gives ``text`` standing plain in a file."""
    if not _RESOLVER:
        import yaml

        _RESOLVER.append((yaml.resolver.Resolver(), yaml.ScalarNode))
    resolver, scalar = _RESOLVER[0]
    return resolver.resolve(scalar, text, (True, False))


class _quiet_stderr:
    """rapidyaml's C++ prints each parse error on file descriptor 2 before raising it, and
    the fast read only needs to know that it failed (the exact read says why, in words): the
    descriptor points at /dev/null meanwhile. Loading is single-threaded."""

    def __enter__(self):
        self.saved = os.dup(2)
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        os.close(quiet)

    def __exit__(self, *exc):
        os.dup2(self.saved, 2)
        os.close(self.saved)


def close_key(key: Any, allowed: Iterable[str]) -> str | None:
    """The allowed key a mistyped one most likely meant (difflib), if any is close."""
    if not isinstance(key, str):
        return None
    import difflib  # only for a mistyped key: not on every start

    found = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.7)
    return found[0] if found else None
