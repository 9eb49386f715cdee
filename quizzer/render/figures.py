"""Example.chart -> matplotlib figure, and the PNG cache.

One renderer for every chart description: the PNGs of ``explain`` and ``practice`` and the
insets on printed cards all come from :func:`draw`. It uses the Figure API with the Agg
canvas, never pyplot, so there is no global state and drawing is safe off the main thread.
User and simulation text is drawn with ``parse_math=False``: a ``$`` stays a dollar.

PNGs are cached in the cache folder by a hash of the chart description itself plus
:data:`RENDERER_VERSION`, so a second request does no drawing and any change in the numbers
(or in this renderer) makes a new file; a cached file is used only if it is a whole PNG.
Files are written to a temporary name and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import textwrap
import threading
import weakref
from pathlib import Path
from typing import Any

RENDERER_VERSION = "5"

# Okabe & Ito's colour-blind-safe palette (blue, orange, green, vermillion, purple, sky,
# yellow, black): distinguishable under the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")


def _literal(text) -> str:
    """Text for a matplotlib object whose mathtext cannot be switched off one by one (tick
    labels, created lazily while saving; legend entries): "$5" must stay five dollars.
    Titles, axis labels and annotations are drawn with parse_math=False instead; mathtext
    stays on globally because log-scale tick labels (10^-6) are written in it."""
    return str(text).replace("$", r"\$")

LINESTYLES = {"line": "-", "dashed": "--", "dotted": ":", "steps": "-", "points": "none"}


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075"
                                            "\u2076\u2077\u2078\u2079")


def power_of_ten_formatter():
    """Log-axis labels as plain text, 10\u207b\u2076 rather than mathtext: one look in the PNGs and
    on the cards, and no TeX-style parsing (a tenth of the time an inset takes)."""
    from matplotlib.ticker import FuncFormatter

    def label(value, _pos=None) -> str:
        if value <= 0:
            return ""
        exponent = round(math.log10(value))
        if math.isclose(value, 10.0 ** exponent, rel_tol=1e-9):
            return "10" + str(exponent).translate(_SUPERSCRIPT)
        return f"{value:g}"

    return FuncFormatter(label)


_MATHTEXT_POWER = re.compile(r"\$\\mathdefault\{(?:(\d+(?:\.\d+)?)\\times)?10\^\{(-?\d+)\}\}\$")


def minor_log_formatter():
    """Labels of the minor ticks on a log axis: the ticks matplotlib labels (on an axis
    spanning about a decade, 2\u00d710\u207b\u00b9 and so on), as plain text like the
    major ones. matplotlib writes them in mathtext, and parsing it took a twentieth of the
    time of a PNG with a short log axis."""
    from matplotlib.ticker import LogFormatterSciNotation

    class PlainText(LogFormatterSciNotation):
        def __call__(self, x, pos=None):
            text = super().__call__(x, pos)
            match = _MATHTEXT_POWER.fullmatch(text)
            if match is None:
                return text  # not a power of ten: matplotlib's own label
            coefficient, exponent = match.groups()
            power = "10" + exponent.translate(_SUPERSCRIPT)
            return f"{coefficient}\u00d7{power}" if coefficient else power

    return PlainText(labelOnlyBase=False)  # as matplotlib's log scale sets it


def _log_ticks(axis) -> None:
    """A log axis' labels in plain text, and only the ticks in view made at all."""
    axis.set_major_formatter(power_of_ten_formatter())
    axis.set_minor_formatter(minor_log_formatter())
    axis.set_major_locator(in_view(axis.get_major_locator()))
    axis.set_minor_locator(in_view(axis.get_minor_locator()))


