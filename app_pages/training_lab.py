"""Training lab: set up a dataset and a network, train it, and watch every view change.

Thin composition: widgets -> LabSettings -> lessons.training_lab.build_run (an untrained
Trainer kept in st.session_state) -> Play / Step / Epoch train it -> viz.training_lab draws it.

Only Play, Step and Epoch train. A rerun with unchanged set-up keeps the trained run; a changed
set-up value builds a fresh, untrained run (identical settings give identical runs: every
random choice is seeded). Memory per session is the run's data plus its History, bounded by
engine/limits.py (at most about 5 MB at the largest network; see engine/lab.py).
"""

import hashlib

import streamlit as st

from app_pages.common import (
    PRESENTER_FONT_SIZE,
    chart,
    error_boundary,
    presenter_mode,
)
from engine import limits
from engine.activations import HIDDEN_ACTIVATIONS
from engine.datasets import GENERATORS
from engine.errors import UserInputError
from engine.init import INITIALISERS
from engine.optimizers import OPTIMIZERS
from engine.train import network_at
from lessons.training_lab import (
    EXPLODING_NORM,
    UPLOADED,
    VANISHING_NORM,
    LabRun,
    LabSettings,
    advance,
    build_run,
    class_labels,
    confusion_matrix,
    csv_columns,
    dataset_from_upload,
    diagnose_gradients,
    fitted_curve,
    full_batch_gradients,
    loss_choices,
    make_lab_dataset,
    neuron_grid,
    norms_at,
    original_data,
    output_choices,
    output_grid,
    plane_grid,
    predicted_vs_true,
    snapshot_at,
)
from viz import training_lab as charts
from viz.format import format_number
from viz.labels import DATASET_LABELS, LOSS_LABELS, OPTIMIZER_LABELS
from viz.network_graph import network_figure

RUN = "lab_run"  # session key of the current LabRun
RUN_KEY = "lab_run_key"  # the (settings, upload digest) the run was built from
PLAYING = "lab_playing"
TIME = "lab_time"  # the time-travel slider: which recorded update to show
TIME_LATEST = "lab_time_latest"  # the latest update when the slider was last drawn
NEURON_CLICKED = "lab_neuron_clicked"  # the last neuron clicked on the network graph
CSV_CACHE = "lab_csv_cache"  # (digest, target, columns, dataset or None, error or None)

FIGURE_HEIGHT = 420  # px; presenter mode multiplies it by PRESENTER_HEIGHT_FACTOR
LOSS_HEIGHT = 360  # px; the loss curve spans the page's width
# While playing, the counter and the loss curve redraw every TICK_SECONDS (a tick below 0.2 s
# leaves room for the time each redraw takes, so that at least 5 redraws a second happen).
TICK_SECONDS = 0.15
HEAVY_SECONDS = 1.0  # while playing, the other views redraw once a second
TICK_BUDGET = 0.05  # at most this many seconds of training per redraw

LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2000)
L2_VALUES = (0.0, 0.0001, 0.001, 0.01, 0.1, 1.0)
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500)
# Updates per redraw by default: about 30 updates a second, so the default 500-update run
# lasts long enough (about 17 s) to watch the boundary form.
DEFAULT_SPEED = 5
DEFAULTS = LabSettings()


# --- set-up -----------------------------------------------------------------------------------


def _sanitise_choice(key: str, options, default) -> None:
    """Put a valid value under `key` before its widget is drawn (tampered URL, changed task)."""
    if key in st.session_state and st.session_state[key] not in options:
        st.session_state[key] = default


def _labelled_choice(label: str, names, labels: dict, default: str, key: str, **kwargs) -> str:
    """A bound selectbox showing `labels[name]`; returns the chosen name.

    The options are the labels themselves (not names with a format_func), so the URL carries
    exactly the text the widget holds and a shared link round-trips.
    """
    options = [labels[name] for name in names]
    by_label = dict(zip(options, names, strict=True))
    default_label = labels[default] if default in names else options[0]
    _sanitise_choice(key, options, default_label)
    chosen = st.selectbox(
        label, options, index=options.index(default_label), key=key, bind="query-params", **kwargs
    )
    return by_label[chosen]


