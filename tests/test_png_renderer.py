"""The PNG renderer's shortcuts give the pictures matplotlib's plain way gives: a figure
drawn again instead of made anew, PNGs written without savefig, log axes that make only the
ticks they show."""

import io

import numpy as np
import pytest
from PIL import Image

from quizzer.render import figures
from quizzer.simulations.example import Annotation, Chart, Panel, Series

LOG_AND_CALLOUT = Chart(
    "Loss on the bowl: rate 0.1 crawls, rate 1.2 diverges", (
        Panel("lines", "Loss per step", "update step", "loss (log scale)", y_log=True,
              series=(Series.of("rate 0.1", range(27), [10 * 0.6 ** i for i in range(27)]),
                      Series.of("rate 1.2", range(22), [10 * 2.2 ** i for i in range(22)],
                                "dashed")),
              hlines=((1e-4, "tolerance"),),
              annotations=(Annotation(21, 10 * 2.2 ** 21, "rate 1.2 diverges"),)),
        Panel("scatter", "Spread of the minibatch gradient", "batch size B", "std",
              x_log=True, y_log=True,
              series=(Series.of("measured", [1, 4, 16, 64, 256], [4.3, 2.2, 1.1, 0.5, 0.27],
                                "points"),))))
HEATMAP_AND_BARS = Chart(
    "Same counts, two layouts", (
        Panel("heatmap", "rows actual, columns predicted", "predicted", "actual",
              matrix=((940, 20), (10, 30)), x_ticks=("0", "1"), y_ticks=("0", "1")),
        Panel("bars", "Counts", "class", "count", series=(
            Series.of("2024", ["a", "b", "c"], [3, 1, 2]),
            Series.of("2025", ["a", "b", "c"], [2, 2, 4])))))
UNTITLED_TWO_PANELS = Chart(
    "", (Panel("lines", "A", "x", "y", series=(Series.of("up", range(5), range(5)),)),
         Panel("lines", "B", "x", "y", series=(Series.of("down", range(5), range(5, 0, -1)),))))
ONE_PANEL = Chart("One panel", (Panel("lines", "Only", "x", "y (log)", y_log=True, series=(
    Series.of("grows", range(1, 9), [2 ** i for i in range(1, 9)]),)),))


def png_of(fig) -> bytes:
    figures.fit(fig)
    out = io.BytesIO()
    figures.write_png(fig, out)
    return out.getvalue()


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


@pytest.mark.parametrize("chart", [LOG_AND_CALLOUT, HEATMAP_AND_BARS, UNTITLED_TWO_PANELS,
                                   ONE_PANEL], ids=["log", "heatmap", "untitled", "one"])
def test_a_figure_drawn_again_gives_the_png_of_a_new_one(chart):
    fresh = png_of(figures.draw(chart))
    # The kept figure of that size last showed other charts: with a title and a colour
    # bar, and (for the untitled chart) a suptitle that must not stay behind.
    for before in (HEATMAP_AND_BARS, LOG_AND_CALLOUT, ONE_PANEL):
        png_of(figures.draw_again(before))
    again = figures.draw_again(chart)
    assert png_of(again) == fresh
    assert figures.draw_again(chart) is again  # the same figure, not a new one each time


def test_each_thread_draws_again_into_its_own_figure():
    from concurrent.futures import ThreadPoolExecutor

    here = figures.draw_again(ONE_PANEL)
    with ThreadPoolExecutor(1) as other:
        there = other.submit(figures.draw_again, ONE_PANEL).result()
    assert there is not here


def test_the_png_has_the_pixels_savefig_writes_without_the_alpha_it_does_not_need():
    fig = figures.draw(LOG_AND_CALLOUT)
    ours = png_of(fig)
    theirs = io.BytesIO()
    fig.savefig(theirs, format="png")
    assert np.array_equal(pixels(ours), pixels(theirs.getvalue()))
    image = Image.open(io.BytesIO(ours))
    assert image.mode == "RGB"  # every pixel opaque: no alpha channel written
    assert image.info["dpi"] == pytest.approx((fig.dpi, fig.dpi), abs=0.01)


def test_a_see_through_figure_keeps_its_alpha():
    fig = figures.draw(ONE_PANEL)
    fig.patch.set_alpha(0.0)
    ours = png_of(fig)
    theirs = io.BytesIO()
    fig.savefig(theirs, format="png")
    assert Image.open(io.BytesIO(ours)).mode == "RGBA"
    assert np.array_equal(pixels(ours), pixels(theirs.getvalue()))


def with_matplotlibs_locators(chart):
    """``chart`` drawn with matplotlib's own locators, which also place ticks outside the
    view, instead of figures.in_view's."""
    from matplotlib.ticker import AutoLocator, LogLocator

    fig = figures.draw(chart)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                axis.set_major_locator(LogLocator())
                axis.set_minor_locator(LogLocator(subs="auto"))
            elif type(axis.get_major_locator()).__name__ == "InView":
                axis.set_major_locator(AutoLocator())
    return fig


def test_a_log_axis_makes_only_the_ticks_in_view_and_looks_the_same():
    fig = figures.draw(LOG_AND_CALLOUT)
    ours = png_of(fig)
    for axis in (fig.axes[0].yaxis, fig.axes[1].xaxis):  # two or more ticks in view
        low, high = axis.get_view_interval()
        for locs in (axis.get_majorticklocs(), axis.get_minorticklocs()):
            assert all(low * (1 - 1e-6) <= v <= high * (1 + 1e-6) for v in locs)
    assert len(fig.axes[1].xaxis.get_minorticklocs()) > 10
    plain = with_matplotlibs_locators(LOG_AND_CALLOUT)
    low, high = plain.axes[1].xaxis.get_view_interval()
    outside = [v for v in plain.axes[1].xaxis.get_minorticklocs() if not low <= v <= high]
    assert outside  # the ticks the shortcut leaves out
    assert np.array_equal(pixels(ours), pixels(png_of(plain)))


NARROW = Chart("", (Panel("lines", "Two ticks in view at most", "x", "y", series=(
    Series.of("flat", [0.0, 0.4], [1.00001, 1.00002]),)),))


@pytest.mark.parametrize("chart", [UNTITLED_TWO_PANELS, HEATMAP_AND_BARS, NARROW],
                         ids=["lines", "bars", "narrow"])
def test_a_linear_axis_makes_only_the_ticks_in_view_and_labels_them_the_same(chart):
    fig = figures.draw(chart)
    ours = png_of(fig)
    plain = with_matplotlibs_locators(chart)
    assert np.array_equal(pixels(ours), pixels(png_of(plain)))
    axis = fig.axes[-1].yaxis
    low, high = axis.get_view_interval()
    assert all(low - 1e-9 <= v <= high + 1e-9 for v in axis.get_majorticklocs())
    assert len(plain.axes[-1].yaxis.get_majorticklocs()) > len(axis.get_majorticklocs())


def test_bar_labels_write_thousands_whole():
    """A bar of 60,000 was labelled 6e+04 on the PNG."""
    from quizzer.render.figures import bar_value, draw
    from quizzer.simulations.example import Chart, Panel, Series

    assert [bar_value(v) for v in (60_000.0, 4950, 0.913, 12.0, 2_500_000.0)] == [
        "60,000", "4,950", "0.913", "12", "2.5e+06"]
    chart = Chart("t", (Panel("bars", "Samples", "batch", "samples", series=(
        Series.of("seen", ["small", "large"], [60_000.0, 0.5]),)),))
    [ax] = draw(chart).axes
    assert [t.get_text() for t in ax.texts] == ["60,000", "0.5"]
