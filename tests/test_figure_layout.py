"""The PNG renderer's layout (figures.fit): text inside the figure and clear of other text,
and the same places constrained layout gives, which it replaced for speed."""

import pytest

from quizzer.render import figures
from quizzer.simulations.example import Annotation, Chart, Panel, Series

FAMILIES = ["G4dn", "G5", "G6", "G6e", "P4d", "P4de", "P5", "P5e / P5en", "P6-B200", "Trn1"]
CHARTS = {
    "log axes, legend, call-out, two-line suptitle": Chart(
        "Loss on the bowl: rate 0.1 crawls; rate 0.5 is fastest (1 steps); rate 0.8 overshoots "
        "yet converges (12 steps); above 2/c = 1, rate 1.2 diverges", (
            Panel("lines", "Loss per step (diverging runs cut at 1e6 x start)", "update step",
                  "loss (log scale)", y_log=True, series=(
                      Series.of("rate 0.1", range(27), [10 * 0.6 ** i for i in range(27)]),
                      Series.of("rate 1.2", range(22), [10 * 2.2 ** i for i in range(22)],
                                "dashed")),
                  hlines=((1e-4, "tolerance"),),
                  annotations=(Annotation(21, 10 * 2.2 ** 21, "rate 1.2 diverges (cut)"),)),
            Panel("scatter", "Spread of the minibatch gradient", "batch size B",
                  "std of gradient estimate", x_log=True, y_log=True, series=(
                      Series.of("measured", [1, 4, 16, 64, 256], [4.3, 2.2, 1.1, 0.5, 0.27],
                                "points"),)))),
    "heat map with a colour bar beside slanted bars": Chart(
        "Same counts, two layouts", (
            Panel("heatmap", "rows actual, columns predicted", "predicted class", "actual class",
                  matrix=((940, 20), (10, 30)), x_ticks=("0 (negative)", "1 (positive)"),
                  y_ticks=("0 (negative)", "1 (positive)")),
            Panel("bars", "Largest size of each family", "instance family",
                  "accelerator memory (GiB, log scale)", y_log=True, series=(
                      Series.of("GiB", FAMILIES, [128, 192, 192, 384, 320, 640, 640, 1128,
                                                  1440, 512]),)))),
    "one panel, offset text under its title": Chart(
        "", (Panel("lines", "W" * 32, "step", "value", series=(  # wider than the Axes
                       Series.of("run", range(9), [1e6 + 0.1 + 0.05 * i for i in range(9)]),)),)),
}


def laid_out(chart, constrained=False):
    """``chart`` drawn and laid out as a PNG would be (by fit, or by matplotlib's constrained
    layout), then drawn once; returns the figure and its renderer."""
    fig = figures.draw(chart)
    if constrained:
        fig.set_layout_engine("constrained")
    else:
        figures.fit(fig)
    fig.canvas.draw()
    return fig, fig.canvas.get_renderer()


def texts(fig):
    """Every visible, non-empty text of the figure, with what it belongs to."""
    found = [("suptitle", t) for t in fig.texts]
    for n, ax in enumerate(fig.axes):
        axes = [ax, *ax.child_axes]
        found += [(f"{n} title", ax.title)]
        for a in axes:
            for axis in (a.xaxis, a.yaxis):
                low, high = sorted(axis.get_view_interval())
                ticks = [t for t in axis.get_major_ticks() + axis.get_minor_ticks()
                         if low <= t.get_loc() <= high]
                found += [(f"{n} tick", t.label1) for t in ticks]
                found += [(f"{n} label", axis.label), (f"{n} offset", axis.offsetText)]
        found += [(f"{n} text", t) for t in ax.texts]
    return [(owner, t) for owner, t in found if t.get_visible() and t.get_text()]


@pytest.mark.parametrize("name", CHARTS)
def test_every_text_is_inside_the_figure(name):
    fig, renderer = laid_out(CHARTS[name])
    for owner, text in texts(fig):
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0 and box.y0 >= 0, (owner, text.get_text(), box)
        assert box.x1 <= fig.bbox.width and box.y1 <= fig.bbox.height, (owner, text.get_text())


@pytest.mark.parametrize("name", CHARTS)
def test_titles_labels_and_tick_labels_do_not_overlap(name):
    fig, renderer = laid_out(CHARTS[name])
    placed = [(owner, t.get_text(), t.get_window_extent(renderer)) for owner, t in texts(fig)
              if not owner.endswith("text")]  # call-outs sit on the data, by design
    for i, (owner, words, box) in enumerate(placed):
        for other, other_words, other_box in placed[i + 1:]:
            if owner.endswith("tick") and other == owner:
                continue  # neighbouring tick labels of one axis: matplotlib's own spacing
            assert not box.overlaps(other_box), (owner, words, other, other_words)


@pytest.mark.parametrize("name", CHARTS)
def test_the_panels_sit_where_constrained_layout_puts_them(name):
    """Within 2 % of the figure's width and height: the same picture, not a new layout."""
    fit, _ = laid_out(CHARTS[name])
    constrained, _ = laid_out(CHARTS[name], constrained=True)
    for ours, theirs in zip(fit.axes, constrained.axes):
        for a, b in zip(ours.get_position().bounds, theirs.get_position().bounds):
            assert a == pytest.approx(b, abs=0.02)


def test_the_title_is_raised_over_the_offset_text_as_matplotlib_raises_it():
    chart = CHARTS["one panel, offset text under its title"]
    fig, renderer = laid_out(chart)
    ax = fig.axes[0]
    assert ax.yaxis.offsetText.get_text()  # the case this test is about
    constrained, other = laid_out(chart, constrained=True)
    ours = ax.title.get_window_extent(renderer)
    theirs = constrained.axes[0].title.get_window_extent(other)
    assert ours.y0 - ax.bbox.y1 == pytest.approx(theirs.y0 - constrained.axes[0].bbox.y1, abs=2)
