"""Every kind of careless or hostile bank file (issue 14, faults 1-16), each reported as a
problem at its file:line:column, and no command ever answering one with a traceback, a hang,
or a control character on the terminal."""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizzer.cli import cli

HEAD = """\
topic: demo
title: Demo
example: {simulation: conftest.fixed}
questions:
"""
TF = """\
  - id: demo-tf
    kind: true-false
    answer: true
    prompt: p
    explanation: e
"""


@pytest.fixture(autouse=True)
def only_fixture_bank(mini_bank):
    return mini_bank


def validate(folder: Path, *args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["validate", *args, str(folder)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout.splitlines()


def bank(tmp_path: Path, files: dict) -> Path:
    """Write ``files`` (text or bytes) into a folder and chdir there: problems name them
    relative to it."""
    folder = tmp_path / "bank"
    folder.mkdir()
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content))
    os.chdir(folder)
    return folder


@pytest.fixture(autouse=True)
def keep_cwd():
    here = os.getcwd()
    yield
    os.chdir(here)


# ------------------------------------------------------------------- the bad files, by kind

NESTED = "deep: " + "[" * 70 + "]" * 70 + "\n"
HUGE = "1" * 400
HUGER = "9" * 5000

BAD_FILES = {
    # 1. cycles and nesting
    "cycle": ("a.yaml", HEAD + "  - &q [*q]\n",
              ["a.yaml:5:5: this alias contains itself (a cycle); a bank holds plain data"]),
    "nesting": ("a.yaml", NESTED,
                ["a.yaml:1:70: nested more than 64 levels deep"]),
    "nesting-999": ("a.yaml", "deep: " + "[" * 999 + "]" * 999 + "\n",  # under libyaml's limit
                    ["a.yaml:1:70: nested more than 64 levels deep"]),
    "nesting-2000": ("a.yaml", "deep: " + "[" * 2000 + "]" * 2000 + "\n",  # over it
                     ["a.yaml:1:1006: YAML syntax: nested more than 64 levels deep (YAML says: "
                      "exceeded maximum nesting depth)"]),
    "block-nesting-999": ("a.yaml", "".join(" " * i + f"k{i}:\n" for i in range(999))
                          + " " * 999 + "x\n",
                          ["a.yaml:65:65: nested more than 64 levels deep"]),
    # 2. huge whole numbers, with another problem still listed
    "huge-int": ("a.yaml", HEAD + TF.replace("answer: true", f"answer: {HUGE}")
                 + f"  - {{id: demo-n, kind: numeric, answer: {HUGER}, prompt: p, "
                   "explanation: e, colour: red}\n",
                 ["a.yaml:7:13: a whole number of 400 digits is too large for a bank (at most "
                  "18 digits)",
                  "a.yaml:10:41: a whole number of 5000 digits is too large for a bank (at most "
                  "18 digits)",
                  "a.yaml:10:5078: unknown key 'colour' in numeric question; allowed: answer, "
                  "answer_value, difficulty, example, explanation, id, kind, prompt, style, "
                  "tags, tolerance, unit"]),
    # 5. encodings and control characters, at line:column
    "not-utf8": ("a.yaml", (HEAD + TF).encode().replace(b"prompt: p", b"prompt: caf\xe9"),
                 ["a.yaml:8:16: not UTF-8 text (invalid continuation byte); save the file as "
                  "UTF-8"]),
    "raw-escape": ("a.yaml", (HEAD + TF).replace("prompt: p", "prompt: \x1b[2J"),
                   ["a.yaml:8:13: character U+001B (ESC) is not allowed in a bank file "
                    "(control characters could change the terminal)"]),
    # 6. nothing but a document marker or a null
    "only-dashes": ("a.yaml", "---\n", ["a.yaml:1:1: file is empty (it holds no topic)"]),
    "only-tilde": ("a.yaml", "~\n", ["a.yaml:1:1: file is empty (it holds no topic)"]),
    "only-null": ("a.yaml", "null\n", ["a.yaml:1:1: file is empty (it holds no topic)"]),
    # 8. format specs checked at load, widths capped
    "bad-spec": ("a.yaml", HEAD + TF.replace("explanation: e",
                                             "explanation: \"{{precision:.3q}}\""),
                 ["a.yaml:9:18: placeholder {{precision:.3q}} is not a number format Python "
                  "knows (e.g. .3f, .1%, ,d, >8.2f; widths and precisions of at most 2 digits)"]),
    "huge-width": ("a.yaml", HEAD + TF.replace("explanation: e",
                                               "explanation: \"{{precision:>300000000}}\""),
                   ["a.yaml:9:18: placeholder {{precision:>300000000}} is not a number format "
                    "Python knows (e.g. .3f, .1%, ,d, >8.2f; widths and precisions of at most 2 "
                    "digits)"]),
    # 9. more choices than letters
    "eleven-choices": ("a.yaml", HEAD + "  - id: demo-s\n    kind: single\n    prompt: p\n"
                       "    explanation: e\n    choices:\n"
                       + "      - {text: c0, why: w, correct: true}\n"
                       + "".join(f"      - {{text: c{i}, why: w}}\n" for i in range(1, 11)),
                       ["a.yaml:10:7: 11 choices are too many: at most 10 (a to j)"]),
    # 10. one loading path: an unknown simulation or bad parameters stop every command
    "bad-params": ("a.yaml", HEAD.replace("{simulation: conftest.fixed}",
                                          "{simulation: conftest.fixed, params: {tp: x}}") + TF,
                   ["a.yaml:3:23: conftest.fixed: parameter tp: 'x' is not a whole number"]),
    # 11. escape sequences written as YAML escapes
    "osc-title": ("a.yaml", HEAD + TF.replace("prompt: p", 'prompt: "\\e]0;owned\\a hi"'),
                  ["a.yaml:8:13: text holds the control character U+001B (ESC), which could "
                   "change the terminal; remove it"]),
    "c1-csi": ("a.yaml", HEAD + TF.replace("prompt: p", 'prompt: "\\x9b2J"'),
               ["a.yaml:8:13: text holds the control character U+009B (CSI), which could "
                "change the terminal; remove it"]),
    # 12. YAML 1.1 number traps and non-finite numbers
    "octal": ("a.yaml", HEAD + TF.replace("kind: true-false\n    answer: true",
                                          "kind: numeric\n    answer: 010"),
              ["a.yaml:7:13: 010 is read by YAML 1.1 as the octal number 8; write 10, or quote "
               "it ('010') to keep it as text"]),
    "base-60": ("a.yaml", HEAD + TF.replace("kind: true-false\n    answer: true",
                                            "kind: numeric\n    answer: 9:1"),
                ["a.yaml:7:13: 9:1 is read by YAML 1.1 as a base-60 number (541); quote it "
                 "('9:1') to keep it as text, or write the number"]),
    "octal-param": ("a.yaml", HEAD.replace("{simulation: conftest.fixed}",
                                           "{simulation: conftest.fixed, params: {tp: 050}}") + TF,
                    ["a.yaml:3:52: 050 is read by YAML 1.1 as the octal number 40; write 50, or "
                     "quote it ('050') to keep it as text"]),
    "infinity": ("a.yaml", HEAD + TF.replace("kind: true-false\n    answer: true",
                                             "kind: numeric\n    answer: .nan\n"
                                             "    tolerance: .inf"),
                 ["a.yaml:7:13: .nan is not a finite number; a bank holds finite numbers",
                  "a.yaml:8:16: .inf is not a finite number; a bank holds finite numbers"]),
    # 15. a work budget, checked without running
    "over-budget": ("a.yaml", HEAD.replace(
        "{simulation: conftest.fixed}",
        "{simulation: regularization.dropout, params: {epochs: 600, batch_size: 1, "
        "n_train: 400}}") + TF,
        ["a.yaml:3:23: regularization.dropout: epochs x ceil(n_train / batch_size) = 240000 "
         "weight updates is over the 20000 a worked example may take; raise batch_size or lower "
         "epochs or n_train"]),
    # 16. a date: one message, no follow-on
    "date": ("a.yaml", HEAD.replace("title: Demo", "title: 2024-05-01") + TF,
             ["a.yaml:2:8: 2024-05-01 is read by YAML as a date; quote it ('2024-05-01') to "
              "keep it as text"]),
    "bad-merge": ("a.yaml", HEAD + TF.replace("    prompt: p", "    <<: 3\n    prompt: p"),
                  ["a.yaml:8:9: a merge key (<<) takes a mapping or a list of mappings, e.g. "
                   "<<: *defaults"]),
    # YAML syntax in a bank author's words
    "unclosed-quote": ("a.yaml", HEAD + TF.replace("prompt: p", 'prompt: "p') + "cards: []\n",
                       ["a.yaml:8:13: YAML syntax: a quote opened here is never closed (YAML "
                        "says: found unexpected end of stream)"]),
    "indentation": ("a.yaml", HEAD + TF.replace("    prompt: p", "     prompt: p"),
                    ["a.yaml:8:12: YAML syntax: a ': ' in the middle of a value, or a key "
                     "indented deeper than the one above; quote the value (\"...\") or check the "
                     "indentation of the line above (YAML says: mapping values are not allowed "
                     "in this context)"]),
    # an unquoted comma in a flow mapping: the words after it become a key with no value
    "flow-comma": ("a.yaml", HEAD + """\
  - id: demo-s
    kind: single
    prompt: Capital of France?
    explanation: e
    choices:
      - {text: Paris, correct: true, why: It is.}
      - {text: Lyon, why: Lyon is the third-largest city, not the capital.}
""", ["a.yaml:11:75: unknown key 'not the capital.' in choice; a comma inside { } ends a "
      'value, so the words after it were read as a key: put text that holds a comma in '
      'quotes (why: "..., ...")']),
    "typo": ("a.yaml", HEAD + TF.replace("prompt: p", "promt: p"),
             ["a.yaml:5:5: true-false question is missing 'prompt'",
              "a.yaml:8:12: unknown key 'promt' in true-false question; did you mean 'prompt'?"]),
    # a user topic that answers to a built-in topic's name
    "collision": ("a.yaml", HEAD.replace("title: Demo", "title: Mini Topic\naliases: [tiny]")
                  + TF,
                  [f"a.yaml:2:8: title 'Mini Topic' is also the title of topic 'mini' "
                   f"({Path(__file__).parent / 'fixtures' / 'bank' / 'mini.yaml'}:3:8); "
                   "choose another",
                   f"a.yaml:3:11: alias 'tiny' is also the alias of topic 'mini' "
                   f"({Path(__file__).parent / 'fixtures' / 'bank' / 'mini.yaml'}:4:11); "
                   "choose another"]),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_each_fault_is_reported_where_it_stands(kind, tmp_path):
    name, content, expected = BAD_FILES[kind]
    folder = bank(tmp_path, {name: content})
    code, lines = validate(folder)
    assert (code, lines) == (1, expected)


COMMANDS = [["practice", "--no-plots"], ["review", "--no-plots"], ["explain", "demo"],
            ["export", "pdf", "--out", "x.pdf"], ["export", "anki", "--out", "x.apkg"],
            ["topics"], ["stats"]]
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[:2]))
@pytest.mark.parametrize("kind", BAD_FILES)
def test_no_command_gives_a_traceback_or_a_control_character(kind, command, tmp_path):
    """Every command refuses every bad file the same way (one loading path): the problems,
    then one error line; no exception escapes and nothing printed can drive a terminal."""
    name, content, expected = BAD_FILES[kind]
    folder = bank(tmp_path, {name: content})
    result = CliRunner().invoke(cli, [*command, "--bank", str(folder)], input="q\n")
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert not CONTROL.search(result.output)
    assert result.output.splitlines()[:len(expected)] == expected
    assert result.output.splitlines()[len(expected)] == (
        f"Error: the question bank has {len(expected)} problem"
        f"{'' if len(expected) == 1 else 's'}; fix them or run `quizzer validate {folder}` "
        "for the list")


