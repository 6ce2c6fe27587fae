"""Every Plotly figure a page sends is valid against Plotly's schema.

Some figure builders skip Plotly's per-property checks for speed (viz.style.unchecked_figure);
this test checks, once, what the pages really send: each chart's JSON is rebuilt as a validated
go.Figure, which raises on an unknown property or a value of the wrong kind.
"""

import json

import plotly.graph_objects as go
import pytest

from tests.apptest_helpers import app_test, router_pages


def _assert_valid_charts(at) -> int:
    charts = at.get("plotly_chart")
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        go.Figure(data=spec.get("data", []), layout=spec.get("layout", {}))
    return len(charts)


@pytest.mark.parametrize("page", router_pages())
def test_every_chart_on_every_page_is_a_valid_plotly_figure(page):
    at = app_test().run().switch_page(page).run()
    assert not at.exception
    _assert_valid_charts(at)


def test_the_training_labs_charts_stay_valid_after_training_and_at_a_backward_phase():
    lab = app_test().run().switch_page("app_pages/training_lab.py").run()
    lab.button(key="lab_epoch").click().run()
    assert _assert_valid_charts(lab) >= 6
    step = app_test({"step_phase": "3"}).run().switch_page("app_pages/step_by_step.py").run()
    assert _assert_valid_charts(step) >= 1


def test_an_invalid_property_is_caught():
    """The check can fail: a figure with a property Plotly does not know is refused."""
    with pytest.raises(ValueError):
        go.Figure(data=[{"type": "scatter", "x": [1], "colour": "red"}])
