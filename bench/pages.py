"""Page benchmark: server-side time of one rerun of each page (Streamlit AppTest).

Every page listed in app.py is timed at its default settings: the script is run once (and
warmed up), then each timed rerun is `at.run()`, which executes the whole page script,
including building and serialising every figure, in this process. For the pages with
controls that change the work (step by step, training lab) a rerun is timed after the click
a visitor makes (Next, Step) and also at the largest settings the caps allow.

AppTest adds its own small overhead (a few ms per run) and sends nothing over a WebSocket; the
browser benchmark measures what a visitor sees. AppTest would also recompile the scripts on
every run, which a server does once; `compile_scripts_once` removes that difference.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.common import ROOT, fmt, median
from engine import limits

DEFAULT_TIMEOUT = 120

Action = Callable[[object], None]  # takes a streamlit.testing.v1.AppTest


@dataclass(frozen=True)
class Scenario:
    """What to time on one page: settings to apply first, and the click before each rerun."""

    page: str  # file path as listed in app.py, e.g. "app_pages/step_by_step.py"
    label: str  # "default" or "caps" (plus what is clicked)
    setup: Action | None = None  # applied once (with its own reruns) before timing
    action: Action | None = None  # applied before every timed rerun
    caps: bool = False  # timed against the caps budget (300 ms) rather than 100 ms


def page_files() -> list[str]:
    """The page files app.py routes to, in menu order."""
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    return re.findall(r"st\.Page\(\s*\"([^\"]+\.py)\"", source)


# --- page-specific settings (widget keys belong to the pages; a failure is reported, not fatal)


def _set(at, kind: str, key: str, value) -> None:
    getattr(at, kind)(key=key).set_value(value)
    at.run()


def _click(key: str) -> Action:
    def click(at) -> None:
        at.button(key=key).click()

    return click


def _step_caps(at) -> None:
    """Step by step at the caps: a custom 16-(16 x 6)-16 network, every example row, batch."""
    from lessons.step_by_step import stepper

    preset = at.selectbox(key="step_preset")
    custom = next(o for o in preset.options if stepper.CUSTOM in str(o).lower())
    preset.set_value(custom)
    at.run()
    _set(at, "number_input", "step_inputs", limits.MAX_UNITS)
    _set(at, "number_input", "step_outputs", limits.MAX_UNITS)
    _set(at, "number_input", "step_hidden", limits.MAX_HIDDEN_LAYERS)
    for layer in range(1, limits.MAX_HIDDEN_LAYERS + 1):
        _set(at, "number_input", f"step_units{layer}", limits.MAX_UNITS)
    _set(at, "number_input", "step_rows", stepper.MAX_TABLE_ROWS)
    _set(at, "toggle", "step_batch", True)


def _lab_caps(at, epochs_clicked: int = 3) -> None:
    """Training lab at the caps: 2000 samples, 6 hidden layers of 16, then some training."""
    _set(at, "slider", "lab_samples", limits.MAX_SAMPLES)
    _set(at, "slider", "lab_layers", limits.MAX_HIDDEN_LAYERS)
    for layer in range(1, limits.MAX_HIDDEN_LAYERS + 1):
        _set(at, "slider", f"lab_units_{layer}", limits.MAX_UNITS)
    _set(at, "select_slider", "lab_batch", 16)
    for _ in range(epochs_clicked):
        at.button(key="lab_epoch").click()
        at.run()


STEP, LAB = "app_pages/step_by_step.py", "app_pages/training_lab.py"
EXTRA_SCENARIOS = (
    Scenario(STEP, "default, click Next", action=_click("step_next")),
    Scenario(STEP, "caps (16-16x6-16, 16 rows, batch), rerun", setup=_step_caps, caps=True),
    Scenario(
        STEP,
        "caps (16-16x6-16, 16 rows, batch), click Next",
        setup=_step_caps,
        action=_click("step_next"),
        caps=True,
    ),
    Scenario(LAB, "default, click Step", action=_click("lab_step")),
    Scenario(LAB, "caps (2000 samples, 6x16 hidden, trained), rerun", setup=_lab_caps, caps=True),
    Scenario(
        LAB,
        "caps (2000 samples, 6x16 hidden, trained), click Step",
        setup=_lab_caps,
        action=_click("lab_step"),
        caps=True,
    ),
)


def scenarios() -> list[Scenario]:
    """A plain rerun of every page at its defaults, then the page-specific scenarios."""
    pages = page_files()
    plain = [Scenario(page, "default, rerun") for page in pages]
    return plain + [s for s in EXTRA_SCENARIOS if s.page in pages]


_BYTECODE: dict[tuple[str, float], object] = {}


def compile_scripts_once() -> None:
    """Make AppTest reuse compiled scripts across runs, as a real server does.

    AppTest builds a new ScriptCache for every run (streamlit/testing/v1/app_test.py), so each
    `at.run()` would parse, rewrite ("magic") and compile app.py and the page again: 20-100 ms
    per rerun here that a `streamlit run` server spends once per process. Keyed by path and
    modification time, so an edited page is still recompiled.
    """
    import os

    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    if getattr(ScriptCache.get_bytecode, "_bench_shared", False):
        return
    original = ScriptCache.get_bytecode

    def get_bytecode(self, script_path: str):
        path = os.path.abspath(script_path)
        key = (path, os.path.getmtime(path))
        if key not in _BYTECODE:
            _BYTECODE[key] = original(self, script_path)
        return _BYTECODE[key]

    get_bytecode._bench_shared = True
    ScriptCache.get_bytecode = get_bytecode


def open_page(page: str):
    """An AppTest of app.py switched to `page`, after its first run."""
    from streamlit.testing.v1 import AppTest

    compile_scripts_once()

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=DEFAULT_TIMEOUT)
    at.run()
    if page != page_files()[0]:
        at.switch_page(page)
        at.run()
    return at


def time_scenario(scenario: Scenario, repeats: int) -> dict:
    """Median and spread of the rerun time (ms) of one scenario."""
    result = {"page": scenario.page, "scenario": scenario.label, "caps": scenario.caps}
    try:
        at = open_page(scenario.page)
        if scenario.setup:
            scenario.setup(at)
        for _ in range(2):  # warm-up: caches, lazy imports
            if scenario.action:
                scenario.action(at)
            at.run()
        times = []
        for _ in range(repeats):
            if scenario.action:
                scenario.action(at)
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1e3)
        errors = [str(e.value)[:200] for e in at.exception]
        result.update(
            ms=median(times),
            min_ms=min(times),
            max_ms=max(times),
            charts=len(at.get("plotly_chart")),
            errors=errors,
        )
    except Exception as error:  # a page still being built must not stop the other rows
        result.update(ms=float("nan"), error=f"{type(error).__name__}: {error}"[:300])
    return result


def run(quick: bool = False, only: list[str] | None = None) -> dict:
    """Time every scenario; `quick` uses tiny repeat counts, `only` filters by page file."""
    from bench.common import quiet_streamlit

    quiet_streamlit()
    repeats = 2 if quick else 15
    rows, raw = [], []
    for scenario in scenarios():
        if only and scenario.page not in only:
            continue
        result = time_scenario(scenario, repeats)
        raw.append(result)
        budget = 300.0 if scenario.caps else 100.0
        ms = result["ms"]
        if ms != ms:
            verdict = "not measured: " + result.get("error", "")
        elif result.get("errors"):
            verdict = "page raised: " + "; ".join(result["errors"])
        else:
            verdict = "met" if ms < budget else "MISSED"
        rows.append(
            {
                "page": scenario.page.removeprefix("app_pages/").removesuffix(".py"),
                "scenario": scenario.label,
                "median ms": fmt(ms),
                "min-max ms": f"{fmt(result.get('min_ms'))}-{fmt(result.get('max_ms'))}",
                "charts": result.get("charts", "-"),
                "budget": f"< {budget:.0f} ms: {verdict}",
            }
        )
    return {
        "name": "pages",
        "title": "Pages: server-side time of one rerun (AppTest, median ms)",
        "columns": ["page", "scenario", "median ms", "min-max ms", "charts", "budget"],
        "rows": rows,
        "notes": [
            f"{repeats} timed reruns per scenario after 2 warm-up reruns.",
            "Budget: median under 100 ms at default settings, under 300 ms at the caps.",
        ],
        "raw": raw,
    }
