"""A worked example as terminal text: its call, findings and table, compact or whole.

Shared by the screens (practice and review feedback, ``quizzer explain``), so none of them
imports another. Pure functions of records: they return strings and never print.
"""

from __future__ import annotations

import re
import shlex

from quizzer.render import terminal as t

COMPACT_FINDINGS = 3


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def relevant_findings(findings, question_text: str, n: int = COMPACT_FINDINGS) -> list:
    """The ``n`` findings that matter most for a question, in the simulation's order.

    A finding matters more when it quotes numbers the question's own text (prompt,
    explanation, filled from the same example) quotes; ties keep the simulation's order,
    which puts its headline numbers first.
    """
    quoted = set(_NUMBER.findall(question_text))
    scored = sorted(range(len(findings)),
                    key=lambda i: (-len(quoted & set(_NUMBER.findall(findings[i]))), i))
    return [findings[i] for i in sorted(scored[:n])]


def call_text(simulation: str, params) -> str:
    """``name(k=v, ...)``, lists as ``a,b,c`` (how --set takes them)."""
    return f"{simulation}({', '.join(f'{k}={param_text(v)}' for k, v in params.items())})"


def param_text(value) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return str(value)


def explain_command(topic: str, simulation: str, params) -> str:
    """The exact ``quizzer explain`` command that runs this example again."""
    words = ["quizzer", "explain", topic, "--scenario", simulation.split(".", 1)[1]]
    for key, value in params.items():
        words += ["--set", f"{key}={param_text(value)}"]
    return " ".join(shlex.quote(w) for w in words)


def findings_text(findings, indent: str = "  ", cols: int | None = None) -> str:
    return "\n".join(t.wrap(f, indent=indent + "  ", first=indent + "- ", cols=cols)
                     for f in findings)


def example_text(example, max_rows: int = 8, indent: str = "  ", more: str = "",
                 cols: int | None = None) -> str:
    """Findings as bullets, then the table (cut to ``max_rows``; ``more`` is the command that
    shows every row, printed on a line of its own and never wrapped, so it can be copied)."""
    lines = [findings_text(example.findings, indent, cols)] if example.findings else []
    rows = list(example.table.rows)
    if rows:
        lines += ["", t.table(example.table.columns, rows[:max_rows], indent=indent,
                              cols=cols)]
        if len(rows) > max_rows:
            left = t.plural(len(rows) - max_rows, "more row")
            if more:
                lines += [f"{indent}... {left}; all of them:", f"{indent}  {more}"]
            else:
                lines.append(f"{indent}... {left} (quizzer explain shows them all)")
    return "\n".join(lines)


def worked_heading(worked, indent: str = "  ", cols: int | None = None) -> str:
    ref = worked.ref
    return t.wrap(t.heading("Worked example: ") + call_text(ref.simulation, ref.params),
                  indent=indent + "  ", first=indent, cols=cols)


def worked_compact(worked, indent: str = "  ", cols: int | None = None) -> str:
    """The heading and the first few findings (the ones the simulation puts first: its
    headline numbers); the table waits behind ``w``."""
    if worked.error:
        return worked_heading(worked, indent, cols) + "\n" + t.dim(
            t.wrap(f"(unavailable: {worked.error})", indent=indent + "  ", cols=cols))
    findings = list(worked.example.findings)
    lines = [worked_heading(worked, indent, cols)]
    if findings:
        lines.append(findings_text(findings[:COMPACT_FINDINGS], indent + "  ", cols))
    return "\n".join(lines)


def worked_whole(worked, topic: str, indent: str = "  ", cols: int | None = None) -> str:
    """Every finding and the table (up to 12 rows, then the explain command for the rest)."""
    if worked.error:
        return worked_compact(worked, indent, cols)
    ref = worked.ref
    return "\n".join([worked_heading(worked, indent, cols),
                      example_text(worked.example, max_rows=12, indent=indent + "  ",
                                   more=explain_command(topic, ref.simulation, ref.params),
                                   cols=cols)])
