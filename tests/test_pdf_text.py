"""The fast line setter writes the text matplotlib's draw_text would, where it would."""

import matplotlib
import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from pypdf import PdfReader

from quizzer.pdf_text import _WRITTEN_FOR, DrawTextSetter, PdfLineSetter, line_setter

# The fast path exists for the matplotlib it was written against; elsewhere draw_text serves.
fast_path = pytest.mark.skipif(
    tuple(int(p) for p in matplotlib.__version__.split(".")[:2]) != _WRITTEN_FOR,
    reason=f"the fast line setter is for matplotlib {_WRITTEN_FOR}")

LINES = [
    ("To AVOID a Yes: recall = TP/(TP+FN) = 50/60 = 0.833", 9.0, "normal"),
    ("Précision, 10 000 € and (parentheses) \\ back-slash", 7.5, "bold"),
    ("fi fl office: no ligatures, plain text to copy", 6.0, "normal"),
]


class _Lines(matplotlib.artist.Artist):
    """Draws ``lines`` with whichever setter ``choose`` picks; records setters and widths."""

    def __init__(self, choose, lines=LINES):
        super().__init__()
        self.choose = choose
        self.lines = lines
        self.setters, self.widths = [], []

    def draw(self, renderer):
        setter = self.choose(renderer)
        self.setters.append(setter)
        gc = renderer.new_gc()
        for n, (text, size, weight) in enumerate(self.lines):
            prop = FontProperties(family="DejaVu Sans", size=size, weight=weight)
            setter.line(gc, 40, 700 - 30 * n, text, prop)
            self.widths.append(setter.width(text, prop))
        gc.restore()


def write(path, choose, fonttype=42):
    artist = _Lines(choose)
    with matplotlib.rc_context({"pdf.fonttype": fonttype}), PdfPages(path) as pdf:
        fig = Figure(figsize=(8.27, 11.69))
        fig.add_artist(artist)
        pdf.savefig(fig)
    return artist


def starts(path) -> dict:
    """Baseline height -> x where the first glyph on it sits."""
    found = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.setdefault(round(cm[5] + tm[5] * cm[3], 2), round(cm[4] + tm[4] * cm[0], 2))

    PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return found


@fast_path
def test_pdf_pages_get_the_fast_setter(tmp_path):
    assert type(write(tmp_path / "a.pdf", line_setter).setters[0]) is PdfLineSetter


def test_other_canvases_and_font_types_get_the_portable_setter(tmp_path):
    assert type(line_setter(RendererAgg(10, 10, 72))) is DrawTextSetter
    assert type(write(tmp_path / "b.pdf", line_setter, fonttype=3).setters[0]) is DrawTextSetter


def test_lines_extract_as_written_at_the_same_places_as_draw_text(tmp_path):
    fast, slow = tmp_path / "fast.pdf", tmp_path / "slow.pdf"
    write(fast, line_setter)
    write(slow, DrawTextSetter)
    assert PdfReader(fast).pages[0].extract_text() == "\n".join(t for t, _, _ in LINES)
    assert PdfReader(fast).pages[0].extract_text() == PdfReader(slow).pages[0].extract_text()
    assert starts(fast) == starts(slow) == {700.0: 40.0, 670.0: 40.0, 640.0: 40.0}
    fonts = {str(page["/Resources"]["/Font"][name]["/BaseFont"])
             for page in PdfReader(fast).pages for name in page["/Resources"]["/Font"]}
    assert any("DejaVuSans-Bold" in f for f in fonts) and any("DejaVuSans" in f for f in fonts)


def test_widths_match_matplotlibs_own_layout_within_ligature_slack(tmp_path):
    fast = write(tmp_path / "fast.pdf", line_setter).widths
    slow = write(tmp_path / "slow.pdf", DrawTextSetter).widths
    # raqm joins "fi"/"fl" into one glyph; everything else, kerning included, is the same.
    assert fast[:2] == pytest.approx(slow[:2], rel=1e-3)
    assert fast[2] == pytest.approx(slow[2], rel=0.01)


@fast_path
def test_kerning_is_applied():
    """'To' is set tighter than 'T' + 'o' (DejaVu Sans kerns the pair by about 0.17 em)."""
    import io

    import matplotlib.backends.backend_pdf as backend

    with matplotlib.rc_context({"pdf.fonttype": 42}):
        renderer = backend.RendererPdf(backend.PdfFile(io.BytesIO()), 72, 10, 10)
        setter = PdfLineSetter(renderer)
        prop = FontProperties(family="DejaVu Sans", size=10)
        assert setter.width("To", prop) == pytest.approx(
            setter.width("T", prop) + setter.width("o", prop) - 1.7, abs=0.05)


@fast_path
def test_a_character_the_font_lacks_goes_through_draw_text(tmp_path, monkeypatch):
    calls = []

    def choose(renderer):
        setter = line_setter(renderer)
        original = setter.renderer.draw_text
        monkeypatch.setattr(setter.renderer, "draw_text",
                            lambda gc, x, y, s, prop, angle: calls.append(s) or
                            original(gc, x, y, s, prop, angle))
        return setter

    artist = _Lines(choose, [("plain line", 9.0, "normal"),
                             ("漢字 needs a fallback", 9.0, "normal")])
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(tmp_path / "c.pdf") as pdf:
        fig = Figure(figsize=(4, 4))
        fig.add_artist(artist)
        with pytest.warns(UserWarning):  # matplotlib: glyph missing from the font
            pdf.savefig(fig)
    assert calls == ["漢字 needs a fallback"]
