"""The fast read of bank files (rapidyaml, no places) against the node-by-node read (PyYAML
with marks): a clean bank loads the same either way, a file with a problem is reported
exactly as the node-by-node read reports it, and places are found when asked for."""

import pickle
from pathlib import Path

import pytest
import yaml

import quizzer.content.bank_reading as bank_module
from quizzer.content import bank_files
from quizzer.content.bank import BankError, Location, builtin_files, load
from quizzer.content.bank_snapshot import record_place

FIXTURES = Path(__file__).parent / "fixtures"

HEAD = """\
topic: {slug}
title: {title}
summary: s
"""

QUESTION = """\
  - id: {id}
    kind: single
    prompt: {prompt}
    explanation: e
    choices:
      - {{text: {a}, correct: true, why: w}}
      - {{text: b, why: w}}
"""


def topic_file(folder: Path, name: str, questions: int, **fields) -> Path:
    """A topic file of ``questions`` single-choice questions; ``fields`` fill in the first
    question's prompt and first choice (YAML as written)."""
    slug = name.removesuffix(".yaml")
    body = HEAD.format(slug=slug, title=slug.title()) + "questions:\n"
    for i in range(questions):
        values = {"id": f"{slug}-{i}", "prompt": f"Question {i}?", "a": f"right {i}"}
        if i == 0:
            values.update(fields)
        body += QUESTION.format(**values)
    path = folder / name
    path.write_text(body)
    return path


def node_by_node(monkeypatch):
    """Make every load read node by node, as before the fast read."""
    monkeypatch.setattr(bank_module, "read_plain", lambda path, shown: None)


def outcome(paths, **options):
    """A load's bank, or its problems as the command line prints them."""
    try:
        return load(paths, **options)
    except BankError as err:
        return [str(p) for p in err.problems]


def test_the_fast_read_gives_the_same_bank_and_is_the_one_used(tmp_path, monkeypatch):
    folder = tmp_path / "bank"
    folder.mkdir()
    for n in range(3):
        topic_file(folder, f"user-{n}.yaml", 20)
    paths = [folder, FIXTURES / "kinds"]
    files = [*builtin_files(), *sorted(folder.iterdir()), *sorted((FIXTURES / "kinds").iterdir())]
    assert all(bank_files.read_plain(p, str(p)) is not None for p in files)
    fast = load(paths)
    node_by_node(monkeypatch)
    assert fast == load(paths)
    assert len(fast.questions) > 60


# What rapidyaml (YAML 1.2) and PyYAML (YAML 1.1) read apart, or PyYAML refuses: the fast read
# must hand every one of these to PyYAML, so the bank or the messages are the same.
AS_WRITTEN = [
    "yes", "No", "on", "OFF", "True", "~", "null", "''", '""', "010", "0x1f", "0b11", "1_000",
    "1e3", "1.5e3", "-.5", ".5", "+5", "1.", "1:30", "1:30.5", "2024-05-01", ".inf", ".NaN",
    "=", "<<", "'10'", '"-1"', "'true'", "'yes'", "12345678901234567890",
    "&a x", "*a", "!!str 1", "!!python/object x", "@x", "`x`", "%x", ":x", "? x",
    "'it''s'", '"tab\\there"', '"\\x41"', "x # comment", "'a\n      b'", "a\n      b",
    "|\n        line\n        line", ">-\n        folded\n        text", "[x, y]", "{x: y}",
    "x: y", "'x'y", "x # c}\n      - {text: y", "{{x}} # c",
    "x\u2028y", "x\u202ey", "caf\u00e9", "\u00a0x", "x\ufeffy", "x\u0085y",
]


@pytest.mark.parametrize("written", AS_WRITTEN)
def test_what_the_two_yamls_read_apart_is_read_by_pyyaml(tmp_path, monkeypatch, written):
    folder = tmp_path / "bank"
    folder.mkdir()
    topic_file(folder, "odd.yaml", 2, a=written)
    topic_file(folder, "also.yaml", 2, prompt=written)
    fast = outcome([folder], builtin=False, check_simulations=False)
    node_by_node(monkeypatch)
    assert fast == outcome([folder], builtin=False, check_simulations=False)


@pytest.mark.parametrize("text", [
    "topic: t\ntitle: T\nquestions: []\ntitle: again\n",  # a key written twice
    "topic: t\ntitle: T\r\nquestions: []\n",  # a carriage return
    "topic: t\ntitle:\tT\n",
    "topic: t\n---\ntitle: T\n",
    "- topic: t\n",
    "",
    "topic: t\ntitle: [T\n",
    "topic: t\n\ttitle: T\n",
])
def test_files_the_fast_read_does_not_vouch_for_are_reported_as_before(tmp_path, monkeypatch,
                                                                      text):
    path = tmp_path / "odd.yaml"
    path.write_bytes(text.encode())
    assert bank_files.read_plain(path, "odd.yaml") is None
    fast = outcome([path], builtin=False, check_simulations=False)
    node_by_node(monkeypatch)
    assert fast == outcome([path], builtin=False, check_simulations=False)


