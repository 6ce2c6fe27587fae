"""The class-room model on a real SQLite store: codes, tokens, questions, answers, expiry."""

import csv
import io
import math

import pytest

from engine.errors import UserInputError
from lessons import class_room as cr
from lessons.class_store import SQLiteStore
from lessons.step_by_step import quiz
from lessons.step_by_step.phases import BACKWARD, UPDATE

NOW = 1_800_000_000.0


@pytest.fixture
def store(tmp_path):
    opened = SQLiteStore(tmp_path / "rooms.db")
    yield opened
    opened.close()


@pytest.fixture
def opened(store):
    code, token = cr.create_room(store, NOW)
    return store, code, token


def _seats(n):
    return [cr.new_seat() for _ in range(n)]


def test_codes_are_six_characters_of_the_join_alphabet_and_differ():
    codes = {cr.new_code() for _ in range(2000)}
    assert len(codes) == 2000  # 32^6 codes: a repeat in 2000 draws has chance ~0.2%
    assert all(len(c) == 6 and set(c) <= set(cr.JOIN_ALPHABET) for c in codes)
    assert len(cr.JOIN_ALPHABET) == 32 and not set("01IO") & set(cr.JOIN_ALPHABET)
    # every character is used: the draw covers the whole alphabet, not a fixed subset
    assert set("".join(codes)) == set(cr.JOIN_ALPHABET)


def test_token_is_long_and_only_its_hash_is_stored(opened):
    store, code, token = opened
    assert len(token) >= 32
    record = store.get_room(code, NOW)
    assert token not in str(record)
    assert record["token_sha256"] != token and len(record["token_sha256"]) == 64


def test_codes_are_normalised_and_wrong_or_expired_codes_say_so(opened):
    store, code, _ = opened
    assert cr.room(store, f" {code[:3].lower()}-{code[3:]} ", NOW).code == code
    with pytest.raises(cr.RoomNotFound, match="6 letters and digits"):
        cr.room(store, "ABC", NOW)
    with pytest.raises(cr.RoomNotFound, match="6 letters and digits"):
        cr.room(store, "ABCDE0", NOW)  # 0 is not in the alphabet
    missing = next(c for c in iter(cr.new_code, None) if c != code)
    with pytest.raises(cr.RoomNotFound, match=f"no open class room with code {missing}"):
        cr.room(store, missing, NOW)
    with pytest.raises(cr.RoomNotFound, match="12 hours"):
        cr.room(store, code, NOW + cr.EXPIRY_SECONDS + 1)
    assert issubclass(cr.RoomNotFound, UserInputError)


def test_teacher_actions_need_the_token(opened):
    store, code, token = opened
    question = cr.typed_question("Which?", "a\nb", "a")
    for bad in (None, "", token[:-1] + ("x" if token[-1] != "x" else "y"), code):
        with pytest.raises(cr.NotTeacher, match="control link"):
            cr.ask(store, code, bad, question, NOW)
        with pytest.raises(cr.NotTeacher):
            cr.set_scenario(store, code, bad, cr.ClassScenario(phase=3), NOW)
    cr.ask(store, code, token, question, NOW)
    for action in (cr.close, cr.reveal):
        with pytest.raises(cr.NotTeacher):
            action(store, code, "not-the-token", NOW)
    with pytest.raises(cr.NotTeacher):
        cr.summary_rows(store, code, "", NOW)
    assert cr.room(store, code, NOW).current["status"] == cr.OPEN


