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

# Bank order: the order `quizzer validate` lists them in its messages.
_MODULES = ("single", "multiple", "true_false", "numeric", "ordering", "matching")

REGISTRY: dict[str, QuestionKind] = {}
for _module in _MODULES:
    _kind = import_module(f"quizzer.content.kinds.{_module}").KIND
    REGISTRY[_kind.name] = _kind


def names() -> tuple:
    """Every kind's name as written in a bank file (``kind: ordering``)."""
    return tuple(REGISTRY)


def get(name: object) -> QuestionKind | None:
    """The kind called ``name``, or None for anything else (including non-text)."""
    return REGISTRY.get(name) if isinstance(name, str) else None


def of(question: Question) -> QuestionKind:
    """The kind of ``question``; KeyError for a question built with an unknown kind."""
    return REGISTRY[question.kind]


def records() -> tuple:
    """Every dataclass that can appear in a question's answer record (bank snapshots)."""
    return tuple(dict.fromkeys(r for kind in REGISTRY.values() for r in kind.records))
