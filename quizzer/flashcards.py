"""Printable, duplex-aligned flashcard sheets as a PDF (matplotlib PdfPages, Figure API).

Each sheet is two pages: the fronts, then the backs. When the sheet is printed double-sided,
the back of a card must land exactly behind its front. Turning a sheet over its long edge
(the usual duplex setting) mirrors it left-right, so the backs page mirrors the *columns*;
turning it over the short edge mirrors it top-bottom, so the backs page mirrors the *rows*.
``--back-offset`` shifts every back by a few millimetres for printers whose two sides do not
line up.

Text is never clipped silently. Every face is laid out before anything is drawn: wrapped to
the card's width with measured glyph widths, and if it is too tall, set again in a smaller
size, down to a readable floor (and the plot inset shrunk). Faces that still do not fit are
reported by card id.

Output is reproducible: Type 42 (TrueType) fonts embedded, no mathtext (a ``$`` stays a
dollar), and with SOURCE_DATE_EPOCH set the same input gives byte-identical files.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from matplotlib.artist import Artist

from quizzer import __version__, insets
from quizzer.bank import Bank
from quizzer.card_content import CardContent

MM = 1 / 25.4  # inches per millimetre
PAPERS = {"a4": (210 * MM, 297 * MM), "letter": (8.5, 11.0)}
MARGIN = 10 * MM
PAD = 3.2 * MM  # inside each card
FLOOR_PT = 6.0  # smallest body text we set; below this a printed card is hard to read
LINE = 1.22  # line height as a multiple of the font size
INSETS = (0.48, 0.40)  # share of the card height for the plot, preferred then smallest
MIN_INSET_IN = 0.95  # below this an inset has no room for its axes between title and labels
FONT = "DejaVu Sans"


# ------------------------------------------------------------------------------ the type

@dataclass(frozen=True)
class Block:
    """A paragraph set in type. ``scale`` multiplies the face's body size."""

    text: str
    bold: bool = False
    scale: float = 1.0
    indent: str = ""  # hanging indent text, e.g. "A) "
    gap_before: float = 0.35  # in lines


@dataclass(frozen=True)
class Face:
    header: str  # left of the header line: the topic title
    ident: str  # right of it: the card kind on a front (no id: it could give the answer
    #             away), the card id on a back
    blocks: tuple
    start_pt: float = 9.0
    chart: object = None  # an Example.chart for the inset, or None


@dataclass(frozen=True)
class PrintCard:
    id: str
    topic: str
    front: Face
    back: Face


# How each content role is set: (bold, scale, gap before in lines). A choice's letter hangs.
STYLES = {"front": (True, 1.0, 0.35), "prompt": (False, 1.0, 0.35),
          "choice": (False, 1.0, 0.25), "hint": (False, 0.85, 0.6),
          "answer": (True, 1.0, 0.35), "answer-choice": (True, 1.0, 0.15),
          "back": (False, 1.0, 0.35), "explanation": (False, 1.0, 0.35),
          "finding": (False, 0.9, 0.35)}


def _blocks(paragraphs: tuple) -> tuple:
    blocks = []
    for paragraph in paragraphs:
        bold, scale, gap = STYLES[paragraph.role]
        blocks.append(Block(paragraph.text, bold, scale,
                            f"{paragraph.label}) " if paragraph.label else "",
                            gap if blocks else 0.0))
    return tuple(blocks)


def print_card(content: CardContent) -> PrintCard:
    """The content of one card in type: a concept card's front is one bold line, larger."""
    concept = content.kind == "card"
    return PrintCard(content.id, content.topic,
                     Face(content.topic_title, content.kind_label, _blocks(content.front),
                          12.0 if concept else 9.0),
                     Face(content.topic_title, content.id, _blocks(content.back),
                          9.5 if concept else 8.5, content.chart))


def print_cards(bank: Bank, what: str, topics: list[str] | None, plots: bool,
                workers: int = 1) -> list[PrintCard]:
    """Cards then questions (or one kind), topic by topic, set in type (see card_content)."""
    from quizzer.card_content import deck

    return [print_card(content) for content in deck(bank, what, topics, plots, workers)]


# ------------------------------------------------------------------------------ measuring

