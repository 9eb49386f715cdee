"""A compact text preview of an Example.chart for the terminal.

Curves become sparklines (one row per series, resampled to the width), bar charts become
horizontal bars, heat maps become shaded blocks and scatter plots a small dot grid. With a
UTF-8 terminal the preview uses block characters; otherwise it falls back to plain ASCII so
that it never prints mojibake.
"""

from __future__ import annotations

import math

# "marks": one point marker per series of a scatter plot, in series order, so two clouds
# drawn on the same axes stay apart (a legend line names them).
UNICODE = {"spark": "▁▂▃▄▅▆▇█", "bar": "█", "half": "▌", "shade": " ░▒▓█", "marks": "•×+◦",
           "gap": " "}
ASCII = {"spark": "_.-:=+*#", "bar": "#", "half": "", "shade": " .:*#", "marks": "ox+*",
         "gap": " "}


def charset(encoding: str | None) -> dict:
    return UNICODE if (encoding or "").lower().replace("-", "") in ("utf8", "utf8sig") \
        else ASCII


def _finite(values) -> list:
    return [v for v in values if isinstance(v, (int, float)) and math.isfinite(v)]


def _scale(value: float, log: bool) -> float:
    return math.log10(value) if log and value > 0 else value


def sparkline(ys, width: int, chars: dict, log: bool = False, lo=None, hi=None) -> str:
    """One row of block characters; gaps where a value is missing or not finite."""
    if not ys:
        return ""
    step = len(ys) / width if len(ys) > width else 1
    picked = [ys[min(len(ys) - 1, int(i * step))] for i in range(min(width, len(ys)))]
    scaled = [_scale(v, log) if isinstance(v, (int, float)) and math.isfinite(v)
              and (v > 0 or not log) else None for v in picked]
    good = [v for v in scaled if v is not None]
    if not good:
        return chars["gap"] * len(picked)
    lo = min(good) if lo is None else lo
    hi = max(good) if hi is None else hi
    levels = chars["spark"]
    out = []
    for v in scaled:
        if v is None:
            out.append(chars["gap"])
        else:
            frac = 0.5 if hi == lo else (v - lo) / (hi - lo)
            out.append(levels[max(0, min(len(levels) - 1, round(frac * (len(levels) - 1))))])
    return "".join(out)


def _num(value: float) -> str:
    """A count or value in a preview: whole below a million (4950, not 4.95e+03, which a
    learner reads as a formula), else three significant digits."""
    if 1000 <= abs(value) < 1e6:
        return f"{value:.0f}"
    return f"{value:.3g}"


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def _label(text: str, width: int, chars: dict) -> str:
    """``text`` in ``width`` columns, cut with an ellipsis rather than mid-word silently."""
    if len(text) <= width:
        return text.ljust(width)
    mark = "…" if chars is UNICODE else "~"
    return text[:width - 1] + mark


def _on_x(series, x_log: bool, y_log: bool, x0: float, x1: float, span: int) -> list:
    """The series' y (on the axis's scale: log10 on a log axis) at each of ``span`` columns
    spread evenly over x0..x1: interpolated between its points for a line, only at the
    nearest column of each point for points, and None where the series has no value
    (outside its x range, or a gap). On a log axis the interpolation is between the
    logarithms, as the plot draws it."""
    points = sorted((_scale(x, x_log), _scale(y, y_log)) for x, y in zip(series.x, series.y)
                    if _is_number(x) and (x > 0 or not x_log)
                    and _is_number(y) and (y > 0 or not y_log))
    out = [None] * span
    if not points:
        return out

    def column(x):
        return 0 if x1 == x0 else round((x - x0) / (x1 - x0) * (span - 1))

    if series.style != "points" and len(points) > 1:
        for c in range(span):
            x = x0 + (x1 - x0) * c / max(1, span - 1)
            if x < points[0][0] - 1e-12 or x > points[-1][0] + 1e-12:
                continue
            for (xa, ya), (xb, yb) in zip(points, points[1:]):
                if xa <= x <= xb:
                    out[c] = ya if xb == xa else ya + (yb - ya) * (x - xa) / (xb - xa)
                    break
    for x, y in points:  # every point shows, even between columns
        if out[column(x)] is None:
            out[column(x)] = y
    return out


