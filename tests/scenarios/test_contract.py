"""The contract every scenario keeps, checked once for all of them.

Same params and seed give the same numbers; values are numbers or None; findings, table and
chart stay small enough for a terminal and a flashcard; every plotted number is finite (a
diverging series is cut, never plotted as inf); and the whole Example is plain JSON.
"""

import json
import math

import pytest

from quizzer import simulations

# (tests/conftest.py registers a test-only scenario; the contract is about the package)
NAMES = [n for n in simulations.names() if n.split(".")[0] in simulations.modules()]


def test_every_module_registers_scenarios():
    modules = {name.split(".")[0] for name in NAMES}
    assert modules == {"batch_size", "confusion_matrix", "gradients", "instance_types",
                       "l1_l2", "learning_rate", "regularization"}
    assert len(NAMES) >= 25


@pytest.mark.parametrize("name", NAMES)
def test_scenario_contract(name):
    spec = simulations.describe(name)
    assert spec.purpose and all(p.help for p in spec.params.values())
    defaults = {k: p.default for k, p in spec.params.items()}
    # the function itself, twice: simulations.run memoises and would always agree with itself
    a = spec.function(seed=3, **defaults)
    b = spec.function(seed=3, **defaults)
    assert a.to_dict() == b.to_dict()
    assert all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
               for v in a.values.values())
    assert 2 <= len(a.findings) <= 5 and all(isinstance(f, str) and f for f in a.findings)
    assert len(a.table.rows) <= 12 and len(a.table.columns) <= 6
    assert all(len(row) == len(a.table.columns) for row in a.table.rows)
    assert 1 <= len(a.chart.panels) <= 2
    for panel in a.chart.panels:
        for s in panel.series:
            numbers = [v for v in (*s.x, *s.y) if not isinstance(v, str)]
            assert all(math.isfinite(v) for v in numbers), (panel.title, s.label)
    json.dumps(simulations.run(name).to_dict(), allow_nan=False)
