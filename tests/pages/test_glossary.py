"""AppTest of the glossary page: every symbol and term is listed with working page links, the
search narrows the list, and the 'symbols on this page' expander lists what a page uses."""

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lessons.glossary import PAGE_LINKS, TERMS
from lessons.notation import SYMBOLS

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page(page).run()


def registered_pages() -> dict[str, str]:
    """url path -> page file, read from app.py's st.Page calls."""
    text = (ROOT / "app.py").read_text()
    pages = {}
    for call in re.findall(r"st\.Page\((.*?)\)", text, re.S):
        file = re.search(r'"(app_pages/[a-z_]+\.py)"', call).group(1)
        url = re.search(r'url_path="([a-z-]+)"', call)
        pages[url.group(1) if url else "home"] = file
    return pages


def test_page_links_table_matches_the_pages_app_py_registers():
    registered = registered_pages()
    for url_path, (file, _) in PAGE_LINKS.items():
        assert registered.get(url_path) == file, url_path


def test_glossary_lists_every_symbol_and_term_with_links():
    at = open_page("app_pages/glossary.py")
    assert not at.exception and not at.error
    latex = [block.value for block in at.latex]
    assert len(latex) == len(SYMBOLS) + 1  # one per symbol and the update rule
    text = " ".join(m.value for m in at.markdown)
    for term in TERMS:
        assert f"**{term.name}**" in text
    links = {link.proto.page for link in at.get("page_link")}
    assert links == {path for entry in (*SYMBOLS, *TERMS) for path in entry.pages}


def test_search_narrows_the_glossary():
    at = open_page("app_pages/glossary.py")
    at.text_input(key="glossary_search").input("momentum").run()
    text = " ".join(m.value for m in at.markdown)
    assert "**Momentum**" in text and "**Epoch**" not in text


def test_symbols_expander_lists_the_symbols_a_page_uses():
    at = open_page("app_pages/worked_example.py")
    expander = next(e for e in at.expander if e.label == "Symbols on this page")
    text = " ".join(m.value for m in expander.markdown)
    assert "net input" in text and "learning rate" in text.lower()
    assert "softmax" not in text.lower()  # not used on this page
