"""The training lab's set-up widgets: data, network and training, bound to the URL.

`setup_panel()` draws them and returns the LabSettings they describe (None while the set-up is
not usable yet, for example before a CSV file is uploaded). Part of app_pages/training_lab.py.
"""

import hashlib

import streamlit as st

from app_pages.common import error_boundary, presenter_mode
from app_pages.training_lab_points import EDITS
from engine import limits
from engine.activations import HIDDEN_ACTIVATIONS
from engine.datasets import GENERATORS
from engine.errors import UserInputError
from engine.features import FEATURES, PLAIN
from engine.init import INITIALISERS
from engine.optimizers import OPTIMIZERS
from lessons.training_lab import (
    UPLOADED,
    LabSettings,
    build_run,
    csv_columns,
    dataset_from_upload,
    loss_choices,
    make_lab_dataset,
    output_choices,
)
from lessons.training_lab.experiments import BY_KEY, EXPERIMENTS, is_loaded
from lessons.training_lab.play import SPEEDS
from lessons.training_lab.points import NO_EDITS
from viz.labels import DATASET_LABELS, FEATURE_LABELS, LOSS_LABELS, OPTIMIZER_LABELS

FEATURES_KEY = "lab_features"
CSV_CACHE = "lab_csv_cache"  # (digest, target, columns, dataset or None, error or None)
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2000)
PENALTIES = (0.0, 0.0001, 0.001, 0.01, 0.1, 1.0)  # the L2 and L1 penalty choices
DEFAULTS = LabSettings()


def sanitise_choice(key: str, options, default) -> None:
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
    sanitise_choice(key, options, default_label)
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
    sanitise_choice("lab_target", columns, columns[-1])
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


def _feature_widget(n_inputs: int | None) -> tuple[str, ...]:
    """The network's input features (engine.features) for 2-input data; else x1, x2 only."""
    labels = [FEATURE_LABELS[name] for name in FEATURES]
    by_label = dict(zip(labels, FEATURES, strict=True))
    usable = n_inputs == 2
    if FEATURES_KEY in st.session_state:
        kept = [label for label in st.session_state[FEATURES_KEY] if label in by_label]
        kept = kept if usable else [FEATURE_LABELS[name] for name in PLAIN]
        if kept != list(st.session_state[FEATURES_KEY]):  # a tampered link or a 1-D dataset
            st.session_state[FEATURES_KEY] = kept
    chosen = st.multiselect(
        "Input features", labels, default=[FEATURE_LABELS[name] for name in PLAIN],
        key=FEATURES_KEY, bind="query-params", disabled=not usable,
        help="What the network is fed, computed from the standardised inputs x1 and x2.",
    )  # fmt: skip
    if not usable:
        count = "no data yet" if n_inputs is None else f"{n_inputs} input(s)"
        st.caption(f"Input features need data with exactly 2 inputs (x1, x2); this has {count}.")
        return PLAIN
    if not chosen:
        st.warning("Choose at least one input feature; the network keeps x1 and x2 until then.")
        return PLAIN
    return tuple(by_label[label] for label in chosen)


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
        sanitise_choice(key, HIDDEN_ACTIVATIONS, DEFAULTS.hidden_activations[0])
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
        sanitise_choice("lab_output", outputs, outputs[0])
        output = st.selectbox(
            "Output activation", outputs, key="lab_output", bind="query-params",
            help="Matched to the task: sigmoid for two classes, softmax for several, linear"
            " for numbers.",
        )  # fmt: skip
        loss = _labelled_choice("Loss", losses, LOSS_LABELS, losses[0], "lab_loss")
    inits = tuple(INITIALISERS)
    sanitise_choice("lab_init", inits, DEFAULTS.init)
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
    sanitise_choice("lab_lr", LEARNING_RATES, DEFAULTS.learning_rate)
    learning_rate = st.select_slider(
        "Learning rate", LEARNING_RATES, DEFAULTS.learning_rate,
        key="lab_lr", bind="query-params",
    )  # fmt: skip
    sanitise_choice("lab_batch", BATCH_SIZES, DEFAULTS.batch_size)
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
    sanitise_choice("lab_l2", PENALTIES, DEFAULTS.l2)
    l2 = st.select_slider(
        "L2 penalty", PENALTIES, DEFAULTS.l2, key="lab_l2", bind="query-params",
        help="Adds l2/2 · Σw² to the loss: every weight shrinks in proportion to its size.",
    )  # fmt: skip
    sanitise_choice("lab_l1", PENALTIES, DEFAULTS.l1)
    l1 = st.select_slider(
        "L1 penalty", PENALTIES, DEFAULTS.l1, key="lab_l1", bind="query-params",
        help="Adds l1 · Σ|w| to the loss: every weight is pulled toward 0 by the same amount,"
        " so unneeded weights reach zero (drawn dashed on the network).",
    )  # fmt: skip
    return {
        "learning_rate": float(learning_rate),
        "batch_size": int(batch_size),
        "epochs": int(epochs),
        "optimizer": optimizer,
        "l2": float(l2),
        "l1": float(l1),
    }