def in_view(locator):
    """``locator`` without the ticks outside the axis' view (all of them if fewer than two
    are in view).

    matplotlib's locators also place ticks beyond the view (LogLocator a decade or two,
    MaxNLocator a step), and the axis makes a whole tick (two lines, a grid line, two
    labels) for each and formats its label before leaving it out of the drawing: about one
    tick in four of a deck's charts. The ticks kept are a superset of those drawn
    (matplotlib keeps a tick within 1e-10 of the view's span of its ends, this within
    1e-6), and the labels are the same: a log axis' (see :func:`power_of_ten_formatter`
    and :func:`minor_log_formatter`) depend on each value and the view alone; a linear
    axis' ScalarFormatter finds its offset and order of magnitude from the ticks in view,
    and its number of decimals from the ticks' spread and step, which two or more ticks
    in view give as all of them do. Not for a FixedLocator, whose FixedFormatter labels
    the ticks by their position in the list.
    """
    import numpy as np
    from matplotlib.ticker import Locator

    class InView(Locator):
        def set_axis(self, axis):
            super().set_axis(axis)
            locator.set_axis(axis)

        def __call__(self):
            ticks = np.asarray(locator(), dtype=float)
            scale = self.axis.get_transform()
            low, high = sorted(scale.transform(self.axis.get_view_interval()))
            slack = (high - low) * 1e-6
            with np.errstate(invalid="ignore", divide="ignore"):
                where = scale.transform(ticks)
            shown = ticks[(where >= low - slack) & (where <= high + slack)]
            return shown if len(shown) >= 2 else ticks

        def tick_values(self, vmin, vmax):
            return locator.tick_values(vmin, vmax)

        def nonsingular(self, v0, v1):  # LogLocator keeps the limits positive
            return locator.nonsingular(v0, v1)

        def view_limits(self, vmin, vmax):
            return locator.view_limits(vmin, vmax)

    return InView()


