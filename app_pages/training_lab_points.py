"""The training lab's own points: click the data plot to add or remove points, clear the plane,
or draw the generated data again with a new seed. Part of app_pages/training_lab.py.

The edits (lessons.training_lab.points.PointEdits) live in Session State and in the URL
(`?lab_points=`, when they fit a shared link); `points_panel` puts them into the LabSettings,
so the run is rebuilt on the edited data like after any other set-up change.
"""

from dataclasses import replace
from functools import partial

import streamlit as st

from app_pages.common import DENSE_FONT_SIZE, chart, chart_font_size
from app_pages.links import MAX_SHARED_PARAM_CHARS
from engine import limits
from engine.datasets import Dataset
from engine.errors import UserInputError
from lessons.training_lab import UPLOADED, LabSettings, make_lab_dataset, points
from viz.training_lab.points import (
    KIND_ADDED,
    KIND_GENERATED,
    KIND_TARGET,
    clicked_point,
    points_editor_alt,
    points_editor_figure,
)

EDITS = "lab_points_edits"  # the PointEdits of the current scenario
EDITS_FOR = "lab_points_for"  # the dataset name the edits were made for
URL_KEY = "lab_points"  # the query parameter carrying encode_edits(...)
CHART_KEY = "lab_points_chart"  # plus the number of clicks handled (see _chart_key)
CLICKS = "lab_points_clicks"  # clicks on the editor handled so far in this session
CLASS_KEY = "lab_points_class"
PANEL_KEY = "lab_points_open"  # whether the "Your own data" panel is open
NOTE = "lab_points_note"  # what the last click could not do (a cap), shown once
FIGURE_HEIGHT = 440


def _edits_for(base: Dataset) -> points.PointEdits:
    """The session's edits for the generated data `base`: a shared link's on arrival (if they
    fit it), none after a change of dataset (points made for other data would not fit)."""
    if EDITS not in st.session_state:
        edits, text = points.NO_EDITS, st.query_params.get(URL_KEY)
        if text:
            try:
                edits = points.decode_edits(text)
                points.added_data(base, edits)
            except UserInputError as error:
                edits = points.NO_EDITS
                st.warning(f"{error} The generated data is used.", icon=":material/link_off:")
        st.session_state[EDITS], st.session_state[EDITS_FOR] = edits, base.name
    if st.session_state.get(EDITS_FOR) != base.name:
        st.session_state[EDITS], st.session_state[EDITS_FOR] = points.NO_EDITS, base.name
    return st.session_state[EDITS]


def _set(edits: points.PointEdits) -> None:
    st.session_state[EDITS] = edits


def _chart_key() -> str:
    """The editor chart's key, new after every handled click: Plotly keeps a clicked point
    selected, and a second click on the same spot would only clear that selection (no event)
    instead of removing the point just added there."""
    return f"{CHART_KEY}_{st.session_state.get(CLICKS, 0)}"


def _on_click(base: Dataset, class_names: tuple[str, ...], key: str) -> None:
    """The chart's selection changed: remove the clicked point or add one at the target."""
    click = clicked_point(st.session_state.get(key))
    if click is None:
        return
    st.session_state[CLICKS] = st.session_state.get(CLICKS, 0) + 1
    kind, index, x, y = click
    edits = st.session_state.get(EDITS, points.NO_EDITS)
    try:
        if kind == KIND_GENERATED:
            _set(points.remove_generated(edits, index))
        elif kind == KIND_ADDED:
            _set(points.remove_added(edits, index))
        elif kind == KIND_TARGET:
            chosen = st.session_state.get(CLASS_KEY)
            k = class_names.index(chosen) if chosen in class_names else 0
            _set(points.add_point(edits, points.clicked_row(base, (x, y), k), base.n_samples))
    except UserInputError as error:
        st.session_state[NOTE] = str(error)


def _regenerate() -> None:
    st.session_state["lab_seed"] = (int(st.session_state.get("lab_seed", 0)) + 1) % (
        limits.MAX_SEED + 1
    )
    st.session_state[EDITS] = points.regenerate(st.session_state.get(EDITS, points.NO_EDITS))


