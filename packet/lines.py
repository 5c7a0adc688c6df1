"""A record's text cut into lines for the readers (category, date, facts): one bound on a line's
length, so that no pattern ever runs over a pasted page that arrives as a single line.

Patterns that look around a word are costly on a line of tens of thousands of characters (a
64 KB line of "Stage IIA" took the facts reader two minutes); a real line of a report is a few
hundred characters, so a longer one is cut at a space into pieces of at most MAX_LINE.
"""

from __future__ import annotations

MAX_LINE = 1000  # characters


def lines_of(text: str) -> list[str]:
    """`text.splitlines()`, with every line longer than MAX_LINE cut at a space (or, with no
    space near, at MAX_LINE)."""
    out: list[str] = []
    for line in text.splitlines():
        while len(line) > MAX_LINE:
            cut = line.rfind(" ", MAX_LINE // 2, MAX_LINE)
            cut = cut if cut > 0 else MAX_LINE
            out.append(line[:cut])
            line = line[cut:].lstrip()
        out.append(line)
    return out