def widget_values(settings: LabSettings) -> dict:
    """The set-up widgets' values that describe `settings` (keys as in st.session_state)."""
    values = {
        "lab_dataset": DATASET_LABELS[settings.dataset],
        "lab_samples": settings.n_samples,
        "lab_noise": settings.noise,
        "lab_test": settings.test_fraction,
        "lab_seed": settings.seed,
        FEATURES_KEY: [FEATURE_LABELS[name] for name in settings.features],
        "lab_layers": len(settings.hidden_units),
        "lab_init": settings.init,
        "lab_lr": settings.learning_rate,
        "lab_batch": settings.batch_size,
        "lab_epochs": settings.epochs,
        "lab_optimizer": OPTIMIZER_LABELS[settings.optimizer],
        "lab_l2": settings.l2,
        "lab_l1": settings.l1,
    }
    layers = zip(settings.hidden_units, settings.hidden_activations, strict=True)
    for layer, (units, activation) in enumerate(layers, start=1):
        values[f"lab_units_{layer}"] = units
        values[f"lab_act_{layer}"] = activation
    return values


def _load_experiment(key: str) -> None:
    experiment = BY_KEY[key]
    for name in ("lab_output", "lab_loss"):  # the task's defaults, as in the experiment
        st.session_state.pop(name, None)
    st.session_state[EDITS] = NO_EDITS  # the experiment's generated data
    st.session_state.update(widget_values(experiment.settings))
    # A speed at which the whole run plays in about 15 s or less.
    total = build_run(experiment.settings).trainer.total_updates
    st.session_state["lab_speed"] = next((s for s in SPEEDS if total / s <= 15), SPEEDS[-1])


def experiments_panel() -> None:
    """Pick a guided experiment and load its settings into the widgets above."""
    with st.expander("Guided experiments: a question, one click, an answer"):
        titles = {experiment.title: experiment.key for experiment in EXPERIMENTS}
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        title = left.selectbox("Experiment", list(titles), key="lab_experiment")
        right.button(
            "Load", key="lab_experiment_load", on_click=_load_experiment, args=(titles[title],),
            width="stretch", help="Sets every value above to the experiment's; then press Play.",
        )  # fmt: skip


def experiment_guide(settings: LabSettings, finished: bool) -> None:
    """The loaded experiment's question and what to watch; its explanation once finished."""
    experiment = next((e for e in EXPERIMENTS if is_loaded(e, settings)), None)
    if experiment is None:
        return
    st.info(
        f"**Experiment: {experiment.title}.** {experiment.question} Press Play and watch:"
        f" {experiment.watch} Then compare with {experiment.contrast_label}."
    )
    if finished:
        st.success(f"**What happened and why.** {experiment.explanation}")


def setup_panel():
    """All set-up widgets; returns (LabSettings or None, uploaded dataset, run key)."""
    with st.expander("Set-up: data, network, training", expanded=not presenter_mode()):
        data_col, net_col, train_col = st.columns(3)
        with data_col:
            st.markdown("**Data**")
            data_fields, uploaded, digest = _data_widgets()
        task, n_inputs = None, None
        if data_fields["dataset"] != UPLOADED or uploaded is not None:
            with error_boundary("the dataset"):
                probe = make_lab_dataset(LabSettings(**{**data_fields, "n_samples": 20}), uploaded)
                task, n_inputs = probe.task, probe.X.shape[1]
        with data_col:
            data_fields["features"] = _feature_widget(n_inputs)
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
