"""Plain lines of text set straight into a matplotlib PDF page: the card export's hot path.

``RendererPdf.draw_text`` shapes every string with raqm and loads every glyph's outline, about
1.5 ms for a line of card text. That is right for arbitrary text, but a deck sets a quarter of a
million characters, and it was most of an export's time. Card text is plain, already wrapped
and measured, and set in one font, so :class:`PdfLineSetter` writes the operators
``draw_text`` would write (``BT``, ``Tf``, ``Td``, ``TJ``, ``ET``) from cached glyph codes and
pair kerning, and registers each glyph with the file's character tracker so that the embedded
Type 42 subset contains it. A line costs a few microseconds a character.

What it leaves out: ligatures (``fi`` is set as two glyphs, which also keeps the text plain
when copied out of the PDF). Kerning is kept: each pair's adjustment is shaped once, by raqm.

It relies on internals of matplotlib's PDF backend (``file.output``, ``file.fontName``,
``file._character_tracker``) as matplotlib 3.11 has them. :func:`line_setter` checks the
version and the internals and otherwise returns a setter that calls ``renderer.draw_text``:
always correct, only slower.
A line with a character the font lacks goes that way too (it needs matplotlib's fallback).
"""

from __future__ import annotations

import weakref

# The matplotlib whose PDF internals this was written against (3.10's character tracker, for
# one, takes other arguments); any other version is served by draw_text.
_WRITTEN_FOR = (3, 11)
# Pair kerning is shaped once at this size and scaled: unhinted positions are linear in size.
_SHAPE_PT = 100.0


class DrawTextSetter:
    """The portable path: each line through the renderer's own ``draw_text``."""

    def __init__(self, renderer):
        self.renderer = renderer

    def line(self, gc, x: float, y: float, text: str, prop) -> None:
        self.renderer.draw_text(gc, x, y, text, prop, 0)

    def width(self, text: str, prop) -> float:
        return self.renderer.get_text_width_height_descent(text, prop, ismath=False)[0]


class _Face:
    """One font file's glyph indices and pair kerning (in thousandths of an em), memoised."""

    def __init__(self, font):
        self.font = font
        self.glyphs: dict[str, int] = {}
        self.advances: dict[str, float] = {}
        self.kerns: dict[str, int] = {}

    def glyph(self, char: str) -> int:
        index = self.glyphs.get(char)
        if index is None:
            index = self.glyphs[char] = self.font.get_char_index(ord(char))
        return index

    def advance(self, char: str) -> float:
        """The glyph's advance width in thousandths of an em."""
        value = self.advances.get(char)
        if value is None:
            from matplotlib import ft2font

            self.font.clear()
            self.font.set_size(_SHAPE_PT, 72)
            glyph = self.font.load_char(ord(char), flags=ft2font.LoadFlags.NO_HINTING)
            value = self.advances[char] = 1000 * glyph.linearHoriAdvance / 65536 / _SHAPE_PT
        return value

    def kern(self, left: str, right: str) -> int:
        """The pair's adjustment in whole thousandths of an em (finer is invisible)."""
        pair = left + right
        value = self.kerns.get(pair)
        if value is None:
            from matplotlib import ft2font

            self.font.clear()
            self.font.set_size(_SHAPE_PT, 72)
            items = list(self.font._layout(left + right, ft2font.LoadFlags.NO_HINTING))
            # Two glyphs, or a ligature (one): no pair adjustment to apply then.
            value = round(1000 * items[1].prev_kern / _SHAPE_PT) if len(items) == 2 else 0
            self.kerns[pair] = value
        return value