# ------------------------------------------------------------------- folders and special files

def test_symlink_loop_missing_path_and_empty_folder(tmp_path):
    folder = bank(tmp_path, {"a.yaml": HEAD + TF})
    (folder / "loop").symlink_to(folder / "loop")
    (folder / "empty").mkdir()
    (folder / "inner.yaml").symlink_to(folder / "inner.yaml")
    result = CliRunner().invoke(cli, ["validate", "loop", "nowhere", "empty", "inner.yaml"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "empty: holds no bank files (*.yaml or *.yml; names starting with . are skipped)",
        "inner.yaml: cannot read: Too many levels of symbolic links",
        "loop: cannot read: Too many levels of symbolic links",
        "nowhere: cannot read: No such file or directory"]


def test_unreadable_folder_and_folder_without_execute(tmp_path):
    """As an ordinary user (root reads every folder: then the check runs as nobody)."""
    folder = tmp_path / "bank"
    folder.mkdir()
    for name, mode in (("noread", 0o333), ("noexec", 0o666)):
        sub = folder / name
        sub.mkdir()
        (sub / "b.yaml").write_text(HEAD + TF)
        (sub / "b.yaml").chmod(0o644)
        sub.chmod(mode)
    folder.chmod(0o777)
    tmp_path.chmod(0o755)
    command = [sys.executable, "-m", "quizzer", "validate", "noread", "noexec"]
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] \
        if os.geteuid() == 0 else []
    root = Path(__file__).parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "QUIZZER_HOME": str(tmp_path / "home")}
    # A virtual environment or checkout in a private folder (CI's is made by mktemp -d) is
    # out of nobody's reach: then this user cannot run quizzer at all, whatever the bank.
    probe = subprocess.run([*as_nobody, sys.executable, "-c", "import click, yaml, quizzer"],
                           cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        pytest.skip(f"an unprivileged user cannot import quizzer here: "
                    f"{probe.stderr.strip().splitlines()[-1:]}")
    command = [*as_nobody, *command]
    try:
        child = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                               timeout=120)
    finally:
        for name in ("noread", "noexec"):
            (folder / name).chmod(0o700)
    assert child.stdout.splitlines() == [
        "noexec/b.yaml: cannot read: Permission denied",
        "noread: cannot read: Permission denied"], child.stderr