def test_the_watch_state_tells_a_new_phase_from_a_new_step_or_question(opened):
    store, code, token = opened
    first = cr.watch_state(cr.room(store, code, NOW))
    scenario = cr.room(store, code, NOW).scenario
    cr.set_scenario(store, code, token, cr.check_scenario(scenario.preset, phase=2), NOW)
    phased = cr.watch_state(cr.room(store, code, NOW))
    assert phased["version"] > first["version"] and phased["phase"] == 2
    assert (phased["step"], phased["question"]) == (first["step"], first["question"])
    cr.set_scenario(store, code, token, cr.check_scenario(scenario.preset, steps=1), NOW)
    assert cr.watch_state(cr.room(store, code, NOW))["step"] != first["step"]
    cr.ask(store, code, token, cr.typed_question("Up?", "yes\nno", "yes"), NOW)
    cr.close(store, code, token, NOW)
    closed = cr.watch_state(cr.room(store, code, NOW))
    assert closed["question"] == "1/closed"
    assert set(closed) == {"version", "step", "phase", "question"}  # no text, no answers


def test_students_follow_the_teachers_scenario(opened):
    store, code, token = opened
    scenario = cr.check_scenario("xor", seed=3, steps=2, phase=4)
    cr.set_scenario(store, code, token, scenario, NOW)
    seen = cr.room(store, code, NOW + 1)
    assert seen.scenario == scenario
    assert seen.scenario.step_page_params() == {
        "step_preset": "XOR", "step_seed": "3", "step_lr": "0.5", "step_n": "2", "step_phase": "4"
    }  # fmt: skip
    # The same numbers for everyone: the trace is the preset after 2 steps at its rate.
    _, trace, phases = cr.scenario_trace(seen.scenario)
    preset = cr.stepper.build_scenario("xor", 3)
    net = preset.network.copy()
    for _ in range(2):
        net.train_step(preset.X, preset.Y, 0.5)
    assert math.isclose(trace.loss, net.loss_value(preset.X, preset.Y), rel_tol=1e-12)
    assert len(phases) == 6


def test_check_scenario_clamps_the_phase_and_refuses_bad_values():
    assert cr.check_scenario("textbook", phase=99).phase == 5
    assert cr.check_scenario("textbook", phase=-3).phase == 0
    with pytest.raises(UserInputError, match="scenario must be one of"):
        cr.check_scenario("custom")
    with pytest.raises(UserInputError):
        cr.check_scenario("xor", steps=cr.MAX_STEPS + 1)
    with pytest.raises(UserInputError):
        cr.check_scenario("xor", learning_rate=float("nan"))


def test_trace_questions_are_the_step_players(opened):
    _, trace, phases = cr.scenario_trace(cr.ClassScenario())
    questions = cr.trace_questions(trace, phases, step=0)
    assert questions == quiz.step_questions(trace, phases, 0, 0)
    kinds = {q.kind for q in questions}
    assert {quiz.SIGN_OF_GRADIENT, quiz.WEIGHT_CHANGE, quiz.NEURON_VALUE} <= kinds


def test_answers_are_counted_one_per_seat_changeable_and_refused_after_close(opened):
    store, code, token = opened
    _, trace, phases = cr.scenario_trace(cr.ClassScenario())
    question = next(
        q for q in cr.trace_questions(trace, phases, 0) if q.kind == quiz.SIGN_OF_GRADIENT
    )
    cr.ask(store, code, token, question, NOW)
    qid = cr.room(store, code, NOW).current["id"]
    a, b, c = _seats(3)
    assert cr.answer(store, code, a, " Positive ", NOW) == "positive"
    cr.answer(store, code, b, "negative", NOW)
    cr.answer(store, code, c, "negative", NOW)
    cr.answer(store, code, a, "negative", NOW + 1)  # changed her mind
    assert store.count_answers(code, qid, NOW) == 3
    assert cr.my_answer(store, code, a, qid, NOW) == "negative"
    cr.close(store, code, token, NOW + 2)
    with pytest.raises(cr.AnswerRefused, match="closed"):
        cr.answer(store, code, a, "positive", NOW + 3)
    assert cr.my_answer(store, code, a, qid, NOW) == "negative"


