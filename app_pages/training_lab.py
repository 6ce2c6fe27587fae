"""Training lab: set up a dataset and a network, train it, and watch every view change.

Thin composition: set-up widgets (app_pages/training_lab_setup.py) -> LabSettings ->
lessons.training_lab.build_run (an untrained Trainer kept in st.session_state) -> the controls
apply lessons.training_lab.act (Play, Pause, Step, Epoch, Reset) -> viz.training_lab draws it.

Only Play, Step and Epoch train. A rerun with unchanged set-up keeps the trained run; a changed
set-up value builds a fresh, untrained run (identical settings give identical runs: every
random choice is seeded). Memory per session is the run's data plus its History, bounded by
engine/limits.py (at most about 5 MB at the largest network; see lessons/training_lab/history.py).
"""

import streamlit as st

from app_pages.common import DENSE_FONT_SIZE, chart, chart_font_size, error_boundary
from app_pages.training_lab_points import points_panel
from app_pages.training_lab_setup import (
    experiment_guide,
    experiments_panel,
    sanitise_choice,
    setup_panel,
)
from engine import limits
from engine.errors import UserInputError
from lessons.training_lab import (
    LabRun,
    LabSettings,
    LabState,
    act,
    build_run,
    full_batch_gradients,
    hidden_layer,
    pin_curve,
    recorded_updates,
    shown_network,
    training_classes,
)
from lessons.training_lab.play import CHUNK_SECONDS, DEFAULT_SPEED, SPEEDS, play_chunk
from viz import training_lab as charts
from viz.format import format_number
from viz.training_lab import views
from viz.training_lab.player import PLAYER_JS, player_data

RUN = "lab_run"  # session key of the current LabRun
RUN_KEY = "lab_run_key"  # the (settings, upload digest) the run was built from
PLAYING = "lab_playing"
TIME = "lab_time"  # the time-travel slider: which recorded update to show
TIME_LATEST = "lab_time_latest"  # the latest update when the slider was last drawn
NEURON_CLICKED = "lab_neuron_clicked"  # the last neuron clicked on the network graph

FIGURE_HEIGHT = 420  # px; presenter mode multiplies it by PRESENTER_HEIGHT_FACTOR
LOSS_HEIGHT = 360  # px; the loss curve spans the page's width
DISCRETISE, SHOW_TEST = "lab_discretise", "lab_show_test"  # the boundary's view toggles
PINNED = "lab_pinned"  # a PinnedCurve: an earlier run's loss curves, drawn under this run's
CHUNK = "lab_play_chunk"  # counts the chunks sent to the player (it plays each once)
# While playing, the server reruns once per CHUNK_SECONDS: it trains a chunk of updates with
# the engine and sends the player its frames, which the browser shows one after another.
PLAYER = st.components.v2.component("lab_player", js=PLAYER_JS, isolate_styles=False)
DEFAULTS = LabSettings()


def ensure_run(settings: LabSettings | None, uploaded, key) -> LabRun | None:
    """The session's run; a fresh untrained one only when the set-up changed."""
    run = st.session_state.get(RUN)
    if settings is None:
        if run is not None:
            st.warning("Showing the last valid set-up.")
        return run
    if st.session_state.get(RUN_KEY) == key and run is not None:
        return run
    try:
        run = build_run(settings, uploaded)
    except UserInputError as error:
        st.error(str(error))
        if run is not None:
            st.warning("Showing the last valid set-up; change the value above to train.")
        return run
    st.session_state[RUN] = run
    st.session_state[RUN_KEY] = key
    st.session_state[PLAYING] = False
    st.session_state.pop(TIME_LATEST, None)
    return run


# --- run controls -----------------------------------------------------------------------------


def _act(action: str) -> None:
    """Apply a control's action to the session's run (see lessons.training_lab.act)."""
    state = act(LabState(st.session_state[RUN], st.session_state.get(PLAYING, False)), action)
    if state.run is not st.session_state[RUN]:
        st.session_state.pop(TIME_LATEST, None)
    st.session_state[RUN], st.session_state[PLAYING] = state.run, state.playing


