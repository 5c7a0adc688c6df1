"""HTML as text, for the HTML that emails and Word documents carry: scripts and style sheets
dropped, line breaks kept, tags removed, entities decoded. Linear in the page's length, whatever
its markup (hostile pages of unclosed tags included).
"""

from __future__ import annotations

import html
import re


def html_text(page: str) -> str:
    page = _without_hidden(page)
    page = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</h\d>|</li>", "\n", page)
    # [^<>]: a tag that never closes ends where the next one starts, so each '<' is
    # scanned past once (with [^>] a page of unclosed '<' took time in their square).
    return html.unescape(re.sub(r"<[^<>]+>", "", page))


HIDDEN_START = re.compile(r"<(script|style)\b", re.IGNORECASE)
HIDDEN_END = {
    "script": re.compile(r"</script\s*>", re.IGNORECASE),
    "style": re.compile(r"</style\s*>", re.IGNORECASE),
}


def _without_hidden(page: str) -> str:
    """The HTML without its scripts and style sheets, in one pass: every search starts where
    the last one ended. (A backreferencing regex scanned to the end from every '<style' that is
    never closed: 0.9 MB of them never finished.) An element that is never closed is kept, as
    the tag stripper then shows its text."""
    kept: list[str] = []
    at = 0
    while start := HIDDEN_START.search(page, at):
        kept.append(page[at : start.start()])
        end = HIDDEN_END[start.group(1).lower()].search(page, start.end())
        if end is None:
            at = start.start()
            break
        at = end.end()
    kept.append(page[at:])
    return "".join(kept)
