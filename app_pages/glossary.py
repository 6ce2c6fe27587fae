"""Glossary: every symbol of the app's one notation and every term, each with a one-line
meaning and links to the pages that show it."""

import streamlit as st

from lessons.glossary import PAGE_LINKS, TERMS
from lessons.notation import BIAS_UPDATE_RULE, SYMBOLS, UPDATE_RULE


def page_links(paths: tuple[str, ...]) -> None:
    """One small link per page, side by side."""
    if not paths:
        return
    with st.container(horizontal=True, gap="small"):
        for path in paths:
            file, title = PAGE_LINKS[path]
            st.page_link(file, label=title, width="content")


st.title("Glossary")
st.write(
    "One notation is used on every page. z is a unit's pre-activation, a = f(z) its activation,"
    " L the loss (the mean over the N examples of a batch), δ = ∂L/∂z a unit's delta and η the"
    " learning rate. A superscript in parentheses is the layer, (0) being the input; the"
    " subscripts j and k name the receiving and the sending unit, so w⁽ˡ⁾ⱼₖ joins unit k of"
    " layer l − 1 to unit j of layer l. Every update is written the same way:"
)
st.latex(UPDATE_RULE + r",\qquad " + BIAS_UPDATE_RULE)

search = (
    st.text_input(
        "Find a symbol or term", key="glossary_search", max_chars=40, placeholder="e.g. delta"
    )
    .strip()
    .lower()
)

st.header("Symbols")
for symbol in SYMBOLS:
    if search and search not in (symbol.meaning + " " + symbol.token).lower():
        continue
    with st.container(border=True):
        left, right = st.columns([1, 4], vertical_alignment="center")
        left.latex(symbol.latex)
        with right:
            st.markdown(symbol.meaning)
            page_links(symbol.pages)

st.header("Terms")
for term in TERMS:
    if search and search not in (term.name + " " + term.meaning).lower():
        continue
    with st.container(border=True):
        st.markdown(f"**{term.name}**: {term.meaning}")
        page_links(term.pages)
