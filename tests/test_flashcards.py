"""`quizzer export pdf`: duplex alignment, page sizes, fitting, fonts, metadata, determinism."""

import re

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from quizzer.cli import cli
from quizzer.flashcards import Geometry, Measure, wrap

POINTS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
IDS = ["mini-card", "mini-single", "mini-multiple", "mini-tf", "mini-numeric"]


@pytest.fixture(autouse=True)
def fixture_bank(mini_bank):
    return mini_bank


def export(tmp_path, *args, env=None):
    out = tmp_path / "cards.pdf"
    result = CliRunner().invoke(cli, ["export", "pdf", "--out", str(out), *args], env=env)
    return result, out


def positions(page) -> dict:
    """Text fragment -> (x, y) in points on ``page``."""
    found = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.setdefault(text.strip(), (cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]))

    page.extract_text(visitor_text=visit)
    return found


def inside(point, slot) -> bool:
    x, y, w, h = (v * 72 for v in slot)
    return x <= point[0] <= x + w and y <= point[1] <= y + h


def test_summary_and_page_count(tmp_path):
    result, out = export(tmp_path, "--layout", "2x2")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Wrote 5 cards on 2 sheets (4 pages) to {out}.\n"
        "Print double-sided on A4 at 100% scale (actual size, not 'fit to page'), flipping "
        "on the long edge.\n")
    assert len(PdfReader(out).pages) == 4


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_exact_page_sizes(tmp_path, paper):
    result, out = export(tmp_path, "--paper", paper)
    assert result.exit_code == 0
    for page in PdfReader(out).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == \
            pytest.approx(POINTS[paper], abs=0.01)


@pytest.mark.parametrize("flip", ["long", "short"])
def test_each_back_lands_behind_its_front(tmp_path, flip):
    result, out = export(tmp_path, "--layout", "2x2", "--flip", flip)
    assert result.exit_code == 0
    geometry = Geometry("a4", 2, 2, flip)
    pages = PdfReader(out).pages
    # Each face's first line sits at the top left of its card: the prompt on the front (no id
    # there), the answer on the back; the back's header names the card.
    for n, (ident, (first_front, first_back)) in enumerate(zip(IDS, first_lines())):
        sheet, index = divmod(n, 4)
        front, back = positions(pages[2 * sheet]), positions(pages[2 * sheet + 1])
        assert inside(front[first_front], geometry.slot(index, back=False)), ident
        assert inside(back[ident], geometry.slot(index, back=True)), ident
        assert inside(back[first_back], geometry.slot(index, back=True)), ident
        # the mirror: same row and mirrored column (long), or same column, mirrored row (short)
        fx, fy = front[first_front]
        bx, by = back[first_back]
        if flip == "long":
            assert by == pytest.approx(fy, abs=4) and bx != pytest.approx(fx, abs=5)
        else:
            assert bx == pytest.approx(fx, abs=0.5) and by != pytest.approx(fy, abs=5)


def first_lines() -> list:
    """(front, back) first paragraph of each fixture card, in export order (all short)."""
    from quizzer.bank import load
    from quizzer.card_content import deck

    return [(c.front[0].text, c.back[0].text) for c in deck(load(), "all", None)]


def test_no_id_on_a_front_and_the_id_on_its_back(tmp_path):
    """The id could give the answer away (issue 12): fronts name the kind, backs the card."""
    result, out = export(tmp_path, "--layout", "2x3")
    assert result.exit_code == 0, result.output
    front, back = (" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert not [ident for ident in IDS if ident in front]
    assert [ident for ident in IDS if ident in back] == IDS
    for label in ("Concept card", "Single choice", "Multiple choice", "True or false",
                  "Numeric answer"):
        assert label in front


def test_backs_show_the_correct_choices_as_the_answer(tmp_path):
    """One card per sheet: the letters and texts the back gives are those of the correct
    choices on the front, in the shuffled order the front shows; no wrong choice is there."""
    from quizzer.bank import load

    result, out = export(tmp_path, "--layout", "1x1", "--what", "questions", "--no-plots")
    assert result.exit_code == 0, result.output
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(out).pages]
    questions = [q for t in load().topics for q in t.questions]
    for question, front, back in zip(questions, pages[0::2], pages[1::2]):
        if not question.choices:
            continue
        shown = dict(re.findall(r"([A-F])\) (.+?)(?= [A-F]\) | Choose|$)", front))
        right = sorted(letter for letter, text in shown.items()
                       if any(c.correct and c.text == text for c in question.choices))
        wrong = [text for text in shown.values()
                 if not any(c.correct and c.text == text for c in question.choices)]
        assert len(shown) == len(question.choices) and right, (question.id, front)
        assert f"Answer {' and '.join(right)} " in back, (question.id, back)
        assert re.findall(r"\b([A-F])\) ", back) == right, (question.id, back)
        assert all(f"{letter}) {shown[letter]}" in back for letter in right), question.id
        assert not [text for text in wrong if f") {text}" in back], (question.id, back)


