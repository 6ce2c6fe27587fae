"""Class room: the teacher asks about the step on the projector, every student predicts.

Thin composition over lessons.class_room (the room model), viz.class_room (pictures) and
app_pages/class_room_views.py (what teacher and students both see).
URL: `?room=CODE` is a student's view (a `seat` id is added on joining: one browser session,
one answer per question); `?room=CODE&teacher=TOKEN` is the teacher's control link: the token
moves into this session's state and leaves the address bar at once, so it never shows on the
projector or in a shared link. Students' browsers poll the room's state every POLL_SECONDS
(server.py's JSON route; app_pages/components/room_watch): a new phase moves their player in
the browser, a new question reruns the question part, a new step the page.
"""

import time
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from app_pages.class_room_views import scene, show_followed_network, show_network, show_result
from app_pages.components import room_watch
from app_pages.links import build_view_url
from engine.errors import UserInputError
from lessons import class_room as cr
from lessons.class_store import ClassStore, StoreUnavailable, configured_url, open_store
from lessons.step_by_step.presets import PRESETS
from viz.class_room import qr_png

POLL_SECONDS = 2.0  # students' and the projector's live refresh
TOKENS = "_class_tokens"  # {code: teacher token} of the rooms this session controls
SEEN = "_class_seen_version"  # room version this session last drew
ROOM_PARAM, SEAT_PARAM, TEACHER_PARAM = "room", "seat", "teacher"
UNAVAILABLE = (
    "Class rooms are unavailable right now: the room store cannot be reached. Every other"
    " page of Backprop Lab works as usual; try the class room again in a minute."
)


@st.cache_resource(max_entries=4)
def _store(url: str) -> ClassStore:
    """The one room store of this process: rooms are shared by every session on purpose."""
    return open_store(url)


def _page_url(path_from: str = "class") -> str:
    """This app's URL of page `path_from` (no query), '' under tests."""
    url = st.context.url or ""
    if not url:
        return ""
    parts = urlsplit(url)
    path = parts.path.rsplit("/", 1)[0] + "/" + path_from
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


# --- landing: join or start ----------------------------------------------------------------


def _landing(store) -> None:
    st.title("Class room")
    st.write(
        "A teacher asks about the step on the projector; everyone predicts on their own"
        " device, then the step reveals the truth. No account needed."
    )
    join, teach = st.columns(2, gap="large")
    with join:
        st.subheader("Join a class")
        code_text = st.text_input("Class code", max_chars=12, key="class_code",
                                  placeholder="e.g. KX7P2M")  # fmt: skip
        nickname = st.text_input(
            "Nickname (optional, shown only to you)", max_chars=cr.MAX_NICKNAME,
            key="class_nickname",
        )  # fmt: skip
        if st.button("Join", key="class_join", type="primary", icon=":material/login:"):
            try:
                found = cr.room(store, code_text, time.time())
                seat = cr.new_seat()
                if nickname.strip():
                    cr.set_nickname(store, found.code, seat, nickname, time.time())
            except UserInputError as error:
                st.error(str(error))
            else:
                st.query_params.from_dict({ROOM_PARAM: found.code, SEAT_PARAM: seat})
                st.rerun()
    with teach:
        st.subheader("Teach")
        st.write("Open a room, show its code and QR code on the projector, and ask.")
        if st.button("Start a class room", key="class_start", icon=":material/co_present:"):
            code, token = cr.create_room(store, time.time())
            st.session_state.setdefault(TOKENS, {})[code] = token
            st.query_params.from_dict({ROOM_PARAM: code})
            st.rerun()


# --- the teacher's projector view ----------------------------------------------------------


def _teacher(store, room: cr.Room, token: str) -> None:
    """Projector: join code, link and QR, the network with the stepping controls, and the
    current question with its live count or, once revealed, its answers."""
    code = room.code
    join_url = build_view_url(_page_url(), {ROOM_PARAM: code})
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown(f"# Join with code&nbsp;&nbsp;`{code}`")
        st.markdown(f"or open **{join_url or '?room=' + code}**")
        with st.expander("Your control link (keep it private: it can ask and reveal)"):
            st.code(build_view_url(_page_url(), {ROOM_PARAM: code, TEACHER_PARAM: token}),
                    language=None, wrap_lines=True)  # fmt: skip
        _scenario_controls(store, room, token)
        show_network(room.scenario)
    with right:
        st.image(qr_png(join_url or f"?room={code}"), caption="Scan to join", width=220,
                 output_format="PNG")  # fmt: skip
        _current_question(store, room, token)
        _question_controls(store, room, token)


