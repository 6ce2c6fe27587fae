"""Sessions are isolated, caches are bounded, and no visitor input is run or rendered as HTML.

Static checks read the source of app.py, app_pages/, viz/, lessons/ and engine/ (AST): every
Streamlit cache has `max_entries` or `ttl`; `st.cache_resource` (one object for every visitor)
is not used for anything mutable; no `global` statement and no mutated module-level container
(state that would leak between sessions); no eval/exec/pickle/subprocess; raw HTML only from
constants. A dynamic check opens every page in two AppTest sessions and shows that what one
visitor does is not seen by the other.
"""

import ast
import random
from pathlib import Path

import pytest

from tests.apptest_helpers import ROOT, app_test, router_pages
from tests.pages.test_fuzz import _mutate, _widgets

APP_SOURCES = sorted(
    [ROOT / "app.py"]
    + [
        path
        for folder in ("app_pages", "viz", "engine", "lessons")
        for path in (ROOT / folder).rglob("*.py")
    ]
)
MUTATING_METHODS = {
    "append", "extend", "insert", "update", "add", "pop", "popitem", "clear",
    "setdefault", "remove", "discard", "sort", "reverse", "appendleft",
}  # fmt: skip
MUTABLE_FACTORIES = {"list", "dict", "set", "defaultdict", "OrderedDict", "deque", "Counter"}
IMMUTABLE_RETURNS = {"str", "bytes", "int", "float", "bool", "tuple", "frozenset", "None"}
# Return types shared by every session on purpose (declared with a return annotation), and why.
SHARED_ON_PURPOSE = {
    "ClassStore": "the class-room store's connection: rooms are shared by a class by design,"
    " and each store is safe to use from several sessions at once",
}
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "breakpoint"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "subprocess", "dill", "cloudpickle"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _where(path: Path, node: ast.AST) -> str:
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"{shown}:{node.lineno}"


