"""Where a learner sees a plot: inside the terminal, as text, or in the system viewer.

Inline, the chart is the cached PNG that ``figures`` already draws (one chart, several renderers);
this module only wraps its bytes in the escape sequence a terminal understands:

- **kitty graphics protocol** (kitty, Ghostty): ``ESC _G a=T,f=100,c=COLS,q=2 ; base64 ESC \\``,
  the base64 payload in chunks of at most 4096 bytes, ``m=1`` on every chunk but the last
  (``m=0``), later chunks carrying only ``m`` (sw.kovidgoyal.net/kitty/graphics-protocol,
  "Remote client" and "Controlling displayed image layout"). ``f=100``: PNG; ``c``: width in
  cells, the height follows the aspect ratio; ``q=2``: no replies on stdin.
- **iTerm2 inline images** (iTerm2, WezTerm, VS Code's terminal with images enabled):
  ``ESC ]1337;File=inline=1;size=BYTES;width=COLS;preserveAspectRatio=1:base64 BEL``
  (iterm2.com/documentation-images.html).
- **sixel** (xterm -ti vt340, foot, mlterm, Windows Terminal, ...): ``ESC P q``, the raster
  attributes ``"1;1;W;H``, colour registers ``#n;2;r;g;b`` in percent, then bands of six
  pixel rows, one ``#n`` + data run per colour with ``$`` between colours and ``-`` between
  bands, ``!count`` for repeats, and ``ESC \\`` (VT330/VT340 Programmer Reference, chapter
  14 "Sixel Graphics"). A terminal says it has sixel by listing 4 in its reply to the
  Primary Device Attributes query ``ESC [ c`` (xterm ctlseqs).

Why our own module: term-image draws kitty and iTerm2 but not sixel and queries the terminal
on its own schedule; textual-image draws kitty and sixel but not iTerm2 and brings rich;
imgcat is iTerm2 only. Each protocol is a few lines once the PNG exists, and these are
tested against the documents above (tests/test_plot_display.py).

Detection uses the variables the terminals document: ``KITTY_WINDOW_ID`` / ``TERM=xterm-kitty``
(kitty), ``TERM_PROGRAM=ghostty`` / ``TERM=xterm-ghostty`` (Ghostty), ``TERM_PROGRAM=iTerm.app``
or ``LC_TERMINAL=iTerm2`` (iTerm2), ``TERM_PROGRAM=WezTerm`` (WezTerm: iTerm2's protocol is
on by default, kitty's is opt-in), ``TERM_PROGRAM=vscode`` (VS Code); then, for sixel, the
device-attributes query. Inside tmux or screen nothing is drawn inline (they need a
passthrough the user must enable): the text preview is used. ``QUIZZER_PLOT_STYLE`` or
``--plot-style`` overrides all of it.
"""

from __future__ import annotations

import os
import sys

STYLES = ("inline", "text", "none")
PROTOCOLS = ("kitty", "iterm2", "sixel")
ENV = "QUIZZER_PLOT_STYLE"
KITTY_CHUNK = 4096
CELL_PIXELS = (10, 20)  # a cell's width and height in pixels when the terminal won't say


def protocol_from_env(env=os.environ) -> str | None:
    """The image protocol the terminal's documented variables name, or None."""
    if env.get("TMUX") or env.get("STY") or env.get("TERM", "").startswith(("screen", "tmux")):
        return None
    term, program = env.get("TERM", ""), env.get("TERM_PROGRAM", "")
    if env.get("KITTY_WINDOW_ID") or term == "xterm-kitty":
        return "kitty"
    if program.lower() == "ghostty" or term == "xterm-ghostty":
        return "kitty"
    if program in ("iTerm.app", "WezTerm", "vscode") or env.get("LC_TERMINAL") == "iTerm2":
        return "iterm2"
    return None


def has_sixel(attributes_reply: str) -> bool:
    """True if a Primary Device Attributes reply (``ESC [ ? 62;4;22 c``) lists 4 (sixel)."""
    body = attributes_reply.rsplit("[?", 1)[-1].rstrip("c")
    return "4" in body.split(";")