class Measure:
    """String widths in points from per-glyph advances (fast; kerning only narrows text)."""

    def __init__(self):
        from matplotlib.backends.backend_agg import RendererAgg
        from matplotlib.font_manager import FontProperties

        self.renderer = RendererAgg(10, 10, 72)
        self.props = {bold: FontProperties(family=FONT, size=100,
                                           weight="bold" if bold else "normal")
                      for bold in (False, True)}
        self.cache: dict[tuple, float] = {}
        self.words: dict[tuple, float] = {}

    def char(self, ch: str, bold: bool) -> float:
        key = (ch, bold)
        if key not in self.cache:
            # Width of "x<ch>x" minus "xx": includes the side bearings as set in a line.
            w = self.renderer.get_text_width_height_descent(f"x{ch}x", self.props[bold],
                                                            ismath=False)[0]
            base = self.renderer.get_text_width_height_descent("xx", self.props[bold],
                                                               ismath=False)[0]
            self.cache[key] = (w - base) / 100
        return self.cache[key]

    def width(self, text: str, size: float, bold: bool) -> float:
        key = (text, bold)
        ems = self.words.get(key)
        if ems is None:  # a deck measures the same words over and over, at several sizes
            ems = self.words[key] = sum(self.char(ch, bold) for ch in text)
        return ems * size * 1.02  # 2% safety


def wrap(text: str, width_pt: float, size: float, bold: bool, measure: Measure) -> list[str]:
    """Greedy word wrap to ``width_pt``; a word longer than a line is split by characters."""
    space = measure.width(" ", size, bold)
    lines: list[str] = []
    line, used = "", 0.0
    for word in text.split():
        w = measure.width(word, size, bold)
        while w > width_pt:  # a word longer than a line (an identifier): split it
            cut = len(word) - 1
            while cut > 1 and measure.width(word[:cut], size, bold) > width_pt:
                cut -= 1
            if line:
                lines.append(line)
            lines.append(word[:cut])
            line, used = "", 0.0
            word = word[cut:]
            w = measure.width(word, size, bold)
        if line and used + space + w > width_pt:
            lines.append(line)
            line, used = word, w
        else:
            line, used = (f"{line} {word}", used + space + w) if line else (word, w)
    if line:
        lines.append(line)
    return lines


# ------------------------------------------------------------------------------ layout

HEADER_PT = 6.0


@dataclass(frozen=True)
class Placed:
    """A block set in type: its lines, where it starts below the text top, and its size."""

    lines: tuple
    indent: str
    hang_pt: float
    top_pt: float
    size: float
    bold: bool


@dataclass(frozen=True)
class Laid:
    face: Face
    blocks: tuple
    inset_share: float  # of the card's inner height, at the bottom; 0 for no plot
    fits: bool


def layout_face(face: Face, width_pt: float, height_pt: float, measure: Measure,
                inset_shares: tuple = INSETS) -> Laid:
    """Set ``face`` as large as it fits: body size from start down to FLOOR_PT, and the
    plot inset from its preferred share down to its smallest."""
    shares = [share for share in inset_shares if share * height_pt / 72 >= MIN_INSET_IN]
    if face.chart is None or not face.chart.panels:
        shares = []
    text_top = HEADER_PT * LINE + 2.0
    size = face.start_pt
    while True:
        placed = _set_blocks(face, width_pt, size, measure)
        last = placed[-1]
        used = last.top_pt + len(last.lines) * last.size * LINE
        for share in shares or [0.0]:
            room = height_pt - text_top - (share * height_pt + 4.0 if share else 0.0)
            if used <= room:
                return Laid(face, tuple(_shift(placed, text_top)), share, True)
        if size - 0.5 < FLOOR_PT - 1e-9:
            # Text comes first: at the floor size a plot that leaves too little room is left
            # off (the caller reports it); text that still does not fit is an overflow.
            fits = used <= height_pt - text_top
            return Laid(face, tuple(_shift(placed, text_top)), 0.0, fits)
        size -= 0.5


def _set_blocks(face: Face, width_pt: float, size: float, measure: Measure) -> list[Placed]:
    placed = []
    y = 0.0
    for block in face.blocks:
        block_size = max(FLOOR_PT * 0.9, size * block.scale)
        hang = measure.width(block.indent + " ", block_size, block.bold) if block.indent else 0.0
        lines = wrap(block.text, width_pt - hang, block_size, block.bold, measure)
        if placed:
            y += block.gap_before * block_size * LINE
        placed.append(Placed(tuple(lines), block.indent, hang, y, block_size, block.bold))
        y += len(lines) * block_size * LINE
    return placed


def _shift(blocks: list[Placed], by: float) -> list[Placed]:
    import dataclasses

    return [dataclasses.replace(b, top_pt=b.top_pt + by) for b in blocks]