def _uploaded_dataset():
    """The visitor's CSV as a Dataset and its digest, or (None, None) with a message shown."""
    file = st.file_uploader(
        f"CSV file (header row, numbers only, at most {limits.MAX_CSV_ROWS:,} rows)",
        type=["csv"],
        key="lab_csv",
        max_upload_size=1,
    )
    if file is None:
        st.info("Upload a CSV file with a header row; then choose the column to predict.")
        return None, None
    data = file.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    cache = st.session_state.get(CSV_CACHE)
    if cache is None or cache[0] != digest:
        try:
            columns = csv_columns(data)
        except UserInputError as error:
            cache = (digest, None, [], None, str(error))
        else:
            cache = (digest, None, columns, None, None)
        st.session_state[CSV_CACHE] = cache
    digest, target, columns, dataset, error = cache
    if not columns:
        st.error(f"This file cannot be used: {error}")
        return None, None
    _sanitise_choice("lab_target", columns, columns[-1])
    chosen = st.selectbox("Target column", columns, index=len(columns) - 1, key="lab_target")
    if chosen != target:
        try:
            dataset, error = dataset_from_upload(data, chosen), None
        except UserInputError as problem:
            dataset, error = None, str(problem)
        st.session_state[CSV_CACHE] = (digest, chosen, columns, dataset, error)
    if dataset is None:
        st.error(f"This file cannot be used: {error}")
        return None, None
    st.caption(f"{dataset.n_samples} rows, {len(dataset.feature_names)} features, {dataset.task}.")
    return dataset, f"{digest}:{chosen}"


def _data_widgets():
    """Dataset, noise, split and seed; returns (fields, uploaded dataset, upload digest)."""
    names = (*GENERATORS, UPLOADED)
    dataset = _labelled_choice("Dataset", names, DATASET_LABELS, DEFAULTS.dataset, "lab_dataset")
    uploaded, digest = None, None
    if dataset == UPLOADED:
        uploaded, digest = _uploaded_dataset()
    else:
        st.slider(
            "Samples", 20, limits.MAX_SAMPLES, DEFAULTS.n_samples, 10,
            key="lab_samples", bind="query-params",
        )  # fmt: skip
        st.slider(
            "Noise", 0.0, limits.MAX_NOISE, DEFAULTS.noise, 0.05,
            key="lab_noise", bind="query-params",
        )  # fmt: skip
    st.slider(
        "Test fraction", 0.0, 0.5, DEFAULTS.test_fraction, 0.05,
        key="lab_test", bind="query-params",
        help="Rows held out: the test loss shows how well the network generalises.",
    )  # fmt: skip
    st.number_input(
        "Seed", 0, limits.MAX_SEED, DEFAULTS.seed, 1, key="lab_seed", bind="query-params",
        help="Seeds the data, the split, the initial weights and the order of the batches.",
    )  # fmt: skip
    fields = {
        "dataset": dataset,
        "n_samples": st.session_state.get("lab_samples", DEFAULTS.n_samples),
        "noise": st.session_state.get("lab_noise", DEFAULTS.noise),
        "test_fraction": st.session_state["lab_test"],
        "seed": int(st.session_state["lab_seed"]),
    }
    return fields, uploaded, digest


