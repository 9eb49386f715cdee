"""The small plots on printed card backs: drawn once per chart, fitted, placed as images.

A deck repeats its worked examples: 350 cards show about 106 distinct charts. Set as vector
graphics, every inset costs tens of milliseconds of Axes layout and text, card after card.
So each distinct chart is drawn once, with Agg, at print resolution, and placed wherever it
recurs (at one size per chart: see flashcards.lay_out): the PDF library embeds one image
object per chart (it recognises the same pixels) and every card refers to it.

An inset is about 3.5 x 1 inches, so its margins matter: a long axis label, rotated category
names or a two-line title would run off the edge with fixed margins. Each inset is drawn
with margins guessed from its labels, then every piece of text is checked against the
figure's edges; if any would be cut, the margins grow by exactly the overflow (a title too
wide is wrapped) and it is drawn again. Text is never cut off, here as on the cards. Long
category names, slanted in the full-size figure, lie flat on up to three alternating rows
here (slanted, they took half of a one-inch inset), and tick labels that would touch are
thinned to every k-th.
"""

from __future__ import annotations

import json
import math
import textwrap

INSET_DPI = 220  # print resolution of the insets (a plot a few centimetres wide)
EDGE_IN = 0.03  # clear space kept between any text and the inset's edge
MIN_LABEL_PT = 4.0  # a y label is set smaller, down to this, rather than squash the axes
SLACK_IN = 0.005  # text this far into that space (a pixel) is not worth another drawing
_CACHE: dict = {}  # key(panel, width, height) -> RGB pixels, per process


def key(panel, width_in: float, height_in: float) -> tuple:
    return (json.dumps(panel.to_dict(), sort_keys=True), round(width_in, 4),
            round(height_in, 4))


# matplotlib's defaults, in points: tick length and pad, axis label pad, title pad, leading.
_TICK_PT, _LABELPAD_PT, _TITLEPAD_PT, _LEADING = 7.0, 4.0, 6.0, 1.2


class _Measure:
    """Text extents in inches, from the Agg renderer, without drawing anything."""

    def __init__(self, renderer, dpi: float):
        from matplotlib.font_manager import FontProperties

        self.renderer, self.dpi, self.props = renderer, dpi, FontProperties

    def width(self, text: str, size: float) -> float:
        return max((self.renderer.get_text_width_height_descent(
            line, self.props(size=size), ismath=False)[0] for line in text.split("\n")),
            default=0.0) / self.dpi

    @staticmethod
    def height(text: str, size: float) -> float:
        return (text.count("\n") + 1) * size * _LEADING / 72 if text else 0.0