def test_devices_and_pipes_are_refused_without_reading_or_blocking(tmp_path):
    """Run in a child with a timeout: a FIFO that blocked, or /dev/zero read whole, would hang."""
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    child = subprocess.run(
        [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); import conftest; "
         "from quizzer.cli import main; main()", str(Path(__file__).parent),
         "validate", "/dev/zero", str(fifo)],
        capture_output=True, text=True, timeout=60)
    assert child.returncode == 1, child.stderr
    assert child.stdout.splitlines() == [
        "/dev/zero: is not a regular file (a device, pipe or socket); a bank file must be a "
        "plain file",
        f"{fifo}: is not a regular file (a device, pipe or socket); a bank file must be a "
        "plain file"]


def test_hidden_and_editor_files_are_skipped(tmp_path):
    folder = bank(tmp_path, {"a.yaml": HEAD + TF, "._a.yaml": b"\x00\x05Mac OS X junk\xff",
                             ".#a.yaml": "user@host.1234:1700000000", ".hidden.yml": "[[["})
    code, lines = validate(folder)
    assert (code, lines) == (0, ["OK: 2 topics, 5 questions, 1 card."])


def test_validate_honours_quizzer_bank(tmp_path, monkeypatch):
    folder = bank(tmp_path, {"a.yaml": HEAD + TF})
    monkeypatch.setenv("QUIZZER_BANK", str(folder))
    result = CliRunner().invoke(cli, ["validate"])
    assert (result.exit_code, result.stdout) == (0, "OK: 2 topics, 5 questions, 1 card.\n")
    assert result.stderr == f"Including QUIZZER_BANK={folder}\n"