def _network_widgets(task: str | None) -> dict:
    """Hidden layers (units and activation each), output activation, loss, initialisation."""
    n_hidden = st.slider(
        "Hidden layers", 0, limits.MAX_HIDDEN_LAYERS, len(DEFAULTS.hidden_units),
        key="lab_layers", bind="query-params",
    )  # fmt: skip
    units, activations = [], []
    for layer in range(1, n_hidden + 1):
        left, right = st.columns(2)
        units.append(
            left.slider(
                f"Layer {layer} units",
                1,
                limits.MAX_UNITS,
                DEFAULTS.hidden_units[0],
                key=f"lab_units_{layer}",
                bind="query-params",
            )  # fmt: skip
        )
        key = f"lab_act_{layer}"
        _sanitise_choice(key, HIDDEN_ACTIVATIONS, DEFAULTS.hidden_activations[0])
        activations.append(
            right.selectbox(
                f"Layer {layer} activation",
                HIDDEN_ACTIVATIONS,
                index=HIDDEN_ACTIVATIONS.index(DEFAULTS.hidden_activations[0]),
                key=key,
                bind="query-params",
            )  # fmt: skip
        )
    output, loss = None, None
    if task is not None:
        outputs, losses = output_choices(task), loss_choices(task)
        _sanitise_choice("lab_output", outputs, outputs[0])
        output = st.selectbox(
            "Output activation", outputs, key="lab_output", bind="query-params",
            help="Matched to the task: sigmoid for two classes, softmax for several, linear"
            " for numbers.",
        )  # fmt: skip
        loss = _labelled_choice("Loss", losses, LOSS_LABELS, losses[0], "lab_loss")
    inits = tuple(INITIALISERS)
    _sanitise_choice("lab_init", inits, DEFAULTS.init)
    init = st.selectbox(
        "Initialisation", inits, index=inits.index(DEFAULTS.init),
        key="lab_init", bind="query-params", help=INITIALISERS.get(DEFAULTS.init),
    )  # fmt: skip
    return {
        "hidden_units": tuple(units),
        "hidden_activations": tuple(activations),
        "output_activation": output,
        "loss": loss,
        "init": init,
    }


def _training_widgets() -> dict:
    """Learning rate, batch size, epochs, optimizer and L2 penalty."""
    _sanitise_choice("lab_lr", LEARNING_RATES, DEFAULTS.learning_rate)
    learning_rate = st.select_slider(
        "Learning rate", LEARNING_RATES, DEFAULTS.learning_rate,
        key="lab_lr", bind="query-params",
    )  # fmt: skip
    _sanitise_choice("lab_batch", BATCH_SIZES, DEFAULTS.batch_size)
    batch_size = st.select_slider(
        "Batch size", BATCH_SIZES, DEFAULTS.batch_size, key="lab_batch", bind="query-params",
        help="Rows per update; a batch larger than the training set is the full batch.",
    )  # fmt: skip
    epochs = st.number_input(
        "Epochs", 1, limits.MAX_EPOCHS, DEFAULTS.epochs, 10,
        key="lab_epochs", bind="query-params",
    )  # fmt: skip
    optimizer = _labelled_choice(
        "Optimizer", tuple(OPTIMIZERS), OPTIMIZER_LABELS, DEFAULTS.optimizer, "lab_optimizer",
        help="; ".join(OPTIMIZERS.values()),
    )  # fmt: skip
    _sanitise_choice("lab_l2", L2_VALUES, DEFAULTS.l2)
    l2 = st.select_slider(
        "L2 penalty", L2_VALUES, DEFAULTS.l2, key="lab_l2", bind="query-params",
    )  # fmt: skip
    return {
        "learning_rate": float(learning_rate),
        "batch_size": int(batch_size),
        "epochs": int(epochs),
        "optimizer": optimizer,
        "l2": float(l2),
    }


def setup_panel():
    """All set-up widgets; returns (LabSettings or None, uploaded dataset, run key)."""
    with st.expander("Set-up: data, network, training", expanded=not presenter_mode()):
        data_col, net_col, train_col = st.columns(3)
        with data_col:
            st.markdown("**Data**")
            data_fields, uploaded, digest = _data_widgets()
        task = None
        if data_fields["dataset"] != UPLOADED or uploaded is not None:
            with error_boundary("the dataset"):
                probe = LabSettings(**{**data_fields, "n_samples": 20})
                task = make_lab_dataset(probe, uploaded).task
        with net_col:
            st.markdown("**Network**")
            net_fields = _network_widgets(task)
        with train_col:
            st.markdown("**Training**")
            train_fields = _training_widgets()
    if task is None:
        return None, uploaded, None
    settings = LabSettings(**data_fields, **net_fields, **train_fields)
    return settings, uploaded, (settings, digest)


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


