"""The step player in Chromium: graph size and number sizes in presenter mode, keys from the
first press, auto-play, motion frames and reduced motion, the quiz, and the server actions.

Every wait is on page state (the player's data-* attributes or Streamlit's script state).
"""

import re

import pytest

from lessons.step_by_step import stepper
from lessons.step_by_step.narration import number
from lessons.step_by_step.phases import phase_sequence
from lessons.step_by_step.quiz import question_for_phase
from tests.e2e.helpers import assert_no_exception, wait_for_app

PLAYER = ".player"
N_PHASES = 6  # the textbook 2-2-2 network: F1, F2, L, B2, B1, U


def _textbook_trace():
    scenario = stepper.build_scenario("textbook")
    return scenario.network.compute_trace(scenario.X, scenario.Y, scenario.learning_rate)


def _open(browser, app_url, query="", reduced_motion="no-preference", size=(1366, 768)):
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, reduced_motion=reduced_motion
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{app_url}/step{query}")
    wait_for_app(page)
    page.wait_for_selector(f"{PLAYER}[data-ready]")
    assert_no_exception(page)
    # Focus the page without pressing a key (a visitor's first click on the page).
    page.get_by_text("Step by step", exact=True).first.click()
    return page


def _phase(page) -> int:
    return int(page.get_attribute(PLAYER, "data-phase"))


def _wait_phase(page, phase: int) -> None:
    page.wait_for_selector(f'{PLAYER}[data-phase="{phase}"]')


def _wait_still(page) -> None:
    page.wait_for_selector(f"{PLAYER}:not([data-moving])", state="attached")


GRAPH_NUMBERS_JS = """
() => [...document.querySelectorAll('*')]
  .filter(e => e.shadowRoot)
  .flatMap(e => [...e.shadowRoot.querySelectorAll('svg.graph text.num')])
  .filter(t => /\\d/.test(t.textContent))
  .map(t => ({text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize),
              height: t.getBoundingClientRect().height}))
"""


