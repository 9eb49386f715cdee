"""A bank on any subject with only what a topic needs: no exam, summary, key points or
worked examples. Every command shows what it has and no worked-example block, plot or inset."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from quizzer.cli import cli

from conftest import ticking_console

# Relative to tests/fixtures, where every test here runs: the summary's commands repeat the
# --bank path, so a transcript does not depend on where the project is checked out.
MINIMAL = "minimal"


MONDAY = datetime(2025, 5, 12, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def stable(mini_bank, utc_zone, monkeypatch):
    monkeypatch.chdir(Path(__file__).parent / "fixtures")
    return mini_bank


def run(*args, input=""):
    result = CliRunner().invoke(cli, [*args, "--bank", MINIMAL], input=input,
                                obj=ticking_console(lambda: MONDAY))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_validate_accepts_the_minimal_bank():
    result = CliRunner().invoke(cli, ["validate", MINIMAL])
    assert (result.exit_code, result.output) == (0, "OK: 3 topics, 8 questions, 3 cards.\n")


def test_practice_shows_no_worked_example():
    code, out = run("practice", "-t", "sql-joins", "--seed", "1", input="a\nt\n")
    assert code == 0
    assert out == """\
[1/2] sql-joins

Which join keeps only the rows that match in both tables?

  A) LEFT JOIN
  B) INNER JOIN

Choose ONE letter
> a
Not quite. The answer is B.  (sql-inner)
  A (you chose): It also keeps unmatched rows of the left table.
  B (correct): It keeps matching rows only.

  An inner join is the intersection of the two tables on the join key.

[2/2] sql-joins

A LEFT JOIN fills the right table's columns with NULL where nothing matches.

Answer t (true) or f (false)
> t
Correct. The answer is True.  (sql-null-tf)

  Unmatched left rows are kept, with NULL for every right-hand column.

Session summary
  Score: 1/2 (50%)

  topic      score  accuracy
  ---------  -----  --------
  sql-joins  1/2    50%

  Time: 0m 10s
  Missed: sql-inner
  Practise them again with: quizzer practice --wrong --topic sql-joins --bank
    minimal
  Seed: 1 (quizzer practice --seed 1 --topic sql-joins --bank minimal repeats
    this order)
"""


def test_explain_prints_what_the_topic_has():
    code, out = run("explain", "sql-joins")
    assert (code, out) == (0, """\
SQL joins  (sql-joins)

Cards
  - What does a CROSS JOIN return? Every pairing of a left row with a right row
    (the Cartesian product).

No worked example. 2 questions and 1 card: quizzer practice --topic sql-joins,
quizzer review --topic sql-joins
""")


def test_explain_refuses_scenarios_and_plots_for_a_topic_without_an_example():
    code, out = run("explain", "sql-joins", "--set", "tp=1")
    assert (code, out) == (2, "Error: sql-joins has no worked example, so --scenario and "
                              "--set do not apply to it\n")
    code, out = run("explain", "sql-joins", "--json")
    assert code == 2
    assert out.endswith("Error: sql-joins has no worked example to print as JSON or plot.\n")


def test_review_shows_the_card_and_questions_without_an_example():
    code, out = run("review", "-t", "sql-joins", "--seed", "1", input="\n3\nb\nt\n")
    assert code == 0
    assert out == """\
To review: 1 new flashcard and 2 new questions.

[1/3] sql-joins  flashcard

What does a CROSS JOIN return?

Press Enter to show the back (? help, s skips, q ends)
>\x20

  Every pairing of a left row with a right row (the Cartesian product).
  (sql-card-cross)

How well did you recall it?  1 again  2 hard  3 good  4 easy
> 3
Next review: in 2 days (Wed 14 May).

[2/3] sql-joins

Which join keeps only the rows that match in both tables?

  A) LEFT JOIN
  B) INNER JOIN

Choose ONE letter
> b
Correct. The answer is B.  (sql-inner)
  A: It also keeps unmatched rows of the left table.
  B (you chose, correct): It keeps matching rows only.

  An inner join is the intersection of the two tables on the join key.

Next review: in 2 days (Wed 14 May).

[3/3] sql-joins

A LEFT JOIN fills the right table's columns with NULL where nothing matches.

Answer t (true) or f (false)
> t
Correct. The answer is True.  (sql-null-tf)

  Unmatched left rows are kept, with NULL for every right-hand column.

Next review: in 2 days (Wed 14 May).

Review summary
  Reviewed 3: 2 questions (2 right), 1 card (1 good).
  Time: 0m 14s
  Next due: 3 items in 2 days (Wed 14 May); 3 in the next 7 days.
"""


def test_export_prints_the_cards_without_an_inset(tmp_path):
    target = tmp_path / "sql.pdf"
    code, out = run("export", "pdf", "-t", "sql-joins", "--out", str(target))
    assert code == 0
    assert " ".join(out.split()).startswith(f"Wrote 3 cards on 1 sheet (2 pages) to {target}.")
    pages = PdfReader(target).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "What does a CROSS JOIN return?" in text
    assert "Every pairing of a left row with a right row (the Cartesian product)." in text
    for page in pages:  # an inset is drawn as a form XObject; these cards have none
        xobjects = page["/Resources"].get_object().get("/XObject")
        assert not (xobjects.get_object() if xobjects is not None else {})


def test_the_minimal_file_in_the_docs_is_a_valid_bank(tmp_path):
    docs = (Path(__file__).parent.parent / "docs" / "bank-format.md").read_text()
    first = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "sql-joins.yaml").write_text(first)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert (result.exit_code, result.output) == (0, "OK: 2 topics, 5 questions, 2 cards.\n")
