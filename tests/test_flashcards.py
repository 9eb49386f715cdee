"""`quizzer export pdf`: duplex alignment, page sizes, fitting, fonts, metadata, determinism."""

import re

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from quizzer.cli import cli
from quizzer.render.flashcards import Geometry, Measure, wrap

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


def test_summary_and_page_count(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", "pdf", "--out", "cards.pdf", "--layout", "2x2"])
    assert result.exit_code == 0, result.output
    assert result.output == (  # wrapped at 80 columns
        "Wrote 5 cards on 2 sheets (4 pages) to cards.pdf.\n"
        "Print double-sided on A4 at 100% scale (actual size, not 'fit to page'),\n"
        "  flipping on the long edge.\n")
    assert len(PdfReader(tmp_path / "cards.pdf").pages) == 4


def test_every_message_wraps_to_80_columns_ids_and_paths_whole(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = "a-rather-long-file-name-for-the-flashcards-of-the-mini-topic-to-print.pdf"
    result = CliRunner().invoke(cli, ["export", "pdf", "--out", out, "--layout", "4x6"])
    assert result.exit_code == 0, result.output
    assert result.output == (  # small cards: no room for any plot
        "Plot left off to fit the text: mini-card, mini-single, mini-multiple, mini-tf,\n"
        "  mini-numeric\n"
        "Wrote 5 cards on 1 sheet (2 pages) to\n"
        f"  {out}.\n"
        "Print double-sided on A4 at 100% scale (actual size, not 'fit to page'),\n"
        "  flipping on the long edge.\n")
    assert max(len(line) for line in result.output.splitlines()) <= 80


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
    from quizzer.content.bank import load
    from quizzer.engine.card_content import deck

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
    from quizzer.content.bank import load

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
    from quizzer import simulations
    from quizzer.render.flashcards import Block, Face, PrintCard, lay_out

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
    from quizzer.content.bank import load
    from quizzer.render.flashcards import lay_out, print_cards, write_pdf

    geometry = Geometry("a4", 1, 1, "long")
    laid = lay_out(print_cards(load(), "all", None, plots=True), geometry)[0]
    steps = []
    sheets = write_pdf(laid, geometry, tmp_path / "cards.pdf", ["mini"], progress=steps.append,
                       workers=2)
    assert sheets == 5 and steps == [1, 1, 1, 1, 1]
    assert len(PdfReader(tmp_path / "cards.pdf").pages) == 10


# ------------------------------------------------------------------------------ any script

SCRIPT_BANK = """\
topic: scripts
title: {title}
exam: {{MLA-C01: a, MLS-C01: b}}
summary: s
key_points: [k]
example: {{simulation: conftest.fixed}}
cards:
  - id: {ident}
    front: {front}
    back: {back}
"""


def script_export(tmp_path, *args, title="Scripts", ident="script-card", front="Front?",
                  back="Back."):
    bank = tmp_path / "bank"
    bank.mkdir(exist_ok=True)
    (bank / "scripts.yaml").write_text(SCRIPT_BANK.format(title=title, ident=ident,
                                                          front=front, back=back),
                                       encoding="utf-8")
    return export(tmp_path, "--bank", str(bank), "--topic", "scripts", "--no-plots", *args)


def pdftotext(path, *args) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True,
                          text=True, check=True)
    assert done.stderr == ""  # e.g. "Syntax Error: No font in show"
    return done.stdout


def embedded_fonts(path) -> set:
    reader = PdfReader(path)
    return {str(font.get_object()["/BaseFont"]) for page in reader.pages
            for font in page["/Resources"].get("/Font", {}).values()}


@pytest.mark.parametrize("paper,layout", [("a4", "2x4"), ("letter", "3x3"), ("a4", "1x1")])
def test_every_page_reads_without_errors(tmp_path, paper, layout):
    """Each card's text is set in its own saved graphics state (for the clip): a font
    chosen inside one must be chosen again in the next, or readers find text with no font.
    Here each card ends in the header's font (6 pt regular), which the next card starts
    with."""
    from quizzer.render.flashcards import Block, Face, PrintCard, lay_out, write_pdf

    def card(n):
        face = Face("Topic", f"card-{n}", (Block(f"Text of card {n} set at six points."),),
                    6.0)
        return PrintCard(f"card-{n}", "t", face, face)

    cols, rows = (int(v) for v in layout.split("x"))
    geometry = Geometry(paper, cols, rows, "long")
    cards = [card(n) for n in range(geometry.per_sheet + 1)]
    write_pdf(lay_out(cards, geometry)[0], geometry, tmp_path / "cards.pdf", ["t"])
    text = " ".join(pdftotext(tmp_path / "cards.pdf").split())
    assert all(f"Text of card {n} set at six points." in text for n in range(len(cards)))


def has_cjk_font() -> bool:
    from quizzer.render.card_fonts import chain_for

    return not chain_for({"学", "習"}).missing


CJK = "学习率 (学習率, 학습률) scales each step."


@pytest.mark.skipif(not has_cjk_font(), reason="no CJK font installed (the reported path "
                                               "is tested below)")
def test_a_cjk_card_is_drawn_with_a_system_font(tmp_path):
    result, out = script_export(tmp_path, front=CJK)
    assert result.exit_code == 0, result.output
    assert CJK in " ".join(pdftotext(out).split())
    fonts = embedded_fonts(out)
    assert any("DejaVuSans" in f for f in fonts) and any("CJK" in f for f in fonts), fonts


def test_a_character_no_font_has_is_reported_with_the_card_id(tmp_path, monkeypatch):
    """No font has U+10FFFD (private use); and with the system's fonts out of reach, CJK
    is reported the same way. Nothing is written unless --allow-missing-glyphs."""
    import quizzer.render.card_fonts

    monkeypatch.setattr(quizzer.render.card_fonts, "_fontconfig_candidates", lambda code: [])
    monkeypatch.setattr(quizzer.render.card_fonts, "_matplotlib_candidates", lambda: [])
    quizzer.render.flashcards._CHAINS.clear()
    result, out = script_export(tmp_path, front="学 and \U0010fffd")
    assert result.exit_code == 1
    assert result.output == (
        "no installed font has U+5B66 U+10FFFD: script-card\n"
        "Error: 1 card would print empty boxes; nothing was written. Install a font for "
        "those characters (for example the Noto fonts), or use --allow-missing-glyphs to "
        "print the boxes.\n")
    assert not out.exists()
    result, out = script_export(tmp_path, "--allow-missing-glyphs", front="学 and \U0010fffd")
    assert result.exit_code == 0, result.output
    assert out.exists()
    quizzer.render.flashcards._CHAINS.clear()


def test_right_to_left_text_reads_in_logical_order(tmp_path):
    hebrew = "שיעור הלמידה קובע את גודל הצעד"
    arabic = "معدل التعلم يحدد حجم الخطوة"
    result, out = script_export(tmp_path, front=hebrew, back=arabic)
    assert result.exit_code == 0, result.output
    front, back = pdftotext(out).split("\f")[:2]
    assert hebrew in " ".join(front.split())
    assert arabic in " ".join(back.split())


def words_with_boxes(path) -> list:
    """(page number from 0, word, x0, y0, x1, y1) in points from the top left."""
    import html

    found, page = [], -1
    for line in pdftotext(path, "-bbox").splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                          r'yMax="([\d.]+)">(.*)</word>', line)
        if match:
            x0, y0, x1, y1 = (float(v) for v in match.groups()[:4])
            found.append((page, html.unescape(match.group(5)), x0, y0, x1, y1))
    return found