def _current_question(store, room: cr.Room, token: str) -> None:
    current, code = room.current, room.code
    if current is None:
        return
    st.subheader(f"Question {current['id']}")
    st.markdown(f"**{current['prompt']}**")
    if current["status"] == cr.REVEALED:
        show_result(current, code, store, time.time())
    else:
        _live_count(store, code, current["id"], current["status"])
    with st.container(horizontal=True):
        if st.button("Close answers", key="class_close", icon=":material/lock:",
                     disabled=current["status"] != cr.OPEN):  # fmt: skip
            cr.close(store, code, token, time.time())
            st.rerun()
        if st.button("Reveal", key="class_reveal", type="primary", icon=":material/visibility:",
                     disabled=current["status"] == cr.REVEALED):  # fmt: skip
            cr.reveal(store, code, token, time.time())
            st.rerun()
        st.download_button(
            "Summary (CSV)", cr.summary_csv(store, code, token, time.time()),
            file_name=f"class-{code}.csv", mime="text/csv", key="class_csv",
            icon=":material/download:", on_click="ignore",
        )  # fmt: skip


def _scenario_controls(store, room: cr.Room, token: str) -> None:
    scenario = room.scenario
    n_phases = len(cr.phases_of(scenario.preset))
    names = tuple(PRESETS)
    cols = st.columns([2, 1])
    preset = cols[0].selectbox("Scenario", names, index=names.index(scenario.preset),
                               format_func=cr.STEP_PAGE_TITLES.get, key="class_preset")  # fmt: skip
    seed = cols[1].number_input("Seed", 0, 10_000, scenario.seed, key="class_seed")
    changes = {}
    if preset != scenario.preset or seed != scenario.seed:
        changes = {"preset": preset, "seed": int(seed), "learning_rate": None, "steps": 0,
                   "phase": 0}  # fmt: skip
    buttons = st.container(horizontal=True)
    if buttons.button("Previous", key="class_prev", icon=":material/arrow_back:",
                         shortcut="Left", disabled=scenario.phase == 0):  # fmt: skip
        changes = {"phase": scenario.phase - 1}
    if buttons.button("Next", key="class_next", icon=":material/arrow_forward:",
                         shortcut="Right", disabled=scenario.phase == n_phases - 1):  # fmt: skip
        changes = {"phase": scenario.phase + 1}
    if buttons.button("Next training step", key="class_train", icon=":material/skip_next:",
                         disabled=scenario.steps >= cr.MAX_STEPS):  # fmt: skip
        changes = {"steps": scenario.steps + 1, "phase": 0}
    if buttons.button("Reset", key="class_reset", icon=":material/restart_alt:"):
        changes = {"steps": 0, "phase": 0}
    if changes:
        fields = {**scenario.to_dict(), **changes}
        cr.set_scenario(store, room.code, token, cr.check_scenario(**fields), time.time())
        st.rerun()
    step_url = build_view_url(_page_url("step"), scenario.step_page_params())
    st.link_button("Open this step on the step page", step_url or "./step",
                   icon=":material/footprint:")  # fmt: skip


def _question_controls(store, room: cr.Room, token: str) -> None:
    trace, phases, _, _ = scene(room.scenario)
    with st.expander("Ask a question", expanded=room.current is None):
        source = st.radio("Question", ("From this step", "Type your own"), horizontal=True,
                          key="class_source")  # fmt: skip
        if source == "From this step":
            questions = cr.trace_questions(trace, phases, room.scenario.steps)
            upcoming = [q for q in questions if q.phase > room.scenario.phase] or list(questions)
            question = st.selectbox(
                "Predict before the phase that shows it", upcoming, key="class_trace_question",
                format_func=lambda q: f"{phases[q.phase].title}: {q.prompt}",
            )  # fmt: skip
        else:
            prompt = st.text_input("Question text", max_chars=cr.MAX_PROMPT, key="class_prompt")
            choices = st.text_area("Choices, one a line", key="class_choices", height=110)
            options = [line.strip() for line in choices.splitlines() if line.strip()]
            right = st.selectbox("Right answer", options or ["(type choices first)"],
                                 key="class_right")  # fmt: skip
            question = None
        if st.button("Ask", key="class_ask", type="primary", icon=":material/quiz:"):
            try:
                if question is None:
                    question = cr.typed_question(prompt, choices, right)
                cr.ask(store, room.code, token, question, time.time())
            except UserInputError as error:
                st.error(str(error))
            else:
                st.rerun()


def _live_count(store, code: str, question_id: int, status: str) -> None:
    @st.fragment(run_every=POLL_SECONDS if status == cr.OPEN else None)
    def count() -> None:
        answered = store.count_answers(code, question_id, time.time())
        state = "answers so far" if status == cr.OPEN else "answers (closed; not yet revealed)"
        st.metric("Answers", answered, help=state)
        st.caption(f"{answered} {state}. The answers stay hidden until you reveal them.")

    count()


# --- a student's view ----------------------------------------------------------------------