def _finite(xs, ys):
    pairs = [(x, y) for x, y in zip(xs, ys)
             if y is not None and isinstance(y, (int, float)) and math.isfinite(y)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _draw_lines(ax, panel, scatter: bool) -> None:
    for i, series in enumerate(panel.series):
        color = PALETTE[i % len(PALETTE)]
        xs, ys = _finite(series.x, series.y)
        if scatter or series.style == "points":
            ax.scatter(xs, ys, s=14, color=color, label=_literal(series.label), alpha=0.8, zorder=3)
        elif series.style == "steps":
            ax.step(xs, ys, where="post", color=color, label=_literal(series.label), linewidth=1.8)
        else:
            ax.plot(xs, ys, linestyle=LINESTYLES.get(series.style, "-"), color=color,
                    label=_literal(series.label), linewidth=1.8,
                    marker="o" if len(xs) <= 12 else None, markersize=4)


def _draw_bars(ax, panel, compact: bool = False) -> None:
    categories: list = []
    for series in panel.series:
        for x in series.x:
            if x not in categories:
                categories.append(x)
    n = max(1, len(panel.series))
    width = 0.8 / n
    for i, series in enumerate(panel.series):
        lookup = dict(zip(series.x, series.y))
        xs = [j + (i - (n - 1) / 2) * width for j in range(len(categories))]
        heights = [lookup.get(c, float("nan")) for c in categories]
        bars = ax.bar(xs, heights, width=width * 0.95, color=PALETTE[i % len(PALETTE)],
                      label=_literal(series.label))
        if len(categories) * n <= 16 and not compact:
            ax.bar_label(bars, fmt=bar_value, fontsize=7, padding=2)
    heights = [y for s in panel.series for y in s.y if y is not None and math.isfinite(y)]
    if heights and min(heights) >= 0 and max(heights) == 0 and not panel.y_log:
        ax.set_ylim(0, 1)  # all zero: show a zero baseline, not an axis around -0.05..0.05
    ax.set_xticks(range(len(categories)), [_literal(c) for c in categories],
                  rotation=30 if max((len(str(c)) for c in categories), default=0) > 6 else 0,
                  ha="right" if max((len(str(c)) for c in categories), default=0) > 6 else "center")


def _draw_heatmap(fig, ax, panel, compact: bool = False) -> None:
    import numpy as np

    matrix = np.array([[float("nan") if v is None else v for v in row] for row in panel.matrix],
                      dtype=float)
    image = ax.imshow(matrix, cmap="Blues", aspect="auto")
    if not compact:  # a card inset has no room for a colour bar; the cells carry numbers
        # A child of the heatmap's Axes, placed in its coordinates, so it moves with them
        # when fit() lays the figure out (matplotlib's fraction=0.046, pad=0.04 of the
        # width before the bar took its share).
        fig.colorbar(image, cax=ax.inset_axes((1.044, 0.0, 0.05, 1.0)))
    if panel.x_ticks:
        ax.set_xticks(range(len(panel.x_ticks)), [_literal(t) for t in panel.x_ticks])
    if panel.y_ticks:
        ax.set_yticks(range(len(panel.y_ticks)), [_literal(t) for t in panel.y_ticks])
    rows, cols = matrix.shape
    if rows * cols <= (16 if compact else 144):
        top = np.nanmax(matrix) if np.isfinite(matrix).any() else 1.0
        for r in range(rows):
            for c in range(cols):
                value = matrix[r, c]
                if math.isfinite(value):
                    label = f"{value:,.0f}" if value.is_integer() else f"{value:.3g}"
                    ax.text(c, r, label, ha="center", va="center",
                            fontsize=5 if compact else 8,
                            color="white" if value > 0.6 * top else "black", parse_math=False)


def bar_value(value: float) -> str:
    """A bar's label: a value from a thousand to a million written out whole (60,000, not
    6e+04, which reads as a formula), any other to three significant digits."""
    if 1000 <= abs(value) < 1e6:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def draw_panel(fig, ax, panel, compact: bool = False) -> None:
    """Draw one Panel description on ``ax`` (which belongs to ``fig``)."""
    if panel.kind in ("lines", "scatter"):
        _draw_lines(ax, panel, scatter=panel.kind == "scatter")
    elif panel.kind == "bars":
        _draw_bars(ax, panel, compact)
    else:
        _draw_heatmap(fig, ax, panel, compact)
    for value, label in panel.hlines:
        ax.axhline(value, color="0.35", linestyle="--", linewidth=1, label=_literal(label) if label else None)
    for value, label in panel.vlines:
        ax.axvline(value, color="0.35", linestyle=":", linewidth=1.2, label=_literal(label) if label else None)
    if panel.kind != "heatmap":
        if panel.x_log:
            ax.set_xscale("log")
            _log_ticks(ax.xaxis)
        if panel.y_log:
            ax.set_yscale("log")
            _log_ticks(ax.yaxis)
        ax.grid(True, alpha=0.3, linewidth=0.6)
    categories = [c for s in panel.series for c in s.x] if panel.kind == "bars" else []
    for note in () if compact else panel.annotations:  # too small to carry call-outs
        if note.y is None or not math.isfinite(float(note.y)):
            continue
        x = note.x
        if isinstance(x, str) and x in categories:  # bars sit at 0..n-1, not at their labels
            x = list(dict.fromkeys(categories)).index(x)
        # Point from the side with room: a call-out above a point near the top would run
        # into the title, one right of a point near the right edge off the axes.
        high, right = _share(ax.yaxis, note.y) > 0.7, _share(ax.xaxis, x) > 0.7
        ax.annotate(note.text, xy=(x, note.y), xytext=(-12 if right else 12, -16 if high else 14),
                    textcoords="offset points", ha="right" if right else "left",
                    va="top" if high else "baseline", fontsize=7 if compact else 8,
                    parse_math=False,
                    arrowprops={"arrowstyle": "->", "color": "0.25", "linewidth": 0.8},
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "0.7",
                          "alpha": 0.9})
    size = 6 if compact else 10
    # ~9 characters per inch at these sizes: wrap rather than let a long title run off the page
    title_chars = max(20, int(ax.get_position().width * fig.get_figwidth() * 9.5))
    ax.set_title(textwrap.fill(panel.title, title_chars), fontsize=size + 1, parse_math=False)
    ax.set_xlabel(panel.x_label, fontsize=size, parse_math=False)
    ax.set_ylabel(panel.y_label, fontsize=size - 0.5 if compact else size, parse_math=False)
    ax.tick_params(labelsize=size - 1)
    if compact:
        _sparse_ticks(ax, panel)
        return  # a card inset is a thumbnail: the card's text carries the numbers
    from matplotlib.ticker import AutoLocator

    for axis in (ax.xaxis, ax.yaxis):
        if type(axis.get_major_locator()) is AutoLocator:  # matplotlib's linear default
            axis.set_major_locator(in_view(axis.get_major_locator()))
    labels = ax.get_legend_handles_labels()[1]
    if labels and (len(labels) > 1 or panel.kind != "bars"):
        if panel.kind == "bars":
            # Bars fill the axes: make head-room and lay the legend out in one row there.
            low, high = ax.get_ylim()
            if high > 0 and not panel.y_log:
                ax.set_ylim(low, high + (high - low) * 0.22)
            elif high > low > 0:  # on a log axis the same share of height is a factor
                ax.set_ylim(low, high * (high / low) ** 0.3)
            ax.legend(fontsize=size - 2, framealpha=0.9, loc="upper center",
                               handlelength=1.2 if compact else 2.0,
                               ncol=min(len(labels), 3))
        else:
            _placed_by_fit.add(ax.legend(fontsize=size - 2, framealpha=0.85, loc="best",
                                         handlelength=1.2 if compact else 2.0))


