"""Start-up stays cheap: the CLI module and `--help` load click and the standard library only.

Each guard names what may be loaded, not what may not (click's tests/test_imports.py): a new
heavy dependency (platformdirs, genanki, a YAML parser...) fails it without anyone having
thought to list it.
"""

import json
import subprocess
import sys

# Top-level packages a fresh interpreter may load besides the standard library's.
CLI_ALLOWED = {"click", "quizzer"}
SIMULATIONS_ALLOWED = {"numpy", "quizzer"}


def loaded_after(code: str) -> set:
    """The top-level packages outside the standard library that ``code`` loads, run in a
    fresh interpreter (``python -c``)."""
    probe = (f"import sys\nbefore = set(sys.modules)\n{code}\nimport json\n"
             "print(json.dumps(sorted({m.split('.')[0] for m in set(sys.modules) - before})))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    return set(json.loads(out.splitlines()[-1])) - set(sys.stdlib_module_names)


def test_import_cli_loads_only_click_and_the_standard_library():
    assert loaded_after("import quizzer.cli") == CLI_ALLOWED


def test_help_loads_only_click_and_the_standard_library():
    code = ("from quizzer.cli import cli\n"
            "try:\n    cli(['--help'], prog_name='quizzer')\nexcept SystemExit:\n    pass")
    assert loaded_after(code) == CLI_ALLOWED


def test_importing_simulations_loads_numpy_and_no_plotting():
    assert loaded_after("from quizzer import simulations; simulations.names()") == \
        SIMULATIONS_ALLOWED


def test_the_guard_sees_a_third_party_import():
    """The probe itself can fail: a package outside the allowed set is reported."""
    assert loaded_after("import quizzer.cli, platformdirs") == CLI_ALLOWED | {"platformdirs"}


def test_console_script_help_runs():
    result = subprocess.run([sys.executable, "-m", "quizzer", "--help"], capture_output=True,
                            text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: quizzer [OPTIONS] COMMAND [ARGS]...")
