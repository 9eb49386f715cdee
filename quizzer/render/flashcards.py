"""Printable, duplex-aligned flashcard sheets as a PDF, typeset with fpdf2.

Each sheet is two pages: the fronts, then the backs. When the sheet is printed double-sided,
the back of a card must land exactly behind its front. Turning a sheet over its long edge
(the usual duplex setting) mirrors it left-right, so the backs page mirrors the *columns*;
turning it over the short edge mirrors it top-bottom, so the backs page mirrors the *rows*.
``--back-offset`` shifts every back by a few millimetres for printers whose two sides do not
line up.

Text is never cut silently. Every face is laid out before anything is drawn: the header
(topic title, and the card kind on a front or the card id on a back) shares one line if both
fit, else each gets its own; the body is wrapped to the card's width with the font's own
advance widths, and if it is too tall, set again in a smaller size, down to a 6 pt floor (and
the plot inset shrunk). Faces that still do not fit are reported by card id; with
``--allow-overflow`` they are printed cut at the card's edge (lines past it are left out and
everything is clipped to the card).

Text in any script the installed fonts can draw (see card_fonts): DejaVu Sans, then system
fonts for what it lacks. Lines in Latin, Greek, Cyrillic and common symbols are set as they
are (fast: a deck has 6,000 lines); any other line goes through fpdf2's HarfBuzz shaping,
its Unicode bidirectional algorithm and its font fallback, so Arabic joins, Hebrew reads
right to left and a Chinese phrase takes the CJK font. A character no font has is reported.

Why fpdf2 (compared with reportlab on this job, see the commit that introduced it): it has a
font fallback chain and bidirectional text built in (reportlab needs the separate rlbidi, not
on PyPI, and has no fallback chain), it shapes with HarfBuzz like reportlab, subsets TrueType
and OpenType fonts with fontTools, embeds an image once however often it is placed, and with
a fixed creation date writes identical bytes.

The plot insets are drawn by matplotlib (quizzer.render.insets) in worker processes, once per chart,
while this process sets the sheets in order; the file is written only when complete.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from quizzer import __version__
from quizzer.content.bank import Bank
from quizzer.engine.card_content import CardContent

MM = 1 / 25.4  # inches per millimetre
PAPERS = {"a4": (210 * MM, 297 * MM), "letter": (8.5, 11.0)}
MARGIN = 10 * MM
PAD = 3.2 * MM  # inside each card
FLOOR_PT = 6.0  # smallest text we set; below this a printed card is hard to read
LINE = 1.22  # line height as a multiple of the font size
INSETS = (0.48, 0.40)  # share of the card height for the plot, preferred then smallest
MIN_INSET_IN = 0.95  # below this an inset has no room for its axes between title and labels
HEADER_PT = 6.0  # the topic title; the kind or id beside it is half a point smaller
FAMILY = "dejavu"  # fpdf2's name for DejaVu Sans in our documents


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
    from quizzer.engine.card_content import deck

    return [print_card(content) for content in deck(bank, what, topics, plots, workers)]


# ------------------------------------------------------------------------ fonts and measuring

# Blocks of characters set correctly without shaping or bidi: Latin, IPA, Greek, Cyrillic,
# Armenian, Latin and Greek extended, punctuation (not the invisible format characters
# U+2028-202F and U+2060-206F), super- and subscripts, currency, letter-like symbols,
# arrows, mathematical and technical symbols, boxes and shapes. Combining marks (U+0300-036F)
# are left out: they need shaping to sit on their letter.
_PLAIN_BLOCKS = ((0x0020, 0x0300), (0x0370, 0x0590), (0x1E00, 0x2000), (0x2010, 0x2028),
                 (0x2030, 0x2060), (0x2070, 0x2E00))


def _plain_char(char: str) -> bool:
    code = ord(char)
    return any(low <= code < high for low, high in _PLAIN_BLOCKS)


def characters_of(faces) -> set[str]:
    """Every character the faces show: headers, paragraphs, choice letters."""
    chars: set[str] = set()
    for face in faces:
        chars.update(face.header, face.ident)
        for block in face.blocks:
            chars.update(block.text, block.indent)
    return chars


_CHAINS: dict = {}


def font_chain(faces):
    """The fonts for these faces' text (card_fonts.FontChain), found once per character set."""
    from quizzer.render.card_fonts import chain_for

    chars = frozenset(characters_of(faces))
    if chars not in _CHAINS:
        _CHAINS[chars] = chain_for(set(chars))
    return _CHAINS[chars]