def controls(run: LabRun) -> None:
    """Play/Pause, Step, Epoch, Reset and the training speed."""
    playing = st.session_state.get(PLAYING, False)
    finished = run.trainer.finished
    play, step, epoch, reset, speed = st.columns([1, 1, 1, 1, 2], vertical_alignment="bottom")
    play.button(
        "Pause" if playing else "Play",
        key="lab_play",
        type="primary",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        on_click=_act,
        args=("pause" if playing else "play",),
        disabled=finished and not playing,
        width="stretch",
    )
    step.button(
        "Step", key="lab_step", on_click=_act, args=("step",), disabled=finished, width="stretch",
        help="One update on one mini-batch.",
    )  # fmt: skip
    epoch.button(
        "Epoch", key="lab_epoch", on_click=_act, args=("epoch",), disabled=finished,
        width="stretch", help="Train to the end of the current epoch.",
    )  # fmt: skip
    reset.button(
        "Reset", key="lab_reset", on_click=_act, args=("reset",), width="stretch",
        help="A fresh, untrained network with the same set-up (and the same initial weights).",
    )  # fmt: skip
    speed.select_slider(
        "Updates per second while playing", SPEEDS, DEFAULT_SPEED, key="lab_speed",
    )  # fmt: skip


# --- views ------------------------------------------------------------------------------------


def _sizes() -> tuple[int, int]:
    """(figure height, font size) to build a figure with; `chart` enlarges the height.

    The font is already the presenter font in presenter mode (legend and margins are laid
    out for it); `app_pages.common.chart` sets the same font again and multiplies the height
    by PRESENTER_HEIGHT_FACTOR once.
    """
    return FIGURE_HEIGHT, chart_font_size(DENSE_FONT_SIZE)


def _time_slider(run: LabRun, playing: bool) -> int:
    """The update to show: the latest while playing, else the slider's (snapped to records)."""
    latest = run.trainer.updates
    recorded = recorded_updates(run)
    if playing or len(recorded) < 2:
        return latest
    if st.session_state.get(TIME_LATEST) != latest or st.session_state.get(TIME) not in recorded:
        st.session_state[TIME] = latest
    st.session_state[TIME_LATEST] = latest
    return st.select_slider(
        "Time travel: show the network, boundary and gradients after update",
        recorded,
        key=TIME,
        help=f"{len(recorded)} recorded states; older ones are thinned so memory stays bounded.",
    )


def _counter(run: LabRun, shown: int) -> None:
    trainer, history = run.trainer, run.history
    st.progress(
        min(trainer.updates / trainer.total_updates, 1.0),
        text=f"Update {trainer.updates:,} of {trainer.total_updates:,}"
        f" · epoch {trainer.epoch:.2f} of {trainer.config.epochs}",
    )
    columns = st.columns(4)
    columns[0].metric("Updates", f"{trainer.updates:,}", help="Updates made so far.")
    columns[1].metric("Epochs", f"{trainer.epoch:.2f}")
    start, now = float(history.train_loss[0]), float(history.train_loss[shown])
    columns[2].metric(
        f"Train loss (update {shown:,})", format_number(now),
        delta=format_number(now - start) if shown else None, delta_color="inverse",
    )  # fmt: skip
    if len(run.split.X_test) == 0:
        columns[3].metric("Test rows", "none", help="Raise the test fraction to see a test loss.")
    elif run.task == "regression":
        columns[3].metric("Test loss", format_number(history.test_loss[shown]))
    else:
        columns[3].metric("Test accuracy", format_number(history.test_accuracy[shown]))
    if training_classes(run) == 1:
        st.info(
            "The training rows hold one class only: a network that always answers that class"
            " is 100% accurate, so accuracy says nothing here. Watch the loss, or use data"
            " with both classes (a larger file or a smaller test fraction)."
        )


def _status(run: LabRun) -> None:
    trainer = run.trainer
    if run.history.diverged:
        rate = trainer.config.learning_rate
        st.error(charts.divergence_text(trainer.status(), rate, trainer.updates))
    elif trainer.updates >= trainer.total_updates:
        st.success(trainer.status())


def _shown(run: LabRun, shown_when_paused: int) -> int:
    """The update the views show: the latest while playing, else the time slider's."""
    if st.session_state.get(PLAYING, False):
        return run.trainer.updates
    return min(shown_when_paused, run.trainer.updates)


