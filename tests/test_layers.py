"""The layers of quizzer/ import downwards only (docs: README, "How it is built").

Every ``import``/``from ... import`` in the package, at module top or inside a function (the
lazy imports count too: a lazy back-edge is still a back-edge), is read from the source with
``ast`` and checked against the order below.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "quizzer"

# Lowest first. A module may import its own layer and the layers before it. simulations and
# question_bank are the repository's top-level folders, installed inside quizzer.
ORDER = ("question_bank", "simulations", "system", "content", "engine", "render", "screens",
         "cli")


def layer_of(module: str) -> str | None:
    """'engine' for quizzer.engine.store, 'cli' for quizzer.cli and quizzer.__main__; None
    for the package root (its version) and for anything outside quizzer."""
    parts = module.split(".")
    if parts[0] != "quizzer" or len(parts) == 1:
        return None
    if parts[1] in ("cli", "__main__"):
        return "cli"
    return parts[1] if parts[1] in ORDER else "unknown"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, dotted name) of everything the module imports, relative imports resolved;
    ``from a import b`` gives a.b (b may be a submodule)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def test_every_module_sits_in_a_known_layer():
    unknown = [module_name(p) for p in modules() if layer_of(module_name(p)) == "unknown"]
    assert unknown == []


@pytest.mark.parametrize("path", modules(), ids=lambda p: module_name(p))
def test_no_import_reaches_a_higher_layer(path):
    module = module_name(path)
    own = layer_of(module)
    if own is None:
        return  # quizzer/__init__.py: the version only
    tree = ast.parse(path.read_text(encoding="utf-8"))
    upward = []
    for line, name in imported(tree, module, path.name == "__init__.py"):
        target = layer_of(name)
        if target not in (None, "unknown") and ORDER.index(target) > ORDER.index(own):
            upward.append(f"{path.name}:{line} imports {name} ({own} -> {target})")
    assert upward == []


def test_the_checker_sees_a_back_edge(tmp_path):
    # The check above must be able to fail: a lazy import of a screen inside an engine
    # function is found, with its line.
    source = "def f():\n    from quizzer.screens import asking\n"
    tree = ast.parse(source)
    names = imported(tree, "quizzer.engine.exam", False)
    assert names == [(2, "quizzer.screens.asking")]
    assert ORDER.index(layer_of(names[0][1])) > ORDER.index(layer_of("quizzer.engine.exam"))


def sources(folder: str) -> list[tuple[Path, str]]:
    """(path, module name as installed) of every module in a repository folder."""
    root = PACKAGE.parent / folder
    prefix = "quizzer" if folder == "quizzer" else f"quizzer.{folder}"
    return [(path, ".".join([prefix, *path.relative_to(root).with_suffix("").parts])
             .removesuffix(".__init__")) for path in sorted(root.rglob("*.py"))]


@pytest.mark.parametrize("path, module", sources("simulations"),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_simulations_import_only_themselves(path, module):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    others = [f"{path.name}:{line} {name}" for line, name in imported(tree, module, False)
              if name.split(".")[0] == "quizzer" and layer_of(name) != "simulations"]
    assert others == []


@pytest.mark.parametrize("folder", ["quizzer", "simulations", "tests", "benchmarks"])
def test_nothing_imports_the_folders_by_their_checkout_names(folder):
    """Installed, there is no top-level simulations or question_bank (issue 19, item 5); in a
    checkout the folders would still import under those names, so a stale import would pass
    every test here and fail only once installed."""
    stale = []
    for path in sorted((PACKAGE.parent / folder).rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for line, name in imported(ast.parse(source), "tests.x", False):
            if name.split(".")[0] in ("simulations", "question_bank"):
                stale.append(f"{path.name}:{line} {name}")
        stale += [f"{path.name}: resources of {name}" for name in ("simulations", "question_bank")
                  if f'files("{name}")' in source or f"find_spec(\"{name}\")" in source]
    assert stale == []


SHARED_STEPS = {"quizzer.screens.asking", "quizzer.screens.console", "quizzer.screens.prefetch"}


@pytest.mark.parametrize("path", [p for p in modules() if layer_of(module_name(p)) == "screens"
                                  and module_name(p) not in SHARED_STEPS | {"quizzer.screens"}],
                         ids=lambda p: module_name(p))
def test_screens_share_steps_but_do_not_import_each_other(path):
    module = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    others = [f"{path.name}:{line} {name}" for line, name in imported(tree, module, False)
              if layer_of(name) == "screens"
              and not any(name == s or name.startswith(s + ".") for s in SHARED_STEPS)]
    assert others == []