def _set_playing(playing: bool) -> None:
    # Idempotent (not a toggle): a click delivered twice must not undo itself.
    st.session_state[PLAYING] = playing


def _step() -> None:
    st.session_state[PLAYING] = False
    st.session_state[RUN].trainer.step(1)


def _epoch() -> None:
    st.session_state[PLAYING] = False
    st.session_state[RUN].trainer.run_epoch()


def _reset() -> None:
    st.session_state[PLAYING] = False
    run: LabRun = st.session_state[RUN]
    uploaded = run.dataset if run.settings.dataset == UPLOADED else None
    st.session_state[RUN] = build_run(run.settings, uploaded)
    st.session_state.pop(TIME_LATEST, None)


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
        on_click=_set_playing,
        args=(not playing,),
        disabled=finished and not playing,
        width="stretch",
    )
    step.button(
        "Step", key="lab_step", on_click=_step, disabled=finished, width="stretch",
        help="One update on one mini-batch.",
    )  # fmt: skip
    epoch.button(
        "Epoch", key="lab_epoch", on_click=_epoch, disabled=finished, width="stretch",
        help="Train to the end of the current epoch.",
    )  # fmt: skip
    reset.button(
        "Reset", key="lab_reset", on_click=_reset, width="stretch",
        help="A fresh, untrained network with the same set-up (and the same initial weights).",
    )  # fmt: skip
    speed.select_slider(
        "Updates per redraw while playing", SPEEDS, DEFAULT_SPEED, key="lab_speed",
    )  # fmt: skip


# --- views ------------------------------------------------------------------------------------


def _sizes() -> tuple[int, int]:
    """(figure height, font size) to build a figure with; `chart` enlarges the height.

    The font is already the presenter font in presenter mode (legend and margins are laid
    out for it); `app_pages.common.chart` sets the same font again and multiplies the height
    by PRESENTER_HEIGHT_FACTOR once.
    """
    return FIGURE_HEIGHT, PRESENTER_FONT_SIZE if presenter_mode() else 12


def _time_slider(run: LabRun, playing: bool) -> int:
    """The update to show: the latest while playing, else the slider's (snapped to records)."""
    history = run.history
    latest = run.trainer.updates
    recorded = [snapshot.update for snapshot in history.snapshots]
    if recorded[-1] != latest:
        recorded.append(latest)  # the live network is always shown at the end
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
    start = float(history.train_loss[0])
    now = float(history.train_loss[shown])
    columns[2].metric(
        f"Train loss (update {shown:,})",
        format_number(now),
        delta=format_number(now - start) if shown else None,
        delta_color="inverse",
    )
    if len(run.split.X_test) == 0:
        columns[3].metric("Test rows", "none", help="Raise the test fraction to see a test loss.")
    elif run.task == "regression":
        columns[3].metric("Test loss", format_number(history.test_loss[shown]))
    else:
        columns[3].metric("Test accuracy", format_number(history.test_accuracy[shown]))


def _divergence_message(run: LabRun) -> None:
    trainer = run.trainer
    if not run.history.diverged:
        if trainer.updates >= trainer.total_updates:
            st.success(trainer.status())
        return
    rate = trainer.config.learning_rate
    st.error(
        f"{trainer.status()} Why: each update moves every weight by learning rate x gradient."
        f" With a learning rate of {format_number(rate)}, a step overshoots the bottom of the"
        " loss valley and lands higher up the other side, where the gradient is larger, so the"
        " next step overshoots further, until the numbers overflow. Fix: try a learning rate"
        f" of {format_number(rate / 10)} or smaller, then press Reset. The curves stop at the"
        f" last finite update ({trainer.updates:,})."
    )


def _points(run: LabRun):
    X_train, Y_train, X_test, Y_test = original_data(run.split)
    return [
        (X_train, class_labels(Y_train, run.task), "train"),
        (X_test, class_labels(Y_test, run.task), "test"),
    ]


def _class_names(run: LabRun) -> tuple[str, ...]:
    if run.task == "binary":
        return ("class 0", "class 1")
    return run.dataset.target_names


