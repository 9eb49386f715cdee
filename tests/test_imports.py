"""Start-up stays cheap: the CLI module and `--help` load neither numpy nor matplotlib."""

import json
import subprocess
import sys

HEAVY = ("numpy", "matplotlib", "yaml", "sqlite3", "fsrs")


def loaded_after(code: str) -> dict:
    probe = (f"import sys\n{code}\nimport json\n"
             f"print(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.splitlines()[-1])


def test_import_cli_loads_only_click_and_the_standard_library():
    assert loaded_after("import quizzer.cli") == {m: False for m in HEAVY}


def test_help_loads_no_numpy_or_matplotlib():
    code = ("from quizzer.cli import cli\n"
            "try:\n    cli(['--help'], prog_name='quizzer')\nexcept SystemExit:\n    pass")
    loaded = loaded_after(code)
    assert (loaded["numpy"], loaded["matplotlib"]) == (False, False)


def test_importing_simulations_loads_no_matplotlib():
    loaded = loaded_after("from quizzer import simulations; simulations.names()")
    assert (loaded["numpy"], loaded["matplotlib"]) == (True, False)


def test_console_script_help_runs():
    result = subprocess.run([sys.executable, "-m", "quizzer", "--help"], capture_output=True,
                            text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: quizzer [OPTIONS] COMMAND [ARGS]...")
