"""Fuzz every page through its widgets and its URL: no exception may ever reach the visitor.

Generic: after each run it lists the widgets that are on the page (sliders, number inputs,
select boxes, multiselects, radios, select sliders, pills, text inputs, checkboxes, toggles,
buttons, file uploaders), picks some, sets random or extreme allowed values (the ends of every
range, zero, tiny and huge numbers, empty and very long text, empty and malformed files) and
reruns. A second part opens each page with tampered query parameters for its URL-bound widgets.

A failure message names the page, the seed and every action up to the failure, so it can be
replayed by hand. Besides `at.exception` and any "Traceback" text, an exception that a page's
`error_boundary` caught and logged also counts: the visitor saw only an apology, but it is a bug.
Data editors are listed but not edited: AppTest cannot apply cell edits.
"""

import logging
import os
import random
import time

import pytest

from tests.apptest_helpers import LoggedBugs, app_test, router_pages

SEED = int(os.environ.get("FUZZ_SEED", "20261127"))
STEPS_PER_PAGE = int(os.environ.get("FUZZ_STEPS", "18"))
SECONDS_PER_PAGE = float(os.environ.get("FUZZ_SECONDS", "12"))  # a slow page stops early
URL_TRIALS_PER_PAGE = 6

WIDGET_KINDS = (
    "slider",
    "number_input",
    "selectbox",
    "multiselect",
    "radio",
    "select_slider",
    "button_group",
    "text_input",
    "text_area",
    "checkbox",
    "toggle",
    "button",
    "file_uploader",
)
TEXTS = [
    "",
    " ",
    "0",
    "-1",
    "nan",
    "inf",
    "1e309",
    "-0.0000001",
    "abc",
    "<script>alert(1)</script>",
    "**bold** [link](javascript:alert(1))",
    "😀 ünïcødé",
    "x" * 5000,
    "1, 2, 3",
    "=1+1",
]
URL_VALUES = [
    "",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-1e309",
    "99999999999",
    "-1",
    "0",
    "1e-300",
    "abc",
    "[1,2]",
    "<b>x</b>",
    "%00",
    "x" * 3000,
    "true",
    "None",
    "😀",
]
FILES = [
    ("empty.csv", b"", "text/csv"),
    ("header_only.csv", b"x1,x2,y\n", "text/csv"),
    ("ok.csv", b"x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n", "text/csv"),
    ("nan.csv", b"x1,x2,y\nnan,1,0\n1,,1\ninf,0,1\n", "text/csv"),
    ("ragged.csv", b"a,b,c\n1,2\n3,4,5,6\n", "text/csv"),
    ("text.csv", b"a,b\nhello,world\n", "text/csv"),
    ("binary.csv", bytes(range(256)) * 4, "text/csv"),
    ("huge.csv", b"x,y\n" + b"1e308,1\n" * 200_000, "text/csv"),
    ("wide.csv", (",".join(f"c{i}" for i in range(300)) + "\n").encode() * 3, "text/csv"),
]


@pytest.fixture
def caught_errors():
    handler = LoggedBugs()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def _problems(at, caught: LoggedBugs) -> list[str]:
    """Everything that shows a bug: exceptions, traceback text, exceptions a boundary caught."""
    found = [f"exception element: {str(e.value)[:400]}" for e in at.exception]
    for kind in ("markdown", "error", "warning", "info", "code", "text", "caption", "success"):
        for element in at.get(kind):
            if "Traceback" in str(getattr(element, "value", "")):
                found.append(f"traceback in {kind}: {str(element.value)[:400]}")
    for record in caught.records:
        formatter = logging.Formatter()
        found.append(f"caught and logged: {formatter.formatException(record.exc_info)[-1500:]}")
    caught.records.clear()
    return found


def _widgets(at) -> list:
    """The widgets on the current view that a visitor could change."""
    found = []
    for kind in WIDGET_KINDS:
        for widget in getattr(at, kind):
            if not getattr(widget, "disabled", False):
                found.append(widget)
    return found


def _name(widget) -> str:
    label = str(getattr(widget, "label", ""))[:30]
    return f"{widget.type} key={widget.key!r} label={label!r}"


