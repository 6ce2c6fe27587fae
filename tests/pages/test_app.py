"""The router (app.py) and what it adds to every page: presenter mode, share link, URL notes."""

import ast
import json

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import common, links
from tests.apptest_helpers import APP, ROOT, app_test, router_pages, tracebacks


def test_router_lists_existing_page_files_with_unique_url_paths():
    pages = router_pages()
    assert len(pages) >= 7
    for page in pages:
        assert (ROOT / page).is_file(), page
    assert len(set(pages)) == len(pages)
    url_paths = [
        node.value.value
        for node in ast.walk(ast.parse(APP.read_text()))
        if isinstance(node, ast.keyword) and node.arg == "url_path"
    ]
    assert len(set(url_paths)) == len(url_paths) == len(pages) - 1  # the default page has none


@pytest.mark.parametrize("page", router_pages())
def test_every_page_runs_without_exception_and_keeps_the_top_bar(page):
    at = app_test().run()
    at.switch_page(page).run()
    assert not tracebacks(at), tracebacks(at)
    assert at.toggle(key="presenter").value is False
    at.run()  # a second run of the same page, as after any click
    assert not tracebacks(at), tracebacks(at)
    assert [t.key for t in at.toggle if t.key == "presenter"] == ["presenter"]


def _css(at) -> list[str]:
    return [element.proto.body for element in at.get("html")]


def test_presenter_is_off_by_default_and_adds_only_the_apps_css():
    at = app_test().run()
    assert at.session_state["presenter"] is False
    assert _css(at) == [common._APP_CSS]


def test_presenter_query_param_turns_presenter_mode_on_with_its_css():
    at = app_test({"presenter": "true"}).run()
    assert at.session_state["presenter"] is True
    css = _css(at)
    assert css == [common._APP_CSS, common._PRESENTER_CSS]
    assert 'data-testid="stSidebar"' in css[1] and "display: none" in css[1]
    assert not at.warning


def test_presenter_toggle_turns_it_on_and_off_and_survives_a_page_switch():
    at = app_test().run()
    at.toggle(key="presenter").set_value(True).run()
    assert at.session_state["presenter"] is True and common._PRESENTER_CSS in _css(at)
    at.switch_page("app_pages/step_by_step.py").run()
    assert at.session_state["presenter"] is True and common._PRESENTER_CSS in _css(at)
    at.toggle(key="presenter").set_value(False).run()
    assert at.session_state["presenter"] is False and _css(at) == [common._APP_CSS]


@pytest.mark.parametrize("value", ["maybe", "", "1e309", "<script>alert(1)</script>"])
def test_malformed_presenter_param_is_ignored_with_a_visible_note(value):
    at = app_test({"presenter": value}).run()
    assert not tracebacks(at)
    assert at.session_state["presenter"] is False
    notes = [w.value for w in at.warning if "presenter" in w.value]
    assert len(notes) == 1 and "ignored" in notes[0]
    assert "<script>" not in notes[0]


def test_unknown_query_params_are_left_alone_without_a_note():
    at = app_test({"utm_source": "newsletter"}).run()
    assert not tracebacks(at) and not at.warning


def test_share_link_carries_the_bound_settings_but_not_presenter_mode():
    """AppTest runs no frontend, so settings come from the URL here; a browser test checks
    that a changed widget reaches the link (tests/e2e/test_presenter.py)."""
    at = app_test().run()
    at.query_params["presenter"] = "true"
    at.query_params["step_lr"] = "0.25"
    at.switch_page("app_pages/step_by_step.py").run()
    assert at.number_input(key="step_lr").value == 0.25
    shown = [code.value for code in at.code if code.value.startswith("?")]
    assert shown == ["?step_lr=0.25"]  # AppTest has no browser URL; a server prefixes it


def test_build_view_url_encodes_values_and_drops_oversized_ones():
    url = links.build_view_url(
        "http://host/step", {"step_lr": "0.5", "tags": ["a b", "c&d"], "junk": "x" * 500}
    )
    assert url == "http://host/step?step_lr=0.5&tags=a+b&tags=c%26d"
    assert links.build_view_url("http://host/", {}) == "http://host/"
    assert links.build_view_url(None, {"a": "1"}) == "?a=1"


@pytest.mark.parametrize(
    ("raw", "value", "matches"),
    [
        (["true"], True, True),
        (["True"], True, True),
        (["maybe"], False, False),
        (["3"], 3, True),
        (["3.0"], 3, True),
        (["99"], 4, False),
        (["abc"], 0.5, False),
        (["tanh"], "tanh", True),
        (["evil"], "tanh", False),
        (["a", "b"], ["a", "b"], True),
        (["a", "b"], "a", False),
    ],
)
def test_url_value_matches_what_the_widget_accepted(raw, value, matches):
    assert links._url_value_matches(raw, value) is matches


@pytest.mark.parametrize(
    ("value", "expected"), [(0.5, 0.5), (-3.0, 0.0), (7.0, 1.0), (float("nan"), 0.0)]
)
def test_clamp_with_note_keeps_values_within_bounds(value, expected):
    assert common.clamp_with_note("x", value, 0.0, 1.0) == expected


def test_non_finite_url_numbers_are_dropped_before_any_widget_sees_them():
    """Streamlit 1.67 raises OverflowError seeding an int widget from `1e309`; app.py drops it."""
    at = app_test({"presenter": "1e309", "<b>`x`</b>": "nan"}).run()
    assert not tracebacks(at)
    assert dict(at.query_params) == {}
    notes = [w.value for w in at.warning]
    assert len(notes) == 1
    assert "`presenter`" in notes[0] and "`bxb`" in notes[0]
    assert "<b>" not in notes[0]
    at.run()  # the note is shown once, not on every rerun
    assert not at.warning


def _chart_script():
    import plotly.graph_objects as go
    import streamlit as st

    from app_pages.common import chart

    fig = go.Figure(go.Scatter(x=[0, 1], y=[1, 0]), layout={"height": 300})
    if st.query_params.get("presenter_on"):
        st.session_state["presenter"] = True
    chart(fig, "Loss falls from 1 to 0 over one step.", key="demo_chart")


@pytest.mark.parametrize(("presenting", "height"), [(False, 300), (True, 375)])
def test_chart_helper_adds_the_text_alternative_and_presenter_size(presenting, height):
    at = AppTest.from_function(_chart_script, default_timeout=30)
    if presenting:
        at.query_params["presenter_on"] = "1"
    at.run()
    assert not at.exception
    assert [c.value for c in at.caption] == ["Loss falls from 1 to 0 over one step."]
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["height"] == height


@pytest.mark.expects_logged_bug
def test_error_boundary_shows_a_visitors_mistake_and_logs_a_bug(logged_bugs):
    """A UserInputError is the visitor's to fix: its message is shown and nothing is logged.
    Any other exception is a bug: logged (so tests fail on it), never shown as advice."""

    def view() -> None:
        from app_pages.common import error_boundary
        from engine.errors import UserInputError

        with error_boundary("the first view"):
            raise UserInputError("Learning rate must be between 0.0001 and 10.")
        with error_boundary("the second view"):
            raise KeyError("a bug")

    at = AppTest.from_function(view).run()
    shown = [element.value for element in at.error]
    assert shown[0] == "Learning rate must be between 0.0001 and 10."
    assert "Something went wrong while drawing the second view" in shown[1]
    assert "a bug" not in shown[1] and not at.exception
    assert [record.exc_info[0] for record in logged_bugs.records] == [KeyError]