def card_of(word, geometry) -> int | None:
    """Which card slot (0-based) holds the whole word box, or None."""
    page, _, x0, y0, x1, y1 = word
    height = geometry.page[1] * 72
    for index in range(geometry.per_sheet):
        x, y, w, h = (v * 72 for v in geometry.slot(index, back=bool(page % 2)))
        top = height - y - h
        if x - 0.5 <= x0 and x1 <= x + w + 0.5 and top - 0.5 <= y0 and y1 <= top + h + 0.5:
            return index
    return None


def test_a_long_title_and_id_get_their_own_lines_inside_the_card(tmp_path):
    title = "A very long topic title that would run into the card id " * 2
    ident = "an-extremely-long-card-identifier-" + "x" * 60
    result, out = script_export(tmp_path, "--layout", "3x4", title=title.strip(),
                                ident=ident)
    assert result.exit_code == 0, result.output
    geometry = Geometry("a4", 3, 4, "long")
    words = words_with_boxes(out)
    assert words and all(card_of(w, geometry) == 0 for w in words), \
        [w for w in words if card_of(w, geometry) != 0]
    for page in (0, 1):
        boxes = [w for w in words if w[0] == page]
        for i, a in enumerate(boxes):  # no two words overlap
            for b in boxes[i + 1:]:
                assert a[4] <= b[2] + 0.1 or b[4] <= a[2] + 0.1 or \
                    a[5] <= b[3] + 0.1 or b[5] <= a[3] + 0.1, (a, b)
    text = " ".join(pdftotext(out).split())
    assert " ".join(title.split()) in text
    back = " ".join(pdftotext(out).split("\f")[1].split())
    assert ident in back.replace(" ", "")


def test_allow_overflow_cuts_the_text_at_the_card_edge(tmp_path):
    long = " ".join(f"word{n}" for n in range(1500))
    result, out = script_export(tmp_path, "--layout", "2x4", front=long)
    assert result.exit_code == 1 and not out.exists()
    result, out = script_export(tmp_path, "--layout", "2x4", "--allow-overflow", front=long)
    assert result.exit_code == 0, result.output
    geometry = Geometry("a4", 2, 4, "long")
    words = words_with_boxes(out)
    fronts = [w for w in words if w[0] == 0]
    assert len(fronts) > 100  # the card is full...
    assert "word1499" not in {w[1] for w in fronts}  # ...and the rest is cut
    assert [w for w in words if card_of(w, geometry) != 0] == []
