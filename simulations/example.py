"""The records a simulation returns: an Example and its renderer-neutral Chart.

A scenario never draws. It computes numbers and describes the picture that shows them; the
matplotlib renderer, the terminal preview and the PDF card inset all read the same description.
Everything here is plain data (tuples, floats, strings) so ``to_dict()`` is JSON-ready and an
Example can be compared, cached and pinned in tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

CHART_KINDS = ("lines", "bars", "heatmap", "scatter")


def _plain(value: Any) -> Any:
    """Turn numpy scalars/arrays and tuples into JSON-able Python values."""
    if hasattr(value, "tolist"):  # numpy scalar or array
        value = value.tolist()
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # the common, cheap case
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def short(x: float, big: float = 1e5) -> str:
    """A short human number for findings: 0, 0.01, 1.44, 3.2e+06 (2 digits past ``big``)."""
    if x == 0:
        return "0"
    if abs(x) >= big or abs(x) < 1e-3:
        return f"{x:.2g}"
    return f"{x:.3g}"


def _floats(values: Sequence[Any]) -> tuple:
    return tuple(float(v) for v in values)


@dataclass(frozen=True)
class Series:
    """One line, set of bars or cloud of points.

    ``x`` may hold numbers, or category labels for bar charts. ``style`` is a hint:
    ``line``, ``dashed``, ``dotted``, ``points`` or ``steps``.
    """

    label: str
    x: tuple
    y: tuple
    style: str = "line"

    @classmethod
    def of(cls, label: str, x: Sequence[Any], y: Sequence[Any], style: str = "line") -> "Series":
        xs = tuple(str(v) if isinstance(v, str) else float(v) for v in _plain(list(x)))
        return cls(label, xs, _floats(_plain(list(y))), style)

    def to_dict(self) -> dict:
        return {"label": self.label, "x": _plain(self.x), "y": _plain(self.y), "style": self.style}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Series":
        return cls.of(data["label"], data["x"], data["y"], data["style"])


@dataclass(frozen=True)
class Annotation:
    """A point worth pointing at: the best epoch, the diverging rate, the zeroed weights."""

    x: Any
    y: float
    text: str

    def to_dict(self) -> dict:
        return {"x": _plain(self.x), "y": _plain(self.y), "text": self.text}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Annotation":
        return cls(data["x"], data["y"], data["text"])


@dataclass(frozen=True)
class Panel:
    """One set of axes.

    kind: ``lines`` | ``bars`` | ``scatter`` use ``series``; ``heatmap`` uses ``matrix`` with
    ``x_ticks``/``y_ticks`` as row and column labels. ``hlines``/``vlines`` mark reference
    values (a threshold, the best epoch) as (value, label) pairs.
    """

    kind: str
    title: str
    x_label: str
    y_label: str
    series: tuple = ()
    x_log: bool = False
    y_log: bool = False
    matrix: tuple = ()
    x_ticks: tuple = ()
    y_ticks: tuple = ()
    annotations: tuple = ()
    hlines: tuple = ()
    vlines: tuple = ()

    def __post_init__(self) -> None:
        if self.kind not in CHART_KINDS:
            raise ValueError(f"chart kind {self.kind!r} is not one of {', '.join(CHART_KINDS)}")

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "title": self.title,
            "x_label": self.x_label,
            "y_label": self.y_label,
            "series": [s.to_dict() for s in self.series],
            "x_log": self.x_log,
            "y_log": self.y_log,
            "matrix": _plain(self.matrix),
            "x_ticks": _plain(self.x_ticks),
            "y_ticks": _plain(self.y_ticks),
            "annotations": [a.to_dict() for a in self.annotations],
            "hlines": _plain(self.hlines),
            "vlines": _plain(self.vlines),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Panel":
        rows = (lambda rows: tuple(tuple(r) for r in rows))
        return cls(data["kind"], data["title"], data["x_label"], data["y_label"],
                   series=tuple(Series.from_dict(s) for s in data["series"]),
                   x_log=data["x_log"], y_log=data["y_log"], matrix=rows(data["matrix"]),
                   x_ticks=tuple(data["x_ticks"]), y_ticks=tuple(data["y_ticks"]),
                   annotations=tuple(Annotation.from_dict(a) for a in data["annotations"]),
                   hlines=rows(data["hlines"]), vlines=rows(data["vlines"]))


@dataclass(frozen=True)
class Chart:
    """A figure: a title that says what to notice, and one or more panels side by side."""

    title: str
    panels: tuple

    def to_dict(self) -> dict:
        return {"title": self.title, "panels": [p.to_dict() for p in self.panels]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Chart":
        return cls(data["title"], tuple(Panel.from_dict(p) for p in data["panels"]))


@dataclass(frozen=True)
class Table:
    columns: tuple
    rows: tuple

    @classmethod
    def of(cls, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> "Table":
        return cls(tuple(columns), tuple(tuple(_plain(list(r))) for r in rows))

    def to_dict(self) -> dict:
        return {"columns": list(self.columns), "rows": _plain(self.rows)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Table":
        return cls(tuple(data["columns"]), tuple(tuple(r) for r in data["rows"]))


@dataclass(frozen=True)
class Example:
    """The worked example one scenario run produces.

    values: named numbers; ``None`` where a quantity is undefined (the findings say why).
    findings: sentences whose numbers were computed by this run.
    """

    name: str
    params: Mapping[str, Any]
    values: Mapping[str, Any]
    table: Table
    findings: tuple
    chart: Chart
    seed: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "seed": self.seed,
            "params": _plain(dict(self.params)),
            "values": _plain(dict(self.values)),
            "table": self.table.to_dict(),
            "findings": list(self.findings),
            "chart": self.chart.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Example":
        """The Example ``to_dict`` described: ``from_dict(e.to_dict()).to_dict() ==
        e.to_dict()`` (lists come back as tuples; numbers as JSON keeps them)."""
        return cls(data["name"], dict(data["params"]), dict(data["values"]),
                   Table.from_dict(data["table"]), tuple(data["findings"]),
                   Chart.from_dict(data["chart"]), seed=data["seed"])


def worked(values: Mapping[str, Any], table: Table, findings: Sequence[str], chart: Chart) -> Example:
    """What a scenario function returns; the registry fills in name, params and seed."""
    return Example(name="", params={}, values={k: _plain(v) for k, v in values.items()},
                   table=table, findings=tuple(findings), chart=chart)
