"""The worked-example, glossary and practice pages in a real browser: they render without an
exception, KaTeX draws the formulas, and screenshots are saved to test-output/ to look at."""

from tests.e2e.helpers import assert_no_exception, wait_for_app


def test_worked_example_renders_the_published_numbers(page, app_url, shot_dir):
    page.goto(f"{app_url}/worked-example")
    wait_for_app(page)
    assert_no_exception(page)
    assert page.get_by_text("0.2910277737").first.is_visible()
    # The formulas are typeset, not raw LaTeX (KaTeX draws them after the text has arrived).
    page.locator(".katex").nth(10).wait_for(state="attached")
    page.screenshot(path=str(shot_dir / "worked_example.png"))
    for heading in ("Backward pass: hidden layer", "The update"):
        page.get_by_role("heading", name=heading).first.scroll_into_view_if_needed()
        slug = heading.split(":")[-1].strip().replace(" ", "_").lower()
        page.screenshot(path=str(shot_dir / f"worked_example_{slug}.png"))
    page.get_by_role("button", name="Train 10,000 more steps").click()
    wait_for_app(page)
    page.get_by_text("3.51019e-05").first.wait_for()
    assert_no_exception(page)
    page.get_by_text("3.51019e-05").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shot_dir / "worked_example_trained.png"))


def test_glossary_renders_symbols_and_terms(page, app_url, shot_dir):
    page.goto(f"{app_url}/glossary")
    wait_for_app(page)
    assert_no_exception(page)
    assert page.get_by_role("heading", name="Symbols").first.is_visible()
    page.locator(".katex").nth(30).wait_for(state="attached")  # every symbol typeset
    page.screenshot(path=str(shot_dir / "glossary.png"))
    page.get_by_role("heading", name="Terms").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shot_dir / "glossary_terms.png"))


def test_practice_solution_renders(page, app_url, shot_dir):
    page.goto(f"{app_url}/practice?practice_seed=4&practice_kind=Delta+of+a+hidden+neuron")
    wait_for_app(page)
    assert_no_exception(page)
    page.get_by_text("Show the worked solution").click()
    wait_for_app(page)
    assert_no_exception(page)
    page.get_by_text("The answer, to 4 significant figures").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shot_dir / "practice_solution.png"))


def test_activations_initialisation_section_renders(page, app_url, shot_dir):
    page.goto(f"{app_url}/activations")
    wait_for_app(page)
    assert_no_exception(page)
    heading = page.get_by_role("heading", name="Initialisation: why weights start small and random")
    heading.first.scroll_into_view_if_needed()
    assert page.get_by_text("still have identical weights").first.is_visible()
    page.screenshot(path=str(shot_dir / "initialisation.png"))
