"""The worked example as text: the `w` view's "more rows" hint runs the same example again."""

import json
import shlex

from click.testing import CliRunner

from quizzer.cli import cli
from quizzer.content.bank import example_for, load
from quizzer.render.example_text import explain_command, worked_whole
from quizzer.screens.prefetch import compute


def test_the_more_rows_hint_is_a_command_that_reproduces_the_example():
    bank = load([], builtin=True)
    question = next(q for q in bank.questions if q.id == "it-all-nvidia")  # 14 NVIDIA rows
    worked = compute(example_for(question, bank), plots=False)
    rows = len(worked.example.table.rows)
    assert rows > 12  # so the whole view cuts the table and says how to see the rest
    text = worked_whole(worked, question.topic, cols=200)
    command = explain_command(question.topic, worked.ref.simulation, worked.ref.params)
    more = f"{rows - 12} more row" + ("" if rows - 12 == 1 else "s")
    assert text.endswith(f"\n    ... {more}; all of them:\n      {command}")
    words = shlex.split(command)
    assert words[:2] == ["quizzer", "explain"]
    result = CliRunner().invoke(cli, [*words[1:], "--json", "--no-plot"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["params"] == dict(worked.example.params)
    assert len(data["table"]["rows"]) == rows
    assert data["findings"] == list(worked.example.findings)


def test_the_compact_example_keeps_the_findings_that_quote_the_questions_numbers():
    from quizzer.render.example_text import relevant_findings

    findings = ["AUC is 0.960.", "Accuracy is 0.812.", "At 0.5, recall is 0.7.",
                "At threshold 0.9, precision is 0.937 and recall 0.636."]
    asked = "At threshold 0.9, precision is 0.937 and recall 0.636: which metric..."
    assert relevant_findings(findings, asked) == [findings[0], findings[1], findings[3]]
    assert relevant_findings(findings, "no numbers here") == findings[:3]