def missing_glyphs(cards: list[PrintCard], chain) -> list[tuple[str, str]]:
    """(card id, the characters no font has) for each card that has some."""
    out = []
    for card in cards:
        chars = characters_of([card.front, card.back]) & chain.missing
        if chars:
            out.append((card.id, "".join(sorted(chars))))
    return out


class PlainText:
    """Which strings DejaVu Sans sets correctly as they are (see _plain_char)."""

    def __init__(self, chain):
        from quizzer.render.card_fonts import characters

        self.chars = {bold: frozenset(chr(c) for c in characters(chain.faces[0][1 if bold
                                                                                else 0])
                                      if _plain_char(chr(c)))
                      for bold in (False, True)}

    def __call__(self, text: str, bold: bool) -> bool:
        return self.chars[bold].issuperset(text)


def fallback_names(chain) -> list[str]:
    return [f"fallback-{n}" for n in range(len(chain.fallbacks))]


def new_document(chain):
    """An fpdf2 document in points with the chain's fonts: DejaVu Sans as FAMILY (regular,
    bold), each fallback as fallback-N."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.c_margin = 0  # cells are our lines: no padding inside them
    (regular, bold), *rest = chain.faces
    pdf.add_font(FAMILY, "", regular.path)
    pdf.add_font(FAMILY, "B", bold.path)
    for name, (font, bold_font) in zip(fallback_names(chain), rest):
        pdf.add_font(name, "", font.path, collection_font_number=font.index)
        if bold_font is not None:
            pdf.add_font(name, "B", bold_font.path, collection_font_number=bold_font.index)
    return pdf


class Measure:
    """String widths in points, as fpdf2 sets the string: plain lines by the font's advance
    widths (memoised per string at 100 pt: they scale linearly), other lines shaped."""

    def __init__(self, chain=None):
        if chain is None:
            from quizzer.render.card_fonts import chain_for

            chain = chain_for(set())
        self.chain = chain
        self.pdf = new_document(chain)
        self.fallbacks = fallback_names(chain)
        self.is_plain = PlainText(chain)
        self.widths: dict[tuple, float] = {}

    def width(self, text: str, size: float, bold: bool) -> float:
        key = (text, bold)
        ems = self.widths.get(key)
        if ems is None:
            with shaping(self.pdf, not self.is_plain(text, bold), self.fallbacks):
                self.pdf.set_font(FAMILY, "B" if bold else "", 100)
                ems = self.widths[key] = self.pdf.get_string_width(text) / 100
        return ems * size


class shaping:
    """Within: ``pdf`` shapes text with HarfBuzz, applies bidi and falls back to the fonts
    named ``fallbacks``, if ``on``; plain lines skip all three (a hundred times faster)."""

    def __init__(self, pdf, on: bool, fallbacks: list[str]):
        self.pdf, self.on, self.fallbacks = pdf, on, fallbacks

    def __enter__(self):
        if self.on:
            self.pdf.set_text_shaping(True)
            if self.fallbacks:
                self.pdf.set_fallback_fonts(self.fallbacks, exact_match=False)

    def __exit__(self, *exc):
        if self.on:
            self.pdf.set_text_shaping(False)
            self.pdf.set_fallback_fonts([])


def right_to_left(text: str) -> bool:
    """True if the first letter with a direction is Hebrew, Arabic or another RTL script."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def wrap(text: str, width_pt: float, size: float, bold: bool, measure: Measure) -> list[str]:
    """Greedy word wrap to ``width_pt``; a word longer than a line (an identifier, or a
    phrase in a script without spaces) is split between characters."""
    space = measure.width(" ", size, bold)
    lines: list[str] = []
    line, used = "", 0.0
    for word in text.split():
        w = measure.width(word, size, bold)
        while w > width_pt:
            cut = _longest_prefix(word, width_pt, size, bold, measure)
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