def test_a_file_name_with_an_escape_sequence_is_printed_escaped(tmp_path):
    folder = bank(tmp_path, {"\x1b]0;owned\x07.yaml": "~\n"})
    code, lines = validate(folder)
    assert (code, lines) == (1, ["\\x1b]0;owned\\x07.yaml:1:1: file is empty (it holds no "
                                 "topic)"])


# ------------------------------------------------------------------- sizes and aliases

def test_only_five_megabytes_are_ever_read(tmp_path, monkeypatch):
    import quizzer.content.bank_files as bank_files

    folder = bank(tmp_path, {"a.yaml": HEAD + TF})
    (folder / "big.yaml").write_bytes(b"#" * (6 * 2**20))
    reads = []
    real_fdopen = os.fdopen

    def counting_fdopen(fd, mode="r", *args, **kwargs):
        handle = real_fdopen(fd, mode, *args, **kwargs)
        real_read = handle.read
        handle.read = lambda n=-1: reads.append(n) or real_read(n)
        return handle

    monkeypatch.setattr(bank_files.os, "fdopen", counting_fdopen)
    code, lines = validate(folder)
    assert (code, lines) == (1, ["big.yaml: file is 6.3 MB; a bank file may be at most 5 MB"])
    assert reads and all(0 < n <= 5 * 2**20 + 1 for n in reads)