def test_every_first_character_pyyaml_resolves_is_looked_at():
    """The JSON check asks PyYAML about strings that begin as its resolvers' patterns do: if
    PyYAML learns a new implicit type, this says the check must learn it too."""
    letters = set("yYnNtTfFoO")
    for first in yaml.resolver.Resolver.yaml_implicit_resolvers:
        if first is None or first == "":
            continue
        assert first in "-+.0123456789<=~&*!" or first in letters, first


def test_an_error_in_the_seventh_of_ten_files_is_reported_where_it_stands(tmp_path,
                                                                         monkeypatch):
    folder = tmp_path / "bank"
    folder.mkdir()
    for n in range(10):
        path = topic_file(folder, f"user-{n}.yaml", 30)
    seventh = folder / "user-6.yaml"
    lines = seventh.read_text().splitlines(keepends=True)
    # Question i starts on line 5 + 7i; its kind is the next line, its prompt the one after.
    lines[5 + 7 * 12 - 1 + 1] = "    kind: singular\n"
    lines[5 + 7 * 20 - 1 + 2] = "    prompt: 010\n"
    seventh.write_text("".join(lines))
    monkeypatch.chdir(tmp_path)
    fast = outcome([Path("bank")], builtin=False)
    assert fast[0].startswith("bank/user-6.yaml:90:11: question kind must be one of")
    assert fast[1].startswith("bank/user-6.yaml:147:13: 010 is read by YAML 1.1 as the octal")
    assert len(fast) == 2
    node_by_node(monkeypatch)
    assert fast == outcome([Path("bank")], builtin=False)


def test_places_of_records_read_fast_are_found_when_asked_for(tmp_path, monkeypatch):
    folder = tmp_path / "bank"
    folder.mkdir()
    topic_file(folder, "one.yaml", 5)
    other = topic_file(folder, "two.yaml", 5)
    other.write_text(other.read_text().replace("two-3", "one-2"))
    monkeypatch.chdir(tmp_path)
    fast = outcome([Path("bank")], builtin=False)
    assert fast == ["bank/two.yaml:26:5: duplicate id 'one-2' (first at bank/one.yaml:19:5)"]
    node_by_node(monkeypatch)
    assert fast == outcome([Path("bank")], builtin=False)


def test_a_pending_place_pickles_as_the_place_it_is(tmp_path):
    folder = tmp_path / "bank"
    folder.mkdir()
    topic_file(folder, "one.yaml", 3)
    question = load([folder], builtin=False).topic("one").questions[2]
    assert type(question.where) is not Location  # pending until asked for
    copy = pickle.loads(pickle.dumps(question))
    assert type(copy.where) is Location and copy.where == Location(str(folder / "one.yaml"),
                                                                   19, 5)
    assert (question.where.line, question.where.column) == (19, 5)


def test_rapidyamls_own_parse_errors_never_reach_the_terminal(tmp_path, capfd):
    path = tmp_path / "bad.yaml"
    path.write_text("topic: t\ntitle: a: b\n")
    assert bank_files.read_plain(path, "bad.yaml") is None
    with pytest.raises(BankError, match="bad.yaml:2:9: YAML syntax"):
        load([path], builtin=False)
    assert capfd.readouterr().err == ""


def test_entries_written_later_hold_the_places_of_the_node_by_node_read(tmp_path):
    folder = tmp_path / "bank"
    folder.mkdir()
    topic_file(folder, "one.yaml", 4)
    cache = tmp_path / "cache"
    fast = load([folder], builtin=False, cache_dir=cache, keep_later=True)
    assert not list(cache.glob("bank-*.json"))  # not before the command ends
    bank_module.write_pending_snapshot()
    assert list(cache.glob("bank-*.json"))
    kept = load([folder], builtin=False, cache_dir=cache)
    assert kept == fast
    questions = kept.topic("one").questions
    assert type(questions).__name__ == "KeptRecords"  # read from the entry
    assert [record_place(questions, i) for i in range(4)] == [
        Location(str(folder / "one.yaml"), 5 + 7 * i, 5) for i in range(4)]


def test_a_file_changed_while_it_is_read_leaves_no_entry(tmp_path, monkeypatch):
    """An entry is keyed by the file's size and time: one written from what was read before
    the file changed would be taken for the new file."""
    folder = tmp_path / "bank"
    folder.mkdir()
    path = topic_file(folder, "one.yaml", 4)
    cache = tmp_path / "cache"
    real = bank_module._read_topic

    def read_then_edit(*args, **kwargs):
        found = real(*args, **kwargs)
        path.write_text(path.read_text().replace("Question 1?", "Question one, edited?"))
        return found

    monkeypatch.setattr(bank_module, "_read_topic", read_then_edit)
    bank_module._keep(path, str(path), cache)
    assert not list(cache.glob("bank-*.json"))
    monkeypatch.setattr(bank_module, "_read_topic", real)
    again = load([folder], builtin=False, cache_dir=cache)
    assert again.topic("one").questions[1].prompt == "Question one, edited?"


