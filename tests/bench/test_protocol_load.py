"""The protocol-level load generator, small: three virtual students on a real server.

Speed is never asserted: the students must get every update they asked for, with no error
on the page, no disconnect, no timeout and nothing logged as a bug; a malformed message
closes only its own session. Plus the generator's own pieces (widget values as the front end
sends them, loopback-only targets, the class mix, the chart).
"""

import asyncio
import contextlib
import math
import xml.etree.ElementTree as ET

import pytest
from streamlit.proto.Checkbox_pb2 import Checkbox
from streamlit.proto.Selectbox_pb2 import Selectbox
from streamlit.proto.Slider_pb2 import Slider

from bench import class_room
from bench.protocol_load import table_row
from bench.vstudents.chart import load_chart_svg
from bench.vstudents.client import StreamlitSession, check_loopback, shown_value, widget_key
from bench.vstudents.scenario import percentile, run_class
from bench.vstudents.servers import server_log_errors, serving
from bench.vstudents.students import Mix, Timing, class_mix
from tests.asyncio_helpers import run_async

QUICK = Timing(step_think=(0.3, 0.6), lab_think=(0.3, 0.6), practice_think=(0.3, 0.6),
               edit_probability=0.3, phases_per_step=3)  # fmt: skip


@pytest.fixture(scope="module")
def cluster():
    """One production-configured replica of the app in this working tree."""
    with serving(1) as running:
        yield running


def test_three_virtual_students_get_every_update_without_errors(cluster):
    mix = Mix(stepping=1, playing=1, practice=1)
    report, results = run_async(
        run_class(cluster, mix, seconds=5.0, join_seconds=1.0, seed=3, timing=QUICK)
    )
    assert report.errors == 0, report.error_samples
    assert sorted(r.role for r in results) == ["playing", "practice", "stepping"]
    for result in results:
        assert result.open_seconds is not None, result
        # Each action waited until a finished run showed its change (a timeout is an error).
        assert result.attempts >= 1, result
        assert len(result.latencies) == result.attempts, result
    assert server_log_errors(cluster) == []
    assert cluster.alive()


def _misbehave_beside_a_bystander(cluster, misbehave):
    """One tab does `misbehave(session)`; the server closes it (waited for, at most 10 s),
    then a bystander tab on the same replica clicks Next card. Returns both sessions."""

    async def scenario():
        bystander = StreamlitSession(cluster.url, page="practice")
        attacker = StreamlitSession(cluster.url, page="practice")
        await bystander.open_page()
        await attacker.open_page()
        with contextlib.suppress(Exception):  # sending fails once the server has closed it
            await misbehave(attacker)
        for _ in range(100):
            if attacker.closed:
                break
            await asyncio.sleep(0.1)
        button = bystander.find(keys=("practice_card_next",), labels=("Next card",))
        before = bystander.text(r"Card \d+ of \d+")
        sent = await bystander.click(button)
        await bystander.wait_for_run(
            sent, until=lambda s: s.text(r"Card \d+ of \d+") not in (None, before), timeout=30
        )
        await bystander.close()
        await attacker.close()
        return attacker, bystander

    return run_async(scenario())


def test_a_malformed_message_closes_only_its_own_session(cluster):
    async def malformed(session):
        await session.send_raw(b"\xff\x00 not a BackMsg \xff" * 4)

    attacker, bystander = _misbehave_beside_a_bystander(cluster, malformed)
    assert attacker.close_code == 1002  # protocol error
    assert bystander.stats.errors == []


def test_a_rerun_flood_closes_only_the_flooding_session(cluster):
    """server.py's flood guard: 300 rerun requests at once close that tab's connection
    (1008), while another tab on the same replica clicks on as usual."""

    async def flood(session):
        for _ in range(300):
            await session.rerun()

    flooder, bystander = _misbehave_beside_a_bystander(cluster, flood)
    assert flooder.close_code == 1008  # policy violation: too many messages
    assert bystander.stats.errors == []
    assert cluster.alive()


@pytest.fixture(scope="module")
def class_cluster(tmp_path_factory):
    """One replica whose class rooms live in a SQLite file of this test's own."""
    store_url = f"sqlite:///{tmp_path_factory.mktemp('rooms') / 'rooms.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BPL_CLASS_STORE", store_url)  # the replica inherits it
        with serving(1) as running:
            yield running, store_url