def _longest_prefix(word: str, width_pt: float, size: float, bold: bool,
                    measure: Measure) -> int:
    """The most characters of ``word`` (at least one) that fit in ``width_pt``."""
    low, high = 1, len(word) - 1
    while low < high:
        mid = (low + high + 1) // 2
        if measure.width(word[:mid], size, bold) <= width_pt:
            low = mid
        else:
            high = mid - 1
    return low


# ------------------------------------------------------------------------------ layout

@dataclass(frozen=True)
class Placed:
    """A block set in type: its lines, where it starts below the face's top, its size."""

    lines: tuple
    indent: str
    hang_pt: float
    top_pt: float
    size: float
    bold: bool
    right: bool = False  # right-to-left paragraph: lines set flush right


@dataclass(frozen=True)
class HeaderLine:
    text: str
    top_pt: float
    size: float
    right: bool  # flush right (the kind or id) or left (the title)
    gray: int  # 0 black .. 255 white


@dataclass(frozen=True)
class Laid:
    face: Face
    blocks: tuple
    inset_share: float  # of the card's inner height, at the bottom; 0 for no plot
    fits: bool
    header: tuple = ()


def layout_header(face: Face, width_pt: float, measure: Measure) -> tuple[tuple, float]:
    """The header lines and their height: title left and kind/id right on one line if both
    fit with a gap, else the title (wrapped) above the kind/id (wrapped, flush right)."""
    small = HEADER_PT - 0.5
    title_w = measure.width(face.header, HEADER_PT, False)
    ident_w = measure.width(face.ident, small, False)
    step = HEADER_PT * LINE
    if title_w + 2 * HEADER_PT + ident_w <= width_pt:
        return (HeaderLine(face.header, 0.0, HEADER_PT, False, 115),
                HeaderLine(face.ident, 0.0, small, True, 153)), step
    lines = [HeaderLine(text, n * step, HEADER_PT, False, 115) for n, text in
             enumerate(wrap(face.header, width_pt, HEADER_PT, False, measure))]
    lines += [HeaderLine(text, (len(lines) + n) * step, small, True, 153) for n, text in
              enumerate(wrap(face.ident, width_pt, small, False, measure))]
    return tuple(lines), len(lines) * step


def layout_face(face: Face, width_pt: float, height_pt: float, measure: Measure,
                inset_shares: tuple = INSETS) -> Laid:
    """Set ``face`` as large as it fits: body size from start down to FLOOR_PT, and the
    plot inset from its preferred share down to its smallest."""
    shares = [share for share in inset_shares if share * height_pt / 72 >= MIN_INSET_IN]
    if face.chart is None or not face.chart.panels:
        shares = []
    header, header_h = layout_header(face, width_pt, measure)
    text_top = header_h + 2.0
    size = face.start_pt
    while True:
        placed = _set_blocks(face, width_pt, size, measure)
        last = placed[-1]
        used = last.top_pt + len(last.lines) * last.size * LINE
        for share in shares or [0.0]:
            room = height_pt - text_top - (share * height_pt + 4.0 if share else 0.0)
            if used <= room:
                return Laid(face, tuple(_shift(placed, text_top)), share, True, header)
        if size - 0.5 < FLOOR_PT - 1e-9:
            # Text comes first: at the floor size a plot that leaves too little room is left
            # off (the caller reports it); text that still does not fit is an overflow.
            fits = used <= height_pt - text_top
            return Laid(face, tuple(_shift(placed, text_top)), 0.0, fits, header)
        size -= 0.5


def _set_blocks(face: Face, width_pt: float, size: float, measure: Measure) -> list[Placed]:
    placed = []
    y = 0.0
    for block in face.blocks:
        block_size = max(FLOOR_PT, size * block.scale)
        hang = measure.width(block.indent, block_size, True) if block.indent else 0.0
        lines = wrap(block.text, width_pt - hang, block_size, block.bold, measure)
        if placed:
            y += block.gap_before * block_size * LINE
        placed.append(Placed(tuple(lines), block.indent, hang, y, block_size, block.bold,
                             right_to_left(block.text)))
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

def _inset_box(laid: Laid, slot: tuple) -> tuple:
    """(x, y, w, h) in inches of the plot inset at the bottom of a card face."""
    x, y, w, h = slot
    return (x + PAD, y + PAD, w - 2 * PAD, laid.inset_share * (h - 2 * PAD))


