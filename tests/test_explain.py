"""`quizzer explain`, the figure renderer, the PNG cache and the text preview."""

import json

import pytest
from click.testing import CliRunner

from quizzer import simulations
from quizzer.cli import cli
from quizzer.content.bank import fill_placeholders, load
from quizzer.render import figures, preview
from conftest import fake_viewer, opened

BANK = load()
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def explain(*args):
    result = CliRunner().invoke(cli, ["explain", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("slug", [t.slug for t in BANK.topics])
def test_every_topic_explains(slug):
    code, out, err = explain(slug, "--no-plot")
    topic = BANK.topic(slug)
    assert (code, err) == (0, "")
    example = simulations.run(topic.example.simulation, seed=topic.example.seed,
                              **topic.example.params)

    def filled(text):
        return " ".join(fill_placeholders(text, example.values).split())

    # The screen, words compared (wrapping aside): title, exams, the summary, every key point
    # under its heading in the bank's order, then the worked example with its findings.
    exams = "; ".join(f"{exam}: {domain}" for exam, domain in topic.exam.items())
    head = " ".join([topic.title, f"({slug})", exams, filled(topic.summary),
                     "Remember for the exam",
                     *(f"- {filled(point)}" for point in topic.key_points), "Worked example"])
    flat = " ".join(out.split())
    assert flat.startswith(head + " "), slug
    assert " ".join(example.findings[0].split()) in flat[len(head):]


def test_aliases_and_unknown_topic_with_suggestion():
    assert explain("cm", "--no-plot")[0] == 0
    code, out, err = explain("confusion-matrx", "--no-plot")
    assert code == 2
    assert " ".join(err.split()).endswith(
        "unknown topic 'confusion-matrx'. Did you mean 'confusion-matrix'? Topics: "
        + ", ".join(sorted(t.slug for t in BANK.topics)))


def test_json_is_the_example_and_nothing_else():
    code, out, _ = explain("cm", "--json", "--no-plot")
    data = json.loads(out)
    assert code == 0
    assert data["name"] == "confusion_matrix.metrics"
    assert data["values"]["precision"] == pytest.approx(50 / 55)
    assert data["values"]["recall"] == pytest.approx(50 / 60)
    assert data["figure"] is None
    assert set(data) >= {"params", "values", "table", "findings", "chart", "figure"}


def test_set_changes_the_numbers():
    code, out, _ = explain("cm", "--json", "--no-plot", "--set", "fp=20", "--set", "tn=85")
    data = json.loads(out)
    assert code == 0
    assert data["params"]["fp"] == 20
    assert data["values"]["precision"] == pytest.approx(50 / 70)
    assert data["values"]["specificity"] == pytest.approx(85 / 105)


@pytest.mark.parametrize("assignment,message", [
    ("colour=red", "confusion_matrix.metrics has no parameter 'colour'; valid: tp, fp, fn, tn"),
    ("tp=-3", "confusion_matrix.metrics: parameter tp: -3 is outside"),
    ("tp=lots", "confusion_matrix.metrics: parameter tp: 'lots' is not a whole number"),
    ("tp", "'tp' is not key=value"),
])
def test_bad_set_names_the_valid_parameters(assignment, message):
    code, out, err = explain("cm", "--no-plot", "--set", assignment)
    assert code == 2
    assert out == ""
    assert err.startswith("Error: " + message)
    table = err.split("Parameters of confusion_matrix.metrics:\n", 1)[1].splitlines()
    assert table[0].split() == ["parameter", "type", "default", "allowed", "meaning"]
    rows = [line.split()[:3] for line in table[2:] if not line.startswith("   ")]
    assert rows == [[name, spec.kind, str(spec.default)] for name, spec in
                    simulations.describe("confusion_matrix.metrics").params.items()]


def test_unknown_scenario_lists_the_topic_scenarios():
    code, _, err = explain("cm", "--no-plot", "--scenario", "nope")
    assert code == 2
    assert err.startswith("Error: confusion-matrix has no scenario 'nope'; choose one of: "
                          + ", ".join(name.split(".")[1] for name in
                                      simulations.names("confusion_matrix")) + "\n")


def test_png_is_valid_and_the_second_call_uses_the_cache(monkeypatch, isolated_home):
    draws = []
    real_draw = figures.draw_into  # what draws a chart into a new or a kept figure
    monkeypatch.setattr(figures, "draw_into", lambda fig, chart, compact=False:
                        draws.append(chart) or real_draw(fig, chart, compact))
    code, out, _ = explain("cm", "--json")
    png = json.loads(out)["figure"]
    data = open(png, "rb").read()
    assert data.startswith(PNG_SIGNATURE)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 600 and height > 300
    assert png.startswith(str(isolated_home / "cache"))
    assert len(draws) == 1
    assert json.loads(explain("cm", "--json")[1])["figure"] == png
    assert len(draws) == 1  # cached: no redraw
    explain("cm", "--json", "--set", "fp=6")
    assert len(draws) == 2  # other numbers, other figure


def test_plot_to_a_path_and_an_unwritable_path(tmp_path):
    tmp_path = tmp_path / "plots"
    tmp_path.mkdir()
    target = tmp_path / "cm.png"
    code, out, _ = explain("cm", "--plot", str(target))
    assert code == 0
    assert target.read_bytes().startswith(PNG_SIGNATURE)
    assert f"Plot: {target}" in out
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, out, err = explain("cm", "--plot", str(blocker / "x.png"))
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: cannot write the plot {blocker / 'x.png'}: ")
    assert sorted(tmp_path.iterdir()) == \
        sorted([blocker, target])


def test_preview_unicode_and_ascii_fallback():
    chart = simulations.run("confusion_matrix.metrics").chart
    fancy = preview.render(chart, "utf-8")
    plain = preview.render(chart, "ascii")
    assert "█" in fancy
    assert plain.isascii() and "#" in plain
    assert fancy.splitlines()[0] == plain.splitlines()[0]


def test_preview_is_off_when_piped_and_on_when_asked():
    """Asked for, the preview is one block added to the piped screen, which has none."""
    import difflib

    plain = explain("cm", "--no-plot")[1].splitlines()
    shown = explain("cm", "--no-plot", "--preview")[1].splitlines()
    changes = [op for op in difflib.SequenceMatcher(None, plain, shown).get_opcodes()
               if op[0] != "equal"]
    assert [op[0] for op in changes] == ["insert"]
    block = "\n".join(shown[changes[0][3]:changes[0][4]])
    assert "█" in block and not any("█" in line or "▒" in line for line in plain)


def _two_clouds(y_log=False):
    from quizzer.simulations.example import Chart, Panel, Series

    wide = Series.of("hold-out", range(1, 11), [0.05, 0.2, 0.1, 0.15, 0.08, 0.22, 0.12, 0.06,
                                                 0.18, 0.11], "points")
    narrow = Series.of("5-fold", range(1, 11), [0.12, 0.125, 0.118, 0.122, 0.121, 0.119,
                                                 0.124, 0.12, 0.123, 0.117], "points")
    return Chart("t", (Panel("scatter", "Estimates", "reshuffle", "MSE (log scale)",
                             (wide, narrow), y_log=y_log),))


@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_scatter_preview_keeps_each_cloud_apart_and_shows_its_range(encoding):
    text = preview.render(_two_clouds(), encoding, width=40)
    lines = text.splitlines()
    marks = preview.charset(encoding)["marks"]
    grid = [line.split("|", 1)[1] for line in lines if "|" in line]
    assert len(grid) == 8 and all(len(line) <= 40 for line in lines)
    # The y range is the data's, on the top and bottom rows of the grid.
    assert lines[1].split("|")[0].strip() == "0.22" and \
        lines[8].split("|")[0].strip() == "0.05"
    # Each series has its own marker, the narrow cloud only in the middle rows (it spans
    # 0.117..0.125 of 0.05..0.22) and the wide one reaching the top and the bottom.
    rows_of = {m: {i for i, row in enumerate(grid) if m in row} for m in marks[:2]}
    assert {0, 7} <= rows_of[marks[0]]
    assert rows_of[marks[1]] and rows_of[marks[1]] <= {3, 4}
    assert lines[-1].split() == [marks[0], "hold-out", marks[1], "5-fold"]
    assert "x: reshuffle (1 .. 10); y: MSE (log scale)" in " ".join(text.split())
    assert text.isascii() == (encoding == "ascii")


def test_scatter_preview_says_log_scale_once_and_wraps_to_the_width():
    text = preview.render(_two_clouds(y_log=True), "utf-8", width=40)
    assert text.count("log scale") == 1  # the label says it already
    assert all(len(line) <= 40 for line in text.splitlines())


def test_line_preview_puts_every_series_on_one_x_axis():
    from quizzer.simulations.example import Chart, Panel, Series

    points = Series.of("observations", [0, 2, 4, 6, 8, 10], [0, 4, 8, 12, 16, 20], "points")
    fit = Series.of("a fitted line with a long name", [0, 10], [0, 20])  # two points only
    half = Series.of("second half", [5, 10], [10, 20])
    chart = Chart("t", (Panel("lines", "Fits", "x", "y", (points, fit, half)),))
    rows = preview.render(chart, "utf-8", width=50).splitlines()
    assert all(len(row) <= 50 for row in rows)
    label_width = 22
    curves = {row[2:2 + label_width]: row[2 + label_width + 2:] for row in rows[1:4]}
    # a label longer than the column is cut with an ellipsis
    assert set(curves) == {"observations".ljust(22), "a fitted line with a …",
                           "second half".ljust(22)}
    fitted = curves["a fitted line with a …"]
    assert len(fitted) == 50 - 4 - label_width and " " not in fitted  # the whole x range
    assert fitted[0] == "▁" and fitted[-1] == "█"
    second = curves["second half".ljust(22)]
    assert second.startswith(" " * (len(fitted) // 2 - 1)) and second.endswith("█")
    dots = curves["observations".ljust(22)]
    assert len(dots.replace(" ", "")) == 6  # six points, gaps between them
    assert "x: x (0 .. 10)" in " ".join(" ".join(rows[4:]).split())


def test_line_preview_on_a_log_axis_shows_orders_of_magnitude():
    from quizzer.simulations.example import Chart, Panel, Series

    layers = list(range(1, 21))
    vanishing = Series.of("sigmoid", layers, [10.0 ** (-12 + 12 * (i - 1) / 19) for i in layers])
    flat = Series.of("relu", layers, [1.0] * 20)
    sparse = Series.of("two points", [1, 20], [1e-12, 1.0])  # interpolated between logs
    chart = Chart("t", (Panel("lines", "Norms", "layer", "norm", (vanishing, flat, sparse),
                              y_log=True),))
    rows = preview.render(chart, "utf-8", width=60).splitlines()
    curves = [row[2 + 10 + 2:] for row in rows[1:4]]
    levels = preview.UNICODE["spark"]
    assert curves[0][0] == levels[0] and curves[0][-1] == levels[-1]
    assert curves[1] == levels[-1] * len(curves[1])
    assert curves[2] == curves[0]  # a straight line on the log axis, like the plot's
    middle = curves[0][len(curves[0]) // 2]
    assert levels.index(middle) in (3, 4)  # halfway in orders of magnitude, not in value


def test_heatmap_preview_shows_the_counts_under_their_labels_or_shades_if_too_wide():
    from quizzer.simulations.example import Chart, Panel

    panel = Panel("heatmap", "Confusion matrix", "predicted", "actual",
                  matrix=((50, 10), (5, 100)), x_ticks=("pos", "neg"), y_ticks=("pos", "neg"))
    rows = preview.render(Chart("t", (panel,)), "ascii", width=40).splitlines()
    assert rows[1].split() == ["pos", "neg"]
    assert rows[2].split()[0] == "pos" and rows[2].split()[-1] == "10"
    assert rows[3].split()[-2:] == ["#", "100"]  # the largest count, darkest
    assert "rows: actual; columns: predicted" in " ".join(" ".join(rows).split())
    narrow = preview.render(Chart("t", (panel,)), "ascii", width=12).splitlines()
    assert "100" not in narrow[1] and "#" in narrow[2]  # shades only


def test_preview_counts_in_the_thousands_read_as_whole_numbers():
    """A count of 4950 read "4.95e+03" in a preview (a new-user trial): whole numbers below
    a million are written out, larger and smaller ones keep three significant digits."""
    from quizzer.simulations.example import Chart, Panel

    panel = Panel("heatmap", "Confusion matrix", "predicted", "actual",
                  matrix=((4950, 50), (12, 2_500_000)), x_ticks=("pos", "neg"),
                  y_ticks=("pos", "neg"))
    rows = preview.render(Chart("t", (panel,)), "ascii", width=60).splitlines()
    assert "4950" in rows[2] and "e+03" not in " ".join(rows)
    assert "2.5e+06" in rows[3]


def test_sparkline_shape():
    chars = preview.UNICODE
    assert preview.sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8, chars) == "▁▂▃▄▅▆▇█"
    assert preview.sparkline([1, float("inf"), 3], 3, chars) == "▁ █"
    assert preview.sparkline([1, 10, 100], 3, chars, log=True) == "▁▅█"


def test_index_lists_topics_and_scenarios():
    code, out, _ = explain()
    assert code == 0
    flat = " ".join(out.split())
    for topic in BANK.topics:
        assert f"  {topic.slug}: {topic.title}" in out
        for name in simulations.names(topic.example.simulation.split(".")[0]):
            purpose = " ".join(simulations.describe(name).purpose.split())
            assert f"- {name.split('.')[1]} - {purpose}" in flat, name


def test_dollar_signs_are_not_mathtext(tmp_path):
    from quizzer.simulations.example import Chart, Panel, Series

    chart = Chart("Costs in $ and $$", (Panel("bars", "Price $3 vs $5", "instance", "$ per hour",
                                              (Series.of("$", ["a $", "b"], [3.0, 5.0]),)),))
    fig = figures.draw(chart)
    path = figures.save_png(fig, tmp_path / "dollars.png")  # draws: tick labels now exist
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    texts = [t for t in fig.findobj(lambda o: hasattr(o, "get_parse_math"))
             if t.get_text()]
    shown = {t.get_text(): t for t in texts}
    # titles and axis labels: drawn as typed, mathtext off
    for text in ("$ per hour", "Price $3 vs $5"):
        assert not shown[text].get_parse_math()
    # tick labels (made lazily, mathtext on for log scales): every dollar escaped
    assert r"a \$" in shown and "a $" not in shown
    unescaped = [t for t in texts if t.get_parse_math()
                 and t.get_text().replace(r"\$", "").count("$")]
    assert unescaped == []


@pytest.mark.parametrize("alias,slug", [("cm", "confusion-matrix"), ("l1", "l1-l2"),
                                        ("l2", "l1-l2"), ("dropout", "regularization"),
                                        ("early-stopping", "regularization"),
                                        ("vanishing-gradients", "gradients"),
                                        ("gpu", "instance-types"), ("LR", "learning-rate")])
def test_sensible_aliases(alias, slug):
    assert BANK.resolve_topic(alias).slug == slug


def test_open_says_where_the_plot_is_when_there_is_no_viewer(monkeypatch, tmp_path):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    code, out, err = explain("cm", "--open", "--no-preview")
    assert code == 0
    plot = next(line for line in out.splitlines() if line.startswith("Plot: "))[6:]
    assert " ".join(out.split()).endswith(
        "No image viewer to open the plot: there is no desktop session (DISPLAY is not set). "
        f"The plot is at {plot}")


def test_open_starts_the_viewer_on_the_plot(monkeypatch, tmp_path):
    folder, log = fake_viewer(tmp_path)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("sys.platform", "linux")
    code, out, err = explain("cm", "--open", "--no-preview")
    plot = next(line for line in out.splitlines() if line.startswith("Plot: "))[6:]
    assert code == 0
    assert " ".join(out.split()).endswith(f"Opened the plot in your image viewer: {plot}")
    assert opened(log) == plot
