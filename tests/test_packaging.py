"""The wheel: one top-level package, quizzer, carrying the YAML bank and every module, so
`pip install .` works from any directory and puts no generic names (simulations,
question_bank) at the top of site-packages."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Repository folder -> where it is inside the installed package (setup.cfg's package_dir).
PLACES = {"quizzer": "quizzer", "simulations": "quizzer/simulations",
          "question_bank": "quizzer/question_bank"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".venv", ".pytest_cache"))
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(tmp / "dist"), str(source)], check=True, capture_output=True)
    built, = (tmp / "dist").glob("quizzer-*.whl")
    return built


@pytest.mark.slow
def test_wheel_holds_one_top_level_package_with_every_module_and_the_bank(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"quizzer"}
    expected = set()
    for folder, place in PLACES.items():
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".yaml") and "__pycache__" not in path.parts:
                expected.add(f"{place}/{path.relative_to(ROOT / folder).as_posix()}")
    assert any(e.startswith("quizzer/question_bank/data/") for e in expected)
    assert sorted(expected - names) == []
    assert not any(n.startswith("tests/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "quizzer = quizzer.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


@pytest.mark.slow
def test_the_installed_package_runs_from_anywhere_without_the_checkout(wheel, tmp_path):
    """Unpacked where nothing of the checkout is on the path: the bank loads from inside the
    package, a worked example runs, and the old top-level names are gone."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import sys, importlib.util\n"
        f"sys.path.insert(0, {str(site)!r})\n"
        "import quizzer\n"
        f"assert quizzer.__file__.startswith({str(site)!r}), quizzer.__file__\n"
        "assert not any(type(f).__name__ == '_CheckoutFolders' for f in sys.meta_path)\n"
        "print([importlib.util.find_spec(n) is None for n in ('simulations', 'question_bank')])\n"
        "sys.argv = ['quizzer', 'explain', 'cm', '--no-plot']\n"
        "from quizzer.cli import main\n"
        "main()\n")
    home = tmp_path / "home"
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin", "QUIZZER_HOME": str(home),
                                            "NO_COLOR": "1", "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "[True, True]"
    assert "Worked example" in result.stdout and "precision" in result.stdout