def _inset_jobs(laid: list, geometry: Geometry) -> tuple[list, list[list[tuple]]]:
    """The inset key of each card (None: no plot), and per sheet the insets first shown
    there: (key, panel, width, height), each key once in the deck."""
    from quizzer.render import insets

    per = geometry.per_sheet
    keys: list = []
    sheets: list = []
    memo: dict = {}  # a chart's key is a JSON dump: computed once per chart and size
    for index, (_, back) in enumerate(laid):
        if index % per == 0:
            sheets.append([])
        if not (back.inset_share and back.face.chart is not None):
            keys.append(None)
            continue
        box = _inset_box(back, geometry.slot(index % per, back=True))
        panel = back.face.chart.panels[0]
        found = memo.get((id(panel), box[2], box[3]))
        if found is None:
            found = memo[(id(panel), box[2], box[3])] = insets.key(panel, box[2], box[3])
            if found not in {job[0] for sheet in sheets for job in sheet}:
                sheets[-1].append((found, panel, box[2], box[3]))
        keys.append(found)
    return keys, sheets


class SheetWriter:
    """Sets laid-out faces on the pages of one fpdf2 document."""

    def __init__(self, geometry: Geometry, chain, metadata: dict):
        from datetime import datetime, timezone

        self.geometry = geometry
        self.pdf = pdf = new_document(chain)
        self.fallbacks = fallback_names(chain)
        self.is_plain = PlainText(chain)
        pdf.set_title(metadata["Title"])
        pdf.set_subject(metadata["Subject"])
        pdf.set_creator(metadata["Creator"])
        pdf.set_keywords(metadata["Keywords"])
        pdf.set_producer(f"quizzer {__version__} with fpdf2")
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        pdf.set_creation_date(datetime.fromtimestamp(int(epoch), timezone.utc) if epoch
                              else datetime.now(timezone.utc))
        self.images: dict = {}  # inset key -> fpdf2's name for the image, embedded once

    def add_inset(self, key, pixels) -> None:
        """Embed an inset's pixels (RGB rows, top-down) for every card that shows it."""
        from fpdf.image_parsing import preload_image
        from PIL import Image

        image = Image.fromarray(pixels, "RGB")
        self.images[key] = preload_image(self.pdf.image_cache, image)[0]

    def sheet(self, batch: list, keys: list) -> None:
        """Two pages: the fronts, then the backs, of ``batch`` ([(front, back) Laid]);
        ``keys``: each card's inset key or None."""
        geometry = self.geometry
        for back in (False, True):
            self.pdf.add_page(format=tuple(v * 72 for v in geometry.page))
            for i in range(geometry.per_sheet):  # the last sheet: empty outlines to fill it
                slot = geometry.slot(i, back)
                self._outline(slot)
                if i < len(batch):
                    self._face(batch[i][1 if back else 0], slot, keys[i] if back else None)

    def _box(self, slot: tuple) -> tuple:
        """An (x, y, w, h) slot in inches from the bottom left, in points from the top left."""
        x, y, w, h = slot
        return x * 72, (self.geometry.page[1] - y - h) * 72, w * 72, h * 72

    def _outline(self, slot: tuple) -> None:
        pdf = self.pdf
        pdf.set_draw_color(204)
        pdf.set_line_width(0.4)
        pdf.set_dash_pattern(dash=3, gap=3)
        pdf.rect(*self._box(slot))
        pdf.set_dash_pattern()

    def _face(self, laid: Laid, slot: tuple, inset: str | None) -> None:
        pdf = self.pdf
        x, y, w, h = self._box(slot)
        left, top, width = x + PAD * 72, y + PAD * 72, w - 2 * PAD * 72
        bottom = y + h  # the card's edge: no line is set past it
        # local_context: fpdf2 then knows that the font and colour set inside the clip's
        # saved graphics state are gone after it, and sets them again.
        with pdf.local_context(), pdf.rect_clip(x, y, w, h):
            for line in laid.header:
                pdf.set_text_color(line.gray)
                self._line(left, top + line.top_pt, width, line.text, line.size, False,
                           "R" if line.right else "L")
            pdf.set_text_color(0)
            for block in laid.blocks:
                for n, text in enumerate(block.lines):
                    line_top = top + block.top_pt + n * block.size * LINE
                    if line_top + block.size * LINE > bottom:
                        break
                    if n == 0 and block.indent:
                        self._line(left, line_top, block.hang_pt, block.indent.strip(),
                                   block.size, True, "L")
                    self._line(left + block.hang_pt, line_top, width - block.hang_pt, text,
                               block.size, block.bold, "R" if block.right else "L")
        if inset is not None:
            px, py, pw, ph = self._box(_inset_box(laid, slot))
            # By the name preload_image gave it: fpdf2 places the embedded image again.
            pdf.image(self.images[inset], px, py, pw, ph)

    def _line(self, x: float, top: float, width: float, text: str, size: float, bold: bool,
              align: str) -> None:
        """One line in a box ``width`` wide from ``top``, its baseline where fpdf2 puts a
        cell's (half the line height plus 0.3 em below the top)."""
        pdf = self.pdf
        pdf.set_font(FAMILY, "B" if bold else "", size)
        if self.is_plain(text, bold):  # as it is: the fast path, most lines
            if align == "R":
                x += width - pdf.get_string_width(text)
            pdf.text(x, top + 0.5 * size * LINE + 0.3 * size, text)
            return
        pdf.set_xy(x, top)
        with shaping(pdf, True, self.fallbacks):
            pdf.cell(width, size * LINE, text, align=align)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def lay_out(cards: list[PrintCard], geometry: Geometry, chain=None
            ) -> tuple[list, list[str], list[str]]:
    """Every face set in type; the ids of cards that do not fit at the floor size, and of
    cards whose plot was left off so that their text fits."""
    measure = Measure(chain or font_chain([f for card in cards for f in (card.front, card.back)]))
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


