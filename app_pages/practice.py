"""Practice: generated backpropagation exercises with a checked answer, a worked solution and a
session score; and flashcards for revision."""

import re
import secrets

import streamlit as st

from app_pages.common import error_boundary, last_valid, symbols_expander
from engine import limits
from lessons.flashcards import load_flashcards, topics
from lessons.practice import (
    EXERCISE_KINDS,
    KIND_LABELS,
    SIGNIFICANT_FIGURES,
    Exercise,
    generate_exercise,
    record_outcome,
    score,
)
from viz.practice import answer_text, question_markdown, solution_steps

SEED = "practice_seed"
KIND = "practice_kind"
OUTCOMES = "practice_outcomes"  # exercise id -> "solved" / "attempted" / "revealed"
FEEDBACK = "practice_feedback"  # (exercise id, AnswerCheck) of the last check
CARD = "practice_card"
ANY_KIND = "any"
ALL_TOPICS = "all"
NEW_SEED_RANGE = 1_000_000  # "New exercise" draws its number from 1 .. this


def _new_exercise() -> None:
    st.session_state[SEED] = 1 + secrets.randbelow(NEW_SEED_RANGE)
    st.session_state.pop(FEEDBACK, None)


def _exercise_id(exercise: Exercise) -> str:
    return f"{exercise.seed}:{exercise.kind}"


def _move_card(delta: int, n_cards: int) -> None:
    st.session_state[CARD] = (int(st.session_state.get(CARD, 0)) + delta) % max(n_cards, 1)
    st.session_state["practice_show_back"] = False


st.title("Practice")
exercises_tab, cards_tab = st.tabs(["Exercises", "Flashcards"])

with exercises_tab, error_boundary("the exercise"):
    top = st.columns([2, 2, 1.5, 1.5], vertical_alignment="bottom")
    seed = top[0].number_input(
        "Exercise number",
        0,
        limits.MAX_SEED,
        step=1,
        key=SEED,
        bind="query-params",
        help="The same number always gives the same exercise: share it with a class.",
    )
    kind_choice = top[1].selectbox(
        "Kind of question",
        (ANY_KIND, *EXERCISE_KINDS),
        format_func=lambda key: (
            "Any (drawn with the number)" if key == ANY_KIND else KIND_LABELS[key]
        ),
        key=KIND,
        bind="query-params",
    )
    top[2].button(
        "New exercise",
        on_click=_new_exercise,
        key="practice_new",
        type="primary",
        icon=":material/casino:",
    )
    score_slot = top[3].empty()  # filled last, after this run's check or reveal is counted

    kind = None if kind_choice == ANY_KIND else kind_choice
    exercise = last_valid(
        "practice_exercise",
        lambda: generate_exercise(int(seed), kind),
        lambda: generate_exercise(0),
    )
    exercise_id = _exercise_id(exercise)

    with st.container(border=True):
        st.markdown(question_markdown(exercise))

    with st.form(key=f"practice_form_{exercise_id}", enter_to_submit=True, border=False):
        columns = st.columns([2, 1], vertical_alignment="bottom")
        answer = columns[0].text_input(
            "Your answer",
            key=f"practice_answer_{exercise_id}",
            max_chars=40,
            placeholder="e.g. -0.05321 or 1/8",
            help=f"Give {SIGNIFICANT_FIGURES} significant figures: any answer that rounds to the"
            " exact value at that precision is right. Decimals (0.05321, 5.321e-2) and"
            " fractions (1/8) work.",
        )
        checked = columns[1].form_submit_button("Check", type="primary")
    if checked:
        result = exercise.check(answer)
        st.session_state[OUTCOMES] = record_outcome(
            st.session_state.get(OUTCOMES, {}), exercise_id, result
        )
        st.session_state[FEEDBACK] = (exercise_id, result)
    feedback = st.session_state.get(FEEDBACK)
    if feedback is not None and feedback[0] == exercise_id:
        result = feedback[1]
        if result.correct:
            st.success(
                f"{result.message} The answer is {answer_text(exercise)}.",
                icon=":material/check_circle:",
            )
        elif result.status == "wrong":
            st.error(result.message, icon=":material/cancel:")
        else:
            st.warning(result.message, icon=":material/edit:")

    reveal = st.toggle("Show the worked solution", key=f"practice_reveal_{exercise_id}")
    if reveal:
        st.session_state[OUTCOMES] = record_outcome(
            st.session_state.get(OUTCOMES, {}), exercise_id, revealed=True
        )
        with st.container(border=True):
            for sentence, equation in solution_steps(exercise):
                st.markdown(sentence)
                st.latex(equation)
    question_latex = re.findall(r"\$\$?(.+?)\$?\$", question_markdown(exercise), re.S)
    symbols_expander(question_latex + [equation for _, equation in solution_steps(exercise)])

    solved, tried = score(st.session_state.get(OUTCOMES, {}))
    score_slot.metric(
        "Score this session",
        f"{solved} / {tried}",
        help="Exercises solved (before looking at the solution) out of those tried.",
    )

with cards_tab, error_boundary("the flashcards"):
    cards = load_flashcards()
    topic = st.selectbox(
        "Topic",
        (ALL_TOPICS, *topics(cards)),
        format_func=lambda key: "All topics" if key == ALL_TOPICS else key.capitalize(),
        key="practice_topic",
    )
    shown = [card for card in cards if topic == ALL_TOPICS or card.topic == topic]
    index = int(st.session_state.get(CARD, 0)) % len(shown)
    card = shown[index]
    st.caption(f"Card {index + 1} of {len(shown)} · {card.topic}")
    with st.container(border=True):
        st.markdown(f"#### {card.front}")
        if st.session_state.get("practice_show_back", False):
            st.divider()
            st.markdown(card.back)
            st.page_link(
                card.page_file,
                label=f"See it on the page: {card.page_title}",
                icon=":material/link:",
            )
    buttons = st.columns(3)
    buttons[0].button(
        "Previous",
        on_click=_move_card,
        args=(-1, len(shown)),
        key="practice_card_previous",
        icon=":material/chevron_left:",
    )
    buttons[1].toggle("Show the answer", key="practice_show_back")
    buttons[2].button(
        "Next card",
        on_click=_move_card,
        args=(1, len(shown)),
        key="practice_card_next",
        icon=":material/chevron_right:",
    )
