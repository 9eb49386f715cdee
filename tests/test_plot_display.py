"""Inline images: the escape sequences each protocol documents, detection, the viewer.

Checked against: the kitty graphics protocol (sw.kovidgoyal.net/kitty/graphics-protocol:
``ESC _G <keys> ; <base64> ESC \\``, chunks of at most 4096 base64 bytes, m=1 on all but the
last, later chunks only m); iTerm2's inline images (iterm2.com/documentation-images.html:
``ESC ] 1337 ; File = <args> : <base64> BEL``, inline=1, size in bytes, width in cells);
DEC sixel (VT340 reference, chapter 14: ``ESC P q``, ``"Pan;Pad;Ph;Pv``, ``#Pc;2;R;G;B`` in
percent, six-pixel bands ending ``-``, ``$`` between colours, ``!n`` repeats, ``ESC \\``).
"""

import base64
import io
import re

import pytest

from quizzer.render import plot_display as pd
from conftest import fake_viewer, opened


def png(width: int, height: int, color=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def test_kitty_chunks_the_base64_png_as_documented():
    data = png(300, 200) + bytes(9000)  # large enough for three chunks
    seq = pd.kitty(data, 40)
    commands = re.findall(r"\x1b_G([^;]*);([^\x1b]*)\x1b\\", seq)
    assert "".join(commands_payload for _, commands_payload in commands) == \
        base64.standard_b64encode(data).decode()
    assert seq == "".join(f"\x1b_G{k};{p}\x1b\\" for k, p in commands)  # nothing else
    keys = [k for k, _ in commands]
    assert keys[0] == "a=T,f=100,c=40,q=2,m=1"       # transmit+display, PNG, 40 cells
    assert keys[1:-1] == ["m=1"] * (len(keys) - 2)  # later chunks carry only m
    assert keys[-1] == "m=0"
    assert all(len(p) <= 4096 for _, p in commands) and len(commands) >= 3
    assert all(len(p) % 4 == 0 for _, p in commands[:-1])  # chunks split whole base64 quads


def test_kitty_small_image_is_one_command():
    data = png(10, 10)
    assert pd.kitty(data, 12) == ("\x1b_Ga=T,f=100,c=12,q=2,m=0;"
                                  + base64.standard_b64encode(data).decode() + "\x1b\\")


def test_iterm2_inline_image_as_documented():
    data = png(30, 20)
    assert pd.iterm2(data, 50) == (
        "\x1b]1337;File=inline=1;size=%d;width=50;preserveAspectRatio=1:%s\x07"
        % (len(data), base64.standard_b64encode(data).decode()))


def test_sixel_has_the_documented_frame_palette_and_bands():
    seq = pd.sixel(png(20, 13, (255, 0, 0)), 20)
    assert seq.startswith('\x1bPq"1;1;20;13') and seq.endswith("\x1b\\")
    body = seq[len('\x1bPq"1;1;20;13'):-2]
    registers = re.findall(r"#(\d+);2;(\d+);(\d+);(\d+)", body)
    assert [(r, g, b) for _, r, g, b in registers] == [("100", "0", "0")]  # red in percent
    bands = re.sub(r"#\d+;2;\d+;\d+;\d+", "", body).split("-")[:-1]
    assert len(bands) == 3  # 13 rows: two full bands of six and one of a single row
    n = registers[0][0]
    # Full band: all six bits set ('~' = 63 + 63) twenty times, as one repeat.
    assert bands[0] == bands[1] == f"#{n}!20~"
    assert bands[2] == f"#{n}!20@"  # one row: bit 0 only ('@' = 63 + 1)


def test_sixel_repeat_introducer_only_for_runs_over_three():
    assert pd._runs("aaab") == "aaab"
    assert pd._runs("aaaab") == "!4ab"


def test_sixel_is_read_from_the_device_attributes_reply():
    assert pd.has_sixel("\x1b[?62;4;6;22c")       # xterm -ti vt340
    assert not pd.has_sixel("\x1b[?65;1;9c")      # a VTE terminal without sixel
    assert not pd.has_sixel("")                    # no reply


@pytest.mark.parametrize("env, protocol", [
    ({"KITTY_WINDOW_ID": "1", "TERM": "xterm-kitty"}, "kitty"),
    ({"TERM": "xterm-ghostty", "TERM_PROGRAM": "ghostty"}, "kitty"),
    ({"TERM_PROGRAM": "iTerm.app"}, "iterm2"),
    ({"LC_TERMINAL": "iTerm2"}, "iterm2"),
    ({"TERM_PROGRAM": "WezTerm"}, "iterm2"),
    ({"TERM_PROGRAM": "vscode"}, "iterm2"),
    ({"TERM": "xterm-256color"}, None),
    ({"TERM_PROGRAM": "iTerm.app", "TMUX": "/tmp/tmux-0/default,1,0"}, None),
    ({"TERM": "screen-256color", "KITTY_WINDOW_ID": "1"}, None),
])
def test_protocol_from_the_terminals_documented_variables(env, protocol):
    assert pd.protocol_from_env(env) == protocol


def test_choose_option_then_variable_then_terminal():
    never = lambda: False  # noqa: E731 - the sixel query, answered "no"
    assert pd.choose(None, True, {"TERM_PROGRAM": "iTerm.app"}, never) == ("inline", "iterm2")
    assert pd.choose("text", True, {"TERM_PROGRAM": "iTerm.app"}, never) == ("text", None)
    assert pd.choose(None, True, {"QUIZZER_PLOT_STYLE": "none", "TERM_PROGRAM": "vscode"},
                     never) == ("none", None)
    assert pd.choose(None, True, {"QUIZZER_PLOT_STYLE": "sixel"}, never) == ("inline", "sixel")
    assert pd.choose(None, True, {}, lambda: True) == ("inline", "sixel")
    assert pd.choose(None, True, {}, never) == ("text", None)       # no images: the preview
    assert pd.choose("inline", True, {}, never) == ("text", None)   # asked, but cannot
    assert pd.choose(None, False, {"TERM_PROGRAM": "iTerm.app"}, never) == ("none", None)
    with pytest.raises(ValueError, match="QUIZZER_PLOT_STYLE='big' is not one of"):
        pd.choose(None, True, {"QUIZZER_PLOT_STYLE": "big"}, never)


def test_image_size_keeps_the_aspect_ratio():
    data = png(800, 400)
    assert pd.png_size(data) == (800, 400)
    assert pd.fit_columns(data, 76, 10, (10, 20)) == 40   # 10 rows of 20 px = 200 px high
    assert pd.fit_columns(data, 30, 10, (10, 20)) == 30   # the width is the limit
    assert pd.rows_for(data, 40, (10, 20)) == 10


def test_open_in_viewer_with_and_without_one(tmp_path):
    folder, log = fake_viewer(tmp_path)
    plot = tmp_path / "plot.png"
    plot.write_bytes(png(4, 4))
    env = {"PATH": str(folder), "DISPLAY": ":0"}
    assert pd.open_in_viewer(plot, env) == f"Opened the plot in your image viewer: {plot}"
    assert opened(log) == str(plot)
    assert pd.open_in_viewer(plot, {"PATH": str(tmp_path)}) == (
        f"No image viewer to open the plot: there is no desktop session (DISPLAY is not "
        f"set). The plot is at {plot}")
    assert pd.open_in_viewer(plot, {"PATH": str(tmp_path), "DISPLAY": ":0"}) == (
        f"No image viewer to open the plot: xdg-open is not installed. The plot is at {plot}")