@dataclass(frozen=True)
class Geometry:
    """Where each card sits on a page, in inches from the bottom-left corner."""

    paper: str
    cols: int
    rows: int
    flip: str  # long | short
    back_offset: tuple = (0.0, 0.0)  # millimetres, right and up

    @property
    def page(self) -> tuple:
        return PAPERS[self.paper]

    @property
    def card(self) -> tuple:
        width, height = self.page
        return ((width - 2 * MARGIN) / self.cols, (height - 2 * MARGIN) / self.rows)

    @property
    def per_sheet(self) -> int:
        return self.cols * self.rows

    def slot(self, index: int, back: bool) -> tuple:
        """(x, y, w, h) of card ``index`` (0-based on its sheet) on the front or back page."""
        col, row = index % self.cols, index // self.cols
        if back and self.flip == "long":
            col = self.cols - 1 - col
        elif back:
            row = self.rows - 1 - row
        w, h = self.card
        x = MARGIN + col * w
        y = self.page[1] - MARGIN - (row + 1) * h
        if back:
            x += self.back_offset[0] * MM
            y += self.back_offset[1] * MM
        return (x, y, w, h)


# ------------------------------------------------------------------------------ drawing

def _draw_face(fig, laid: Laid, slot: tuple, page: tuple) -> None:
    x, y, w, h = slot
    pw, ph = page
    fig.add_artist(_outline(x / pw, y / ph, w / pw, h / ph))
    left = x + PAD
    top = y + h - PAD
    inner_w = w - 2 * PAD
    face = laid.face
    fig.add_artist(_Body(laid.blocks, face.header, face.ident, left * 72, top * 72,
                         inner_w * 72))
    if laid.inset_share and face.chart is not None:
        box = _inset_box(laid, slot)
        fig.add_artist(_Stamp(insets.pixels(face.chart.panels[0], box[2], box[3]), box))


# ------------------------------------------------------------------------------ plot insets

def _inset_box(laid: Laid, slot: tuple) -> tuple:
    """(x, y, w, h) in inches of the plot inset at the bottom of a card face."""
    x, y, w, h = slot
    return (x + PAD, y + PAD, w - 2 * PAD, laid.inset_share * (h - 2 * PAD))


def _draw_insets(laid: list, geometry: Geometry, first_sheet: int, sheets: int) -> None:
    """Draw, in this process, every distinct inset the given sheets show."""
    per = geometry.per_sheet
    wanted = {}
    for index in range(first_sheet * per, min(len(laid), (first_sheet + sheets) * per)):
        back = laid[index][1]
        if back.inset_share and back.face.chart is not None:
            box = _inset_box(back, geometry.slot(index % per, back=True))
            panel = back.face.chart.panels[0]
            wanted.setdefault(insets.key(panel, box[2], box[3]), (panel, box[2], box[3]))
    insets.prepare(wanted)


class _Body(Artist):
    """A face's header and text blocks, set line by line where the layout put them.

    The lines are already wrapped and placed (layout_face measured them), so each goes
    straight to the renderer: a matplotlib Text would measure every line again, and text
    is most of the time an export takes.
    """

    ASCENT = 0.93  # DejaVu Sans ascender, in em: the first baseline below a line's top

    def __init__(self, blocks: tuple, header: str, ident: str, left_pt: float, top_pt: float,
                 width_pt: float):
        super().__init__()
        self.blocks = blocks
        self.header = header
        self.ident = ident
        self.left_pt = left_pt
        self.top_pt = top_pt
        self.width_pt = width_pt

    def draw(self, renderer) -> None:
        from matplotlib.font_manager import FontProperties

        from quizzer.pdf_text import line_setter

        setter = line_setter(renderer)
        gc = renderer.new_gc()
        # The header line: the topic on the left (grey), the card id on the right (lighter).
        small = FontProperties(family=FONT, size=HEADER_PT)
        smaller = FontProperties(family=FONT, size=HEADER_PT - 0.5)
        baseline = self.top_pt - self.ASCENT * HEADER_PT
        gc.set_foreground("0.45")
        setter.line(gc, self.left_pt, baseline, self.header, small)
        gc.set_foreground("0.6")
        setter.line(gc, self.left_pt + self.width_pt - setter.width(self.ident, smaller),
                    baseline, self.ident, smaller)
        gc.set_foreground("black")
        for block in self.blocks:
            prop = FontProperties(family=FONT, size=block.size,
                                  weight="bold" if block.bold else "normal")
            baseline = self.top_pt - block.top_pt - self.ASCENT * block.size
            if block.indent:
                bold = FontProperties(family=FONT, size=block.size, weight="bold")
                setter.line(gc, self.left_pt, baseline, block.indent.strip(), bold)
            for n, line in enumerate(block.lines):
                setter.line(gc, self.left_pt + block.hang_pt, baseline - n * block.size * LINE,
                            line, prop)
        gc.restore()