def _deserializer(widget):
    """The page's own label -> value mapping of a choice widget (its format_func inverted)."""
    state = widget.root.session_state._state  # SafeSessionState -> SessionState
    return state._new_widget_state.widget_metadata[widget.id].deserializer


def _raw_choice(widget, labels: list[str]):
    """The raw option value(s) for option label(s), as the browser's choice would give them.

    AppTest's set_value matches raw values through the page's format_func, which fails for a
    format_func that maps values to labels (e.g. a dict lookup); the widget's deserializer
    does the inverse mapping the server does.
    """
    try:
        deserialize = _deserializer(widget)
        if widget.type == "multiselect":
            return deserialize(labels)
        return deserialize(labels[0])
    except Exception:
        return labels if widget.type == "multiselect" else labels[0]


def _number_candidates(low, high, is_int: bool, rng: random.Random) -> list:
    """The ends of a range, zero, tiny and huge magnitudes and a random value inside it."""
    low = -1e308 if low is None else low
    high = 1e308 if high is None else high
    picks = [low, high, 0, 1, -1, 1e-12, -1e-12, 1e-300, 1e6, -1e6, 1e12]
    if is_int:
        picks += [rng.randint(int(max(low, -1e9)), int(min(high, 1e9)))]
        picks = [int(p) for p in picks if float(p).is_integer() or abs(p) > 1]
    else:
        picks += [rng.uniform(max(low, -1e6), min(high, 1e6))]
    return [p for p in picks if low <= p <= high]


def _mutate(widget, rng: random.Random) -> str | None:
    """Set one random/extreme allowed value on a widget; describe it, or None if skipped."""
    kind = widget.type
    proto = widget.proto
    if kind == "slider":
        if proto.data_type not in (0, 1):  # INT, FLOAT; dates and times are not fuzzed
            return None
        step = proto.step or 1
        low, high = widget.min, widget.max
        grid = max(int(round((high - low) / step)), 0)
        picks = [low, high, low + step * rng.randint(0, grid)]
        if proto.data_type == 0:
            picks = [int(round(p)) for p in picks]
        value = rng.choice(picks)
        if isinstance(widget.value, tuple | list):
            other = rng.choice(picks)
            value = (min(value, other), max(value, other))
        widget.set_value(value)
    elif kind == "number_input":
        is_int = proto.data_type == 0
        value = rng.choice(_number_candidates(widget.min, widget.max, is_int, rng))
        widget.set_value(value)
    elif kind in ("selectbox", "radio", "select_slider"):
        if not widget.options:
            return None
        value = _raw_choice(widget, [rng.choice(list(widget.options))])
        widget.set_value(value)
    elif kind == "multiselect":
        options = list(widget.options)
        limit = proto.max_selections or len(options)
        size = rng.choice([0, min(1, limit), min(len(options), limit)])
        value = _raw_choice(widget, rng.sample(options, size))
        widget.set_value(value)
    elif kind == "button_group":
        options = [option.content for option in proto.options]
        if not options:
            return None
        value = rng.choice(options)
        widget.set_value(value)
    elif kind in ("text_input", "text_area"):
        value = rng.choice(TEXTS)
        if proto.max_chars:
            value = value[: proto.max_chars]
        widget.set_value(value)
        value = value if len(value) < 40 else f"{value[:10]}...({len(value)} chars)"
    elif kind in ("checkbox", "toggle"):
        value = not widget.value
        widget.set_value(value)
    elif kind == "button":
        widget.click()
        value = "click"
    elif kind == "file_uploader":
        name, content, mime = rng.choice(FILES)
        widget.set_value((name, content, mime))
        value = f"file {name} ({len(content)} bytes)"
    else:
        return None
    return f"{_name(widget)} <- {value!r}"


def _fail(page: str, seed: int, actions: list[str], problems: list[str]) -> None:
    replay = "\n  ".join(actions) or "(first view)"
    pytest.fail(
        f"{page} (seed {seed}) after:\n  {replay}\nproblems:\n  " + "\n  ".join(problems),
        pytrace=False,
    )