def _student(store, room: cr.Room, seat: str) -> None:
    code, now = room.code, time.time()
    st.session_state[SEEN] = room.version
    nickname = store.nickname(code, seat, now)
    st.text(f"Class {code}" + (f" · you are {nickname}" if nickname else ""))
    st.caption("Teacher? Open your control link again to get the controls back.")
    # The question above the network: on a phone it is what matters.
    if room_watch.serving():
        _live_question(store, code, seat, cr.watch_state(room)["step"])
        show_followed_network(room.scenario)
    else:
        _follow(store, code)
        _student_question(store, room, seat)
        show_network(room.scenario)


@st.fragment
def _live_question(store, code: str, seat: str, drawn_step: str) -> None:
    """The question and the room watch. The watch moves the network's phase in the browser
    and reruns only this for a new, closed or revealed question; a new training step or
    scenario (not `drawn_step`) redraws the page."""
    try:
        room = cr.room(store, code, time.time())
    except (UserInputError, StoreUnavailable):
        room = None  # the page run says what happened
    state = None if room is None else cr.watch_state(room)
    if state is None or state["step"] != drawn_step:
        st.rerun(scope="app")
    room_watch.watch_room(code, state, POLL_SECONDS)
    _student_question(store, room, seat)


def _student_question(store, room: cr.Room, seat: str) -> None:
    code, now, current = room.code, time.time(), room.current
    if current is None:
        st.info("Waiting for the teacher's first question.")
        return
    st.subheader(f"Question {current['id']}")
    st.text(current["prompt"])
    if current["status"] == cr.OPEN:
        _answer_form(store, code, seat, current)
        return
    mine = cr.my_answer(store, code, seat, current["id"], now)
    if current["status"] == cr.CLOSED:
        st.info(f"Answers are closed. Your answer: {mine or 'none'}. Wait for the reveal.")
    else:
        if mine is None:
            st.info("You did not answer this one.")
        elif cr.is_right(current, mine):
            st.success(f"Right! Your answer {mine} is correct.", icon=":material/check_circle:")
        else:
            st.error(f"Not this time: you answered {mine}.", icon=":material/cancel:")
        show_result(current, code, store, now)


@st.fragment
def _answer_form(store, code: str, seat: str, current: dict) -> None:
    """A form in a fragment: choosing sends nothing, Send reruns only this (a room at once)."""
    key = f"class_answer_{current['id']}"
    with st.form(f"class_form_{current['id']}", border=False, enter_to_submit=False):
        if current["choices"]:
            chosen = st.radio("Your prediction", current["choices"], index=None, key=key)
        else:
            chosen = st.text_input("Your prediction (2 decimals)", max_chars=cr.MAX_ANSWER,
                                   key=key)  # fmt: skip
        sent = st.form_submit_button("Send answer", key="class_send", type="primary",
                                     icon=":material/send:")  # fmt: skip
    mine = None
    if sent:
        try:
            mine = cr.answer(store, code, seat, chosen, time.time())
        except UserInputError as error:
            st.error(str(error))
    if mine is None:
        mine = cr.my_answer(store, code, seat, current["id"], time.time())
    if mine is not None:
        st.success(f"Your answer: {mine}. You can change it until the teacher closes the"
                   " question.", icon=":material/check:")  # fmt: skip


def _follow(store, code: str) -> None:
    """Without server.py's route: a fragment polls the room and redraws the page on a change
    (tens of ms of server CPU a poll, against about 1 ms for the browser's poll of the route)."""

    @st.fragment(run_every=POLL_SECONDS)
    def poll() -> None:
        try:
            version = cr.room(store, code, time.time()).version
        except (UserInputError, StoreUnavailable):
            version = None
        if version != st.session_state.get(SEEN):
            st.rerun(scope="app")

    poll()


# --- routing -------------------------------------------------------------------------------


def main() -> None:
    store = _store(configured_url())
    token = st.query_params.get(TEACHER_PARAM)
    code_text = st.query_params.get(ROOM_PARAM)
    if token is not None:  # keep the token out of the address bar and out of shared links
        del st.query_params[TEACHER_PARAM]
        if code_text:
            st.session_state.setdefault(TOKENS, {})[str(code_text).strip().upper()] = token
    if not code_text:
        _landing(store)
        return
    try:
        room = cr.room(store, code_text, time.time())
    except cr.RoomNotFound as error:
        st.error(str(error), icon=":material/error:")
        st.query_params.clear()
        _landing(store)
        return
    token = st.session_state.get(TOKENS, {}).get(room.code)
    if token is not None and cr.is_teacher(room, token):
        _teacher(store, room, token)
        return
    seat = st.query_params.get(SEAT_PARAM)
    if not cr.valid_seat(seat):
        st.query_params[SEAT_PARAM] = cr.new_seat()
        st.rerun()
    _student(store, room, seat)


try:
    main()
except StoreUnavailable:
    st.warning(UNAVAILABLE, icon=":material/cloud_off:")