# Legends at matplotlib's "best" place, which fit() finds once (see _pin_legends).
_placed_by_fit: "weakref.WeakSet" = weakref.WeakSet()


def _share(axis, value) -> float:
    """Where ``value`` sits along ``axis``'s current view, 0 at the start and 1 at the end."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return 0.0
    low, high = axis.get_view_interval()
    if axis.get_scale() == "log":
        if min(value, low, high) <= 0:
            return 0.0
        value, low, high = math.log10(value), math.log10(low), math.log10(high)
    return (value - low) / (high - low) if high != low else 0.0


def _sparse_ticks(ax, panel) -> None:
    """A few labelled ticks per axis: readable when small, and far cheaper to draw."""
    from matplotlib.ticker import (FixedLocator, FormatStrFormatter, LogLocator, MaxNLocator,
                                   NullLocator)

    axes = [] if panel.kind == "heatmap" else [ax.yaxis]
    if panel.kind in ("lines", "scatter"):
        axes.append(ax.xaxis)
    for axis in axes:
        axis.set_minor_locator(NullLocator())
        if axis.get_scale() != "log":
            axis.set_major_locator(MaxNLocator(3))
            continue
        low, high = sorted(axis.get_view_interval())
        decades = math.floor(math.log10(high)) - math.ceil(math.log10(low)) + 1 if low > 0 else 2
        if decades >= 2:
            axis.set_major_locator(LogLocator(numticks=5))
            continue
        # Fewer than two powers of ten in view: label 1-2-5 steps, at most four of them.
        steps = [m * 10.0 ** e for e in range(math.floor(math.log10(low)),
                                              math.ceil(math.log10(high)) + 1)
                 for m in (1, 2, 5) if low <= m * 10.0 ** e <= high]
        while len(steps) > 4:
            steps = steps[::2]
        axis.set_major_locator(FixedLocator(steps) if len(steps) >= 2 else MaxNLocator(3))
        axis.set_major_formatter(FormatStrFormatter("%g"))


def draw_into(fig, chart, compact: bool = False) -> None:
    """Add the chart's panels, side by side, to a Figure or SubFigure."""
    n = len(chart.panels)
    axes = fig.subplots(1, n, squeeze=False)[0]
    for ax, panel in zip(axes, chart.panels):
        draw_panel(fig, ax, panel, compact=compact)
    if chart.title and not compact:
        fig.suptitle(textwrap.fill(chart.title, int(fig.get_figwidth() * 8.5)), fontsize=12,
                     fontweight="bold", parse_math=False)


def draw(chart):
    """A new matplotlib Figure (Agg canvas) showing ``chart``, laid out by :func:`fit` when
    :func:`save_png` writes it (so that changes made in between are laid out too)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=_size(chart), dpi=DPI)
    FigureCanvasAgg(fig)
    draw_into(fig, chart)
    return fig


DPI = 110


def _size(chart) -> tuple[float, float]:
    """The figure's size in inches: 5.2 wide per panel."""
    return 5.2 * max(1, len(chart.panels)) + 0.6, 4.4


_kept = threading.local()