def _first_guess(ax, panel, measure: _Measure, height_in: float, rows: int) -> list[float]:
    """Margins in inches (left, bottom, right, top) from the sizes of the texts around the
    axes; the tick labels of a numeric axis are guessed (drawing decides them). Wraps a y
    label that would be taller than the inset onto two or three lines."""
    tick_pt = ax.xaxis.get_ticklabels()[0].get_fontsize() if ax.xaxis.get_ticklabels() \
        else ax.yaxis.label.get_fontsize() - 0.5
    tick = _TICK_PT / 72

    def ticks(names: list, log: bool) -> tuple[float, float]:
        """Widest and tallest tick label in inches (widths of guessed numbers if no names)."""
        names = [str(n) for n in names] or (["10\u207b\u00b9\u00b2"] if log else ["\u22120.00"])
        return max(measure.width(n, tick_pt) for n in names), tick_pt * _LEADING / 72

    categories = [x for s in panel.series for x in s.x] if panel.kind == "bars" else \
        list(panel.x_ticks or ()) if panel.kind == "heatmap" else []
    x_width, x_height = ticks(list(dict.fromkeys(categories)), panel.x_log)
    labels = ax.xaxis.get_ticklabels()
    angle = math.radians(labels[0].get_rotation()) if labels else 0.0
    # Flat on one row or more, or turned (the figure's 30 degrees, or upright).
    x_block = rows * x_height if rows else \
        x_width * math.sin(angle) + x_height * math.cos(angle)
    x_label = ax.xaxis.label
    bottom = EDGE_IN + measure.height(x_label.get_text(), x_label.get_fontsize()) \
        + (_LABELPAD_PT / 72 if x_label.get_text() else 0) + x_block + tick
    title = ax.title
    top = EDGE_IN + measure.height(title.get_text(), title.get_fontsize()) + _TITLEPAD_PT / 72

    y_label = ax.yaxis.label
    text, size = y_label.get_text(), y_label.get_fontsize()
    if text and "\n" not in text:
        # The label is centred on the axes; wrap it if it would cross the top or bottom.
        centre = bottom + (height_in - bottom - top) / 2
        room = 2 * (min(centre, height_in - centre) - EDGE_IN)
        for lines in (2, 3):
            if measure.width(text, size) <= room:
                break
            text = textwrap.fill(y_label.get_text(), -(-len(y_label.get_text()) // lines) + 3)
            ax.set_ylabel(text, fontsize=size, parse_math=False)
    names = list(panel.y_ticks or ()) if panel.kind == "heatmap" else []
    y_width = ticks(names, panel.y_log)[0]
    left = EDGE_IN + measure.height(text, size) + (_LABELPAD_PT / 72 if text else 0) \
        + y_width + tick
    return [left, bottom, 0.08, top]


def _stagger(ax, measure: _Measure, width_in: float) -> int:
    """Set slanted category names flat, on up to three alternating rows (smaller, down to
    MIN_LABEL_PT, if need be), when each fits in that many slots; else upright. Returns the
    rows used (0: the names are turned, not flat).

    The full-size figure slants long names at 30 degrees; in a one-inch inset that takes
    half the height, and in a narrow one the slanted names run into each other. Flat names
    on k rows take k text lines, and each name has k slots to spread into.
    """
    labels = ax.xaxis.get_ticklabels()
    if len(labels) < 2 or labels[0].get_rotation() == 0:
        return 0
    slot = (width_in - 0.8) / len(labels)  # about the axes' width, shared out
    start = labels[0].get_fontsize()
    fits = ((size, rows) for size in (start, start - 0.5, start - 1.0, MIN_LABEL_PT)
            if size >= MIN_LABEL_PT for rows in (1, 2, 3)
            if max(measure.width(t.get_text(), size) for t in labels) <= (rows - 0.1) * slot)
    size, rows = next(fits, (start, 0))
    if not rows:  # too long even for three slots at the smallest size: upright
        for label in labels:
            label.set_rotation(90)
            label.set_horizontalalignment("center")
        return 0
    from matplotlib.transforms import ScaledTranslation

    drop = size * _LEADING / 72  # one line, in inches
    for n, label in enumerate(labels):
        label.set_rotation(0)
        label.set_horizontalalignment("center")
        label.set_fontsize(size)
        if n % rows:  # a lower row: moved down by whole lines, an offset in inches
            label.set_transform(label.get_transform() + ScaledTranslation(
                0, -drop * (n % rows), ax.figure.dpi_scale_trans))
    return rows


def _thin(axis, renderer) -> bool:
    """Hide tick labels so that those left (every k-th) do not touch; True if any were.

    Ten confusion-matrix rows in a one-inch inset have no room for ten labels; every other
    one still says which row is which."""
    labels = [t for t in _tick_labels(axis) if t.get_visible() and t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in labels]

    def clear(step: int) -> bool:
        kept = boxes[::step]
        return not any(a.overlaps(b) for a, b in zip(kept, kept[1:]))

    step = next((k for k in range(1, len(labels) + 1) if clear(k)), 1)
    for n, label in enumerate(labels):
        if n % step:
            label.set_visible(False)
    return step > 1


def _tick_labels(axis) -> list:
    """The labels of the ticks drawn: those inside the view (the axis keeps others around)."""
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-9
    return [tick.label1 for tick in axis.get_major_ticks()
            if low - slack <= tick.get_loc() <= high + slack]


def _texts(fig, ax) -> list:
    """Every visible, non-empty piece of text the inset shows."""
    texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts,
             *_tick_labels(ax.xaxis), *_tick_labels(ax.yaxis)]
    for other in fig.axes:  # a colour bar, if any
        if other is not ax:
            texts += [*_tick_labels(other.yaxis), other.yaxis.label]
    return [t for t in texts if t.get_visible() and t.get_text()]


def _overflow(fig, ax, renderer) -> tuple[list[float], bool, float]:
    """Inches by which text crosses each edge (left, bottom, right, top); whether the title
    is too wide to sit centred over the axes (it needs wrapping); and the factor by which the
    y label's font would have to shrink to stay inside (1 if it is inside: a smaller
    font is better than the margins it would take, which squash the axes)."""
    from matplotlib.transforms import Bbox

    dpi = fig.dpi
    edge = EDGE_IN * dpi
    width, height = fig.bbox.width, fig.bbox.height
    y_label = ax.yaxis.label
    texts = [t for t in _texts(fig, ax) if t is not y_label]
    box = Bbox.union([t.get_window_extent(renderer) for t in texts])
    over = [edge - box.x0, edge - box.y0, box.x1 - (width - edge), box.y1 - (height - edge)]
    shrink = 1.0
    if y_label.get_visible() and y_label.get_text():
        label = y_label.get_window_extent(renderer)
        over[0] = max(over[0], edge - label.x0)
        # Centred on the axes, the label moves half as far as a margin grows.
        cross = max(edge - label.y0, label.y1 - (height - edge), 0.0)
        if cross > SLACK_IN * dpi:
            shrink = (label.height - 2 * cross) / label.height
            over[1] = max(over[1], 2 * (edge - label.y0))
            over[3] = max(over[3], 2 * (label.y1 - (height - edge)))
    title = ax.title.get_window_extent(renderer) if ax.title.get_text() else None
    # Centred over the axes, the title must fit on both sides of their centre.
    centre = (ax.bbox.x0 + ax.bbox.x1) / 2
    too_wide = title is not None and title.width / 2 > min(centre, width - centre) - edge
    return [max(0.0, o / dpi) for o in over], too_wide, shrink


def draw(panel, width_in: float, height_in: float):
    """The panel drawn compact at the inset's size, fitted: RGB pixels, shape (height_in *
    INSET_DPI, width_in * INSET_DPI, 3), uint8, rows top-down."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from quizzer.render.figures import draw_panel

    fig = Figure(figsize=(width_in, height_in), dpi=INSET_DPI)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    draw_panel(fig, ax, panel, compact=True)
    ax.set_title(panel.title, fontsize=ax.title.get_fontsize(), parse_math=False)
    measure = _Measure(canvas.get_renderer(), fig.dpi)
    rows = _stagger(ax, measure, width_in)
    margins = _first_guess(ax, panel, measure, height_in, rows)
    for _ in range(6):  # each pass only grows margins; in practice one or two suffice
        left, bottom, right, top = margins
        ax.set_position((left / width_in, bottom / height_in,
                         (width_in - left - right) / width_in,
                         (height_in - bottom - top) / height_in))
        canvas.draw()
        over, too_wide, shrink = _overflow(fig, ax, canvas.get_renderer())
        if too_wide and "\n" not in ax.title.get_text():
            ax.set_title(textwrap.fill(panel.title, -(-len(panel.title) // 2) + 4),
                         fontsize=ax.title.get_fontsize(), parse_math=False)
            continue
        size = ax.yaxis.label.get_fontsize()
        if shrink < 1 and size > MIN_LABEL_PT:
            ax.yaxis.label.set_fontsize(max(MIN_LABEL_PT, size * shrink * 0.97))
            continue
        if not any(o > SLACK_IN for o in over):
            if _thin(ax.xaxis, canvas.get_renderer()) | _thin(ax.yaxis, canvas.get_renderer()):
                continue  # labels were hidden: draw again without them
            break
        # Grow by the overflow and a little more: the title moves up with the axes' top.
        margins = [m + o + (0.02 if o > 0 else 0.0) for m, o in zip(margins, over)]
    # Opaque RGB rows top-down, as an image file holds them: the figure's white background
    # shows through any transparency, so the alpha channel carries nothing.
    rgba = np.asarray(canvas.buffer_rgba()).astype(np.uint16)
    alpha = rgba[..., 3:]
    rgb = (rgba[..., :3] * alpha + 255 * (255 - alpha) + 127) // 255
    return np.ascontiguousarray(rgb.astype(np.uint8))


def pixels(panel, width_in: float, height_in: float):
    """The inset's pixels, drawn at most once per process."""
    k = key(panel, width_in, height_in)
    if k not in _CACHE:
        _CACHE[k] = draw(panel, width_in, height_in)
    return _CACHE[k]


def prepare(wanted: dict) -> None:
    """Draw every inset in ``wanted`` (key -> (panel, width, height)) not drawn yet."""
    for k, args in wanted.items():
        if k not in _CACHE:
            _CACHE[k] = draw(*args)
