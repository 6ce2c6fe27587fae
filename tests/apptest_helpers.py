"""Helpers shared by the AppTest page tests."""

from streamlit.testing.v1 import AppTest


def elements_in_order(at: AppTest) -> list:
    """The page's main-area elements in the order they are drawn (depth first)."""
    found = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if children is None:
            found.append(node)
            return
        for index in sorted(children):
            walk(children[index])

    walk(at.main)
    return found


def chart_captions(at: AppTest) -> list[str]:
    """The caption right after each Plotly chart ('' when a chart has none)."""
    elements = elements_in_order(at)
    captions = []
    for index, element in enumerate(elements):
        if element.type == "plotly_chart":
            following = elements[index + 1] if index + 1 < len(elements) else None
            is_caption = following is not None and following.type == "caption"
            captions.append(following.value if is_caption else "")
    return captions