def draw_again(chart):
    """Like :func:`draw`, but into this thread's figure of that size, cleared: the figure
    returned by the previous call of the same size is drawn over, so the caller must be done
    with it (as :func:`cached_png` is, once it has written the PNG).

    The pixels are the same as a new figure's; what is saved is making the Figure, and
    the measuring of text: matplotlib keeps text extents per renderer, and a canvas keeps
    its renderer while the figure's size stays the same, so tick labels such as 0.2 or
    10\u207b\u00b3, met again and again in a bank's charts, are measured once per size and
    thread. (One figure per thread: drawing goes on in prefetch threads too.)
    """
    figures = getattr(_kept, "figures", None)
    if figures is None:
        figures = _kept.figures = {}
    size = _size(chart)
    fig = figures.get(size)
    if fig is None:
        fig = figures[size] = draw(chart)
        return fig
    for ax in fig.axes:  # taken off first: Figure.clear would clear each one, for nothing
        ax.remove()
    fig.clear()
    draw_into(fig, chart)
    return fig


# Constrained layout's default pads (matplotlib's figure.constrained_layout.w_pad, h_pad and
# wspace): 3 points around every Axes' decorations, and between two panels a 2 % share of
# the figure's width, halved and split over the columns, when that is more.
PAD_IN = 3 / 72
PANEL_SPACE = 0.02


def fit(fig) -> None:
    """Lay out ``fig``'s row of panels as constrained layout would, measuring it only once.

    Constrained layout measures every Axes' decorations (tick labels, axis labels, title,
    legend, call-outs, colour bar) twice and then draws the figure twice more (once without
    pixels); that was over half the time of a PNG. Here each Axes is measured once at its
    first position (``get_tightbbox``, as constrained layout measures it), and placed so its
    decorations just fit with the same pads: the panels get equal widths and share one top
    and bottom margin, and a suptitle sits above them. If the new sizes would change an
    axis's ticks, the decorations are measured once more (constrained layout always does).
    Titles are pinned just above their Axes first, where matplotlib puts them unless a y
    axis' offset text (such as 1e6) is in the way (then they are raised over it), and the
    axis labels where the measurement put them: neither the measurement nor the drawing
    works out their places again. Axes that are children of others (a colour bar) move with
    their parent.
    """
    renderer = fig.canvas.get_renderer()
    panels = [ax for ax in fig.axes if ax.get_subplotspec() is not None]
    if not panels:
        return
    from matplotlib import rcParams

    pad = rcParams["axes.titlepad"]  # points between the Axes (or what is on them) and title
    legends = [ax.get_legend() for ax in panels if ax.get_legend() in _placed_by_fit]
    for legend in legends:  # inside its Axes wherever it goes: no margin to measure
        legend.set_in_layout(False)
    places = _lay_out(fig, panels, renderer, pad)
    if not _pin_legends(legends, renderer):  # one does not fit inside its Axes: measure it
        places = _lay_out(fig, panels, renderer, pad)
    for ax, place in zip(panels, places):
        _pin(ax, place)


def _lay_out(fig, panels, renderer, pad: float) -> list:
    """Place ``panels`` (see :func:`fit`); returns where each one's axis labels go."""
    pads = [pad] * len(panels)
    for ax in panels:
        _pin_title(ax, pad)
    for _ in range(3):
        ticks, places, offsets = _place(fig, panels, renderer)
        wanted = [pad + _title_lift(ax, offset, now - pad, renderer)
                  for ax, offset, now in zip(panels, offsets, pads)]
        for ax, old, new in zip(panels, pads, wanted):
            if new != old:
                _pin_title(ax, new)
        if wanted == pads and ticks == _tick_locations(panels):
            break
        pads = wanted
    return places


def _pin_legends(legends, renderer) -> bool:
    """Find each legend's "best" place once, with its Axes where they now are, and fix it
    there, so that drawing does not search again. Returns False, with every legend back
    in the layout and searching, if one does not fit inside its Axes.

    matplotlib searches for the best place each time the legend is measured or drawn
    (two or three times per PNG); each search scores nine places against every line's
    path: about 2 % of the time a chart takes, each.
    """
    if not legends:
        return True
    boxes = [legend.get_window_extent(renderer) for legend in legends]
    if any(not _inside(box, legend.axes.bbox) for box, legend in zip(boxes, legends)):
        for legend in legends:
            legend.set_in_layout(True)
        return False
    for box, legend in zip(boxes, legends):
        legend.set_in_layout(True)
        anchor = legend.get_bbox_to_anchor()
        legend.set_loc(((box.x0 - anchor.x0) / anchor.width,
                        (box.y0 - anchor.y0) / anchor.height))
    return True