def _dotted(node: ast.AST) -> str:
    """'st.cache_data' for st.cache_data, 'functools.lru_cache' etc.; '' if not a name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return ""


def _cache_uses(path: Path):
    """(kind, keywords, function node or None, line) for every st.cache_* decorator or call."""
    tree = _tree(path)
    decorated = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                name = _dotted(decorator)
                if name.endswith(("cache_data", "cache_resource")):
                    keywords = (
                        {k.arg for k in decorator.keywords}
                        if isinstance(decorator, ast.Call)
                        else set()
                    )
                    decorated.add(id(decorator))
                    yield name.rsplit(".", 1)[-1], keywords, node, _where(path, decorator)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and id(node) not in decorated:
            name = _dotted(node.func)
            if name.endswith(("cache_data", "cache_resource")) and not name.endswith(".clear"):
                yield (
                    name.rsplit(".", 1)[-1],
                    {k.arg for k in node.keywords},
                    None,
                    _where(path, node),
                )


def test_app_sources_are_found():
    names = {path.name for path in APP_SOURCES}
    assert {"app.py", "common.py", "network.py", "format.py"} <= names


@pytest.mark.parametrize("path", APP_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_streamlit_cache_is_bounded(path):
    unbounded = [
        where
        for _, keywords, _, where in _cache_uses(path)
        if not keywords & {"max_entries", "ttl"}
    ]
    assert not unbounded, f"st.cache_* without max_entries/ttl at {unbounded}"


@pytest.mark.parametrize("path", APP_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_cache_resource_only_holds_immutable_values(path):
    """st.cache_resource hands every visitor the same object; only immutable ones may go there."""
    shared = []
    for kind, _, function, where in _cache_uses(path):
        if kind != "cache_resource":
            continue
        returns = ast.unparse(function.returns) if function and function.returns else "?"
        if returns.split("[")[0] not in IMMUTABLE_RETURNS | SHARED_ON_PURPOSE.keys():
            shared.append(f"{where} returns {returns}")
    assert not shared, f"st.cache_resource of a possibly mutable object: {shared}"


@pytest.mark.parametrize("path", APP_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_functools_caches_hold_only_immutable_values(path):
    """functools.cache/lru_cache results are shared by every session: immutable values only."""
    found = []
    for node in ast.walk(_tree(path)):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            name = _dotted(decorator)
            if name.split(".")[-1] in ("cache", "lru_cache") and "st." not in name:
                returns = ast.unparse(node.returns) if node.returns else "?"
                if returns.split("[")[0] not in IMMUTABLE_RETURNS:
                    found.append(f"{_where(path, node)} {node.name} returns {returns}")
    assert not found, f"functools cache of a possibly mutable value: {found}"


@pytest.mark.parametrize("path", APP_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_state_shared_between_sessions(path):
    """No `global`, and no module-level list/dict/set that code mutates."""
    tree = _tree(path)
    problems = [_where(path, n) + " global" for n in ast.walk(tree) if isinstance(n, ast.Global)]
    module_containers = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        value = getattr(node, "value", None)
        is_mutable = isinstance(
            value, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp | ast.SetComp
        ) or (
            isinstance(value, ast.Call) and _dotted(value.func).split(".")[-1] in MUTABLE_FACTORIES
        )
        if is_mutable:
            module_containers |= {t.id for t in targets if isinstance(t, ast.Name)}
    for node in ast.walk(tree):
        target = None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATING_METHODS
        ):
            target = node.func.value
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
            for item in getattr(node, "targets", None) or [getattr(node, "target", None)]:
                if isinstance(item, ast.Subscript):
                    target = item.value
                elif isinstance(node, ast.AugAssign) and isinstance(item, ast.Name):
                    target = item
        if isinstance(target, ast.Name) and target.id in module_containers:
            problems.append(f"{_where(path, node)} mutates module-level {target.id}")
    assert not problems, problems


@pytest.mark.parametrize("path", APP_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_visitor_code_is_ever_run(path):
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Call) and _dotted(node.func) in FORBIDDEN_CALLS:
            found.append(f"{_where(path, node)} {_dotted(node.func)}()")
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            modules.append(getattr(node, "module", None) or "")
            for module in modules:
                if module.split(".")[0] in FORBIDDEN_MODULES:
                    found.append(f"{_where(path, node)} import {module}")
        if isinstance(node, ast.Call) and _dotted(node.func).endswith(
            ("os.system", "os.popen", "import_module")
        ):
            found.append(f"{_where(path, node)} {_dotted(node.func)}()")
    assert not found, found


def _string_constants(tree: ast.Module) -> set[str]:
    """Module-level names bound to a plain string literal."""
    names = set()
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


@pytest.mark.parametrize("path", APP_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_raw_html_only_from_constants(path):
    """unsafe_allow_html / st.html / components.html only with a literal or a module constant."""
    tree = _tree(path)
    constants = _string_constants(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        unsafe = any(
            k.arg in ("unsafe_allow_html", "unsafe_allow_javascript")
            and not (isinstance(k.value, ast.Constant) and k.value.value is False)
            for k in node.keywords
        )
        raw_html = name.endswith((".html", "components.html")) and name.split(".")[0] in {
            "st",
            "components",
            "stc",
        }
        if not (unsafe or raw_html):
            continue
        body = node.args[0] if node.args else None
        is_constant = (isinstance(body, ast.Constant) and isinstance(body.value, str)) or (
            isinstance(body, ast.Name) and body.id in constants
        )
        if not is_constant:
            found.append(f"{_where(path, node)} {name}({ast.unparse(body) if body else ''})")
    assert not found, f"raw HTML built from something other than a constant: {found}"


def _state_keys(at) -> set[str]:
    """The keys in a session's st.session_state (widgets with keys and the pages' own)."""
    return set(at.session_state._state.filtered_state)


def _visible_state(at) -> list[tuple[str, str | None, str]]:
    """What a visitor sees of the widgets: (type, key, value) for each, in page order."""
    return [(w.type, w.key, repr(getattr(w, "value", None))[:200]) for w in _widgets(at)]


@pytest.mark.parametrize("page", router_pages())
def test_what_one_session_does_is_not_seen_by_another(page, open_page):
    baseline = open_page(page)
    expected = _visible_state(baseline)

    busy = app_test().run()
    busy.toggle(key="presenter").set_value(True).run()
    busy.switch_page(page).run()
    rng = random.Random(7)
    for _ in range(4):
        others = [w for w in _widgets(busy) if w.type not in ("button",) and w.key != "presenter"]
        for widget in rng.sample(others, min(2, len(others))):
            try:
                _mutate(widget, rng)
            except Exception:  # AppTest refused a value; irrelevant here
                pass
        busy.run()
    assert busy.session_state["presenter"] is True

    fresh = open_page(page)
    assert fresh.session_state["presenter"] is False
    assert _visible_state(fresh) == expected
    assert _state_keys(fresh) == _state_keys(baseline)


BAD_SOURCE = """
import functools
import pickle
import streamlit as st
HISTORY = []
STYLE = "<style>p {}</style>"

@st.cache_data
def load(n): return n

@st.cache_resource(max_entries=2)
def network(n) -> list: return [n]

@functools.cache
def table(n) -> dict: return {}

def remember(x):
    global LAST
    HISTORY.append(x)
    st.markdown(f"<b>{x}</b>", unsafe_allow_html=True)
    st.html(STYLE)
    eval(x)
"""


def test_the_scans_catch_each_kind_of_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(BAD_SOURCE)
    checks = [
        test_every_streamlit_cache_is_bounded,
        test_cache_resource_only_holds_immutable_values,
        test_functools_caches_hold_only_immutable_values,
        test_no_module_state_shared_between_sessions,
        test_no_visitor_code_is_ever_run,
        test_raw_html_only_from_constants,
    ]
    for check in checks:
        with pytest.raises(AssertionError):
            check(bad)