def test_files_read_by_a_second_process_load_as_in_one(tmp_path, monkeypatch):
    """Parallel and serial loads give equal banks and the same messages, for errors in the
    files the second process reads too (it sends back only clean files' topics)."""
    folder = tmp_path / "bank"
    folder.mkdir()
    for n in range(6):
        topic_file(folder, f"user-{n}.yaml", 12)
    forked = []
    real = bank_module._Elsewhere.__init__

    def noting(self, *args):
        real(self, *args)
        forked.append(self.pid is not None and [p.name for p, _ in self.files])

    monkeypatch.setattr(bank_module._Elsewhere, "__init__", noting)
    monkeypatch.setattr(bank_module, "_a_core_is_free", lambda: True)
    monkeypatch.setattr(bank_module, "ELSEWHERE_BYTES", 0)
    parallel = load([folder], builtin=False)
    assert forked[-1] == ["user-3.yaml", "user-4.yaml", "user-5.yaml"]
    monkeypatch.setattr(bank_module, "ELSEWHERE_BYTES", 10**12)
    assert load([folder], builtin=False) == parallel
    assert forked[-1] is False

    late = folder / "user-5.yaml"
    late.write_text(late.read_text().replace("kind: single", "kind: singular", 1))
    monkeypatch.setattr(bank_module, "ELSEWHERE_BYTES", 0)
    with pytest.raises(BankError) as in_two:
        load([folder], builtin=False)
    monkeypatch.setattr(bank_module, "ELSEWHERE_BYTES", 10**12)
    with pytest.raises(BankError) as in_one:
        load([folder], builtin=False)
    assert [str(p) for p in in_two.value.problems] == [str(p) for p in in_one.value.problems]
    assert str(in_one.value.problems[0]).startswith(f"{late}:6:11: question kind must be")


def test_a_command_that_leaves_at_once_still_writes_new_files_entries(tmp_path):
    """A command leaves with os._exit while a worked example is still being computed (no
    waiting for that thread), which skips the command's close: the entries of files read
    fast are written first, or the next start would be cold again."""
    import subprocess
    import sys

    folder = tmp_path / "bank"
    folder.mkdir()
    topic_file(folder, "one.yaml", 3)
    cache = tmp_path / "cache"
    probe = (
        "import sys\n"
        "from quizzer import cli\n"
        "from quizzer.content.bank import load\n"
        f"load([{str(folder)!r}], builtin=False, cache_dir={str(cache)!r}, keep_later=True)\n"
        "class Busy:\n"
        "    busy = True\n"
        "cli._leave(3, Busy())\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).parent.parent,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (3, "")
    assert len(list(cache.glob("bank-*.json"))) == 1


def test_generated_yaml_reads_alike_or_is_left_to_pyyaml(tmp_path):
    """Small documents built at random (a fixed seed) from scalars the two YAMLs may read
    apart, in block and flow style: whatever the fast read returns is what PyYAML reads."""
    import random

    rng = random.Random(20)
    scalars = ["x", "a b", "'q'", '"d"', "1", "-2", "0.5", "1e3", "010", "yes", "No", "~",
               "null", "true", "2024-05-01", "1:30", ".inf", "'010'", '"yes"', "x: y",
               "x #c", "x#c", "-x", "?x", ":x", "a,b", "[x]", "{x}", "é", "'it''s'", "",
               "|\n{i}  l1\n{i}  l2", ">-\n{i}  f1\n{i}  f2", "'a\n{i}  b'", "a\n{i}  b"]

    def value(depth: int, indent: str) -> str:
        kind = rng.random()
        if depth > 2 or kind < 0.5:
            return rng.choice(scalars).replace("{i}", indent)
        if kind < 0.7:
            items = [rng.choice(scalars[:30]) for _ in range(rng.randint(0, 3))]
            return "[" + ", ".join(items) + "]" if rng.random() < 0.5 \
                else "{" + ", ".join(f"k{n}: {v}" for n, v in enumerate(items)) + "}"
        if kind < 0.85:
            return "".join(f"\n{indent}  - {value(depth + 1, indent + '    ')}"
                           for _ in range(rng.randint(1, 3)))
        return "".join(f"\n{indent}  k{n}: {value(depth + 1, indent + '  ')}"
                       for n in range(rng.randint(1, 3)))

    checked = fast = 0
    for n in range(400):
        text = "".join(f"key{k}: {value(0, '')}\n" for k in range(rng.randint(1, 4)))
        path = tmp_path / f"doc{n}.yaml"
        path.write_text(text)
        plain = bank_files.read_plain(path, "doc.yaml")
        problems: list = []
        exact = bank_files.read(path, "doc.yaml", problems)
        checked += 1
        if plain is not None:
            fast += 1
            assert not problems and plain == exact, text
    assert fast > checked // 4  # the comparison is not vacuous