def _lines(panel, chars, width) -> list[str]:
    """One sparkline per series, on a shared y scale and, where x is numeric, a shared x
    axis: a fitted line of two points spans the width of the data it was fitted to."""
    names = [s.label for s in panel.series]
    label_width = min(22, max((len(n) for n in names), default=0))
    all_y = [_scale(v, panel.y_log) for s in panel.series for v in _finite(s.y)
             if v > 0 or not panel.y_log]
    if not all_y:
        return []
    lo, hi = min(all_y), max(all_y)
    span = max(8, width - label_width - 4)
    xs = [_scale(x, panel.x_log) for s in panel.series for x in s.x
          if _is_number(x) and (x > 0 or not panel.x_log)]
    numeric_x = bool(xs) and all(_is_number(x) for s in panel.series for x in s.x)
    out = []
    for s in panel.series:
        if numeric_x:
            ys = _on_x(s, panel.x_log, panel.y_log, min(xs), max(xs), span)
            # already on the axis's scale, as lo and hi are
            line = sparkline([float("nan") if y is None else y for y in ys], span, chars,
                             False, lo, hi)
        else:
            line = sparkline(list(s.y), span, chars, panel.y_log, lo, hi)
        out.append(f"  {_label(s.label, label_width, chars)}  {line.rstrip()}")
    unscale = (lambda v: 10 ** v) if panel.y_log else (lambda v: v)
    axes = (f"{panel.y_label}{_log_note(panel.y_log, panel.y_label)}: {_num(unscale(lo))} .. "
            f"{_num(unscale(hi))}; x: {panel.x_label}")
    if numeric_x:
        unscale_x = (lambda v: 10 ** v) if panel.x_log else (lambda v: v)
        axes += (f" ({_num(unscale_x(min(xs)))} .. {_num(unscale_x(max(xs)))}"
                 f"{_log_note(panel.x_log, panel.x_label)})")
    out.extend(_wrapped(axes, label_width + 4, width))
    return out


