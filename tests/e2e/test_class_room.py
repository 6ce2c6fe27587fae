"""A class in real browsers: one teacher page and three student pages on two replicas that
share a real Redis, two of the students through nginx (sticky sessions), one replica
restarted in the middle of the question. Screenshots of the projector (1366x768) and of a
student's phone (390x844) go to test-output/.
"""

import secrets
import subprocess
import time
from pathlib import Path

import pytest

from deploy.replicas import (
    PROJECT_ROOT,
    nginx_command,
    nginx_config,
    prepare_nginx_prefix,
    replica_env,
    stop_processes,
    streamlit_command,
    wait_healthy,
)
from lessons import class_room as cr
from lessons.class_store import open_store
from lessons.step_by_step import quiz
from tests.e2e.helpers import assert_no_exception, free_port, wait_for_app
from tests.lessons.test_class_store import running_redis

pytestmark = pytest.mark.e2e
PROJECTOR = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 120_000  # generous: the machine is shared; nothing here measures speed


class Cluster:
    """Two replicas (their own processes, one shared Redis and cookie secret) and nginx."""

    def __init__(self, run_dir: Path, redis_url: str):
        self.run_dir, self.redis_url = run_dir, redis_url
        self.env = {**replica_env(secrets.token_hex(32)), "BPL_CLASS_STORE": redis_url}
        self.ports = [free_port(), free_port()]
        self.replicas: dict[int, subprocess.Popen] = {}
        for port in self.ports:
            self.start(port)
        self.prefix = run_dir / "nginx"
        prepare_nginx_prefix(self.prefix)
        config = self.prefix / "nginx.conf"
        listen = free_port()
        config.write_text(
            nginx_config(self.ports, listen=f"127.0.0.1:{listen}", prefix=self.prefix)
        )
        self.nginx = subprocess.Popen(nginx_command(config, self.prefix))
        self.url = f"http://127.0.0.1:{listen}"
        wait_healthy(self.url, timeout=20, process=self.nginx)

    def start(self, port: int) -> None:
        log = open(self.run_dir / f"replica-{port}.log", "a")  # noqa: SIM115
        process = subprocess.Popen(
            streamlit_command(port), cwd=PROJECT_ROOT, env=self.env, stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_healthy(f"http://127.0.0.1:{port}", process=process)
        self.replicas[port] = process

    def restart(self, port: int) -> None:
        stop_processes([self.replicas.pop(port)])
        self.start(port)

    def replica_of(self, context) -> int:
        """The replica nginx pinned this browser context to (from its affinity in the log)."""
        affinity = {c["name"]: c["value"] for c in context.cookies()}["bpl_affinity"]
        for line in (self.prefix / "access.log").read_text().splitlines():
            if f"affinity={affinity}" in line and "upstream=127.0.0.1:" in line:
                return int(line.split("upstream=127.0.0.1:")[1].split()[0])
        raise AssertionError(f"affinity {affinity} not in nginx's access log")

    def stop(self) -> None:
        stop_processes([*self.replicas.values(), self.nginx])


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with running_redis() as redis_url:
        running = Cluster(tmp_path_factory.mktemp("class-cluster"), redis_url)
        try:
            yield running
        finally:
            running.stop()


def _idle(page) -> None:
    wait_for_app(page, timeout=WAIT_MS)
    assert_no_exception(page)


def _click(page, key: str) -> None:
    page.locator(f".st-key-{key} button").first.click()
    _idle(page)


def _open(browser, url: str, viewport=PHONE):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    _idle(page)
    return context, page


def _join_by_code(page, code: str) -> None:
    page.locator(".st-key-class_code input").fill(code.lower())
    page.locator(".st-key-class_code input").press("Enter")
    _idle(page)
    _click(page, "class_join")
    page.get_by_text(f"Class {code}").wait_for()


def _answer(page, choice: str) -> None:
    page.locator(".st-key-class_answer_1").get_by_text(choice, exact=True).click()
    _idle(page)
    _click(page, "class_send")
    page.get_by_text(f"Your answer: {choice}").wait_for()


def test_a_class_across_two_replicas_and_nginx(browser, cluster, shot_dir):
    store = open_store(cluster.redis_url)
    direct = [f"http://127.0.0.1:{port}" for port in cluster.ports]
    contexts = []
    try:
        teacher_context, teacher = _open(browser, f"{direct[0]}/class", PROJECTOR)
        contexts.append(teacher_context)
        _click(teacher, "class_start")
        teacher.get_by_text("Join with code").wait_for()
        code = teacher.url.split("room=")[1][:6]
        assert "teacher=" not in teacher.url
        token_box = teacher.locator('[data-testid="stExpander"]').first
        assert "teacher=" not in teacher.locator('[data-testid="stMain"]').inner_text().replace(
            token_box.inner_text(), ""
        )

        # Student 1 by link, straight on replica 0; students 2 and 3 by code through nginx,
        # on different replicas (new browsers until nginx pins one to each).
        context = browser.new_context(viewport=PHONE)
        contexts.append(context)
        first = context.new_page()
        first.set_default_timeout(WAIT_MS)
        polls, to_server = [], []  # the route's answers; messages on the page's WebSocket
        first.on("response", lambda r: polls.append(r.status) if "/api/rooms/" in r.url else None)
        first.on("websocket", lambda ws: ws.on("framesent", lambda frame: to_server.append(1)))
        first.goto(f"{direct[0]}/class?room={code}")
        _idle(first)
        first.get_by_text(f"Class {code}").wait_for()
        through_nginx, replicas_used = [], set()
        for _ in range(12):
            context, student = _open(browser, f"{cluster.url}/class")
            replica = cluster.replica_of(context)
            if replica in replicas_used:
                context.close()
                continue
            contexts.append(context)
            replicas_used.add(replica)
            _join_by_code(student, code)
            through_nginx.append((student, replica))
            if len(through_nginx) == 2:
                break
        assert replicas_used == set(cluster.ports)
        students = [first] + [student for student, _ in through_nginx]

        # The teacher steps to the loss; every student's player follows in the browser: the
        # page polls server.py's route and sends the server nothing for a new phase.
        sent_before = len(to_server)
        _click(teacher, "class_next")
        _click(teacher, "class_next")
        for student in students:
            student.locator('.player.follow[data-phase="2"]').wait_for()
        assert polls and set(polls) == {200}
        assert len(to_server) == sent_before
        teacher.screenshot(path=str(shot_dir / "projector-join.png"))

        # The default question from phase 'Loss' on is the sign of a dL/dw into the output.
        scenario = cr.room(store, code, time.time()).scenario
        _, trace, phases = cr.scenario_trace(scenario)
        question = next(q for q in cr.trace_questions(trace, phases, 0) if q.phase > 2)
        assert question.kind == quiz.SIGN_OF_GRADIENT
        _click(teacher, "class_ask")
        wrong = next(c for c in question.choices if c != question.answer)
        sent = [question.answer, wrong, question.answer]
        for student, choice in zip(students, sent, strict=True):
            student.get_by_text(question.prompt).wait_for()
            _answer(student, choice)
        # Changing one's mind replaces the answer: still three.
        _answer(students[1], question.answer)
        _answer(students[1], wrong)
        teacher.locator('[data-testid="stMetricValue"]').filter(has_text="3").wait_for()
        teacher.screenshot(path=str(shot_dir / "projector-live-count.png"))
        students[0].get_by_text("Your answer:").scroll_into_view_if_needed()
        students[0].screenshot(path=str(shot_dir / "phone-answered.png"))

        # Restart the replica the teacher is not on: no accepted answer is lost, and its
        # student's page reconnects to its seat (the closed notice below is drawn by the
        # restarted process, from the store). A teacher on a restarted replica opens the
        # control link again (tests/pages/test_class_room.py).
        restarted_page, restarted_port = next(
            (page, port) for page, port in through_nginx if port == cluster.ports[1]
        )
        cluster.restart(restarted_port)
        assert store.count_answers(code, 1, time.time()) == 3

        _click(teacher, "class_close")
        students[0].get_by_text("Answers are closed").wait_for()
        restarted_answer = sent[students.index(restarted_page)]
        restarted_page.get_by_text(
            f"Answers are closed. Your answer: {restarted_answer}."
        ).wait_for()
        with pytest.raises(cr.AnswerRefused):
            cr.answer(store, code, cr.new_seat(), question.answer, time.time())
        _click(teacher, "class_reveal")
        chart = teacher.locator(".st-key-class_result_1 .js-plotly-plot")
        chart.wait_for()
        counts = chart.evaluate("el => el.data[0].y")
        assert counts == [sent.count(choice) for choice in question.choices]
        chart.scroll_into_view_if_needed()
        teacher.screenshot(path=str(shot_dir / "projector-revealed.png"))
        for student, choice in zip(students, sent, strict=True):
            verdict = "Right!" if choice == question.answer else "Not this time"
            student.get_by_text(verdict).first.wait_for()
            student.locator(f'.player.follow[data-phase="{question.phase}"]').wait_for()
            assert_no_exception(student)
        students[0].get_by_text("Share correct").scroll_into_view_if_needed()
        students[0].screenshot(path=str(shot_dir / "phone-revealed.png"))
    except Exception:
        for index, context in enumerate(contexts):  # what each screen showed when it failed
            for page in context.pages:
                page.screenshot(path=str(shot_dir / f"failure-{index}.png"), full_page=True)
        raise
    finally:
        for context in contexts:
            context.close()
        store.close()