class _Stamp(Artist):
    """Places one pixel array; given the same array, the PDF embeds it only once.

    matplotlib's PDF backend keeps one image object per array it is handed (by identity),
    whereas an AxesImage would resample into a new array for every card.
    """

    def __init__(self, pixels, box: tuple):
        super().__init__()
        self.pixels = pixels
        self.box = box

    def draw(self, renderer) -> None:
        x, y, w, h = self.box
        gc = renderer.new_gc()
        # PDF user space is in points and the page's image resolution is INSET_DPI, so the
        # pixels span exactly their box.
        renderer.draw_image(gc, x * 72, y * 72, self.pixels)
        gc.restore()


def _outline(x, y, w, h):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, fill=False, edgecolor="0.8", linewidth=0.4,
                     linestyle=(0, (3, 3)))


def lay_out(cards: list[PrintCard], geometry: Geometry) -> tuple[list, list[str], list[str]]:
    """Every face set in type; the ids of cards that do not fit at the floor size, and of
    cards whose plot was left off so that their text fits."""
    measure = Measure()
    w, h = geometry.card
    width_pt, height_pt = (w - 2 * PAD) * 72, (h - 2 * PAD) * 72
    laid, overflow, unplotted = [], [], []
    for card in cards:
        front = layout_face(card.front, width_pt, height_pt, measure)
        back = layout_face(card.back, width_pt, height_pt, measure)
        if not (front.fits and back.fits):
            overflow.append(card.id + ("" if front.fits else " (front)")
                            + ("" if back.fits else " (back)"))
        elif card.back.chart is not None and card.back.chart.panels and not back.inset_share:
            unplotted.append(card.id)
        laid.append((front, back))
    _one_size_per_chart(laid, width_pt, height_pt, measure)
    return laid, overflow, unplotted


def _one_size_per_chart(laid: list, width_pt: float, height_pt: float, measure: Measure) -> None:
    """Give every card showing the same chart the smallest inset any of them needed.

    The same plot at one size throughout the deck looks consistent, and is drawn once: the
    built-in deck has 106 distinct charts, which at two sizes were 132 drawings. A card
    whose plot shrinks only gains room for its text.
    """
    import json

    smallest: dict[str, float] = {}
    keys = []
    for _, back in laid:
        key = json.dumps(back.face.chart.to_dict(), sort_keys=True) if back.inset_share else ""
        keys.append(key)
        if key:
            smallest[key] = min(smallest.get(key, back.inset_share), back.inset_share)
    for n, ((front, back), key) in enumerate(zip(laid, keys)):
        if key and back.inset_share > smallest[key]:
            laid[n] = (front, layout_face(back.face, width_pt, height_pt, measure,
                                          (smallest[key],)))