@pytest.mark.parametrize("page", router_pages())
def test_random_and_extreme_widget_values_never_raise(page, caught_errors, open_page):
    seed = SEED + sum(map(ord, page))
    rng = random.Random(seed)
    at = open_page(page)
    actions: list[str] = []
    if problems := _problems(at, caught_errors):
        _fail(page, seed, actions, problems)
    driven = 0  # widgets that took a value or a click (not skipped, not refused by AppTest)
    started = time.monotonic()
    for step in range(STEPS_PER_PAGE):
        if time.monotonic() - started > SECONDS_PER_PAGE:
            break
        widgets = _widgets(at)
        if not widgets:
            break
        buttons = [w for w in widgets if w.type == "button"]
        others = [w for w in widgets if w.type != "button"]
        if buttons and (not others or rng.random() < 0.3):
            chosen = [rng.choice(buttons)]
        else:
            chosen = rng.sample(others, min(len(others), rng.choice([1, 1, 2, 3])))
        for widget in chosen:
            try:
                described = _mutate(widget, rng)
            except Exception as error:  # AppTest refused the value: not the app's fault
                described = f"{_name(widget)} (AppTest refused: {error})"[:200]
            else:
                driven += described is not None
            if described:
                actions.append(f"step {step}: {described}")
        at.run()
        if problems := _problems(at, caught_errors):
            _fail(page, seed, actions, problems)
    # Every page has widgets (at least the router's presenter toggle): a run that drove none
    # tested nothing, e.g. after a change of widget kinds this fuzzer does not know.
    assert driven, f"{page}: no widget was driven; actions: {actions}"


def _bound_widgets(at) -> list:
    return [w for w in _widgets(at) if getattr(w.proto, "query_param_key", "")]


@pytest.mark.parametrize("page", router_pages())
def test_tampered_url_values_never_raise(page, caught_errors, open_page):
    seed = SEED + 7 * sum(map(ord, page))
    rng = random.Random(seed)
    bound = _bound_widgets(open_page(page))
    keys = [w.proto.query_param_key for w in bound] + ["presenter", "unknown_param"]
    for trial in range(URL_TRIALS_PER_PAGE):
        tampered = {key: rng.choice(URL_VALUES) for key in rng.sample(keys, min(3, len(keys)))}
        at = app_test().run()
        for key, value in tampered.items():
            at.query_params[key] = value
        at.switch_page(page).run()
        shown = {key: value[:20] for key, value in tampered.items()}
        if problems := _problems(at, caught_errors):
            _fail(page, seed, [f"trial {trial}: open with ?{shown}"], problems)
        at.run()  # and the rerun after it
        if problems := _problems(at, caught_errors):
            _fail(page, seed, [f"trial {trial}: open with ?{shown}, rerun"], problems)


def test_a_valid_url_value_reaches_a_bound_widget(open_page):
    """The URL fuzz really exercises binding: a valid value does set the widget."""
    for page in router_pages():
        at = open_page(page)
        sliders = [w for w in _bound_widgets(at) if w.type == "slider" and w.proto.data_type == 0]
        if sliders:
            slider = sliders[0]
            at = app_test().run()
            at.query_params[slider.proto.query_param_key] = str(int(slider.max))
            at.switch_page(page).run()
            assert at.slider(key=slider.key).value == slider.max
            return
    pytest.fail("no page has a URL-bound integer slider to check binding with")


def _numeric_bound(at) -> list:
    return [
        w
        for w in _bound_widgets(at)
        if w.type in ("slider", "number_input")
        and not isinstance(w.value, tuple | list)
        and w.min is not None
        and w.max is not None
    ]


@pytest.mark.parametrize("page", router_pages())
def test_out_of_range_url_numbers_are_refused_with_a_note(page, caught_errors, open_page):
    """A link cannot push a bound number past the control's range (the engine's caps)."""
    for widget in _numeric_bound(open_page(page)):
        key = widget.proto.query_param_key
        for outside in (widget.max + 1, widget.min - 1, widget.max * 1000 + 7):
            at = app_test().run()
            at.query_params[key] = str(outside)
            at.switch_page(page).run()
            assert not _problems(at, caught_errors), (page, key, outside)
            value = (at.slider if widget.type == "slider" else at.number_input)(
                key=widget.key
            ).value
            assert widget.min <= value <= widget.max, (page, key, outside, value)
            notes = [w.value for w in at.warning if key in w.value]
            assert notes, f"{page}: no note for ?{key}={outside}"