def query_sixel(timeout: float = 0.15) -> bool:
    """Ask the terminal (ESC [ c) whether it draws sixel; False if it does not answer."""
    try:
        import select
        import termios
        import tty
    except ImportError:  # Windows: no termios
        return False
    try:
        fd = sys.stdin.fileno()
        if not (os.isatty(fd) and sys.stdout.isatty()):
            return False
        saved = termios.tcgetattr(fd)
    except (OSError, ValueError, termios.error):
        return False
    reply = b""
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        sys.stdout.write("\x1b[c")
        sys.stdout.flush()
        while not reply.endswith(b"c"):
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                break
            reply += os.read(fd, 64)
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
    return has_sixel(reply.decode("ascii", "replace"))


def choose(option: str | None, stdout_is_terminal: bool, env=os.environ,
           ask_terminal=query_sixel) -> tuple[str, str | None]:
    """(style, protocol): ``--plot-style`` first, then ``QUIZZER_PLOT_STYLE``, then what the
    terminal supports. Style is inline, text or none; protocol is set for inline only.

    ``QUIZZER_PLOT_STYLE`` may also name a protocol (kitty, iterm2, sixel) to force it.
    Not a terminal: none (the plot's path only). Raises ValueError for an unknown value.
    """
    wanted = option or env.get(ENV, "").strip().lower() or None
    if wanted is not None and wanted not in STYLES + PROTOCOLS:
        raise ValueError(f"{ENV}={wanted!r} is not one of {', '.join(STYLES + PROTOCOLS)}")
    if wanted in PROTOCOLS:
        return "inline", wanted
    if wanted in ("text", "none"):
        return wanted, None
    if not stdout_is_terminal and wanted is None:
        return "none", None
    protocol = protocol_from_env(env)
    if protocol is None and not (env.get("TMUX") or env.get("STY")) and ask_terminal():
        protocol = "sixel"
    if protocol:
        return "inline", protocol
    return "text", None  # inline asked for, or auto, but the terminal draws no images


# ------------------------------------------------------------------ escape sequences

def kitty(png: bytes, cols: int) -> str:
    """PNG bytes as kitty graphics commands, displayed ``cols`` cells wide."""
    import base64  # only when an image is drawn: this module is imported at every start

    data = base64.standard_b64encode(png).decode("ascii")
    chunks = [data[i:i + KITTY_CHUNK] for i in range(0, len(data), KITTY_CHUNK)] or [""]
    out = []
    for i, chunk in enumerate(chunks):
        more = 1 if i < len(chunks) - 1 else 0
        keys = f"a=T,f=100,c={cols},q=2,m={more}" if i == 0 else f"m={more}"
        out.append(f"\x1b_G{keys};{chunk}\x1b\\")
    return "".join(out)


def iterm2(png: bytes, cols: int) -> str:
    """PNG bytes as one iTerm2 inline-image sequence, ``cols`` cells wide."""
    import base64

    data = base64.standard_b64encode(png).decode("ascii")
    return (f"\x1b]1337;File=inline=1;size={len(png)};width={cols};"
            f"preserveAspectRatio=1:{data}\x07")


def sixel(png: bytes, width_px: int, colors: int = 64) -> str:
    """PNG bytes as a sixel image ``width_px`` pixels wide (at most ``colors`` colours)."""
    import io

    import numpy as np
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.width != width_px:
        height = max(1, round(image.height * width_px / image.width))
        image = image.resize((width_px, height), Image.LANCZOS)
    indexed = image.quantize(colors=colors)
    palette = indexed.getpalette()
    pixels = np.asarray(indexed)
    height, width = pixels.shape
    used = sorted(int(c) for c in np.unique(pixels))
    out = ["\x1bPq", f'"1;1;{width};{height}']
    for c in used:
        r, g, b = palette[3 * c:3 * c + 3]
        out.append(f"#{c};2;{round(r * 100 / 255)};{round(g * 100 / 255)};"
                   f"{round(b * 100 / 255)}")
    weights = (1 << np.arange(6)).reshape(6, 1)
    for top in range(0, height, 6):
        band = pixels[top:top + 6]
        rows = []
        for c in (int(c) for c in np.unique(band)):
            bits = ((band == c) * weights[:band.shape[0]]).sum(axis=0)
            rows.append(f"#{c}" + _runs("".join(chr(63 + int(v)) for v in bits)))
        out.append("$".join(rows) + "-")
    out.append("\x1b\\")
    return "".join(out)