_FACES: dict[str, _Face] = {}  # font file -> its memo, per process
# Per PDF file: font file -> {char: (subset, escaped code)}, and (font file, subset) -> name.
_CODES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class PdfLineSetter:
    """Sets lines into a ``RendererPdf`` page with Type 42 fonts, glyph codes memoised."""

    def __init__(self, renderer):
        self.renderer = renderer
        self.file = renderer.file
        self.codes, self.names = _CODES.setdefault(self.file, ({}, {}))
        self.fonts: dict = {}  # FontProperties key -> (_Face, font file)

    def _face(self, prop) -> tuple[_Face, str]:
        key = (tuple(prop.get_family()), prop.get_weight(), prop.get_style())
        found = self.fonts.get(key)
        if found is None:
            from matplotlib.font_manager import findfont, get_font

            path = findfont(prop)
            face = _FACES.get(path)
            if face is None:
                face = _FACES[path] = _Face(get_font(path))
            found = self.fonts[key] = (face, path)
        return found

    def width(self, text: str, prop) -> float:
        """Width in points of ``text`` as :meth:`line` sets it."""
        face = self._face(prop)[0]
        if any(face.glyph(c) == 0 for c in text):
            return self.renderer.get_text_width_height_descent(text, prop, ismath=False)[0]
        ems = sum(face.advance(c) for c in text)
        ems += sum(face.kern(a, b) for a, b in zip(text, text[1:]))
        return ems * prop.get_size_in_points() / 1000

    def line(self, gc, x: float, y: float, text: str, prop) -> None:
        from matplotlib.backends.backend_pdf import pdfRepr

        face, path = self._face(prop)
        if any(face.glyph(c) == 0 for c in text):
            self.renderer.draw_text(gc, x, y, text, prop, 0)  # needs a fallback font
            return
        self.renderer.check_gc(gc, gc._rgb)
        size_pt = prop.get_size_in_points()
        size = pdfRepr(size_pt)
        # One write per line, in the same structure draw_text writes (the origin set with cm,
        # two-byte codes in literal strings), which text extractors handle best.
        ops = [b"q 1 0 0 1 " + pdfRepr(x) + b" " + pdfRepr(y) + b" cm", b"BT"]
        codes = self.codes.setdefault(path, {})
        current, run, shown, previous = None, [], [], None
        pen = mark = 0  # thousandths of an em from the line's start, now and at the last Td
        for char in text:
            code = codes.get(char)
            if code is None:
                subset, charcode = self.file._character_tracker.track_glyph(
                    face.font, char, face.glyph(char))
                code = codes[char] = (subset, _literal(charcode))
            subset, literal = code
            kern = face.kern(previous, char) if previous is not None else 0
            pen += kern
            if subset != current:  # a new font subset: show what we have, switch fonts
                if run:
                    shown.append(b"(" + b"".join(run) + b")")
                if shown:
                    ops.append(b"[" + b" ".join(shown) + b"] TJ")
                ops.append(self._name(path, face, subset) + b" " + size + b" Tf")
                # As draw_text does: the line start moves to where this glyph goes.
                ops.append(pdfRepr((pen - mark) * size_pt / 1000) + b" 0 Td")
                mark = pen
                current, run, shown = subset, [], []
            elif kern:  # TJ numbers move the next glyph left, in thousandths of an em
                shown.append(b"(" + b"".join(run) + b")")
                shown.append(b"%d" % -kern)
                run = []
            run.append(literal)
            pen += face.advance(char)
            previous = char
        if run:
            shown.append(b"(" + b"".join(run) + b")")
        if shown:
            ops.append(b"[" + b" ".join(shown) + b"] TJ")
        ops.append(b"ET Q\n")
        self.file.write(b"\n".join(ops))

    def _name(self, path: str, face: _Face, subset: int) -> bytes:
        name = self.names.get((path, subset))
        if name is None:
            from matplotlib.font_manager import FontPath

            name = self.names[(path, subset)] = self.file.fontName(
                FontPath(path, face.font.face_index), subset).pdfRepr()
        return name


def _literal(charcode: int) -> bytes:
    """A two-byte glyph code as it goes inside a PDF literal string, escapes included."""
    out = b""
    for byte in charcode.to_bytes(2, "big"):
        out += b"\\" + bytes([byte]) if byte in b"()\\" else \
            b"\\r" if byte == 13 else bytes([byte])
    return out


def line_setter(renderer):
    """The fastest correct way to set plain lines on ``renderer``'s page."""
    import matplotlib

    # PdfPages draws through a MixedModeRenderer, which hands vector work to the RendererPdf.
    if type(renderer).__name__ == "MixedModeRenderer":
        renderer = getattr(renderer, "_renderer", renderer)
    version = tuple(int(part) for part in matplotlib.__version__.split(".")[:2])
    fast = (version == _WRITTEN_FOR and type(renderer).__name__ == "RendererPdf"
            and matplotlib.rcParams["pdf.fonttype"] == 42
            and not matplotlib.rcParams["pdf.use14corefonts"]
            and hasattr(getattr(renderer, "file", None), "_character_tracker")
            and hasattr(renderer.file._character_tracker, "track_glyph")
            and hasattr(renderer.file, "fontName")
            and hasattr(renderer, "check_gc"))
    return PdfLineSetter(renderer) if fast else DrawTextSetter(renderer)