def _prediction_view(run: LabRun, net, shown: int, height: int, font: int) -> None:
    dataset, split, history = run.dataset, run.split, run.history
    n_features = dataset.X.shape[1]
    train_loss = float(history.train_loss[shown])
    if run.task != "regression" and n_features == 2:
        grid = plane_grid(split)
        figure = charts.boundary_figure(
            grid.x1, grid.x2, output_grid(net, grid), _points(run),
            class_names=_class_names(run), feature_names=dataset.feature_names,
            height=height, font_size=font,
        )  # fmt: skip
        alt = charts.boundary_alt(_class_names(run), float(history.train_accuracy[shown]), shown)
    elif run.task != "regression":
        matrix, part = confusion_matrix(net, split, run.task)
        figure = charts.confusion_figure(
            matrix, _class_names(run), part=part, height=height, font_size=font
        )
        alt = charts.confusion_alt(matrix, part)
    elif n_features == 1:
        X_train, Y_train, X_test, Y_test = original_data(split)
        x, y = fitted_curve(net, split)
        figure = charts.fitted_curve_figure(
            X_train[:, 0], Y_train[:, 0], X_test[:, 0], Y_test[:, 0], x, y,
            x_name=dataset.feature_names[0], y_name=dataset.target_names[0],
            height=height, font_size=font,
        )  # fmt: skip
        alt = charts.regression_alt("curve", train_loss, shown)
    else:
        figure = charts.predicted_vs_true_figure(
            *predicted_vs_true(net, split), target_name=dataset.target_names[0],
            height=height, font_size=font,
        )  # fmt: skip
        alt = charts.regression_alt("scatter", train_loss, shown)
    chart(figure, alt, key="lab_chart_prediction")


def _neuron_view(run: LabRun, net, shown: int, height: int, font: int) -> None:
    if run.dataset.X.shape[1] != 2:
        st.info("A neuron's output over the input plane needs data with exactly 2 features.")
        return
    sizes = net.layer_sizes
    neurons = [(layer, unit) for layer in range(1, len(sizes)) for unit in range(sizes[layer])]
    _sanitise_choice("lab_neuron", neurons, neurons[0])
    n_layers = len(sizes) - 1

    def label(neuron) -> str:
        layer, unit = neuron
        kind = "output" if layer == n_layers else f"hidden layer {layer}"
        return f"{kind}, unit {unit + 1}"  # counted from 1, as on the network graph

    layer, unit = st.selectbox(
        "Neuron (or click one in the network graph)", neurons, format_func=label, key="lab_neuron"
    )
    grid = plane_grid(run.split)
    activation = net.activations[layer - 1]
    values = neuron_grid(net, grid, layer, unit)
    figure = charts.neuron_figure(
        grid.x1, grid.x2, values, _points(run),
        title=f"Output of {label((layer, unit))} ({activation})",
        class_names=_class_names(run), feature_names=run.dataset.feature_names,
        height=height, font_size=font,
    )  # fmt: skip
    chart(figure, charts.neuron_alt(label((layer, unit)), values, shown), key="lab_chart_neuron")


def _gradient_view(run: LabRun, net, shown: int, height: int, font: int) -> list:
    history = run.history
    gradients = full_batch_gradients(net, run.split, run.trainer.config.l2)
    norms = norms_at(history, shown)
    diagnosis = diagnose_gradients(norms, net.activations, run.settings.init)
    figure = charts.gradient_flow_figure(
        history.grad_norms, selected_update=shown if shown < run.trainer.updates else None,
        vanishing=VANISHING_NORM, exploding=EXPLODING_NORM, height=height, font_size=font,
    )  # fmt: skip
    chart(figure, charts.gradient_flow_alt(norms, shown), key="lab_chart_gradients")
    if diagnosis.state in ("vanishing", "exploding"):
        st.warning(f"**{diagnosis.message}** {diagnosis.explanation}")
    else:
        st.caption(diagnosis.message)
    return gradients


