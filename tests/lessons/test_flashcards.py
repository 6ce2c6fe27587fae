"""Flashcards: enough of them, on every required topic, and a loader that rejects bad files."""

import pytest

from lessons.flashcards import load_flashcards, parse_flashcards, topics


def test_at_least_twelve_cards_cover_the_required_topics():
    cards = load_flashcards()
    assert len(cards) >= 12
    assert {"definitions", "chain rule", "derivatives", "update rule", "learning rate"} <= set(
        topics(cards)
    )
    text = " ".join(card.front + card.back for card in cards).lower()
    for needed in ("sigmoid", "tanh", "relu", "learning rate", "chain rule"):
        assert needed in text


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        "{}",
        '[{"topic": "a", "front": "b"}]',
        '[{"topic": "a", "front": " ", "back": "c"}]',
        "[1]",
    ],
)
def test_bad_files_raise_value_error(text):
    with pytest.raises(ValueError):
        parse_flashcards(text)