def _buttons(edits: points.PointEdits, class_names: tuple[str, ...]) -> None:
    with st.container(horizontal=True, vertical_alignment="bottom"):
        if class_names:
            if st.session_state.get(CLASS_KEY) not in class_names:  # another dataset's class
                st.session_state[CLASS_KEY] = class_names[0]
            st.radio("Class of a new point", class_names, key=CLASS_KEY, horizontal=True)
        st.button(
            "Clear", key="lab_points_clear", on_click=_set, args=(points.clear(),),
            icon=":material/delete_sweep:", help="Remove every point, to draw your own data.",
        )  # fmt: skip
        st.button(
            "Regenerate", key="lab_points_regenerate", on_click=_regenerate,
            icon=":material/refresh:",
            help="Draw the generated data again with the next seed; your added points stay.",
        )  # fmt: skip
        st.button(
            "Undo all edits", key="lab_points_undo", on_click=_set, args=(points.NO_EDITS,),
            disabled=not edits, help="Back to the generated data.",
        )  # fmt: skip


def _share_or_download(edits: points.PointEdits, base: Dataset) -> None:
    """Put the edits in the URL when they fit a shared link; else say so and offer a CSV."""
    text = points.encode_edits(edits)
    if not text or len(text) > MAX_SHARED_PARAM_CHARS:
        st.query_params.pop(URL_KEY, None)
    elif st.query_params.get(URL_KEY) != text:
        st.query_params[URL_KEY] = text
    if len(text) <= MAX_SHARED_PARAM_CHARS:
        return
    st.warning(
        f"Your points no longer fit in a shared link ({len(text):,} characters of"
        f" {MAX_SHARED_PARAM_CHARS}): a link gives the generated data without them. Download"
        " the data as a CSV file; choose the dataset 'Upload a CSV file' to load it again.",
        icon=":material/link_off:",
    )
    try:
        data = points.dataset_csv(points.apply_edits(base, edits))
    except UserInputError as error:
        st.caption(f"No file yet: {error}")
        return
    st.download_button(
        "Download the data (CSV)", data, file_name=f"{base.name}_points.csv",
        mime="text/csv", key="lab_points_csv", icon=":material/download:",
    )  # fmt: skip


def _editor(base: Dataset, edits: points.PointEdits) -> None:
    class_names = points.point_classes(base)
    _buttons(edits, class_names)
    shown = points.editor_points(base, edits)
    horizontal, vertical = points.editor_plane(base, edits)
    axis_names = (
        base.feature_names
        if base.X.shape[1] == 2
        else (base.feature_names[0], base.target_names[0])
    )
    font = chart_font_size(DENSE_FONT_SIZE)
    figure = points_editor_figure(
        shown, horizontal, vertical, task=base.task, class_names=class_names,
        axis_names=axis_names, height=FIGURE_HEIGHT, font_size=font,
    )  # fmt: skip
    chart(
        figure, points_editor_alt(shown, base.task, class_names), key=(key := _chart_key()),
        on_select=partial(_on_click, base, class_names, key), selection_mode="points",
    )  # fmt: skip
    note = st.session_state.pop(NOTE, None)
    if note:
        st.info(note, icon=":material/block:")
    st.caption(
        f"{len(shown.X):,} points: {shown.n_generated:,} generated, {len(edits.added)} added by"
        f" you (at most {limits.MAX_ADDED_POINTS}); {base.n_samples - shown.n_generated:,}"
        " generated removed. The test fraction holds out part of them, as for generated data."
    )
    if shown.one_class_only(base.task):
        st.info(
            "Every point has the same class: a network that always answers it is 100%"
            " accurate, so accuracy means nothing here. Add points of another class."
        )
    _share_or_download(edits, base)


def points_panel(settings: LabSettings | None, key):
    """The 'Your own data' editor; returns (settings, run key) with the edits in them."""
    if settings is None or settings.dataset == UPLOADED:
        st.session_state.pop(EDITS, None)
        st.query_params.pop(URL_KEY, None)
        return settings, key
    try:
        base = make_lab_dataset(replace(settings, points=points.NO_EDITS))
    except UserInputError:  # the set-up itself is invalid: ensure_run says why
        return settings, key
    reason = points.not_editable_reason(base)
    if reason is None:
        edits = _edits_for(base)  # outside the expander: a link's warning must show
    else:
        edits = points.NO_EDITS
        st.session_state[EDITS], st.session_state[EDITS_FOR] = edits, base.name
    # The editor is built only while the panel is open: its figure is a fifth of a rerun.
    # Open at first when a link brought points. Set through Session State, never through
    # `expanded=`: a changed argument would make it a new widget, closed again.
    st.session_state.setdefault(PANEL_KEY, bool(edits))
    panel = st.expander(
        "Your own data: click to add or remove points", key=PANEL_KEY, on_change="rerun"
    )
    with panel:
        if reason is not None:
            st.caption(reason)
        elif panel.open:
            _editor(base, edits)
    if not edits:
        st.query_params.pop(URL_KEY, None)
        return settings, key
    settings = replace(settings, points=edits)
    return settings, (settings, key[1])
