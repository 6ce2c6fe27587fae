"""The layout holds: imports point one way (engine <- lessons <- viz <- app_pages <- app.py and
server.py), and pages catch only the visitor's mistakes. (Page length:
tests/test_layout_page_length.py.)

Read from the source with `ast`, so the checks see every import, including those inside
functions, without importing anything.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engine", "lessons", "viz", "app_pages")
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
# Top-level modules each package may import besides the standard library.
ALLOWED = {
    "engine": {"engine", "numpy"},
    "lessons": {"engine", "lessons", "numpy"},
}
# Narrow, named exceptions to ALLOWED: (file, module) -> why it is not a wrong-way arrow.
ALLOWED_DRIVERS = {
    ("lessons/class_store.py", "redis"): "optional storage driver of the class rooms,"
    " imported only when BPL_CLASS_STORE names a redis:// server",
}
# Modules a package must never import (layers above it, or the UI stack).
FORBIDDEN = {
    "engine": {"lessons", "viz", "app_pages", "app", "streamlit", "plotly", "networkx"},
    "lessons": {"viz", "app_pages", "app", "streamlit", "plotly", "networkx"},
    "viz": {"app_pages", "app", "streamlit"},
    "app_pages": {"app", "server"},
}
# Calls whose failure on visitor text is the one place a page may catch ValueError.
CONVERSIONS = {"float", "int", "complex", "Decimal", "Fraction", "date", "fromisoformat"}
# (file, function) allowed to catch Exception: the router's guard that logs bugs.
BUG_LOGGER = ("app_pages/common.py", "error_boundary")


def _python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module `path` imports (relative imports resolved)."""
    package = _relative(path).split("/")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(package if node.level else (node.module or "").split(".")[0])
    return names


def wrong_way_imports(path: Path) -> list[str]:
    """The imports of `path` that break the one-way rule of its package, as 'file -> module'."""
    where = _relative(path)
    package = where.split("/")[0]
    wrong = []
    for module in sorted(imported_modules(path)):
        if module in FORBIDDEN.get(package, set()):
            wrong.append(f"{where} -> {module}")
        elif package in ALLOWED and module not in STDLIB | ALLOWED[package]:
            if (where, module) not in ALLOWED_DRIVERS:
                wrong.append(f"{where} -> {module}")
    return wrong


def test_the_checker_sees_a_wrong_way_import(tmp_path, monkeypatch):
    """The rules above would catch each kind of wrong arrow (so the real test can fail)."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    cases = {
        "engine/bad.py": "from lessons.step_by_step import stepper\nimport numpy",
        "lessons/bad.py": "def draw():\n    import plotly.graph_objects as go",
        "viz/bad.py": "import streamlit as st",
        "app_pages/bad.py": "from app import PAGES",
        "engine/sub/deep.py": "from ..lessons import x\nimport pandas",
    }
    for name, source in cases.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source)
    found = {name: wrong_way_imports(tmp_path / name) for name in cases}
    assert found == {
        "engine/bad.py": ["engine/bad.py -> lessons"],
        "lessons/bad.py": ["lessons/bad.py -> plotly"],
        "viz/bad.py": ["viz/bad.py -> streamlit"],
        "app_pages/bad.py": ["app_pages/bad.py -> app"],
        "engine/sub/deep.py": ["engine/sub/deep.py -> pandas"],
    }


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_one_way(package):
    wrong = [line for path in _python_files(package) for line in wrong_way_imports(path)]
    assert wrong == []


def test_nothing_imports_the_router_or_the_server():
    """app.py and server.py are entry points: importing app.py would run the whole app, and
    importing server.py would switch this process's class-room students to its route."""
    files = _python_files(*PACKAGES, "tests", "bench", "deploy") + [ROOT / "app.py"]
    importers = [_relative(path) for path in files if {"app", "server"} & imported_modules(path)]
    assert importers == []


def test_allowed_drivers_are_still_needed():
    """An exception to the rule is dropped as soon as its import is gone."""
    for where, module in ALLOWED_DRIVERS:
        assert module in imported_modules(ROOT / where), where


def _caught_names(handler: ast.ExceptHandler) -> set[str]:
    if handler.type is None:
        return {"BaseException"}  # a bare except catches everything
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {ast.unparse(t).split(".")[-1] for t in types}


def _calls_a_conversion(statements: list[ast.stmt]) -> bool:
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func).split(".")[-1]
                if name in CONVERSIONS:
                    return True
    return False


def _enclosing_function(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return node.name
    return ""


def broad_catches(path: Path) -> list[str]:
    """Handlers in `path` that catch ValueError/Exception outside a conversion, as 'file:line'."""
    where = _relative(path)
    tree = ast.parse(path.read_text(), filename=str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try | ast.TryStar):
            continue
        for handler in node.handlers:
            caught = _caught_names(handler)
            if caught & {"Exception", "BaseException"}:
                if (where, _enclosing_function(node, parents)) != BUG_LOGGER:
                    found.append(f"{where}:{handler.lineno}")
            elif "ValueError" in caught:
                # A conversion of visitor text: a short try body around float(text) etc.
                if not (len(node.body) <= 2 and _calls_a_conversion(node.body)):
                    found.append(f"{where}:{handler.lineno}")
    return sorted(found)


def test_the_catch_checker_tells_a_conversion_from_a_broad_catch(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "app_pages").mkdir()
    page = tmp_path / "app_pages" / "common.py"
    page.write_text(
        "try:\n    value = float(text)\nexcept ValueError:\n    value = 0.0\n"
        "try:\n    run(settings)\nexcept ValueError as error:\n    show(error)\n"
        "def f():\n    try:\n        g()\n    except Exception:\n        pass\n"
        "def error_boundary():\n    try:\n        g()\n    except Exception:\n        log()\n"
    )
    assert broad_catches(page) == ["app_pages/common.py:12", "app_pages/common.py:7"]


def test_pages_catch_only_the_visitors_mistakes():
    """UserInputError is the visitor's; ValueError only around float(text); Exception only in
    the error boundary that logs bugs."""
    found = [line for path in _python_files("app_pages") for line in broad_catches(path)]
    assert found == []
