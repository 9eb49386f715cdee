"""Deterministic numpy simulations behind every answer, and the registry that names them.

A question bank is data: it refers to a worked example by NAME (``confusion_matrix.metrics``)
and keyword parameters. This registry is the only bridge from those names to code, so a YAML
file can never import or run anything else.

Contract (stable; the CLI, the bank validator and the renderers build on it):

- ``names()``: every scenario as ``module.scenario``.
- ``describe(name)``: the :class:`Scenario` with its purpose and :class:`Param` specs.
- ``check_params(name, params)``: the list of problems with a parameter set, without running,
  including the scenario's work budget (each parameter in range can still add up to a run
  of many seconds; a scenario declares ``budget=`` to refuse such sets with a clear message).
- ``run(name, seed=0, **params)``: an :class:`~quizzer.simulations.example.Example`; same name, params
  and seed give the same numbers, always.
- Unknown names and bad parameters raise :class:`SimulationError`, which lists what is valid.

Importing this package loads the standard library only; a scenario module (and numpy) is
imported the first time one of its scenarios is described or run.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, Callable, Mapping

__all__ = ["Param", "Scenario", "SimulationError", "check_params", "describe", "modules",
           "names", "parse_assignment", "run", "scenario"]

# Modules in this package that hold records or plumbing, not scenarios.
_NOT_SCENARIO_MODULES = {"example"}


class SimulationError(ValueError):
    """An unknown scenario or a bad parameter; the message lists what is valid."""


_KINDS = ("int", "float", "str", "bool", "floats", "ints")


@dataclass(frozen=True)
class Param:
    """A scenario parameter: its type, default, allowed range and a one-line purpose.

    kind is one of int, float, str, bool, floats (a list of numbers), ints (a list of whole
    numbers). ``low``/``high`` bound numbers (and every item of a list); ``choices`` bounds str.
    """

    kind: str
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple = ()

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"param kind {self.kind!r} is not one of {_KINDS}")

    def describe_range(self) -> str:
        if self.choices:
            return "one of " + ", ".join(map(str, self.choices))
        if self.low is not None and self.high is not None:
            return f"{self.low:g}..{self.high:g}"
        if self.low is not None:
            return f">= {self.low:g}"
        if self.high is not None:
            return f"<= {self.high:g}"
        return ""

    def coerce(self, name: str, raw: Any) -> Any:
        """Return ``raw`` as this parameter's type, or raise SimulationError saying why.

        ``raw`` may be a YAML value or a command-line string (lists as ``0.1,0.5,1.1``).
        """
        try:
            value = self._convert(raw)
        except (TypeError, ValueError):
            raise SimulationError(
                f"parameter {name}: {raw!r} is not {self._kind_phrase()}") from None
        for item in value if isinstance(value, tuple) else (value,):
            if self.choices and item not in self.choices:
                raise SimulationError(f"parameter {name}: {item!r} is not {self.describe_range()}")
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                if (self.low is not None and item < self.low) or (
                        self.high is not None and item > self.high):
                    raise SimulationError(
                        f"parameter {name}: {item!r} is outside {self.describe_range()}")
        return value

    def _kind_phrase(self) -> str:
        return {"int": "a whole number", "float": "a number", "str": "text",
                "bool": "true or false", "floats": "a list of numbers",
                "ints": "a list of whole numbers"}[self.kind]

    def _convert(self, raw: Any) -> Any:
        if self.kind in ("floats", "ints"):
            items = raw.split(",") if isinstance(raw, str) else raw
            if not isinstance(items, (list, tuple)) or not items:
                raise ValueError(raw)
            one = dataclasses.replace(self, kind=self.kind[:-1])
            return tuple(one._convert(v) for v in items)
        if self.kind == "bool":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.lower() in ("true", "yes", "1", "false", "no", "0"):
                return raw.lower() in ("true", "yes", "1")
            raise ValueError(raw)
        if isinstance(raw, bool):
            raise ValueError(raw)
        if self.kind == "int":
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError(raw)
            return int(str(raw).strip()) if isinstance(raw, str) else int(raw)
        if self.kind == "float":
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(raw)
            return value
        if not isinstance(raw, str):
            raise ValueError(raw)
        return raw

    def to_dict(self) -> dict:
        return {"kind": self.kind, "default": list(self.default)
                if isinstance(self.default, tuple) else self.default,
                "help": self.help, "range": self.describe_range()}


@dataclass(frozen=True)
class Scenario:
    name: str
    purpose: str
    params: Mapping[str, Param]
    function: Callable[..., Any]
    # budget(**params) -> why the run would take too long, or None; checked without running
    budget: Callable[..., str | None] | None = None

    def to_dict(self) -> dict:
        return {"name": self.name, "purpose": self.purpose,
                "params": {k: p.to_dict() for k, p in self.params.items()}}


_REGISTRY: dict[str, Scenario] = {}
_CACHE: dict[tuple, Any] = {}


def scenario(purpose: str, budget: Callable[..., str | None] | None = None,
             **params: Param) -> Callable:
    """Register ``function`` as ``<module>.<function name>``.

    The function is called as ``function(seed=..., **params)`` with every parameter filled in
    and checked, and returns an Example built with :func:`quizzer.simulations.example.worked`.
    ``budget``, if given, is called with the same parameters before any run (and by the bank
    loader) and returns a message when they would cost more work than a worked example may.
    """

    def register(function: Callable) -> Callable:
        module = function.__module__.rsplit(".", 1)[-1]
        name = f"{module}.{function.__name__}"
        _REGISTRY[name] = Scenario(name, purpose, dict(params), function, budget)
        return function

    return register


def modules() -> list[str]:
    """The scenario modules in this package, found on disk (no imports)."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__)
                  if not m.name.startswith("_") and m.name not in _NOT_SCENARIO_MODULES)