def test_presenter_graph_is_wide_and_every_number_is_at_least_18px(browser, app_url, shot_dir):
    page = _open(browser, app_url, "?presenter=true")
    width = page.eval_on_selector(f"{PLAYER} svg.graph", "e => e.getBoundingClientRect().width")
    assert width >= 0.55 * 1366, f"graph is {width:.0f} px of 1366"
    names = {1: "forward", 3: "backward", 5: "update"}
    for phase in range(N_PHASES):
        _wait_phase(page, phase)
        _wait_still(page)
        numbers = page.evaluate(GRAPH_NUMBERS_JS)
        assert numbers, f"no numbers on the graph in phase {phase}"
        smallest = min(numbers, key=lambda n: n["px"])
        assert smallest["px"] >= 18, smallest
        # The rendered glyph box, not only the style: at least the font size high.
        assert min(n["height"] for n in numbers) >= 18
        # 4 significant figures on the graph: no label carries more.
        for item in numbers:
            digits = re.sub(r"[^0-9]", "", item["text"].split("e")[0]).lstrip("0")
            assert len(digits) <= 4, item
        if phase in names:
            page.screenshot(path=str(shot_dir / f"presenter-1366x768-{names[phase]}.png"))
        if phase < N_PHASES - 1:
            page.keyboard.press("ArrowRight")
    narration_px = page.eval_on_selector(
        f"{PLAYER} .narration", "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert narration_px >= 20
    page.context.close()


@pytest.mark.parametrize("attempt", range(3))
def test_first_right_press_after_load_advances_the_phase(browser, app_url, attempt):
    page = _open(browser, app_url)
    assert _phase(page) == 0
    page.keyboard.press("ArrowRight")
    _wait_phase(page, 1)
    page.keyboard.press("ArrowLeft")
    _wait_phase(page, 0)
    page.context.close()


def _record_phases(page) -> None:
    """Keep every phase the player shows, in order, in window.__phases (from the current one)."""
    page.evaluate(
        """() => {
          const player = [...document.querySelectorAll('*')].find(e => e.shadowRoot &&
              e.shadowRoot.querySelector('.player')).shadowRoot.querySelector('.player');
          window.__phases = [player.dataset.phase];
          new MutationObserver(() => {
            const now = player.dataset.phase;
            if (now !== window.__phases.at(-1)) window.__phases.push(now);
          }).observe(player, {attributes: true, attributeFilter: ['data-phase']});
        }"""
    )


def test_keys_do_nothing_while_typing_in_a_box(browser, app_url):
    page = _open(browser, app_url)
    _record_phases(page)
    box = page.get_by_label("Learning rate η")
    box.click()
    for key in ("ArrowRight", "ArrowRight", "End"):
        page.keyboard.press(key)
    page.get_by_text("Step by step", exact=True).first.click()
    page.keyboard.press("ArrowRight")  # counted only now that the box lost focus
    _wait_phase(page, 1)
    # Had any key typed in the box reached the player, it would have left phase 0 before this.
    assert page.evaluate("() => window.__phases") == ["0", "1"]
    page.context.close()


def test_auto_play_walks_a_whole_step_in_order(browser, app_url):
    page = _open(browser, app_url)
    _record_phases(page)
    page.select_option(f"{PLAYER} select.speed", "2")
    page.keyboard.press(" ")
    page.wait_for_selector(f"{PLAYER}[data-playing]", state="attached")
    _wait_phase(page, N_PHASES - 1)
    page.wait_for_selector(f"{PLAYER}:not([data-playing])", state="attached")
    assert page.evaluate("() => window.__phases") == [str(i) for i in range(N_PHASES)]
    # Space pauses: start again from the first phase and stop at once.
    page.keyboard.press("Home")
    _wait_phase(page, 0)
    page.keyboard.press(" ")
    page.wait_for_selector(f"{PLAYER}[data-playing]", state="attached")
    page.keyboard.press(" ")
    page.wait_for_selector(f"{PLAYER}:not([data-playing])", state="attached")
    page.context.close()


COUNT_DOTS_JS = """
() => {
  const player = [...document.querySelectorAll('*')].find(e => e.shadowRoot &&
      e.shadowRoot.querySelector('.player')).shadowRoot.querySelector('.player');
  window.__dots = 0;
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes)
      if (n.classList && n.classList.contains('dot')) window.__dots += 1;
  }).observe(player, {subtree: true, childList: true});
}
"""


def test_motion_frames_exist_and_travel_along_the_edges(browser, app_url):
    page = _open(browser, app_url)
    assert page.get_attribute(PLAYER, "data-phases") == str(N_PHASES)
    assert page.get_attribute(PLAYER, "data-motion") == "on"
    page.evaluate(COUNT_DOTS_JS)
    page.keyboard.press("ArrowRight")  # forward into the output layer: 4 edges, 4 values
    _wait_phase(page, 1)
    assert page.get_attribute(PLAYER, "data-motion-kind") == "forward"
    _wait_still(page)
    assert page.evaluate("() => window.__dots") == 4
    for _ in range(2):  # loss, then backward at the output (deltas from the loss: 2 units)
        page.keyboard.press("ArrowRight")
    _wait_phase(page, 3)
    assert page.get_attribute(PLAYER, "data-motion-kind") == "backward"
    page.context.close()


@pytest.mark.parametrize("how", ["reduced motion", "switched off"])
def test_no_motion_under_reduced_motion_or_when_switched_off(browser, app_url, how):
    reduced = "reduce" if how == "reduced motion" else "no-preference"
    page = _open(browser, app_url, reduced_motion=reduced)
    if how == "switched off":
        page.click(f"{PLAYER} input.motion")
    else:
        assert page.is_disabled(f"{PLAYER} input.motion")
        assert "reduced motion" in page.inner_text(f"{PLAYER} .note")
    assert page.get_attribute(PLAYER, "data-motion") == "off"
    page.evaluate(COUNT_DOTS_JS)
    for phase in range(1, N_PHASES):
        page.keyboard.press("ArrowRight")
        _wait_phase(page, phase)
    assert page.evaluate("() => window.__dots") == 0
    assert page.get_attribute(PLAYER, "data-moving") is None
    page.context.close()


def test_narration_carries_the_traces_numbers(browser, app_url):
    trace = _textbook_trace()
    page = _open(browser, app_url)
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    _wait_phase(page, 2)
    text = page.inner_text(f"{PLAYER} .narration")
    assert f"loss is {number(trace.loss)}" in text
    assert number(trace.Y_hat[0, 0]) in text
    page.context.close()


def test_quiz_marks_a_wrong_answer_wrong_and_a_right_one_right(browser, app_url):
    trace = _textbook_trace()
    phases = phase_sequence(len(trace.layers))
    first = question_for_phase(trace, phases, 1, step=0)
    second = question_for_phase(trace, phases, 2, step=0)
    page = _open(browser, app_url)
    page.click(f"{PLAYER} input.quiz-mode")
    page.keyboard.press("ArrowRight")
    page.wait_for_selector(f"{PLAYER}[data-question]", state="attached")
    assert _phase(page) == 0  # not revealed before the answer
    assert page.inner_text(f"{PLAYER} .question .prompt").endswith(first.prompt)
    page.fill(f"{PLAYER} input.answer", f"{first.answer + 0.3:.2f}")
    page.click(f"{PLAYER} button.check")
    _wait_phase(page, 1)
    assert "Not quite" in page.inner_text(f"{PLAYER} .mark.wrong")
    page.get_by_text("Step by step", exact=True).first.click()
    page.keyboard.press("ArrowRight")
    page.wait_for_selector(f"{PLAYER}[data-question]", state="attached")
    page.fill(f"{PLAYER} input.answer", f"{second.answer:.2f}")
    page.click(f"{PLAYER} button.check")
    _wait_phase(page, 2)
    assert "Right" in page.inner_text(f"{PLAYER} .mark.right")
    assert "1 of 2" in page.inner_text(f"{PLAYER} .score")
    page.context.close()


def test_n_and_u_ask_the_server_for_the_next_training_step_and_undo(browser, app_url):
    page = _open(browser, app_url)
    token = page.get_attribute(PLAYER, "data-ready")
    page.keyboard.press("n")
    page.wait_for_selector(f'{PLAYER}:not([data-ready="{token}"])', state="attached")
    wait_for_app(page)
    page.get_by_text(re.compile(r"Training step 2")).first.wait_for()
    assert _phase(page) == 0
    page.get_by_text("Step by step", exact=True).first.click()
    # One press, one phase: the player drawn for step 1 must not still be listening.
    page.keyboard.press("ArrowRight")
    _wait_phase(page, 1)
    _wait_still(page)
    assert _phase(page) == 1
    page.keyboard.press("u")
    page.get_by_text(re.compile(r"Training step 1")).first.wait_for()
    wait_for_app(page)
    assert page.get_attribute(PLAYER, "data-ready") == token
    assert_no_exception(page)
    page.context.close()


def test_a_diverged_step_explains_instead_of_animating(browser, app_url):
    scenario = stepper.build_scenario("housing")
    net = scenario.network
    base = (scenario.X, scenario.Y, list(net.weights), list(net.biases))
    biases = [b.copy() for b in net.biases]
    biases[-1][0] = 1e5  # a prediction of 1e5: the update at learning rate 100 leaves the caps
    data = stepper.encode_tables((scenario.X, scenario.Y, list(net.weights), biases), base)
    page = _open(browser, app_url, f"?step_preset=House%20price&step_lr=100&step_data={data}")
    note = page.inner_text(f"{PLAYER} .note")
    assert "This step diverged" in note
    assert page.get_attribute(PLAYER, "data-motion") == "off"
    page.evaluate(COUNT_DOTS_JS)
    page.keyboard.press("ArrowRight")
    _wait_phase(page, 1)
    assert page.evaluate("() => window.__dots") == 0
    page.context.close()


def test_space_on_a_focused_player_button_presses_only_that_button(browser, app_url):
    page = _open(browser, app_url)
    page.focus(f"{PLAYER} button.next")
    page.keyboard.press(" ")  # the button's own click: one phase on, no auto-play
    _wait_phase(page, 1)
    assert page.get_attribute(PLAYER, "data-playing") is None
    page.context.close()


def test_auto_play_can_go_on_into_the_next_training_step_and_stop(browser, app_url):
    page = _open(browser, app_url)
    first = page.get_attribute(PLAYER, "data-ready")
    page.click(f"{PLAYER} input.keep-going")
    page.select_option(f"{PLAYER} select.speed", "2")
    page.get_by_text("Step by step", exact=True).first.click()
    page.keyboard.press(" ")
    page.wait_for_selector(
        f'{PLAYER}:not([data-ready="{first}"])', state="attached", timeout=60_000
    )
    page.get_by_text(re.compile(r"Training step 2")).first.wait_for()
    page.wait_for_selector(f"{PLAYER}[data-playing]", state="attached")  # playing on
    page.keyboard.press(" ")
    page.wait_for_selector(f"{PLAYER}:not([data-playing])", state="attached")
    assert_no_exception(page)
    page.context.close()


def test_step_size_one_training_step_makes_one_update_per_next(browser, app_url):
    page = _open(browser, app_url)
    token = page.get_attribute(PLAYER, "data-ready")
    assert "0 weight updates" in page.inner_text(f"{PLAYER} .updates")
    page.select_option(f"{PLAYER} select.step-size", "step")
    assert "1 weight update" in page.inner_text(f"{PLAYER} .updates")
    page.get_by_text("Step by step", exact=True).first.click()
    page.keyboard.press("ArrowRight")
    page.wait_for_selector(f'{PLAYER}:not([data-ready="{token}"])', state="attached")
    page.get_by_text(re.compile(r"Training step 2")).first.wait_for()
    _wait_phase(page, 2)  # the new step opens at its loss: what the update did
    assert page.eval_on_selector(f"{PLAYER} select.step-size", "e => e.value") == "step"
    page.context.close()


def test_step_click_benchmark_runs_against_real_servers():
    # In a child process: this session's sync Playwright cannot start a second one in-process.
    import json
    import subprocess
    import sys

    from tests.e2e.helpers import PROJECT_ROOT

    code = (
        "import json; from bench import step_click;"
        " print(json.dumps(step_click.run(quick=True)['raw']))"
    )
    child = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr[-3000:]
    raw = json.loads(child.stdout.strip().splitlines()[-1])
    assert raw["bare"]["ms"] > 0 and raw["bare"]["cpu_ms"] > 0
    for name in ("player_motion_off", "player_motion_on"):
        assert raw[name]["errors"] == 0 and raw[name]["ms"] > 0
    assert raw["player_motion_on"]["motion_start_ms"] is not None
    assert raw["player_motion_off"]["motion_start_ms"] is None  # reduced motion: none


def test_switching_scenario_during_auto_play_stops_it_cleanly(browser, app_url):
    page = _open(browser, app_url)
    token = page.get_attribute(PLAYER, "data-ready")
    page.click(f"{PLAYER} input.keep-going")  # even "play on" must not carry into XOR
    page.get_by_text("Step by step", exact=True).first.click()
    page.keyboard.press(" ")
    page.wait_for_selector(f"{PLAYER}[data-playing]", state="attached")
    page.get_by_label("Scenario").click()
    page.get_by_role("option", name="XOR").click()
    page.wait_for_selector(f'{PLAYER}:not([data-ready="{token}"])', state="attached")
    wait_for_app(page)
    assert page.get_attribute(PLAYER, "data-playing") is None
    assert _phase(page) == 0
    assert "x1" in page.text_content(f"{PLAYER} svg.graph")  # XOR's inputs
    assert_no_exception(page)
    page.context.close()


def test_an_epoch_per_next_and_a_link_to_the_phase_shown_reproduce_the_view(browser, app_url):
    """XOR one example at a time: one Next with step size "one epoch" makes 4 updates (one per
    example); "Link to this phase" gives a link that opens the same step at the same phase."""
    page = _open(browser, app_url, "?step_preset=XOR")
    token = page.get_attribute(PLAYER, "data-ready")
    page.select_option(f"{PLAYER} select.step-size", "epoch")
    assert "one epoch = 4 weight updates" in page.inner_text(f"{PLAYER} .updates")
    page.click(f"{PLAYER} button.next")
    page.wait_for_selector(f'{PLAYER}:not([data-ready="{token}"])', state="attached")
    wait_for_app(page)
    page.get_by_text(re.compile(r"Training step 5")).first.wait_for()
    _wait_phase(page, 2)  # the new step opens at its loss
    page.select_option(f"{PLAYER} select.step-size", "phase")  # Right now moves one phase
    page.get_by_text("Step by step", exact=True).first.click()
    page.keyboard.press("ArrowRight")
    _wait_phase(page, 3)
    assert not page.is_visible(f"{PLAYER} .link-box")  # shown only when asked for
    page.click(f"{PLAYER} button.phase-link")
    assert page.is_visible(f"{PLAYER} .link-box")
    link = page.input_value(f"{PLAYER} input.link-text")
    assert "step_order=0-3" in link and "step_n=4" in link and "step_phase=3" in link, link
    narration = page.inner_text(f"{PLAYER} .narration")
    page.context.close()

    assert link.startswith(f"{app_url}/step?"), link
    shared = _open(browser, app_url, link.removeprefix(f"{app_url}/step"))
    assert _phase(shared) == 3
    shared.get_by_text(re.compile(r"Training step 5")).first.wait_for()
    assert shared.inner_text(f"{PLAYER} .narration") == narration
    assert_no_exception(shared)
    shared.context.close()