def _runs(data: str) -> str:
    """Sixel repeat introducer: ``!N`` before a character repeated N (> 3) times."""
    out, i = [], 0
    while i < len(data):
        j = i
        while j < len(data) and data[j] == data[i]:
            j += 1
        n = j - i
        out.append(f"!{n}{data[i]}" if n > 3 else data[i] * n)
        i = j
    return "".join(out)


def cell_pixels() -> tuple[int, int]:
    """A cell's size in pixels from the terminal (TIOCGWINSZ), else :data:`CELL_PIXELS`."""
    try:
        import array
        import fcntl
        import termios

        buf = array.array("H", [0, 0, 0, 0])
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCGWINSZ, buf)
        rows, cols, xpix, ypix = buf
        if rows and cols and xpix and ypix:
            return xpix // cols, ypix // rows
    except (ImportError, OSError, ValueError, AttributeError):
        pass
    return CELL_PIXELS


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def fit_columns(png: bytes, max_cols: int, max_rows: int,
                cell: tuple[int, int] = CELL_PIXELS) -> int:
    """The widest the chart may be, in cells, so it is at most ``max_rows`` rows high."""
    width, height = png_size(png)
    cols_for_rows = int(max_rows * cell[1] * width / (height * cell[0]))
    return max(10, min(max_cols, cols_for_rows))


def rows_for(png: bytes, cols: int, cell: tuple[int, int] = CELL_PIXELS) -> int:
    """The rows an image ``cols`` cells wide takes, its aspect ratio kept."""
    width, height = png_size(png)
    return max(1, -(-cols * cell[0] * height // (width * cell[1])))


def image(png: bytes, protocol: str, cols: int) -> str:
    """The escape sequence that draws ``png`` inline ``cols`` cells wide (sixel: in pixels
    of this terminal's cells)."""
    cell = cell_pixels()
    if protocol == "kitty":
        return kitty(png, cols)
    if protocol == "iterm2":
        return iterm2(png, cols)
    if protocol == "sixel":
        return sixel(png, cols * cell[0])
    raise ValueError(f"unknown image protocol {protocol!r}")


# ------------------------------------------------------------------ the system viewer

def viewer(env=os.environ, platform: str = sys.platform) -> list[str] | None:
    """The command that opens a file in the desktop's viewer, or None if there is none
    (Linux without xdg-open, or without a desktop session to show a window in)."""
    import shutil

    if platform == "darwin":
        return ["open"]
    if platform == "win32":
        return ["cmd", "/c", "start", ""]
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return None
    found = shutil.which("xdg-open", path=env.get("PATH"))
    return [found] if found else None


def open_in_viewer(path, env=os.environ) -> str:
    """Open ``path`` in the system viewer without waiting; the sentence that says what
    happened (never an exception: a missing viewer is a normal situation)."""
    import subprocess

    command = viewer(env)
    if command is None:
        why = ("there is no desktop session (DISPLAY is not set)"
               if sys.platform not in ("darwin", "win32")
               and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
               else "xdg-open is not installed")
        return f"No image viewer to open the plot: {why}. The plot is at {path}"
    try:
        subprocess.Popen([*command, str(path)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True, env=dict(env))
    except OSError as err:
        return f"Could not open the plot ({err.strerror or err}). The plot is at {path}"
    return f"Opened the plot in your image viewer: {path}"
