"""The wheel carries the YAML bank, so `pip install .` works from any directory."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contains_the_bank_and_every_package(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".venv", ".pytest_cache"))
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(tmp_path / "dist"), str(source)], check=True, capture_output=True)
    wheel, = (tmp_path / "dist").glob("quizzer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    bank = sorted(p.name for p in (ROOT / "question_bank").glob("*.yaml"))
    assert bank, "the built-in bank has no topic files"
    for name in bank:
        assert f"question_bank/{name}" in names
    for data in (ROOT / "question_bank" / "data").glob("*.yaml"):
        assert f"question_bank/data/{data.name}" in names
    for package in ("quizzer", "simulations", "question_bank"):
        assert f"{package}/__init__.py" in names
    assert not any(n.startswith("tests/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "quizzer = quizzer.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