def _view_options_state() -> tuple[bool, bool]:
    """(discretise output, show test data) as the toggles under the controls hold them."""
    return bool(st.session_state.get(DISCRETISE, False)), bool(
        st.session_state.get(SHOW_TEST, True)
    )


def view_options(run: LabRun) -> None:
    """Toggles for the decision boundary (2-input classification only)."""
    if run.task == "regression" or run.dataset.X.shape[1] != 2:
        return
    left, right, _ = st.columns([1, 1, 2])
    left.toggle(
        "Discretise output", key=DISCRETISE, bind="query-params",
        help="Colour the plane by the predicted class instead of the probability.",
    )  # fmt: skip
    right.toggle("Show test data", True, key=SHOW_TEST, bind="query-params")


def train_epochs(run: LabRun) -> None:
    """Train N epochs at once, with a progress bar that fills epoch by epoch."""
    left, right, _ = st.columns([1, 1, 2], vertical_alignment="bottom")
    epochs = left.number_input(
        "N", 1, limits.MAX_EPOCHS, 10, key="lab_train_n", disabled=run.trainer.finished,
        help="How many epochs the button next to it trains.",
    )  # fmt: skip
    if not right.button("Train N epochs", key="lab_train", disabled=run.trainer.finished):
        return
    state, bar = LabState(run, False), st.progress(0.0, text="Training...")
    for done in range(1, int(epochs) + 1):
        state = act(state, "epoch")
        trainer = state.run.trainer
        bar.progress(done / int(epochs), text=f"Epoch {done} of {int(epochs)} ({trainer.status()})")
        if trainer.finished:
            break
    st.session_state[PLAYING] = False
    st.rerun()  # every control and view drawn again from the trained run


def _play_chunk(run: LabRun) -> None:
    """Train one chunk (lessons.training_lab.play) and send its frames to the player."""
    speed = int(st.session_state.get("lab_speed", DEFAULT_SPEED))
    discretise, show_test = _view_options_state()
    state, frames = play_chunk(
        LabState(run, True), round(speed * CHUNK_SECONDS), discretise=discretise
    )
    chunk = st.session_state.get(CHUNK, 0) + 1
    st.session_state[CHUNK] = chunk
    PLAYER(data=player_data(run, frames, chunk, speed, show_test), key="lab_player_view")
    if not state.playing:
        st.session_state[PLAYING] = False
        st.rerun()  # a full rerun stops the timer, draws every view and relabels Pause


def _pin() -> None:
    st.session_state[PINNED] = pin_curve(st.session_state[RUN])


def live_views(shown_when_paused: int) -> None:
    """While playing: one chunk of training and the player. Paused: counter, status, loss."""
    run: LabRun | None = st.session_state.get(RUN)
    if run is None:
        return
    if st.session_state.get(PLAYING, False):
        _play_chunk(run)
        return
    shown = _shown(run, shown_when_paused)
    _counter(run, shown)
    _status(run)
    with error_boundary("the loss curves"):
        pinned = st.session_state.get(PINNED)
        figure, alt = views.loss_view(run, shown, LOSS_HEIGHT, _sizes()[1], pinned)
        chart(figure, alt, key="lab_chart_loss")
        pin, unpin, _ = st.columns([1, 1, 2])
        pin.button(
            "Pin this loss curve", key="lab_pin", on_click=_pin, disabled=not run.trainer.updates,
            help="Keep this run's curves in the chart to compare with the next run's.",
        )  # fmt: skip
        if pinned is not None:
            unpin.button("Unpin", key="lab_unpin", on_click=st.session_state.pop, args=(PINNED,))


def _network_and_click(run: LabRun, net, shown: int, height: int, font: int) -> None:
    figure, alt, zero_note = views.network_view(run, net, shown, height, font)
    st.markdown(
        f"**Network after update {shown:,}** (edge width and colour: weight; each neuron's"
        " square: its output over the input plane)"
        if run.dataset.X.shape[1] == 2
        else f"**Network after update {shown:,}** (edge width and colour: weight)"
    )
    event = chart(figure, alt, key="lab_chart_network", on_select="rerun", selection_mode="points")
    if zero_note is not None:
        st.caption(zero_note)
    neuron = charts.clicked_neuron(event, net.layer_sizes)
    if neuron is not None and neuron != st.session_state.get(NEURON_CLICKED):
        # A new click picks the neuron for the plane view (drawn after this, below).
        st.session_state[NEURON_CLICKED] = neuron
        st.session_state["lab_neuron"] = neuron


