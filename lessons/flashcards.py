"""Flashcards for revision: loaded once from assets/flashcards.json and checked on the way in.

Each card names the page that shows its idea (a url path of lessons.glossary.PAGE_LINKS).
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lessons.glossary import PAGE_LINKS

FLASHCARDS_PATH = Path(__file__).resolve().parent.parent / "assets" / "flashcards.json"


@dataclass(frozen=True)
class Flashcard:
    """A question and its answer (Markdown with $...$ LaTeX), and the page that shows it."""

    topic: str
    front: str
    back: str
    page: str  # url path, a key of PAGE_LINKS

    @property
    def page_file(self) -> str:
        return PAGE_LINKS[self.page][0]

    @property
    def page_title(self) -> str:
        return PAGE_LINKS[self.page][1]


def parse_flashcards(text: str) -> tuple[Flashcard, ...]:
    """Flashcards from JSON text: a list of objects with non-empty topic, front, back and page
    (a url path of a page of the app)."""
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"The flashcards file is not valid JSON: {error}.") from None
    if not isinstance(records, list) or not records:
        raise ValueError("The flashcards file must hold a non-empty list of cards.")
    cards = []
    for index, record in enumerate(records):
        fields = {}
        for field in ("topic", "front", "back", "page"):
            value = record.get(field) if isinstance(record, dict) else None
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"Flashcard {index + 1} needs a non-empty text field {field!r}.")
            fields[field] = value.strip()
        if fields["page"] not in PAGE_LINKS:
            raise ValueError(
                f"Flashcard {index + 1} links to an unknown page {fields['page']!r}; use one of:"
                f" {', '.join(PAGE_LINKS)}."
            )
        cards.append(Flashcard(**fields))
    return tuple(cards)


@cache
def load_flashcards(path: Path = FLASHCARDS_PATH) -> tuple[Flashcard, ...]:
    """All flashcards, in file order (read once per process; the result is immutable)."""
    return parse_flashcards(Path(path).read_text(encoding="utf-8"))


def topics(cards: tuple[Flashcard, ...]) -> list[str]:
    """The distinct topics of `cards`, in order of first appearance."""
    return list(dict.fromkeys(card.topic for card in cards))