def test_back_offset_moves_every_back(tmp_path):
    _, plain = export(tmp_path, "--layout", "2x2")
    prompt = first_lines()[0][0]
    plain_back = positions(PdfReader(plain).pages[1])["mini-card"]
    out = tmp_path / "shifted.pdf"
    CliRunner().invoke(cli, ["export", "pdf", "--out", str(out), "--layout", "2x2",
                             "--back-offset", "2,-1"])
    shifted_back = positions(PdfReader(out).pages[1])["mini-card"]
    assert shifted_back[0] - plain_back[0] == pytest.approx(2 * 72 / 25.4, abs=0.05)
    assert shifted_back[1] - plain_back[1] == pytest.approx(-72 / 25.4, abs=0.05)
    front = positions(PdfReader(out).pages[0])[prompt]
    assert front == positions(PdfReader(plain).pages[0])[prompt]


def test_metadata_and_embedded_truetype_fonts(tmp_path):
    _, out = export(tmp_path)
    reader = PdfReader(out)
    meta = reader.metadata
    assert meta.title == "quizzer flashcards"
    assert meta.subject == "AWS ML exam flashcards: mini"
    assert meta.creator.startswith("quizzer ")
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.append(font)
            assert font["/Subtype"] != "/Type3"
            descriptor = (font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                          if "/DescendantFonts" in font else font["/FontDescriptor"])
            assert "/FontFile2" in descriptor.get_object()  # embedded TrueType (Type 42)
    assert fonts


def test_dollar_signs_survive(tmp_path):
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "money.yaml").write_text(MONEY)
    result, out = export(tmp_path, "--bank", str(bank), "--topic", "money", "--no-plots")
    assert result.exit_code == 0, result.output
    text = " ".join(PdfReader(out).pages[0].extract_text().split())
    assert "Is $5 per hour for $2 of work a good deal?" in text


def test_overflow_is_reported_and_nothing_is_written(tmp_path):
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "money.yaml").write_text(MONEY.replace("Is $5 per hour for $2 of work a good deal?",
                                                   "word " * 1500))
    result, out = export(tmp_path, "--bank", str(bank), "--topic", "money")
    assert result.exit_code == 1
    assert "does not fit: money-card (front)" in result.output
    assert "1 card would be cut even at the smallest text size; nothing was written" \
        in result.output
    assert not out.exists()
    result, out = export(tmp_path, "--bank", str(bank), "--topic", "money", "--allow-overflow")
    assert result.exit_code == 0
    assert out.exists()


def test_identical_input_gives_identical_bytes(tmp_path):
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    first = export(tmp_path, env=env)[1].read_bytes()
    second = export(tmp_path, env=env)[1].read_bytes()
    assert first == second


