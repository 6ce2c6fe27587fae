"""The axe-core audit of every page (normal and presenter mode): no WCAG 2.1 A/AA violation in
the app's own markup; Streamlit's navigation only breaks the rules README "Known limits" lists.

It found KaTeX's display formulas scrolling by 2 px (a keyboard cannot reach a scrollable
region); app_pages/common.py's CSS fixes that on every page.
"""

import pytest

from tests.apptest_helpers import url_paths
from tests.e2e.helpers import open_view
from tests.e2e.test_accessibility import KNOWN_NAVIGATION_VIOLATIONS, audit


@pytest.mark.parametrize("presenter", [False, True], ids=["normal", "presenter"])
@pytest.mark.parametrize("path", url_paths(), ids=lambda p: p or "home")
def test_no_wcag_aa_violation_in_the_apps_own_markup(page, app_url, path, presenter):
    open_view(page, f"{app_url}/{path}" + ("?presenter=true" if presenter else ""))
    own, navigation = audit(page)
    assert own == []
    assert navigation <= KNOWN_NAVIGATION_VIOLATIONS, (
        f"new violations in Streamlit's navigation: {navigation - KNOWN_NAVIGATION_VIOLATIONS};"
        " list them in README 'Known limits'"
    )