def test_malformed_answers_and_seats_are_refused(opened):
    store, code, token = opened
    with pytest.raises(cr.AnswerRefused, match="no question yet"):
        cr.answer(store, code, cr.new_seat(), "a", NOW)
    cr.ask(store, code, token, cr.typed_question("Pick", "Up\nDown", "up"), NOW)
    with pytest.raises(cr.AnswerRefused, match="one of: Up, Down"):
        cr.answer(store, code, cr.new_seat(), "<script>", NOW)
    with pytest.raises(cr.AnswerRefused, match="no seat"):
        cr.answer(store, code, "bad seat!", "up", NOW)
    assert cr.answer(store, code, cr.new_seat(), "UP", NOW) == "Up"


def test_numeric_answers_are_kept_to_two_decimals_and_checked_by_the_quiz(opened):
    store, code, token = opened
    _, trace, phases = cr.scenario_trace(cr.ClassScenario())
    question = next(q for q in cr.trace_questions(trace, phases, 0) if q.numeric)
    cr.ask(store, code, token, question, NOW)
    right = f"{question.answer:.2f}"
    seats = _seats(4)
    assert cr.answer(store, code, seats[0], question.answer, NOW) == right
    cr.answer(store, code, seats[1], right.replace(".", ","), NOW)
    cr.answer(store, code, seats[2], "3", NOW)
    for bad in ("abc", "nan", "inf", "1e999"):
        with pytest.raises(cr.AnswerRefused, match="number"):
            cr.answer(store, code, seats[3], bad, NOW)
    result = cr.results(store, code, cr.room(store, code, NOW).current, NOW)
    assert dict(zip(result.labels, result.counts, strict=True)) == {right: 2, "3.00": 1}
    assert dict(zip(result.labels, result.right, strict=True)) == {right: True, "3.00": False}
    assert result.share_correct == pytest.approx(2 / 3)


def test_flood_from_one_seat_is_rate_limited_other_seats_are_not(opened):
    store, code, token = opened
    cr.ask(store, code, token, cr.typed_question("Pick", "a\nb", "a"), NOW)
    flooder, other = _seats(2)
    for i in range(cr.MAX_ANSWERS_PER_WINDOW):
        cr.answer(store, code, flooder, "ab"[i % 2], NOW)
    with pytest.raises(cr.AnswerRefused, match="Too many answers"):
        cr.answer(store, code, flooder, "a", NOW + 1)
    cr.answer(store, code, other, "a", NOW + 1)
    # the next window accepts the flooder again
    cr.answer(store, code, flooder, "a", NOW + 2 * cr.RATE_WINDOW_SECONDS)


def test_reveal_steps_to_the_answering_phase_and_the_distribution_matches(opened):
    store, code, token = opened
    _, trace, phases = cr.scenario_trace(cr.ClassScenario())
    question = next(q for q in cr.trace_questions(trace, phases, 0) if q.kind == quiz.WEIGHT_CHANGE)
    assert phases[question.phase].kind == UPDATE
    cr.ask(store, code, token, question, NOW)
    sent = ["grows", "shrinks", "shrinks", "stays the same", question.answer]
    for seat, text in zip(_seats(len(sent)), sent, strict=True):
        cr.answer(store, code, seat, text, NOW)
    revealed = cr.reveal(store, code, token, NOW + 5)
    assert revealed.scenario.phase == question.phase
    assert revealed.current["status"] == cr.REVEALED
    result = cr.results(store, code, revealed.current, NOW + 5)
    assert result.labels == (quiz.GROWS, quiz.SHRINKS, quiz.STAYS)
    expected = [sent.count(label) for label in result.labels]
    assert list(result.counts) == expected
    assert result.right == tuple(label == question.answer for label in result.labels)
    assert result.share_correct == sent.count(question.answer) / len(sent)
    with pytest.raises(cr.AnswerRefused):
        cr.answer(store, code, cr.new_seat(), "grows", NOW + 6)


def test_asking_again_closes_the_previous_question(opened):
    store, code, token = opened
    cr.ask(store, code, token, cr.typed_question("One", "a\nb", "a"), NOW)
    cr.ask(store, code, token, cr.typed_question("Two", "c\nd", "d"), NOW)
    statuses = [q["status"] for q in cr.room(store, code, NOW).questions]
    assert statuses == [cr.CLOSED, cr.OPEN]