def _bars(panel, chars, width) -> list[str]:
    rows = []
    for s in panel.series:
        for x, y in zip(s.x, s.y):
            name = f"{x}" if len(panel.series) == 1 else f"{s.label}: {x}"
            rows.append((name, y))
    finite = _finite([y for _, y in rows])
    if not finite:
        return []
    # Names as long as a third of the line, so 'useful model: accuracy' stays readable.
    label_width = min(max(24, width // 3), max(len(n) for n, _ in rows))
    top = max(abs(v) for v in finite) or 1.0
    span = width - label_width - 14
    out = []
    for name, y in rows:
        if not (isinstance(y, (int, float)) and math.isfinite(y)):
            out.append(f"  {name[:label_width].ljust(label_width)}  n/a")
            continue
        length = abs(y) / top * span
        bar = chars["bar"] * int(length)
        if chars["half"] and length - int(length) >= 0.5:
            bar += chars["half"]
        out.append(f"  {name[:label_width].ljust(label_width)}  {bar} {_num(y)}")
    return out


def _heatmap(panel, chars, width) -> list[str]:
    """The matrix with its numbers, each after a shade (denser = more) and under its column
    label; only shades when the numbers cannot fit the width."""
    values = _finite([v for row in panel.matrix for v in row])
    if not values:
        return []
    lo, hi = min(values), max(values)
    shades = chars["shade"]

    def shade(v) -> str:
        frac = 0.0 if hi == lo else (v - lo) / (hi - lo)
        return shades[max(0, min(len(shades) - 1, round(frac * (len(shades) - 1))))]

    columns = len(panel.matrix[0])
    ticks = [str(t) for t in panel.y_ticks] or [str(i) for i in range(len(panel.matrix))]
    x_ticks = [str(t) for t in panel.x_ticks] or [str(j) for j in range(columns)]
    label_width = min(12, max(len(t) for t in ticks))
    numbers = [[_num(v) if _is_number(v) else "" for v in row] for row in panel.matrix]
    cell = max(max(len(n) for row in numbers for n in row), max(len(t) for t in x_ticks)) + 3
    out = []
    if 2 + label_width + columns * cell <= width:
        out.append(f"  {'':{label_width}}" + "".join(t.rjust(cell) for t in x_ticks))
        for tick, row, texts in zip(ticks, panel.matrix, numbers):
            cells = [(shade(v) + " " + text).rjust(cell) if text else " " * cell
                     for v, text in zip(row, texts)]
            out.append(f"  {_label(tick, label_width, chars).rstrip().rjust(label_width)}"
                       + "".join(cells))
        # "denser", not "darker": a full block is bright on a dark terminal background.
        note = "shade: denser = more"
    else:
        cell = 2 if columns * 2 + label_width < width else 1
        for tick, row in zip(ticks, panel.matrix):
            cells = [shade(v) * cell if _is_number(v) else " " * cell for v in row]
            out.append(f"  {tick[:label_width].rjust(label_width)} {''.join(cells)}")
        note = "denser = more"
    out.extend(_wrapped(f"rows: {panel.y_label}; columns: {panel.x_label}; {note} "
                        f"({_num(lo)} .. {_num(hi)})", label_width + 3, width))
    return out


def _log_note(log: bool, label: str) -> str:
    return ", log scale" if log and "log" not in label.lower() else ""


def _wrapped(text: str, indent: int, width: int) -> list[str]:
    """``text`` wrapped to ``width`` with a hanging indent, never breaking a range
    ("5 .. 100") across lines."""
    import textwrap

    joined = text.replace(" .. ", "\0")  # one word while wrapping (3 columns narrower)
    lines = textwrap.wrap(joined, width - 3 * joined.count("\0"),
                          initial_indent=" " * indent, subsequent_indent=" " * (indent + 2),
                          break_on_hyphens=False)
    return [line.replace("\0", " .. ") for line in lines]


def _scatter(panel, chars, width, height: int = 8) -> list[str]:
    """A dot grid with the y range on its left edge; each series its own marker, named in
    a legend line when there are several (later series are drawn over earlier ones)."""
    series = []
    for s in panel.series:
        points = [(x, y) for x, y in zip(s.x, s.y)
                  if isinstance(x, (int, float)) and isinstance(y, (int, float))
                  and math.isfinite(x) and math.isfinite(y)
                  and (x > 0 or not panel.x_log) and (y > 0 or not panel.y_log)]
        if points:
            series.append((s.label, points))
    if not series:
        return []
    marks = chars["marks"]
    xs = [_scale(x, panel.x_log) for _, points in series for x, _ in points]
    ys = [_scale(y, panel.y_log) for _, points in series for _, y in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    unscale_y = (lambda v: 10 ** v) if panel.y_log else (lambda v: v)
    unscale_x = (lambda v: 10 ** v) if panel.x_log else (lambda v: v)
    top, bottom = _num(unscale_y(y1)), _num(unscale_y(y0))
    tick = max(len(top), len(bottom))
    cols = max(8, width - 4 - tick)
    grid = [[" "] * cols for _ in range(height)]
    for index, (_, points) in enumerate(series):
        mark = marks[index % len(marks)]
        for x, y in points:
            x, y = _scale(x, panel.x_log), _scale(y, panel.y_log)
            c = 0 if x1 == x0 else round((x - x0) / (x1 - x0) * (cols - 1))
            r = 0 if y1 == y0 else round((y1 - y) / (y1 - y0) * (height - 1))
            grid[r][c] = mark
    labels = [top] + [""] * (height - 2) + [bottom] if height > 1 else [top]
    out = [f"  {label.rjust(tick)} |" + "".join(row).rstrip()
           for label, row in zip(labels, grid)]
    out.append(f"  {'':{tick}} +{'-' * (cols - 1)}")
    axes = (f"x: {panel.x_label} ({_num(unscale_x(x0))} .. {_num(unscale_x(x1))}"
            f"{_log_note(panel.x_log, panel.x_label)}); y: {panel.y_label}"
            f"{_log_note(panel.y_log, panel.y_label)}")
    out.extend(_wrapped(axes, tick + 4, width))
    if len(series) > 1:
        out.extend(_wrapped("   ".join(f"{marks[i % len(marks)]} {label}"
                                       for i, (label, _) in enumerate(series)), tick + 4,
                            width))
    return out


def render(chart, encoding: str | None, width: int = 72) -> str:
    """The whole chart as text, one block per panel."""
    chars = charset(encoding)
    blocks = []
    for panel in chart.panels:
        draw = {"lines": _lines, "bars": _bars, "heatmap": _heatmap,
                "scatter": _scatter}[panel.kind]
        body = draw(panel, chars, width)
        if body:
            blocks.append("\n".join([f"  {panel.title}", *body]))
    return "\n\n".join(blocks)