def _inside(box, outer) -> bool:
    return (box.x0 >= outer.x0 - 0.5 and box.y0 >= outer.y0 - 0.5
            and box.x1 <= outer.x1 + 0.5 and box.y1 <= outer.y1 + 0.5)


def _tick_locations(panels) -> list:
    return [list(axis.get_majorticklocs()) for ax in panels for axis in (ax.xaxis, ax.yaxis)]


def _place(fig, panels, renderer) -> tuple[list, list]:
    """Measure every panel's decorations at its current place and move it to where they fit.
    Returns the tick locations that were measured, and for each panel where its axis labels
    were put by that measurement (see _where) and where its y axis' offset text is (see
    _offset_text)."""
    dpi = fig.dpi
    width, height = fig.get_figwidth(), fig.get_figheight()
    ticks = _tick_locations(panels)
    margins, places, offsets = [], [], []  # inches around each Axes: left, bottom, right, top
    for ax in panels:
        tight, box = ax.get_tightbbox(renderer, for_layout_only=True), ax.bbox
        offsets.append(_offset_text(ax, renderer))
        margins.append([max(0.0, d / dpi) for d in (box.x0 - tight.x0, box.y0 - tight.y0,
                                                   tight.x1 - box.x1, tight.y1 - box.y1)])
        places.append(_where(ax))
    n = len(panels)
    inner = max(PAD_IN, PANEL_SPACE / 2 / n * width)  # pad on a side that faces a panel
    top = max(m[3] for m in margins) + PAD_IN
    suptitle = _suptitle(fig)
    if suptitle is not None:
        suptitle.set_y(1 - PAD_IN / height)
        suptitle.set_verticalalignment("top")
        top += suptitle.get_window_extent(renderer).height / dpi + 2 * PAD_IN
    bottom = max(m[1] for m in margins) + PAD_IN
    sides = sum(m[0] + m[2] for m in margins) + 2 * PAD_IN + 2 * inner * (n - 1)
    axes_width = (width - sides) / n
    x = 0.0
    for i, (ax, m) in enumerate(zip(panels, margins)):
        x += m[0] + (PAD_IN if i == 0 else inner)
        ax.set_position((x / width, bottom / height, axes_width / width,
                         (height - bottom - top) / height))
        x += axes_width + m[2] + inner
    return ticks, places, offsets


def _suptitle(fig):
    """The Text of ``fig``'s suptitle (the figure's own text with that string), or None."""
    title = fig.get_suptitle()
    return next((t for t in fig.texts if title and t.get_text() == title), None)


def _pin_title(ax, pad: float) -> None:
    """Fix ``ax``'s title ``pad`` points above the Axes, so that drawing does not measure
    the y axis again to place it."""
    title = ax.title
    if title.get_text():
        ax.set_title(title.get_text(), fontsize=title.get_fontsize(),
                     fontweight=title.get_fontweight(), parse_math=title.get_parse_math(),
                     y=1.0, pad=pad)


def _offset_text(ax, renderer):
    """The y axis' offset text (such as 1e6, above the Axes' top left corner) as the
    measurement left it, relative to that corner, in pixels: (x0, y0, x1, y1), or None."""
    offset = ax.yaxis.offsetText
    if not (offset.get_visible() and offset.get_text()):
        return None
    box, corner = offset.get_window_extent(renderer), ax.bbox
    return box.x0 - corner.x0, box.y0 - corner.y1, box.x1 - corner.x0, box.y1 - corner.y1