def test_a_room_of_virtual_students_waits_without_reruns_and_answers(class_cluster, monkeypatch):
    """The bench's class room, small: idle students only poll server.py's route (no script
    rerun), then all see the question, answer once each, and every answer is stored."""
    cluster, store_url = class_cluster
    monkeypatch.setattr(class_room, "ANSWER_WINDOW", 1.0)
    result = run_async(class_room.measure(cluster.url, cluster, store_url, 3, idle_seconds=4.5))
    assert result["joined"] == 3
    assert result["polls_per_s"] > 0  # polls of the route, counted by the students
    assert result["reruns_while_idle"] == 0
    assert result["step_failures"] == 0  # every student showed the teacher's next phase
    assert result["answers_stored"] == 3 and result["answers_match"], result["failures"]
    assert result["session_errors"] == []
    assert server_log_errors(cluster) == []


def test_widget_key_is_the_user_key_inside_the_widget_id():
    assert widget_key("$$ID-f17e85ae3547cccb4258559230a27c0f-step_next") == "step_next"
    assert widget_key("$$ID-453abf5d9d-FormSubmitter:practice-form-0") == (
        "FormSubmitter:practice-form-0"
    )
    assert widget_key("$$ID-0123456789abcdef-None") is None


def test_shown_values_are_what_the_front_end_would_send():
    box = Checkbox(id="$$ID-a-presenter", default=False)
    assert shown_value("checkbox", box).bool_value is False
    box.value, box.set_value = True, True
    assert shown_value("checkbox", box).bool_value is True

    select = Selectbox(id="$$ID-b-loss", options=["mse", "cross-entropy"], default=1)
    assert shown_value("selectbox", select).string_value == "cross-entropy"

    speed = Slider(id="$$ID-c-lab_speed", options=["1", "5", "20"], default=[1])
    assert list(shown_value("slider", speed).string_array_value.data) == ["5"]

    rate = Slider(id="$$ID-d-lab_lr", default=[0.1])
    assert list(shown_value("slider", rate).double_array_value.data) == [pytest.approx(0.1)]


def test_only_loopback_servers_can_be_targeted():
    check_loopback("http://127.0.0.1:8501")
    check_loopback("http://localhost:8080")
    for url in ("http://example.org", "http://10.0.0.5:8501", "http://0.0.0.0:8501"):
        with pytest.raises(ValueError, match="loopback"):
            check_loopback(url)


def test_class_mix_adds_up_and_matches_the_documented_class_of_30():
    for k in (1, 5, 10, 20, 30, 50, 80):
        assert class_mix(k).total == k
    assert class_mix(30) == Mix(stepping=17, lab=5, playing=5, practice=3)
    assert class_mix(1) == Mix(stepping=1)


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert math.isnan(percentile([], 0.5))


def test_chart_has_a_line_per_replica_count_in_both_panels():
    rows = [
        {"replicas": r, "students": k, "p95_ms": 100.0 * k * r, "server_cpu_percent": 3.0 * k}
        for r in (1, 2)
        for k in (1, 5, 10)
    ]
    svg = load_chart_svg(rows, "test")
    root = ET.fromstring(svg)
    lines = root.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 4  # (p95, CPU) x (1, 2 replicas)
    assert all(len(line.get("points").split()) == 3 for line in lines)


def test_table_row_shows_seconds_above_one_second():
    from bench.vstudents.scenario import ClassReport

    report = ClassReport(
        students=3, mix="3 stepping", replicas=1, seconds=10, actions=12, p50_ms=250.0,
        p95_ms=1500.0, max_ms=2100.0, open_p95_ms=900.0, open_max_ms=950.0, errors=0,
        error_samples=[], redraws_per_s_per_player=None, frames_per_s_per_player=None,
        server_cpu_percent=40.0,
        nginx_cpu_percent=0.0, cpu_ms_per_action=120.0, rss_idle_mb=180.0, rss_peak_mb=190.0,
        rss_per_student_mb=3.3, generator_cpu_percent=2.0,
    )  # fmt: skip
    row = table_row(report)
    assert (row["p50"], row["p95"], row["max"]) == ("250 ms", "1.50 s", "2.10 s")
    assert row["RSS idle -> peak"] == "180 -> 190 MB"
    assert row["Play redraws/s"] == "-"
