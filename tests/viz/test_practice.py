"""Practice text: the question names what is asked, the solution ends with the answer."""

import pytest

from lessons.practice import EXERCISE_KINDS, generate_exercise
from viz.format import format_number
from viz.practice import question_markdown, solution_steps, target_symbol


@pytest.mark.parametrize("kind", EXERCISE_KINDS)
def test_practice_solution_ends_with_the_answer(kind):
    exercise = generate_exercise(9, kind)
    steps = solution_steps(exercise)
    assert steps[-1][1].endswith(f"= {format_number(exercise.answer)}")
    question = question_markdown(exercise)
    assert target_symbol(exercise) in question
    assert format_number(exercise.trace.learning_rate) in question
