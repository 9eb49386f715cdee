"""The fonts card sheets are set in: DejaVu Sans first, then system fonts for other scripts.

DejaVu Sans (regular and bold) ships with matplotlib, so every install has it; it covers
Latin, Greek, Cyrillic, Hebrew, Arabic and most symbols. For a character it lacks (Chinese,
Japanese, Korean, Devanagari...), the system's fonts are asked through fontconfig
(``fc-match -s 'sans-serif:charset=XXXX'``, which ranks the fonts that have the character
first): a Noto or Droid font is preferred, then any other font that has it. Without
fontconfig, matplotlib's font manager lists the installed Noto and Droid fonts.

A character no font has is *missing*: the caller reports it with the card id, never prints
a box silently. Colour (bitmap) fonts are skipped: they cannot be embedded as outlines.
"""

from __future__ import annotations

import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class FontFile:
    """One face of a font file: ``index`` is its number inside a collection (.ttc)."""

    family: str
    path: str
    index: int = 0


@dataclass(frozen=True)
class FontChain:
    """The fonts to set a text in, in order: (regular, bold or None) per family."""

    faces: tuple  # ((FontFile regular, FontFile | None bold), ...), DejaVu Sans first
    missing: frozenset  # characters no font has

    @property
    def fallbacks(self) -> tuple:
        return self.faces[1:]


def dejavu() -> tuple[FontFile, FontFile]:
    """matplotlib's DejaVu Sans and DejaVu Sans Bold (found by its font manager, which
    does not import pyplot)."""
    from matplotlib.font_manager import FontProperties, findfont

    regular, bold = (findfont(FontProperties(family="DejaVu Sans", weight=weight),
                              fallback_to_default=False) for weight in ("normal", "bold"))
    return FontFile("DejaVu Sans", regular), FontFile("DejaVu Sans", bold)


@lru_cache(maxsize=None)
def characters(font: FontFile) -> frozenset:
    """The code points ``font`` has a glyph for (its best cmap)."""
    from fontTools.ttLib import TTFont

    with TTFont(font.path, fontNumber=font.index, lazy=True) as face:
        return frozenset(face.getBestCmap() or {})


def needs_no_glyph(char: str) -> bool:
    """Whitespace and invisible format characters (bidi marks, joiners) draw nothing."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def chain_for(text_chars: set[str]) -> FontChain:
    """DejaVu Sans plus the system fonts needed for ``text_chars``; what none has is
    ``missing``."""
    regular, bold = dejavu()
    wanted = {ord(c) for c in text_chars if not needs_no_glyph(c)}
    wanted -= characters(regular)
    faces = [(regular, bold)]
    missing = set()
    tried: set = set()
    while wanted:
        code = min(wanted)
        found = _system_font(code, tried)
        if found is None:
            missing.add(code)
            wanted.discard(code)
            continue
        tried.add(found)
        covered = characters(found) & wanted
        wanted -= covered
        faces.append((found, _bold_of(found)))
    return FontChain(tuple(faces), frozenset(chr(c) for c in missing))


def _preferred(family: str) -> bool:
    return family.startswith(("Noto", "Droid"))


def _system_font(code: int, tried: set) -> FontFile | None:
    """The system's best font with a glyph for ``code``: fontconfig's ranking, Noto and
    Droid first; None if no font has it."""
    candidates = _fontconfig_candidates(code)
    if candidates is None:  # no fontconfig
        candidates = _matplotlib_candidates()
    ranked = [f for f in candidates if _preferred(f.family)] + \
        [f for f in candidates if not _preferred(f.family)]
    for font in ranked[:12]:  # fontconfig ranks fonts that have the character first
        if font not in tried and code in characters(font):
            return font
    return None


def _fontconfig_candidates(code: int) -> list[FontFile] | None:
    try:
        out = subprocess.run(
            ["fc-match", "-s", "--format",
             "%{file}\t%{index}\t%{family[0]}\t%{color}\t%{fontformat}\n",
             f"sans-serif:charset={code:x}"],
            capture_output=True, text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    fonts = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 5 or parts[3] == "True" or parts[4] not in ("TrueType", "CFF"):
            continue
        if parts[2] == "DejaVu Sans":
            continue
        fonts.append(FontFile(parts[2], parts[0], int(parts[1] or 0)))
    return fonts


@lru_cache(maxsize=1)
def _matplotlib_list() -> tuple:
    from matplotlib import font_manager

    return tuple(sorted({FontFile(f.name, f.fname) for f in font_manager.fontManager.ttflist
                         if _preferred(f.name) and f.weight in (400, "normal", "regular")
                         and f.style == "normal"}, key=lambda f: (f.family, f.path)))


def _matplotlib_candidates() -> list[FontFile]:
    return list(_matplotlib_list())


def _bold_of(font: FontFile) -> FontFile | None:
    """The bold face of ``font``'s family, if the system has one."""
    try:
        out = subprocess.run(["fc-match", "--format", "%{file}\t%{index}\t%{family[0]}",
                              f"{font.family}:weight=bold"],
                             capture_output=True, text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("\t")
    if len(parts) == 3 and parts[2] == font.family and parts[0] != font.path:
        return FontFile(font.family, parts[0], int(parts[1] or 0))
    return None