def test_unwritable_path_is_a_clear_error(tmp_path):
    out = tmp_path / "missing" / "cards.pdf"
    result = CliRunner().invoke(cli, ["export", "pdf", "--out", str(out)])
    assert result.exit_code == 1
    assert result.output == (f"Error: cannot write {out}: the folder {out.parent} does not "
                             "exist\n")
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("args,message", [
    (["--layout", "9x9"], "'9x9' is not COLSxROWS with 1-4 columns and 1-6 rows"),
    (["--back-offset", "1"], "'1' is not X,Y in millimetres"),
    (["--back-offset", "30,0"], "an offset of more than 20 mm is not a printer misalignment"),
])
def test_bad_options(tmp_path, args, message):
    result, out = export(tmp_path, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_wrap_fits_the_width_and_keeps_every_word():
    measure = Measure()
    text = "The learning rate scales each step; too high a rate overshoots the minimum " * 3
    lines = wrap(text, 150, 9, False, measure)
    assert len(lines) > 3
    assert all(measure.width(line, 9, False) <= 150 for line in lines)
    assert " ".join(lines).split() == text.split()
    long_word = wrap("x" * 200, 100, 9, False, measure)
    assert "".join(long_word) == "x" * 200 and len(long_word) > 1


def test_geometry_mirrors_columns_or_rows():
    long = Geometry("a4", 2, 4, "long")
    short = Geometry("a4", 2, 4, "short")
    x0, y0, w, h = long.slot(0, back=False)
    assert long.slot(0, back=True) == pytest.approx((x0 + w, y0, w, h))
    assert short.slot(0, back=True) == pytest.approx((x0, y0 - 3 * h, w, h))


MONEY = """\
topic: money
title: Money
exam: {MLA-C01: a, MLS-C01: b}
summary: s
key_points: [k]
example: {simulation: conftest.fixed}
cards:
  - id: money-card
    front: Is $5 per hour for $2 of work a good deal?
    back: It depends on the deadline.
"""


def test_parallel_drawing_gives_the_same_pages_and_reproducible_bytes(tmp_path, monkeypatch):
    """Five sheets (1x1 layout) are drawn by two worker processes and joined in order."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    result, out = export(tmp_path, "--layout", "1x1")
    assert result.exit_code == 0, result.output
    reader = PdfReader(out)
    assert len(reader.pages) == 10
    assert reader.metadata.title == "quizzer flashcards"
    assert reader.metadata.subject == "AWS ML exam flashcards: mini"
    fronts = [" ".join(p.extract_text().split()) for p in reader.pages[0::2]]
    backs = [" ".join(p.extract_text().split()) for p in reader.pages[1::2]]
    prompts = [front for front, _ in first_lines()]
    assert [next(p for p in prompts if p in page) for page in fronts] == prompts
    assert [next(i for i in IDS if i in page) for page in backs] == IDS
    again = tmp_path / "again.pdf"
    CliRunner().invoke(cli, ["export", "pdf", "--out", str(again), "--layout", "1x1"])
    assert again.read_bytes() == out.read_bytes()


def test_a_chart_shared_by_many_cards_is_embedded_once(tmp_path):
    """All five fixture cards use the same worked example: five insets, one image object."""
    result, out = export(tmp_path, "--layout", "3x2")
    assert result.exit_code == 0
    back = PdfReader(out).pages[1]
    images = {ref.idnum for ref in back["/Resources"]["/XObject"].values()}
    placements = len(re.findall(rb"/\w+\s+Do\b", back.get_contents().get_data()))
    assert (len(images), placements) == (1, 5)


def test_cards_showing_the_same_chart_get_one_inset_size():
    """The chart is drawn once at one size: a card that had room for the bigger plot gets
    the size its neighbour needed, and the text keeps fitting."""
    import simulations
    from quizzer.flashcards import Block, Face, PrintCard, lay_out

    chart = simulations.run("confusion_matrix.metrics").chart

    def card(ident, words):
        back = Face("Topic", ident, (Block(" ".join(["answer"] * words)),), 9.5, chart)
        return PrintCard(ident, "t", Face("Topic", ident, (Block("Q?"),)), back)

    geometry = Geometry("a4", 2, 4, "long")
    alone = {c.id: b.inset_share for c, (_, b) in
             zip([card("short", 5), card("long", 60)],
                 lay_out([card("short", 5)], geometry)[0] + lay_out([card("long", 60)],
                                                                   geometry)[0])}
    assert alone["short"] > alone["long"] > 0  # each on its own: two sizes
    laid, overflow, unplotted = lay_out([card("short", 5), card("long", 60)], geometry)
    assert [b.inset_share for _, b in laid] == [alone["long"]] * 2
    assert (overflow, unplotted) == ([], []) and all(b.fits for _, b in laid)


def test_parallel_progress_arrives_sheet_by_sheet(tmp_path, mini_bank):
    """Two workers, five sheets: the bar moves once per sheet, by that sheet's cards."""
    from quizzer.bank import load
    from quizzer.flashcards import lay_out, print_cards, write_pdf

    geometry = Geometry("a4", 1, 1, "long")
    laid = lay_out(print_cards(load(), "all", None, plots=True), geometry)[0]
    steps = []
    sheets = write_pdf(laid, geometry, tmp_path / "cards.pdf", ["mini"], progress=steps.append,
                       workers=2)
    assert sheets == 5 and steps == [1, 1, 1, 1, 1]
    assert len(PdfReader(tmp_path / "cards.pdf").pages) == 10
