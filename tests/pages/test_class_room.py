"""AppTest of the class room: one teacher session and several student sessions on one store.

Every session is its own AppTest (its own session state), all on one real SQLite file, as
browsers on one or several replicas would be.
"""

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lessons import class_room as cr
from lessons.class_store import open_store
from lessons.step_by_step import quiz
from tests.apptest_helpers import open_at

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "app_pages/class_room.py"


@pytest.fixture
def store_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'rooms.db'}"
    monkeypatch.setenv("BPL_CLASS_STORE", url)
    return url


def open_page(query: dict | None = None) -> AppTest:
    at = open_at(PAGE, query)
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    kinds = ("markdown", "text", "caption", "info", "success", "error", "warning", "subheader")
    parts = [e.value for kind in (*kinds, "title") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def start_room(store_url) -> tuple[AppTest, str]:
    teacher = open_page()
    teacher.button(key="class_start").click().run()
    assert not teacher.exception
    code = teacher.query_params["room"]
    code = code[0] if isinstance(code, list) else code
    assert cr.normal_code(code) == code
    return teacher, code


def join(code: str, nickname: str = "") -> AppTest:
    student = open_page()
    student.text_input(key="class_code").input(code.lower())
    if nickname:
        student.text_input(key="class_nickname").input(nickname)
    student.button(key="class_join").click().run()
    assert not student.exception, student.exception
    return student


def seat_of(at: AppTest) -> str:
    seat = at.query_params["seat"]
    return seat[0] if isinstance(seat, list) else seat


def test_teacher_opens_a_room_students_join_answer_and_see_the_reveal(store_url):
    teacher, code = start_room(store_url)
    page = texts(teacher)
    assert code in page and "Scan to join" in str(teacher.get("image")[0].proto)
    store = open_store(store_url)
    token = teacher.session_state["_class_tokens"][code]
    assert token not in page and "teacher" not in teacher.query_params
    students = [join(code, nickname=f"<b>S{i}</b>") for i in range(3)]
    seats = [seat_of(s) for s in students]
    assert len(set(seats)) == 3
    assert "you are <b>S0</b>" in texts(students[0])  # plain text, never HTML
    assert not any("<b>" in m.value for m in students[0].markdown)
    assert not students[0].get("button") or not any(
        b.key in ("class_ask", "class_reveal", "class_close") for b in students[0].button
    )

    # The teacher steps on; the students follow the phase after their next poll.
    teacher.button(key="class_next").click().run()
    teacher.button(key="class_next").click().run()
    assert cr.room(store, code, time.time()).scenario.phase == 2
    for student in students:
        student.run()
        assert "phase 3 of 6" in texts(student)

    # Ask the step player's sign question about the gradient into the output layer.
    _, trace, phases = cr.scenario_trace(cr.room(store, code, time.time()).scenario)
    question = next(
        q for q in cr.trace_questions(trace, phases, 0) if q.kind == quiz.SIGN_OF_GRADIENT
    )
    teacher.selectbox(key="class_trace_question").set_value(question).run()
    teacher.button(key="class_ask").click().run()
    assert not teacher.exception
    assert question.prompt in texts(teacher)

    wrong = next(c for c in question.choices if c != question.answer)
    sent = [question.answer, wrong, question.answer]
    for student, choice in zip(students, sent, strict=True):
        student.run()
        student.radio(key="class_answer_1").set_value(choice)  # a form: sent with Send
        student.button(key="class_send").click().run()
        assert f"Your answer: {choice}" in texts(student)
    # One answer per session: sending again replaces, never adds.
    students[1].radio(key="class_answer_1").set_value(question.answer)  # a form: sent with Send
    students[1].button(key="class_send").click().run()
    students[1].radio(key="class_answer_1").set_value(wrong)  # a form: sent with Send
    students[1].button(key="class_send").click().run()
    teacher.run()
    assert teacher.metric[0].value == "3"  # live count, no distribution yet
    assert not teacher.get("plotly_chart")[1:]  # only the network graph

    teacher.button(key="class_close").click().run()
    students[1].radio(key="class_answer_1")  # still drawn until the student reruns
    students[1].run()
    assert "Answers are closed" in texts(students[1])
    with pytest.raises(cr.AnswerRefused, match="closed"):
        cr.answer(store, code, seats[1], question.answer, time.time())

    teacher.button(key="class_reveal").click().run()
    assert not teacher.exception
    assert cr.room(store, code, time.time()).scenario.phase == question.phase
    figure = json.loads(teacher.get("plotly_chart")[-1].proto.spec)
    bars = dict(zip([x.split("<br>")[0] for x in figure["data"][0]["x"]],
                    figure["data"][0]["y"], strict=True))  # fmt: skip
    assert bars == {c: sent.count(c) for c in question.choices}
    assert teacher.metric[0].value == "67%"
    for student, choice in zip(students, sent, strict=True):
        student.run()
        page = texts(student)
        if choice == question.answer:
            assert "Right!" in page
        else:
            assert f"Not this time: you answered {choice}" in page
        assert f"phase {question.phase + 1} of 6" in page

    csv_text = cr.summary_csv(store, code, token, time.time())
    assert csv_text.splitlines()[1].startswith("1,") and ",3,2,0.67" in csv_text


def test_typed_question_and_numeric_answers(store_url):
    teacher, code = start_room(store_url)
    teacher.radio(key="class_source").set_value("Type your own").run()
    teacher.text_input(key="class_prompt").input("Which way will w5 move?").run()
    teacher.text_area(key="class_choices").input("Up\nDown").run()
    teacher.selectbox(key="class_right").set_value("Down").run()
    teacher.button(key="class_ask").click().run()
    student = join(code)
    assert "Which way will w5 move?" in texts(student)
    student.radio(key="class_answer_1").set_value("Down")  # a form: sent with Send
    student.button(key="class_send").click().run()
    teacher.button(key="class_reveal").click().run()
    student.run()
    assert "Right!" in texts(student)


def test_wrong_code_and_no_token_say_so(store_url):
    student = open_page()
    student.text_input(key="class_code").input("ZZZZZZ")
    student.button(key="class_join").click().run()
    assert any("no open class room with code ZZZZZZ" in e.value for e in student.error)
    student.text_input(key="class_code").input("hello!")
    student.button(key="class_join").click().run()
    assert any("6 letters and digits" in e.value for e in student.error)
    # A forged teacher link: a student view, no teacher controls.
    teacher, code = start_room(store_url)
    forged = open_page({"room": code, "teacher": "guessed-token"})
    assert "teacher" not in forged.query_params
    assert not [b for b in forged.button if b.key in ("class_ask", "class_reveal")]
    # The real control link in a new session gives the teacher's controls.
    token = teacher.session_state["_class_tokens"][code]
    again = open_page({"room": code, "teacher": token})
    assert "teacher" not in again.query_params
    assert any(b.key == "class_ask" for b in again.button)


def test_unreachable_store_says_class_rooms_are_unavailable(monkeypatch, tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("BPL_CLASS_STORE", f"redis://127.0.0.1:{port}/0")
    at = open_page()
    assert any("Class rooms are unavailable" in w.value for w in at.warning)
    at.switch_page("app_pages/home.py").run()  # the rest of the app keeps working
    assert not at.exception and not at.warning