def _load(module: str) -> None:
    importlib.import_module(f"{__name__}.{module}")


def names(module: str | None = None) -> list[str]:
    """Every scenario name, or only those of ``module`` (importing just that module; one
    that is not a file here, such as a test's, lists what has been registered under it)."""
    on_disk = modules()
    for name in [module] if module else on_disk:
        if name in on_disk:
            _load(name)
    return sorted(n for n in _REGISTRY if module is None or n.startswith(module + "."))


def describe(name: str) -> Scenario:
    module = name.split(".", 1)[0]
    if name not in _REGISTRY and module in modules():
        _load(module)
    if name not in _REGISTRY:
        known = names()
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise SimulationError(f"unknown simulation {name!r}{hint}; known: {', '.join(known)}")
    return _REGISTRY[name]


def check_params(name: str, params: Mapping[str, Any]) -> tuple[dict, list[str]]:
    """Fill defaults and coerce ``params``; return (full params, problems)."""
    spec = describe(name)
    problems = []
    full = {k: p.default for k, p in spec.params.items()}
    for key, raw in params.items():
        if key not in spec.params:
            valid = ", ".join(spec.params) or "none"
            problems.append(f"{name} has no parameter {key!r}; valid: {valid}")
            continue
        try:
            full[key] = spec.params[key].coerce(key, raw)
        except SimulationError as err:
            problems.append(f"{name}: {err}")
    if not problems and spec.budget is not None:
        too_much = spec.budget(**full)
        if too_much:
            problems.append(f"{name}: {too_much}")
    return full, problems


def parse_assignment(text: str) -> tuple[str, str]:
    """Split a command-line ``key=value`` into its parts."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise SimulationError(f"{text!r} is not key=value")
    return key.strip(), value.strip()


def run(name: str, seed: int = 0, **params: Any):
    """Run scenario ``name`` and return its Example (memoised: scenarios are pure)."""
    full, problems = check_params(name, params)
    if problems:
        raise SimulationError("; ".join(problems))
    key = (name, int(seed), tuple(sorted(full.items())))
    if key not in _CACHE:
        example = describe(name).function(seed=int(seed), **full)
        _CACHE[key] = dataclasses.replace(example, name=name, params=full, seed=int(seed))
    return _CACHE[key]
