"""Question kinds: one object per kind, each declaring everything that differs between kinds.

Ask the kind instead of branching on its name::

    from quizzer.content import kinds
    kinds.of(question).grade(question, response)

The registry below is the only list of kinds. Adding a kind means one new module here (a
:class:`~quizzer.content.kinds.base.QuestionKind` subclass with its answer record) plus its line in
:data:`_MODULES`, and bank content that uses it; see docs/adding-a-question-kind.md.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from quizzer.content.kinds.base import QuestionKind

if TYPE_CHECKING:
    from quizzer.content.bank import Question

# Each kind's name as written in a bank file, and its module here, in bank order (the order
# `quizzer validate` lists them in its messages). A module is imported when its kind is first
# asked for: a session of choice questions never pays for the others (start-up time).
_MODULES = {"single": "single", "multiple": "multiple", "true-false": "true_false",
            "numeric": "numeric", "ordering": "ordering", "matching": "matching"}

_loaded: dict[str, QuestionKind] = {}


def names() -> tuple:
    """Every kind's name as written in a bank file (``kind: ordering``)."""
    return tuple(_MODULES)


def get(name: object) -> QuestionKind | None:
    """The kind called ``name``, or None for anything else (including non-text)."""
    if not isinstance(name, str) or name not in _MODULES:
        return None
    kind = _loaded.get(name)
    if kind is None:
        kind = import_module(f"quizzer.content.kinds.{_MODULES[name]}").KIND
        if kind.name != name:  # the table above and the module disagree: a programming error
            raise RuntimeError(f"kinds: module {_MODULES[name]!r} defines {kind.name!r}, "
                               f"not {name!r}")
        _loaded[name] = kind
    return kind


def of(question: Question) -> QuestionKind:
    """The kind of ``question``; KeyError for a question built with an unknown kind."""
    kind = get(question.kind)
    if kind is None:
        raise KeyError(question.kind)
    return kind


def every() -> tuple:
    """Every kind, in bank order (imports them all)."""
    return tuple(get(name) for name in _MODULES)


def record(kind: str, name: str) -> type | None:
    """The dataclass called ``name`` among ``kind``'s answer records (bank snapshots), or
    None if that kind has no such record."""
    question_kind = get(kind)
    if question_kind is None:
        return None
    return next((r for r in question_kind.records if r.__name__ == name), None)


def records() -> tuple:
    """Every dataclass that can appear in a question's answer record (imports every kind)."""
    return tuple(dict.fromkeys(r for kind in every() for r in kind.records))
