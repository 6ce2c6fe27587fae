"""Memory benchmark: what one visitor's session costs the server.

Three views of the same question, from the most exact to the most realistic:
1. Engine objects a page keeps per session, sized exactly (NumPy buffers plus Python objects):
   the training lab's LabRun after a whole training run (to the end of its configured epochs,
   at most MAX_UPDATES updates) and the step-by-step StepperState after more training steps
   than its bounded undo history keeps, at default settings and at the caps.
2. The deep size of `st.session_state` after using each page in AppTest (all keys, widgets
   included), at defaults and at the caps.
3. The resident memory (psutil RSS) of a real `streamlit run` server with K browser sessions
   open against the same server with none (after one warm-up session), divided by K.

Budget: under 10 MB per session at default settings, under 50 MB at the caps.
"""

import dataclasses
import sys
import time

import numpy as np

from bench.common import fmt
from engine import limits

MB = 2**20


def deep_size(obj, seen: set[int] | None = None) -> int:
    """Bytes reachable from `obj`: NumPy buffers (each counted once) plus Python objects."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        size = sys.getsizeof(obj) - (obj.nbytes if obj.base is None and obj.flags.owndata else 0)
        base = obj
        while isinstance(base, np.ndarray) and base.base is not None:
            base = base.base
        if id(base) not in seen or base is obj:
            seen.add(id(base))
            size += base.nbytes if isinstance(base, np.ndarray) else sys.getsizeof(base)
        return size
    size = sys.getsizeof(obj)
    if isinstance(obj, str | bytes | bytearray | int | float | complex | bool) or obj is None:
        return size
    if isinstance(obj, dict):
        return size + sum(deep_size(k, seen) + deep_size(v, seen) for k, v in obj.items())
    if isinstance(obj, list | tuple | set | frozenset):
        return size + sum(deep_size(item, seen) for item in obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = [getattr(obj, f.name) for f in dataclasses.fields(obj)]
        extra = [v for k, v in getattr(obj, "__dict__", {}).items()]
        return size + sum(deep_size(v, seen) for v in fields + extra)
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        return size + deep_size(vars(obj), seen)
    if hasattr(obj, "__slots__"):
        return size + sum(
            deep_size(getattr(obj, name), seen) for name in obj.__slots__ if hasattr(obj, name)
        )
    return size


# --- 1. engine objects --------------------------------------------------------------------


def lab_caps_settings():
    from lessons.training_lab import LabSettings

    hidden = limits.MAX_HIDDEN_LAYERS
    # Batch 16: 1600 training rows make 100 updates per epoch; enough epochs for MAX_UPDATES.
    return LabSettings(
        n_samples=limits.MAX_SAMPLES,
        hidden_units=(limits.MAX_UNITS,) * hidden,
        hidden_activations=("tanh",) * hidden,
        batch_size=16,
        epochs=limits.MAX_UPDATES // 100,
    )


def lab_run_size(settings, max_updates: int | None = None) -> dict:
    """Deep size of a LabRun after training it to the end (or `max_updates` updates)."""
    from lessons.training_lab import build_run

    run = build_run(settings)
    start = time.perf_counter()
    if max_updates is None:
        run.trainer.run()
    else:
        run.trainer.step(max_updates)
    return {
        "updates": run.trainer.updates,
        "seconds": time.perf_counter() - start,
        "bytes": deep_size(run),
        "history_bytes": run.history.nbytes(),
    }


def stepper_size(caps: bool, steps: int) -> dict:
    """Deep size of the step-by-step state (and one trace) after `steps` training steps."""
    from lessons.step_by_step import stepper

    if caps:
        config = stepper.CustomConfig(
            n_inputs=limits.MAX_UNITS,
            hidden_units=(limits.MAX_UNITS,) * limits.MAX_HIDDEN_LAYERS,
            n_outputs=limits.MAX_UNITS,
            activations=("tanh",) * limits.MAX_HIDDEN_LAYERS + ("linear",),
            loss="mse",
            init="xavier",
            n_rows=stepper.MAX_TABLE_ROWS,
        )
        scenario = stepper.build_scenario(stepper.CUSTOM, 0, config)
    else:
        scenario = stepper.build_scenario("textbook")
    net = scenario.network
    state = stepper.start(net.weights, net.biases, net.loss_value(scenario.X, scenario.Y))
    lr = 0.01 if caps else scenario.learning_rate
    for _ in range(steps):
        state = stepper.next_training_step(
            state, net.activations, net.loss_name, scenario.X, scenario.Y, lr
        )
    trace = stepper.network(state, net.activations, net.loss_name).compute_trace(
        scenario.X, scenario.Y, lr
    )
    return {"steps": steps, "bytes": deep_size(state) + deep_size(trace)}


def engine_rows(quick: bool) -> list[dict]:
    from lessons.training_lab import LabSettings

    rows = []
    limit = 50 if quick else None
    for label, settings in (("default", LabSettings()), ("caps", lab_caps_settings())):
        result = lab_run_size(settings, limit)
        rows.append(
            {
                "what": f"Training lab LabRun after {result['updates']:,} updates ({label})",
                "MB": fmt(result["bytes"] / MB, 2),
                "how": "deep size of engine objects",
                "budget": _verdict(result["bytes"], label == "caps"),
            }
        )
    steps = 5 if quick else 250
    from lessons.step_by_step import stepper

    for caps in (False, True):
        result = stepper_size(caps, steps)
        label = "caps" if caps else "default"
        rows.append(
            {
                "what": f"Step by step: state after {steps} steps + one trace ({label};"
                f" undo keeps {stepper.MAX_HISTORY})",
                "MB": fmt(result["bytes"] / MB, 2),
                "how": "deep size of engine objects",
                "budget": _verdict(result["bytes"], caps),
            }
        )
    return rows


def _verdict(n_bytes: float, caps: bool) -> str:
    budget = 50 if caps else 10
    return f"< {budget} MB: " + ("met" if n_bytes < budget * MB else "MISSED")


# --- 2. st.session_state in AppTest --------------------------------------------------------


def session_state_rows(quick: bool) -> list[dict]:
    from bench import pages

    rows = []
    for page in pages.page_files():
        scenarios = [("default", None, None)]
        if page == pages.STEP:
            scenarios = [
                ("default, 20 x Next", None, ("step_next", 20)),
                ("caps, 20 x Next training step", pages._step_caps, ("step_train", 20)),
            ]
        elif page == pages.LAB:
            scenarios = [
                ("default, 20 x Epoch", None, ("lab_epoch", 20)),
                ("caps, trained 3 epochs", pages._lab_caps, None),
            ]
        for label, setup, clicks in scenarios:
            try:
                at = pages.open_page(page)
                if setup:
                    setup(at)
                if clicks:
                    key, count = clicks
                    for _ in range(2 if quick else count):
                        at.button(key=key).click()
                        at.run()
                state = at.session_state.to_dict()
                n_bytes = deep_size(state)
                note = f"{len(state)} keys"
            except Exception as error:  # a page still being built must not stop the others
                n_bytes, note = float("nan"), f"not measured: {type(error).__name__}: {error}"
            caps = label.startswith("caps")
            rows.append(
                {
                    "what": f"{page.removeprefix('app_pages/').removesuffix('.py')}: {label}",
                    "MB": fmt(n_bytes / MB, 3),
                    "how": f"deep size of st.session_state ({note[:120]})",
                    "budget": _verdict(n_bytes, caps) if n_bytes == n_bytes else "-",
                }
            )
    return rows


# --- 3. RSS of a real server ---------------------------------------------------------------

LAB_CAPS_QUERY = "&".join(
    ["lab_samples=2000", f"lab_layers={limits.MAX_HIDDEN_LAYERS}", "lab_batch=16"]
    + [f"lab_units_{i}={limits.MAX_UNITS}" for i in range(1, limits.MAX_HIDDEN_LAYERS + 1)]
)


def _play(page, seconds: float) -> None:
    """Press Play in the lab, train for `seconds` (or until it finishes), then stop."""
    import re

    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.locator(".st-key-lab_play button").click()
    page.get_by_role("button", name=re.compile("Pause")).wait_for()
    try:  # the run ends by itself (Play comes back) or plays for `seconds`
        page.get_by_role("button", name=re.compile("Play")).wait_for(timeout=seconds * 1000)
        return
    except PlaywrightTimeoutError:
        pass
    page.locator(".st-key-lab_play button").click()
    page.get_by_role("button", name=re.compile("Play")).wait_for(timeout=120_000)


def server_rss(sessions: int, caps: bool, play_seconds: float) -> dict:
    """RSS growth of a real server per session: K lab sessions trained with Play, vs none."""
    import psutil

    from bench.browser import chromium, open_page, server

    with server() as app, chromium() as browser:
        process = psutil.Process(app.process.pid)
        query = LAB_CAPS_QUERY if caps else ""
        warm = open_page(browser, app.url, "Training lab", query)  # imports, caches
        warm.context.close()
        time.sleep(3)
        before = process.memory_info().rss
        tabs = [open_page(browser, app.url, "Training lab", query) for _ in range(sessions)]
        for tab in tabs:
            _play(tab, play_seconds)
        time.sleep(2)
        after = process.memory_info().rss
        for tab in tabs:
            tab.context.close()
    return {"before": before, "after": after, "per_session": (after - before) / sessions}


def rss_rows(quick: bool) -> list[dict]:
    sessions = 2 if quick else 3
    seconds = 3 if quick else 15
    rows = []
    for caps in (False, True):
        label = "caps (2000 samples, 6x16 hidden)" if caps else "default"
        try:
            result = server_rss(sessions, caps, seconds)
            value = result["per_session"]
            how = (
                f"server RSS {fmt(result['before'] / MB)} MB -> {fmt(result['after'] / MB)} MB"
                f" with {sessions} sessions"
            )
        except Exception as error:  # reported in the table, not fatal
            value, how = float("nan"), f"not measured: {type(error).__name__}: {error}"[:200]
        rows.append(
            {
                "what": f"Training lab, {label}: Play {seconds} s per session",
                "MB": fmt(value / MB, 2),
                "how": how,
                "budget": _verdict(value, caps) if value == value else "-",
            }
        )
    return rows


def run(quick: bool = False, server: bool = True) -> dict:
    """All three views; `quick` uses tiny counts, `server=False` skips the browser part."""
    from bench.common import quiet_streamlit

    quiet_streamlit()
    rows = engine_rows(quick) + session_state_rows(quick)
    if server:
        rows += rss_rows(quick)
    return {
        "name": "memory",
        "title": "Memory per session (MB)",
        "columns": ["what", "MB", "how", "budget"],
        "rows": rows,
        "notes": [
            "Budget: under 10 MB per session at default settings, under 50 MB at the caps.",
            "RSS per session = (server RSS with K sessions after Play - RSS after one warm-up"
            " session was closed) / K; it includes allocator slack, so it is noisier.",
        ],
    }
