"""AppTest of the practice page: for every kind of exercise, typing the number its own worked
solution shows is accepted (the checker never rejects a right answer)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lessons.practice import EXERCISE_KINDS, KIND_LABELS

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SEEDS_PER_KIND = 20


def submit(at: AppTest, text: str) -> AppTest:
    box = next(t for t in at.text_input if t.key.startswith("practice_answer_"))
    box.input(text)
    button = next(b for b in at.button if b.key.startswith("FormSubmitter:practice_form"))
    return button.click().run()


def shown_answer(at: AppTest) -> str:
    """The number at the end of the worked solution's last line."""
    reveal = next(t for t in at.toggle if t.key.startswith("practice_reveal_"))
    reveal.set_value(True).run()
    return at.latex[-1].value.strip().strip("$").rsplit("=", 1)[1].strip()


@pytest.mark.parametrize("kind", EXERCISE_KINDS)
def test_typing_the_worked_solutions_number_is_accepted(kind):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/practice.py").run()
    at.selectbox(key="practice_kind").set_value(kind).run()
    for seed in range(1, SEEDS_PER_KIND + 1):
        at.number_input(key="practice_seed").set_value(seed).run()
        assert KIND_LABELS[kind] and not at.exception
        number = shown_answer(at)
        submit(at, number)
        assert not at.exception
        assert any("Correct" in s.value for s in at.success), (kind, seed, number)


def test_a_missed_factor_is_named_on_the_page():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/practice.py").run()
    at.selectbox(key="practice_kind").set_value("bias_gradient").run()
    at.number_input(key="practice_seed").set_value(3).run()
    number = float(shown_answer(at))
    submit(at, repr(2 * number))  # the mean over N = 2 examples left out
    assert any("1/N" in e.value for e in at.error)


def test_a_fraction_is_accepted():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/practice.py").run()
    at.selectbox(key="practice_kind").set_value("learning_rate").run()
    at.number_input(key="practice_seed").set_value(4).run()
    shown = float(shown_answer(at))  # 0.375 for this seed: 3/8
    assert shown == 0.375
    submit(at, "3/8")
    assert any("Correct" in s.value for s in at.success)