def _metadata(geometry: Geometry, topics: list[str]) -> dict:
    return {"Title": "quizzer flashcards",
            "Subject": "AWS ML exam flashcards: " + ", ".join(topics),
            "Creator": f"quizzer {__version__}",
            "Keywords": f"{geometry.paper} {geometry.cols}x{geometry.rows} flip-{geometry.flip}"}


def render(laid: list, geometry: Geometry, topics: list[str],
           progress: Callable[[int], None] = lambda n: None, workers: int | None = None,
           chain=None) -> tuple[bytes, int]:
    """The PDF of the laid-out cards, and its number of sheets.

    Drawing the plot insets (about 106 distinct ones, tens of milliseconds each) is most of
    an export's time, so they are drawn on ``workers`` processes (default: every core) in
    the order the sheets need them, while this process sets each sheet as soon as its
    insets are there; ``progress`` gets each sheet's card count.
    """
    from quizzer.system.worker_pool import ordered_map

    per = geometry.per_sheet
    sheets = max(1, -(-len(laid) // per))
    chain = chain or font_chain([laid_face.face for pair in laid for laid_face in pair])
    writer = SheetWriter(geometry, chain, _metadata(geometry, topics))
    keys, wanted = _inset_jobs(laid, geometry)
    jobs = [(panel, width, height) for sheet in wanted for _, panel, width, height in sheet]
    workers = workers or os.cpu_count() or 1
    with ordered_map(_draw_inset, jobs, workers if len(jobs) > 8 else 1) as drawn:
        for sheet in range(sheets):
            for key, *_ in (wanted[sheet] if sheet < len(wanted) else []):
                writer.add_inset(key, next(drawn))
            batch = laid[sheet * per:(sheet + 1) * per]
            writer.sheet(batch, keys[sheet * per:(sheet + 1) * per])
            progress(len(batch))
    return writer.output(), sheets


def _draw_inset(job: tuple):
    from quizzer.render import insets

    return insets.pixels(*job)


def write_pdf(laid: list, geometry: Geometry, out: Path, topics: list[str],
              progress: Callable[[int], None] = lambda n: None,
              workers: int | None = None, chain=None) -> int:
    """Render the sheets and write them to ``out`` whole or not at all (export_file);
    return the number of sheets. Raises OSError."""
    from quizzer.render.export_file import write_atomically

    data, sheets = render(laid, geometry, topics, progress, workers, chain)
    write_atomically(Path(out), data)
    return sheets
