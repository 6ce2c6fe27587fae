"""Flashcards: enough of them, on every required topic, each linked to a registered page, and
a loader that rejects bad files."""

import re
from pathlib import Path

import pytest

from lessons.flashcards import load_flashcards, parse_flashcards, topics

APP = Path(__file__).resolve().parents[2] / "app.py"


def test_at_least_24_cards_cover_the_required_topics():
    cards = load_flashcards()
    assert len(cards) >= 24
    required = {
        "forward pass", "initialisation", "softmax", "batch", "learning rate",
        "vanishing and exploding", "derivatives", "update rule", "chain rule",
    }  # fmt: skip
    assert required <= set(topics(cards))
    text = " ".join(card.front + card.back for card in cards)
    for needed in ("sigmoid", "tanh", "relu", "leaky relu", "linear", "softmax", "xavier"):
        assert needed in text.lower()
    assert "He uses" in text


def test_every_card_links_to_a_page_registered_in_app_py():
    registered = set(re.findall(r'st\.Page\(\s*"(app_pages/[a-z_]+\.py)"', APP.read_text()))
    for card in load_flashcards():
        assert card.page_file in registered, card.front


def test_cards_use_the_one_update_form_and_the_weighted_vanishing_bound():
    text = " ".join(card.back for card in load_flashcards())
    assert "\\leftarrow" not in text  # the old w <- w - eta dL/dw
    assert "w_{\\text{new}} = w - \\eta" in text
    assert "\\max f' \\cdot |w|" in text  # not (1/4)^n whatever the weights


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        "{}",
        '[{"topic": "a", "front": "b", "page": "step"}]',
        '[{"topic": "a", "front": " ", "back": "c", "page": "step"}]',
        '[{"topic": "a", "front": "b", "back": "c"}]',
        '[{"topic": "a", "front": "b", "back": "c", "page": "nowhere"}]',
        "[1]",
    ],
)
def test_bad_files_raise_value_error(text):
    with pytest.raises(ValueError):
        parse_flashcards(text)
