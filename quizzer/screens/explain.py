"""``quizzer explain``: a topic's concept, what to remember, and a worked example.

The topic's simulation module is the one its headline example names; ``--scenario`` picks
another scenario of that module and ``--set`` overrides its parameters, checked against the
scenario's declared types and ranges before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizzer.content.bank import Topic, fill_placeholders
from quizzer.engine import run_cache
from quizzer.engine.run_cache import ScenarioRun
from quizzer.render import terminal as t
from quizzer.render.example_text import call_text, example_text, explain_command, param_text


class ExplainError(Exception):
    """A bad --scenario or --set; the message names what is valid."""


@dataclass(frozen=True)
class Request:
    topic: Topic
    scenario: str
    params: dict
    seed: int


def module_of(topic: Topic) -> str:
    return topic.example.simulation.split(".", 1)[0]


def scenarios(topic: Topic) -> list[str]:
    """The scenarios of the topic's simulation module; none for a topic without an example."""
    from quizzer import simulations

    return simulations.names(module_of(topic)) if topic.example is not None else []


def parameter_help(name: str) -> str:
    from quizzer import simulations

    spec = simulations.describe(name)
    rows = [(key, p.kind, param_text(p.default), p.describe_range(), p.help)
            for key, p in spec.params.items()]
    return t.table(("parameter", "type", "default", "allowed", "meaning"), rows, indent="  ")


def request(topic: Topic, scenario: str | None, assignments: tuple) -> Request:
    """Resolve the scenario name and check each ``key=value`` override."""
    if topic.example is None:
        if scenario or assignments:
            raise ExplainError(f"{topic.slug} has no worked example, so --scenario and --set "
                               "do not apply to it")
        return Request(topic, "", {}, 0)
    if not scenario and not assignments:  # the bank's own example, checked when it loaded
        ref = topic.example
        return Request(topic, ref.simulation, dict(ref.params), ref.seed)
    from quizzer import simulations

    if scenario:
        known = scenarios(topic)
        full = scenario if "." in scenario else f"{module_of(topic)}.{scenario}"
        if full not in known:
            raise ExplainError(f"{topic.slug} has no scenario {scenario!r}; choose one of: "
                               + ", ".join(n.split(".", 1)[1] for n in known))
    else:
        full = topic.example.simulation
    params = dict(topic.example.params) if full == topic.example.simulation else {}
    problems = []
    for text in assignments:
        try:
            key, value = simulations.parse_assignment(text)
        except simulations.SimulationError as err:
            problems.append(str(err))
            continue
        params[key] = value
    try:
        _, bad = simulations.check_params(full, params)
    except simulations.SimulationError as err:
        bad = [str(err)]
    problems += bad
    if problems:
        raise ExplainError("\n".join(problems) + f"\n\nParameters of {full}:\n"
                           + parameter_help(full))
    return Request(topic, full, params, topic.example.seed)


def run(req: Request) -> ScenarioRun | None:
    """The request's worked example (from the cache when it was run before); None for a
    topic without one. Raises simulations.SimulationError if the scenario refuses the
    parameters (a work budget)."""
    return run_cache.get(req.scenario, req.params, req.seed) if req.scenario else None


def topic_values(topic: Topic) -> dict:
    """The headline example's values, for placeholders in the summary and key points."""
    ref = topic.example
    if ref is None:
        return {}
    return dict(run_cache.get(ref.simulation, ref.params, ref.seed).example.values)


def render(req: Request, worked: ScenarioRun | None, figure_line: str,
           preview: str) -> str:
    """The explain screen; the parts a topic does not have (exam, summary, key points,
    worked example) are left out."""
    topic = req.topic
    values = topic_values(topic)
    fill = (lambda text: fill_placeholders(text, values))

    lines = [t.heading(topic.title) + t.dim(f"  ({topic.slug})")]
    exams = "; ".join(f"{exam}: {domain}" for exam, domain in topic.exam.items())
    if exams:
        lines += [t.dim(t.wrap(exams))]
    if topic.summary:
        lines += ["", t.wrap(fill(topic.summary))]
    if topic.key_points:
        lines += ["", t.heading("Remember for the exam")]
        lines += [t.wrap(fill(point), indent="    ", first="  - ") for point in topic.key_points]
    if worked is None:
        return "\n".join(lines + _what_it_has(topic))
    example = worked.example
    lines += ["", t.heading("Worked example"),
              t.wrap(call_text(req.scenario, example.params), indent="    ", first="  "),
              t.wrap(worked.purpose, indent="  ", first="  "), "",
              example_text(example, max_rows=40,
                           more=explain_command(topic.slug, req.scenario, example.params)
                           + " --json")]
    if preview:
        lines += ["", preview]
    if figure_line:
        lines += ["", figure_line]
    others = [n.split(".", 1)[1] for n in worked.siblings if n != req.scenario]
    if others:
        lines += ["", t.dim(t.wrap(f"Other scenarios: {', '.join(others)} "
                                   f"(quizzer explain {topic.slug} --scenario NAME; "
                                   "--set key=value changes a parameter)"))]
    return "\n".join(lines)


def _what_it_has(topic: Topic) -> list[str]:
    """For a topic without a worked example: its cards as the concept, and what to practise."""
    lines = []
    if topic.cards and not (topic.summary or topic.key_points):
        lines += ["", t.heading("Cards")]
        lines += [t.wrap(f"{card.front} {card.back}", indent="    ", first="  - ")
                  for card in topic.cards]
    counts = " and ".join(t.plural(n, word) for n, word in
                          ((len(topic.questions), "question"), (len(topic.cards), "card")) if n)
    lines += ["", t.dim(t.wrap(f"No worked example. {counts}: quizzer practice --topic "
                               f"{topic.slug}, quizzer review --topic {topic.slug}"))]
    return lines


def render_index(bank) -> str:
    """Every topic with its aliases and scenarios, for ``quizzer explain`` with no topic."""
    from quizzer import simulations

    lines = [t.heading("Topics") + " (quizzer explain TOPIC [--scenario NAME])", ""]
    for topic in bank.topics:
        alias = f"  (also: {', '.join(topic.aliases)})" if topic.aliases else ""
        lines.append(t.wrap(f"{topic.slug}: {topic.title}{alias}", indent="      ", first="  "))
        for name in scenarios(topic):
            purpose = simulations.describe(name).purpose
            lines.append(t.wrap(f"{name.split('.', 1)[1]} - {purpose}", indent="        ",
                                first="    - "))
    return "\n".join(lines)