def _render_sheets(laid: list, geometry: Geometry, first_sheet: int, sheets: int,
                   path: str, metadata: dict, progress: Callable[[int], None] | None = None
                   ) -> int:
    """Draw ``sheets`` sheets from ``first_sheet`` into the PDF ``path``; return the cards.

    Each sheet's insets are drawn just before it (so ``progress`` moves sheet by sheet),
    outside the PDF settings: those are for the pages, and the insets must look the same
    whichever process draws them and when."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    per = geometry.per_sheet
    pw, ph = geometry.page
    pages = {"pdf.fonttype": 42, "font.family": FONT, "axes.unicode_minus": False}
    with matplotlib.rc_context(pages):
        pdf = PdfPages(path, metadata=metadata)
    try:
        for sheet in range(first_sheet, first_sheet + sheets):
            _draw_insets(laid, geometry, sheet, 1)
            batch = laid[sheet * per:(sheet + 1) * per]
            with matplotlib.rc_context(pages):
                for back in (False, True):
                    # The page's dpi only sets image resolution: the insets' own.
                    fig = Figure(figsize=geometry.page, dpi=insets.INSET_DPI)
                    for i in range(per):  # the last sheet is padded with empty outlines
                        slot = geometry.slot(i, back)
                        if i < len(batch):
                            _draw_face(fig, batch[i][1 if back else 0], slot, geometry.page)
                        else:
                            fig.add_artist(_outline(slot[0] / pw, slot[1] / ph,
                                                    slot[2] / pw, slot[3] / ph))
                    pdf.savefig(fig)
            if progress:
                progress(len(batch))
    finally:
        with matplotlib.rc_context(pages):  # the fonts are embedded as the file closes
            pdf.close()
    return min(len(laid), (first_sheet + sheets) * per) - first_sheet * per


def _metadata(geometry: Geometry, topics: list[str]) -> dict:
    return {"Title": "quizzer flashcards",
            "Subject": "AWS ML exam flashcards: " + ", ".join(topics),
            "Creator": f"quizzer {__version__}",
            "Keywords": f"{geometry.paper} {geometry.cols}x{geometry.rows} flip-{geometry.flip}"}


def write_pdf(laid: list, geometry: Geometry, out: Path, topics: list[str],
              progress: Callable[[int], None] = lambda n: None,
              workers: int | None = None) -> int:
    """Draw the sheets into ``out`` atomically; return the number of sheets.

    Drawing the plot insets (about 130 distinct ones, tens of milliseconds each) is most of
    an export's time, so the sheets are drawn in chunks on every core, each worker drawing
    the insets its own sheets show (cards are in topic order, so two chunks share few), and
    the parts are joined in order with pypdf. Each part embeds its own font subset; the
    pages are exactly those a single process would draw.
    """
    per = geometry.per_sheet
    sheets = max(1, -(-len(laid) // per))
    workers = max(1, min(workers or os.cpu_count() or 1, sheets // 2 or 1))
    out = Path(out)
    metadata = _metadata(geometry, topics)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}-", suffix=".pdf", dir=out.parent)
    os.close(fd)
    try:
        if workers == 1:
            _render_sheets(laid, geometry, 0, sheets, tmp, metadata, progress)
        else:
            _render_in_parallel(laid, geometry, sheets, workers, tmp, metadata, progress)
        from quizzer.cache import mode_for

        os.chmod(tmp, mode_for(out))  # mkstemp's 0600 -> what open() would give (umask)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sheets


_SHEETS_DONE = None  # in a worker: the queue its progress goes to (inherited by fork)


def _report_sheet(cards: int) -> None:
    _SHEETS_DONE.put(cards)


def _render_in_parallel(laid: list, geometry: Geometry, sheets: int, workers: int, out: str,
                        metadata: dict, progress: Callable[[int], None]) -> None:
    import multiprocessing
    import queue
    from concurrent.futures import ProcessPoolExecutor

    from pypdf import PdfWriter

    global _SHEETS_DONE
    # One part per worker: each part pays for its own font subsetting (a fraction of a
    # second). fork: workers inherit the imported matplotlib, the laid-out cards, and the
    # queue that carries each finished sheet back to the progress bar.
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    chunk = -(-sheets // workers)
    starts = list(range(0, sheets, chunk))
    with tempfile.TemporaryDirectory(prefix="quizzer-pdf-") as parts_dir:
        parts = [os.path.join(parts_dir, f"part-{i:04d}.pdf") for i in range(len(starts))]
        forked = context.get_start_method() == "fork"
        _SHEETS_DONE = context.Queue() if forked else None
        try:
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                futures = [pool.submit(_render_sheets, laid, geometry, start,
                                       min(chunk, sheets - start), part, metadata,
                                       _report_sheet if forked else None)
                           for start, part in zip(starts, parts)]
                while forked and not all(f.done() for f in futures):
                    try:
                        progress(_SHEETS_DONE.get(timeout=0.1))
                    except queue.Empty:
                        pass
                for future in futures:  # re-raises a worker's error
                    cards = future.result()
                    if not forked:
                        progress(cards)
            while forked:  # what arrived after the last check
                try:
                    progress(_SHEETS_DONE.get_nowait())
                except queue.Empty:
                    break
        finally:
            _SHEETS_DONE = None
        writer = PdfWriter()
        for part in parts:
            writer.append(part)
        writer.add_metadata({f"/{k}": v for k, v in metadata.items()}
                            | {"/Producer": "quizzer with matplotlib and pypdf",
                               "/CreationDate": _pdf_date()})
        with open(out, "wb") as handle:
            writer.write(handle)


def _pdf_date() -> str:
    """Now, or SOURCE_DATE_EPOCH for reproducible builds, as a PDF date string."""
    from datetime import datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else \
        datetime.now(timezone.utc)
    return when.strftime("D:%Y%m%d%H%M%SZ")