@pytest.mark.slow
def test_a_legitimate_file_of_ten_thousand_questions_is_read(tmp_path):
    """Over 100,000 YAML nodes but no alias: only nodes built again through aliases count."""
    from quizzer.content.bank_files import read

    lines = [f"  - {{id: big-{i}, kind: true-false, answer: true, prompt: Statement number {i} "
             f"is true., explanation: It is.}}" for i in range(10_000)]
    path = tmp_path / "big.yaml"
    path.write_text("topic: big\ntitle: Big\nquestions:\n" + "\n".join(lines) + "\n")
    assert path.stat().st_size > 2**20
    problems = []
    data = read(path, "big.yaml", problems)
    assert problems == []
    assert len(data["questions"]) == 10_000


def test_merge_keys_are_merged(tmp_path):
    folder = bank(tmp_path, {"a.yaml": HEAD + """\
  - &base
    id: demo-tf
    kind: true-false
    answer: true
    prompt: p
    explanation: e
  - <<: *base
    id: demo-tf-2
"""})
    code, lines = validate(folder)
    assert (code, lines) == (0, ["OK: 2 topics, 6 questions, 1 card."])


# ------------------------------------------------------------------- what --run-examples adds

def test_run_examples_catches_what_a_screen_would_show_wrongly(tmp_path):
    folder = bank(tmp_path, {"a.yaml": HEAD + TF.replace(
        "explanation: e", 'explanation: "{{precision:d}} and {{ratio_relu}}"') + """\
  - id: demo-dead
    kind: true-false
    answer: true
    prompt: "A dead network's ratio is {{ratio_relu:.2f}}."
    explanation: e
    example: {simulation: gradients.layer_norms, params: {depth: 40, width: 4}}
"""})
    code, lines = validate(folder, "--run-examples")
    assert code == 1
    assert lines == [
        "a.yaml:5:5: placeholder {{precision:d}} cannot format 0.9090909090909091: Unknown "
        "format code 'd' for object of type 'float'",
        "a.yaml:5:5: placeholder {{ratio_relu}} is not a value of conftest.fixed; it has "
        "precision",
        "a.yaml:10:5: placeholder {{ratio_relu}} has no value with these parameters "
        "(gradients.layer_norms gives None); a learner would read 'undefined'"]


def test_placeholders_need_an_example(tmp_path):
    folder = bank(tmp_path, {"a.yaml": "topic: demo\ntitle: Demo\nquestions:\n"
                             + TF.replace("explanation: e", "explanation: '{{x}}'")})
    code, lines = validate(folder)
    assert (code, lines) == (1, ["a.yaml:4:5: placeholder {{x}} needs a worked example, and "
                                 "neither this item nor its topic has one"])


def _path_faults(folder: Path) -> dict:
    """name -> (the --bank argument, the problem line every command must print)."""
    (folder / "loop").symlink_to(folder / "loop")
    (folder / "empty").mkdir()
    named = folder / "named"
    named.mkdir()
    (named / "\x1b]0;owned\x07.yaml").write_text("~\n")
    return {
        "symlink-loop": ("loop", "loop: cannot read: Too many levels of symbolic links"),
        "missing": ("nowhere", "nowhere: cannot read: No such file or directory"),
        "empty-folder": ("empty", "empty: holds no bank files (*.yaml or *.yml; names "
                                  "starting with . are skipped)"),
        "device": ("/dev/zero", "/dev/zero: is not a regular file (a device, pipe or socket); "
                                "a bank file must be a plain file"),
        "escape-in-name": ("named", "named/\\x1b]0;owned\\x07.yaml:1:1: file is empty (it "
                                    "holds no topic)"),
    }


@pytest.mark.parametrize("command", COMMANDS + [["validate"]], ids=lambda c: "-".join(c[:2]))
@pytest.mark.parametrize("fault", ["symlink-loop", "missing", "empty-folder", "device",
                                   "escape-in-name"])
def test_no_command_gives_a_traceback_for_a_bad_path(fault, command, tmp_path):
    folder = bank(tmp_path, {})
    argument, problem = _path_faults(folder)[fault]
    args = [*command, argument] if command == ["validate"] else [*command, "--bank", argument]
    result = CliRunner().invoke(cli, args, input="q\n")
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert result.exit_code == 1
    assert not CONTROL.search(result.output)
    assert result.output.splitlines()[0] == problem
