"""WCAG 2.1 A/AA checks with axe-core in Chromium, and charts that carry their text
alternative as their accessible name.

axe-core comes bundled in the axe-playwright-python package. `audit` splits what axe reports
into violations in the app's own markup (each one a failure) and rule ids in Streamlit's own
sidebar navigation (a `ul` whose items are wrapped in `div`s, flagged on every page), which
README "Known limits" lists. The audit of every page is tests/e2e/test_accessibility_audit.py.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.helpers import open_view

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
STREAMLIT_NAVIGATION = '[data-testid="stSidebarNav"]'
# Rule ids axe reports in Streamlit's navigation markup (README "Known limits").
KNOWN_NAVIGATION_VIOLATIONS = {"list", "listitem"}

IN_NAVIGATION_JS = f"""
(selectors) => selectors.map(selector => {{
  const element = typeof selector === 'string' ? document.querySelector(selector) : null;
  return Boolean(element && element.closest('{STREAMLIT_NAVIGATION}'));
}})
"""


def audit(page) -> tuple[list[str], set[str]]:
    """(the app's own violations as readable lines, rule ids found in Streamlit's navigation)."""
    results = Axe().run(page, options={**WCAG_AA, "resultTypes": ["violations"]})
    own, navigation = [], set()
    for violation in results.response["violations"]:
        # A target is a selector, or a list of them for nodes inside frames or shadow roots.
        targets = [node["target"][0] if len(node["target"]) == 1 else None
                   for node in violation["nodes"]]  # fmt: skip
        inside = page.evaluate(IN_NAVIGATION_JS, targets)
        for node, in_navigation in zip(violation["nodes"], inside, strict=True):
            if in_navigation:
                navigation.add(violation["id"])
            else:
                own.append(
                    f"{violation['id']} ({violation['impact']}): {violation['help']} at"
                    f" {node['target']}: {node.get('failureSummary', '')[:300]}"
                )
    return own, navigation


def test_the_audit_reports_a_chart_without_a_name_as_the_apps_own(page, app_url):
    """The audit can fail: a chart drawn as an image with no text alternative (what a chart
    would be without `alt`) is reported, and as the app's own, not Streamlit's navigation."""
    open_view(page, f"{app_url}/chain-rule")
    page.evaluate(
        """() => { const chart = document.querySelector('[data-testid="stPlotlyChart"]');
                   chart.setAttribute('role', 'img'); chart.removeAttribute('aria-label'); }"""
    )
    own, navigation = audit(page)
    assert any(line.startswith("role-img-alt") for line in own), own
    assert "role-img-alt" not in navigation


def _words(text: str) -> str:
    return re.sub(r"\W+", "", text)


@pytest.mark.parametrize("path", ["step", "lab", "activations", "chain-rule", "learning-rate"])
def test_every_chart_is_a_figure_named_by_the_caption_under_it(page, app_url, path):
    """Screen readers announce each chart as a figure with its text alternative as its name;
    the same text is the caption right under it, for sighted readers."""
    open_view(page, f"{app_url}/{path}")
    charts = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(chart => {
             const box = chart.closest('[data-testid="stElementContainer"]');
             let next = box && box.nextElementSibling;
             const caption = next && next.querySelector('[data-testid="stCaptionContainer"]');
             return {role: chart.getAttribute('role'), name: chart.getAttribute('aria-label'),
                     caption: caption ? caption.textContent : null};
           })"""
    )
    assert charts, f"no chart on /{path}"
    for chart in charts:
        assert chart["role"] == "figure", chart
        assert chart["name"] and len(chart["name"]) > 20, chart
        assert chart["caption"] is not None, chart
        assert _words(chart["name"]) == _words(chart["caption"]), chart