def _shown(run: LabRun, shown_when_paused: int) -> int:
    """The update the views show: the latest while playing, else the time slider's."""
    if st.session_state.get(PLAYING, False):
        return run.trainer.updates
    return min(shown_when_paused, run.trainer.updates)


def live_views(shown_when_paused: int) -> None:
    """The cheap views, redrawn on every tick while playing: counter, status, loss curve.

    Training happens here too, so the counter always shows what was trained.
    """
    run: LabRun | None = st.session_state.get(RUN)
    if run is None:
        return
    if st.session_state.get(PLAYING, False):
        advance(run.trainer, int(st.session_state.get("lab_speed", DEFAULT_SPEED)), TICK_BUDGET)
        if run.trainer.finished:
            st.session_state[PLAYING] = False
            st.rerun()  # a full rerun stops the timers, draws every view and relabels Pause
    shown = _shown(run, shown_when_paused)
    height, font = _sizes()
    _counter(run, shown)
    _divergence_message(run)
    history = run.history
    with error_boundary("the loss curves"):
        figure = charts.loss_figure(
            history.train_loss,
            history.test_loss,
            history.train_accuracy,
            history.test_accuracy,
            selected_update=None if shown == run.trainer.updates else shown,
            total_updates=run.trainer.total_updates,
            height=LOSS_HEIGHT,
            font_size=font,
        )
        test_accuracy = history.test_accuracy if len(run.split.X_test) else None
        alt = charts.loss_alt(history.train_loss, history.test_loss, test_accuracy, shown)
        chart(figure, alt, key="lab_chart_loss")


def heavy_views(shown_when_paused: int) -> None:
    """The expensive views (boundary, network, neuron, gradients, distributions).

    While playing they are redrawn every HEAVY_SECONDS only (each of them costs the browser
    far more than the counter); every full rerun (Pause, Step, Epoch, the end) draws them too.
    """
    run: LabRun | None = st.session_state.get(RUN)
    if run is None:
        return
    height, font = _sizes()
    shown = _shown(run, shown_when_paused)
    is_latest = shown == run.trainer.updates
    net = run.net if is_latest else network_at(run.net, snapshot_at(run.history, shown))
    left, right = st.columns(2)
    with left, error_boundary("the predictions"):
        _prediction_view(run, net, shown, height, font)
    with right, error_boundary("the network graph"):
        figure = network_figure(
            net.weights, net.biases, input_names=run.dataset.feature_names,
            output_names=_class_names(run)[-net.n_outputs :] if run.task != "regression"
            else run.dataset.target_names,
            activations=net.activations, height=height, font_size=font,
        )  # fmt: skip
        st.markdown(f"**Network after update {shown:,}** (edge width and colour: weight)")
        alt = charts.network_alt(net.layer_sizes, net.weights, shown)
        event = chart(
            figure, alt, key="lab_chart_network", on_select="rerun", selection_mode="points"
        )
        neuron = charts.clicked_neuron(event, net.layer_sizes)
        if neuron is not None and neuron != st.session_state.get(NEURON_CLICKED):
            # A new click picks the neuron for the plane view (drawn after this, below).
            st.session_state[NEURON_CLICKED] = neuron
            st.session_state["lab_neuron"] = neuron
    left, right = st.columns(2)
    with left, error_boundary("the neuron view"):
        _neuron_view(run, net, shown, height, font)
    gradients = None
    with right, error_boundary("the gradient flow"):
        gradients = _gradient_view(run, net, shown, height, font)
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
    settings, uploaded, key = setup_panel()
    lab_run = ensure_run(settings, uploaded, key)
    if lab_run is None:
        st.info("Choose a valid set-up above to start.")
    else:
        controls(lab_run)
        playing_now = st.session_state.get(PLAYING, False)
        # Outside the fragments: moving it redraws every view (a full rerun).
        shown_update = _time_slider(lab_run, playing_now)
        st.fragment(live_views, run_every=TICK_SECONDS if playing_now else None)(shown_update)
        st.fragment(heavy_views, run_every=HEAVY_SECONDS if playing_now else None)(shown_update)
