"""Card insets: every piece of text inside the inset, axes never squashed, drawn once."""

import pytest

from quizzer.render import insets
from quizzer.render.figures import power_of_ten_formatter
from quizzer.simulations.example import Panel, Series

W, H = 3.49, 0.99  # the inset size of a 2x4 A4 card with the smaller plot share

CATEGORIES = ["P2", "P3", "P3dn", "G4dn", "G5", "P4d", "P4de", "P5", "P5e / P5en", "Trn1"]
HARD = {
    "rotated categories, long log label": Panel(
        "bars", "Largest size of each family (overview)", "instance family",
        "accelerator memory per instance (GiB, log scale)",
        series=(Series.of("GiB", CATEGORIES, [96, 128, 256, 64, 192, 320, 640, 640, 1128, 512]),),
        y_log=True),
    "two-line label, negative numbers": Panel(
        "scatter", "Fitted coefficient of each feature", "feature index",
        "coefficient (standardised feature units)",
        series=(Series.of("L1", range(20), [(-1) ** i * i / 7 for i in range(20)], "points"),)),
    "heatmap with word ticks": Panel(
        "heatmap", "Confusion matrix (rows actual, columns predicted)", "predicted class",
        "actual class", matrix=((50, 10), (5, 100)), x_ticks=("positive", "negative"),
        y_ticks=("positive", "negative")),
    "title wider than the inset": Panel(
        "lines", "A title that goes on and on about what the learner should notice in this "
        "tiny plot", "epoch", "loss", series=(Series.of("train", range(5), [4, 3, 2, 1.5, 1]),)),
    "under one decade on a log axis": Panel(
        "lines", "Spread of the minibatch gradient", "batch size", "std of gradient estimate",
        series=(Series.of("std", [64, 128, 256, 512], [0.6, 0.4, 0.25, 0.15]),),
        x_log=True, y_log=True),
}


def drawn(panel, width=W, height=H):
    """Draw ``panel`` as an inset and return (figure, axes, renderer) as left by the fit."""
    captured = {}
    original = insets._overflow

    def spy(fig, ax, renderer):
        captured.update(fig=fig, ax=ax, renderer=renderer)
        return original(fig, ax, renderer)

    insets._overflow = spy
    try:
        pixels = insets.draw(panel, width, height)
    finally:
        insets._overflow = original
    assert pixels.shape == (int(height * insets.INSET_DPI), int(width * insets.INSET_DPI), 3)
    return captured["fig"], captured["ax"], captured["renderer"]


def assert_fits(fig, ax, renderer):
    edge = (insets.EDGE_IN - insets.SLACK_IN) * fig.dpi
    texts = insets._texts(fig, ax)
    assert ax.title in texts and ax.yaxis.label in texts
    for axis in (ax.xaxis, ax.yaxis):
        # Tick labels get their text when the figure is drawn, and how is up to matplotlib's
        # version: if none had text here, every check below would pass having checked none.
        ticks = [t for t in insets._tick_labels(axis) if t.get_visible() and t.get_text()]
        assert ticks and set(ticks) <= set(texts), axis.axis_name
    for text in texts:
        box = text.get_window_extent(renderer)
        assert box.x0 >= edge and box.y0 >= edge, text.get_text()
        assert box.x1 <= fig.bbox.width - edge and box.y1 <= fig.bbox.height - edge, \
            text.get_text()
    for axis in (ax.xaxis, ax.yaxis):  # tick labels never run into each other
        boxes = [t.get_window_extent(renderer) for t in insets._tick_labels(axis)
                 if t.get_visible() and t.get_text()]
        for i, one in enumerate(boxes):
            assert not any(one.overlaps(other) for other in boxes[i + 1:]), \
                [t.get_text() for t in insets._tick_labels(axis)]
    position = ax.get_position()
    assert position.height >= 0.2 and position.width >= 0.6  # of the inset: still a plot


@pytest.mark.parametrize("name", HARD)
def test_every_text_lies_inside_the_inset_and_the_axes_keep_their_room(name):
    assert_fits(*drawn(HARD[name]))


@pytest.mark.slow
def test_every_inset_of_the_built_in_deck_fits():
    """All 130-odd distinct insets a whole-deck export draws, at their card sizes."""
    from quizzer.content.bank import load
    from quizzer.render.flashcards import Geometry, _inset_box, lay_out, print_cards

    geometry = Geometry("a4", 2, 4, "long")
    laid = lay_out(print_cards(load(), "all", None, plots=True), geometry)[0]
    wanted = {}
    for index, (_, back) in enumerate(laid):
        if back.inset_share and back.face.chart is not None:
            box = _inset_box(back, geometry.slot(index % geometry.per_sheet, back=True))
            panel = back.face.chart.panels[0]
            wanted.setdefault(insets.key(panel, box[2], box[3]), (panel, box[2], box[3]))
    assert len(wanted) > 100
    for panel, width, height in wanted.values():
        assert_fits(*drawn(panel, width, height))


def test_a_title_wider_than_the_inset_is_wrapped_and_short_ones_are_not():
    assert "\n" in drawn(HARD["title wider than the inset"])[1].get_title()
    assert "\n" not in drawn(HARD["heatmap with word ticks"])[1].get_title()


def test_narrow_log_axes_get_readable_1_2_5_ticks():
    fig, ax, renderer = drawn(HARD["under one decade on a log axis"])
    labels = [t.get_text() for t in insets._tick_labels(ax.yaxis)]
    assert labels == ["0.2", "0.5"]
    assert [t.get_text() for t in insets._tick_labels(ax.xaxis)] == ["100", "200", "500"]


def test_log_labels_are_plain_text_powers_of_ten():
    label = power_of_ten_formatter()
    assert [label(v) for v in (1e-12, 0.1, 1, 1000, 2000, 0.5)] == \
        ["10⁻¹²", "10⁻¹", "10⁰", "10³", "2000", "0.5"]


def test_each_inset_is_drawn_once_per_process(monkeypatch):
    panel = HARD["two-line label, negative numbers"]
    insets._CACHE.clear()
    calls = []
    monkeypatch.setattr(insets, "draw", lambda *a: calls.append(a) or "pixels")
    wanted = {insets.key(panel, W, H): (panel, W, H)}
    insets.prepare(wanted)
    insets.prepare(wanted)
    assert insets.pixels(panel, W, H) == "pixels"
    assert calls == [(panel, W, H)]
    insets._CACHE.clear()


def test_in_a_narrow_inset_category_names_take_three_rows_without_touching():
    fig, ax, renderer = drawn(HARD["rotated categories, long log label"], width=2.24)
    labels = insets._tick_labels(ax.xaxis)
    tops = sorted({round(t.get_window_extent(renderer).y1) for t in labels})
    assert len(tops) == 3 and {t.get_rotation() for t in labels} == {0.0}
    boxes = [t.get_window_extent(renderer) for t in labels]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_long_category_names_lie_flat_on_two_rows_instead_of_slanting():
    fig, ax, renderer = drawn(HARD["rotated categories, long log label"])
    labels = insets._tick_labels(ax.xaxis)
    assert [t.get_rotation() for t in labels] == [0.0] * len(CATEGORIES)
    tops = [round(t.get_window_extent(renderer).y1) for t in labels]
    line = labels[0].get_fontsize() * 1.2 / 72 * fig.dpi
    assert tops[0::2] == [tops[0]] * len(tops[0::2])
    assert tops[1::2] == [round(tops[0] - line)] * len(tops[1::2])