def _title_lift(ax, offset, lifted: float, renderer) -> float:
    """How many points ``ax``'s title, now ``lifted`` points above its usual place, must be
    above that place to clear its y axis' offset text where the Axes now are (0 if they do
    not overlap): as in matplotlib's own placing, the title's pad then counts from the top
    of that text instead of the Axes'."""
    from matplotlib.transforms import Bbox

    title = ax.title
    if offset is None or not title.get_text():
        return 0.0
    x0, y0, x1, y1 = offset
    corner = ax.bbox
    below = Bbox.from_extents(corner.x0 + x0, corner.y1 + y0, corner.x0 + x1, corner.y1 + y1)
    box = title.get_window_extent(renderer).translated(0, -lifted * ax.figure.dpi / 72)
    if below.y1 <= box.y0 or not below.overlaps(box):
        return 0.0
    return (below.y1 - corner.y1) * 72 / ax.figure.dpi


def _where(ax) -> dict:
    """Where the last measurement put ``ax``'s axis labels: each label's anchor, along the
    axis as a share of it and across it as pixels from the Axes' edge, which stay the same
    when the Axes are moved or resized (the tick labels between keep their size)."""
    box = ax.bbox
    to_axes = ax.transAxes.inverted()
    where = {}
    for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
        label = axis.label
        if not (label.get_visible() and label.get_text()):
            continue
        anchor = label.get_transform().transform(label.get_position())
        along = to_axes.transform(anchor)
        where[name] = (along[0], anchor[1] - box.y0) if name == "x" else \
            (anchor[0] - box.x0, along[1])
    return where


def _pin(ax, where: dict) -> None:
    """Fix ``ax``'s axis labels at the places ``where`` recorded, in its new size: drawing
    then leaves them there instead of measuring the tick labels again to find them."""
    box = ax.bbox
    if "x" in where:
        along, pixels = where["x"]
        ax.xaxis.set_label_coords(along, pixels / box.height)
    if "y" in where:
        pixels, along = where["y"]
        ax.yaxis.set_label_coords(pixels / box.width, along)


def chart_key(example) -> str:
    blob = json.dumps({"renderer": RENDERER_VERSION, "name": example.name,
                       "chart": example.chart.to_dict()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def cached_png(example, directory: Path | None = None) -> Path:
    """The PNG for ``example``'s chart, drawn unless a whole one is in the cache already.

    A cached file that is not a complete PNG (empty, cut short, scribbled on: see
    quizzer.system.cache.png_is_whole) is drawn again over it. Raises OSError if it must be drawn
    and the cache cannot be written (the caller shows the screen without the plot).
    """
    from quizzer.system import cache

    path = cache.plot_path(example.name, chart_key(example), directory)
    if cache.png_is_whole(path):
        cache.used(path)
    else:
        save_png(draw_again(example.chart), path)
        cache.plot_written(path)  # the cache's bound (quizzer.system.cache.PLOTS)
    return path


def save_png(fig, path: Path) -> Path:
    """Write ``fig`` to ``path`` atomically (temporary file in the same folder, then rename)."""
    from quizzer.system.cache import write_atomically

    fit(fig)
    return write_atomically(path, lambda handle: write_png(fig, handle))


# zlib's fastest level: a deck's charts took a tenth of their drawing time to compress at
# PIL's default (6), 0.7 of that at 1, and the files are the same size within a few per cent
# (flat colours and anti-aliased lines compress well either way).
PNG_COMPRESS_LEVEL = 1


def write_png(fig, handle) -> None:
    """Draw ``fig`` and write it to the binary file ``handle`` as a PNG, as ``savefig`` does
    (same pixels, the figure's dpi recorded, no Software text), but compressed at
    :data:`PNG_COMPRESS_LEVEL` and without an alpha channel when every pixel is opaque (our
    figures have a white background): a fourth fewer bytes to compress, the same picture."""
    from PIL import Image

    fig.canvas.draw()
    width, height = fig.canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), fig.canvas.buffer_rgba(), "raw",
                             "RGBA", 0, 1)
    if image.getextrema()[3] == (255, 255):
        image = image.convert("RGB")
    image.save(handle, format="png", compress_level=PNG_COMPRESS_LEVEL,
               dpi=(fig.dpi, fig.dpi))


def example_json(example, png: Path | None) -> dict[str, Any]:
    data = example.to_dict()
    data["figure"] = str(png) if png else None
    return data
