"""Backprop Lab: the entry point and router. Run with `make run`."""

# Imported here, once, before any page runs: two sessions importing pandas (through Plotly)
# at the same moment after a cold start can see a half-initialised module.
import numpy  # noqa: F401
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
import streamlit as st

from app_pages.common import apply_page_style, error_boundary, presenter_toggle
from app_pages.links import (
    drop_non_finite_url_params,
    note_ignored_url_params,
    share_link,
    url_params_snapshot,
)

st.set_page_config(page_title="Backprop Lab", page_icon=":material/neurology:", layout="wide")

# Read before any widget runs: a bound widget silently drops a URL value it cannot accept.
sent_params = url_params_snapshot()
# Streamlit 1.67 crashes seeding an int widget from `1e309`: drop such values, then rerun.
dropped_params = drop_non_finite_url_params(sent_params)

PAGES = {
    "Start": [
        st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
    ],
    "Explore": [
        st.Page(
            "app_pages/step_by_step.py",
            title="Step by step",
            icon=":material/footprint:",
            url_path="step",
        ),
        st.Page(
            "app_pages/training_lab.py",
            title="Training lab",
            icon=":material/science:",
            url_path="lab",
        ),
        st.Page(
            "app_pages/class_room.py",
            title="Class room",
            icon=":material/co_present:",
            url_path="class",
        ),
    ],
    "Learn": [
        st.Page(
            "app_pages/activations.py",
            title="Activation functions",
            icon=":material/show_chart:",
            url_path="activations",
        ),
        st.Page(
            "app_pages/chain_rule.py",
            title="Chain rule graph",
            icon=":material/account_tree:",
            url_path="chain-rule",
        ),
        st.Page(
            "app_pages/learning_rate.py",
            title="Learning rate",
            icon=":material/tune:",
            url_path="learning-rate",
        ),
        st.Page(
            "app_pages/worked_example.py",
            title="Worked example",
            icon=":material/menu_book:",
            url_path="worked-example",
        ),
        st.Page(
            "app_pages/glossary.py",
            title="Glossary",
            icon=":material/dictionary:",
            url_path="glossary",
        ),
    ],
    "Practise": [
        st.Page(
            "app_pages/practice.py",
            title="Practice",
            icon=":material/edit_note:",
            url_path="practice",
        ),
    ],
}

# Top bar of every page: the controls a teacher needs stay here even when the sidebar is hidden.
with st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center"):
    share_slot = st.container(width="content")
    presenting = presenter_toggle()
notes = st.container()
apply_page_style()

page = st.navigation(PAGES, position="top" if presenting else "sidebar")
if dropped_params:
    st.rerun()  # after st.navigation, so the rerun stays on the requested page
try:
    with error_boundary("this page"):  # a page's own boundary should catch first; this is the net
        page.run()
finally:
    note_ignored_url_params(sent_params, notes)
    with share_slot:
        share_link()  # after the page ran, so the link carries the page's settings