def _neuron_picker(net) -> tuple[int, int]:
    n_layers = len(net.weights)
    sizes = net.layer_sizes
    neurons = [(layer, unit) for layer in range(1, n_layers + 1) for unit in range(sizes[layer])]
    sanitise_choice("lab_neuron", neurons, neurons[0])
    return st.selectbox(
        "Neuron (or click one in the network graph)", neurons, key="lab_neuron",
        format_func=lambda neuron: views.neuron_label(*neuron, n_layers),
    )  # fmt: skip


def heavy_views(shown_when_paused: int) -> None:
    """The expensive views (boundary, network, neuron, gradients, distributions).

    Drawn on every full rerun (Pause, Step, Epoch, the end, a set-up change), never while
    playing: the player shows the boundary, the network and the loss meanwhile.
    """
    run: LabRun | None = st.session_state.get(RUN)
    if run is None or st.session_state.get(PLAYING, False):
        return
    height, font = _sizes()
    shown = _shown(run, shown_when_paused)
    net = shown_network(run, shown)
    left, right = st.columns(2)
    with left, error_boundary("the predictions"):
        discretise, show_test = _view_options_state()
        figure, alt = views.prediction_view(run, net, shown, height, font, discretise, show_test)
        chart(figure, alt, key="lab_chart_prediction")
    with right, error_boundary("the network graph"):
        _network_and_click(run, net, shown, height, font)
    left, right = st.columns(2)
    with left, error_boundary("the neuron view"):
        if run.dataset.X.shape[1] != 2:
            st.info("A neuron's output over the input plane needs data with exactly 2 features.")
        else:
            neuron = _neuron_picker(net)
            figure, alt = views.neuron_view(run, net, neuron, shown, height, font)
            chart(figure, alt, key="lab_chart_neuron")
    gradients = None
    with right, error_boundary("the gradient flow"):
        config = run.trainer.config
        gradients = full_batch_gradients(net, run.split, config.l2, run.features, config.l1)
        figure, alt, diagnosis = views.gradient_view(run, shown, height, font)
        chart(figure, alt, key="lab_chart_gradients")
        if diagnosis.state in ("vanishing", "exploding"):
            st.warning(f"**{diagnosis.message}** {diagnosis.explanation}")
        else:
            st.caption(diagnosis.message)
    if (layer := hidden_layer(run)) is not None:
        with error_boundary("the hidden space"):
            figure, alt = views.hidden_space_view(run, net, layer, shown, height, font)
            chart(figure, alt, key="lab_chart_hidden_space")
    with error_boundary("the distributions"):
        if gradients is not None:
            chart(
                charts.distributions_figure(net.weights, gradients, height=height, font_size=font),
                charts.distributions_alt(net.weights, gradients, shown),
                key="lab_chart_distributions",
            )
            st.caption("Gradients here are on all training rows at the shown weights.")


# --- page -------------------------------------------------------------------------------------

st.title("Training lab")
st.caption(
    "Choose data and a network, then press Play and watch backpropagation train it: the loss,"
    " the decision boundary, the weights and the gradients of every layer."
)
with error_boundary("the training lab"):
    if "lab_speed" not in st.session_state:
        # The speed widget's state is dropped when the visitor leaves the page, so this is a
        # fresh arrival: a run left playing elsewhere stays paused until Play is pressed.
        st.session_state[PLAYING] = False
    experiments_panel()
    settings, uploaded, key = setup_panel()
    settings, key = points_panel(settings, key)
    lab_run = ensure_run(settings, uploaded, key)
    if lab_run is None:
        st.info("Choose a valid set-up above to start.")
    else:
        experiment_guide(lab_run.settings, lab_run.trainer.finished)
        controls(lab_run)
        train_epochs(lab_run)
        view_options(lab_run)
        playing_now = st.session_state.get(PLAYING, False)
        # Outside the fragments: moving it redraws every view (a full rerun).
        shown_update = _time_slider(lab_run, playing_now)
        st.fragment(live_views, run_every=CHUNK_SECONDS if playing_now else None)(shown_update)
        st.fragment(heavy_views)(shown_update)
