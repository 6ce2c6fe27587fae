"""Pages stay thin: no file in app_pages/ over MAX_PAGE_LINES lines (issue 11, item 7)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_PAGE_LINES = 400


def _page_lengths() -> dict[str, int]:
    return {
        path.relative_to(ROOT).as_posix(): len(path.read_text().splitlines())
        for path in sorted((ROOT / "app_pages").rglob("*.py"))
    }


def test_pages_are_thin():
    too_long = {name: n for name, n in _page_lengths().items() if n > MAX_PAGE_LINES}
    assert too_long == {}