def test_typed_questions_are_checked():
    question = cr.typed_question("  Which   way? ", "Left\n\nRight\nleft", "right")
    assert question.prompt == "Which way?" and question.choices == ("Left", "Right")
    assert quiz.check(question, "RIGHT") and not quiz.check(question, "Left")
    for prompt, choices, right in [("", "a\nb", "a"), ("Q", "a", "a"), ("Q", "a\nb", "c")]:
        with pytest.raises(UserInputError):
            cr.typed_question(prompt, choices, right)
    with pytest.raises(UserInputError):
        cr.typed_question("x" * (cr.MAX_PROMPT + 1), "a\nb", "a")


def test_nicknames_are_length_limited_plain_text(opened):
    store, code, _ = opened
    seat = cr.new_seat()
    assert cr.set_nickname(store, code, seat, " <b>Ada</b>\x00\n ", NOW) == "<b>Ada</b>"
    assert store.nickname(code, seat, NOW) == "<b>Ada</b>"
    with pytest.raises(UserInputError, match="at most 24"):
        cr.set_nickname(store, code, seat, "x" * 25, NOW)


def test_activity_keeps_a_room_alive_and_expiry_deletes_everything(opened):
    store, code, token = opened
    cr.ask(store, code, token, cr.typed_question("Q", "a\nb", "a"), NOW + 11 * 3600)
    cr.answer(store, code, cr.new_seat(), "a", NOW + 11 * 3600)
    alive = NOW + 20 * 3600  # 20 h after creation, 9 h after the last activity
    assert cr.room(store, code, alive).code == code
    gone = NOW + 11 * 3600 + cr.EXPIRY_SECONDS + 1
    store.purge(gone)
    with pytest.raises(cr.RoomNotFound):
        cr.room(store, code, gone)
    counts = store._connection().execute(
        "SELECT (SELECT COUNT(*) FROM rooms) + (SELECT COUNT(*) FROM answers)"
        " + (SELECT COUNT(*) FROM seats)"
    )
    assert counts.fetchone()[0] == 0


def test_summary_csv_has_one_row_per_question_and_no_seats(opened):
    store, code, token = opened
    cr.ask(store, code, token, cr.typed_question("=cmd()", "Yes\nNo", "yes"), NOW)
    seats = _seats(3)
    for seat, text in zip(seats, ["yes", "no", "Yes"], strict=True):
        cr.answer(store, code, seat, text, NOW)
    cr.reveal(store, code, token, NOW)
    text = cr.summary_csv(store, code, token, NOW)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(cr.SUMMARY_COLUMNS)
    assert rows[1] == ["1", "'=cmd()", "Yes", "3", "2", "0.67"]
    assert not any(seat in text for seat in seats)


def test_distribution_of_many_numbers_keeps_the_most_common():
    question = {"choices": [], "answer": 0.5, "tolerance": quiz.TOLERANCE, "kind": "x",
                "prompt": "p", "phase": 1}  # fmt: skip
    answers = {f"s{i}": f"{i / 100:.2f}" for i in range(20)}
    answers.update({f"t{i}": "0.50" for i in range(5)})
    result = cr.distribution(question, answers)
    assert len(result.labels) == cr.MAX_NUMERIC_BARS + 1 and result.labels[-1] == "other"
    assert result.total == 25
    assert result.counts[result.labels.index("0.50")] == 5
    assert result.right[result.labels.index("0.50")]


def test_backward_question_phase_is_a_backward_phase():
    _, trace, phases = cr.scenario_trace(cr.ClassScenario(preset="housing"))
    signs = [q for q in cr.trace_questions(trace, phases, 1) if q.kind == quiz.SIGN_OF_GRADIENT]
    assert signs and all(phases[q.phase].kind == BACKWARD for q in signs)
