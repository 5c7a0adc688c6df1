"""Counting in words: "1 document", "2 documents", never "document(s)"."""

from __future__ import annotations

IRREGULAR = {"study": "studies", "medicine": "medicines", "this": "these", "is": "are"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """`count` and the word, in the form that count takes."""
    if count == 1:
        return f"{count} {word}"
    form = many or IRREGULAR.get(word) or (word[:-1] + "ies" if word.endswith("y") else word + "s")
    return f"{count} {form}"
