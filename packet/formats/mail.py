"""Emails saved as files (.eml): the message becomes a page (from, to, date, subject, text) and
each attachment is read as if it were a file in the folder.

The stdlib parses a header's value only when it is asked for, and that parsing is not built for
hostile input: its memory grows with the square of the number of RFC 2047 encoded words in one
header (a 280 KB message reached 3 GB) and its time with the square of the addresses in one
(100,000 took minutes). Every header of every part is cut to a bound before it is parsed.
"""

from __future__ import annotations

import email
import html
import itertools
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.utils import parsedate_to_datetime
from pathlib import Path

HEADER_START = re.compile(
    rb"^(from|to|subject|date|received|return-path|delivered-to|mime-version|message-id|"
    rb"x-[\w-]+|reply-to|cc|content-type):",
    re.IGNORECASE,
)
MAX_EMAIL = 200_000_000  # bytes: a message larger than this is not parsed
MAX_HEADER = 16_000  # characters of one header's value
MAX_ENCODED_WORDS = 100  # RFC 2047 words (=?utf-8?q?...?=) in one header
MAX_ADDRESSES = 100  # in one address header
ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")
ADDRESS_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "reply-to", "sender", "resent-from", "resent-to", "resent-cc"}
)


@dataclass
class Email:
    subject: str
    text: str  # the page: headers, then the body
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    cut: list[str] = field(default_factory=list)  # headers cut to their bound, by name


def looks_like_email(head: bytes, suffix: str) -> bool:
    """An .eml file, or a file that starts like one (header lines, "From:" or "Received:")."""
    if suffix in (".eml", ".mht") and head.lstrip()[:1].isalpha():
        return True
    lines = head.lstrip().split(b"\n", 6)[:5]
    return len(lines) >= 3 and sum(bool(HEADER_START.match(line)) for line in lines) >= 3


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_subtype() == "html":
        content = _without_hidden(str(content))
        content = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</h\d>", "\n", content)
        # [^<>]: a tag that never closes ends where the next one starts, so each '<' is
        # scanned past once (with [^>] a page of unclosed '<' took time in their square).
        content = html.unescape(re.sub(r"<[^<>]+>", "", content))
    return re.sub(r"\n{3,}", "\n\n", str(content)).strip()


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


def _bounded(name: str, value: str) -> str | None:
    """The header's value cut to its bounds, or None when it is within them. It is cut before
    its 101st encoded word or address, or at a space before its 16,000th character."""
    cuts = []
    if len(value) > MAX_HEADER:
        space = max(value.rfind(" ", 0, MAX_HEADER), value.rfind("\t", 0, MAX_HEADER))
        cuts.append(space if space > 0 else MAX_HEADER)
    word = next(itertools.islice(ENCODED_WORD.finditer(value), MAX_ENCODED_WORDS, None), None)
    if word is not None:
        cuts.append(word.start())
    if name.lower() in ADDRESS_HEADERS:
        comma = -1
        for _ in range(MAX_ADDRESSES):
            comma = value.find(",", comma + 1)
            if comma < 0:
                break
        if comma >= 0:
            cuts.append(comma)
    if not cuts:
        return None
    return value[: min(cuts)].rstrip(" \t\r\n,")


def _bound_headers(message: Message) -> list[str]:
    """Every header of every part cut to its bounds before anything parses it; the names of
    the headers cut. Only raw values are read and stored (`raw_items`, `set_raw`)."""
    cut: list[str] = []
    for part in message.walk():
        items = list(part.raw_items())
        bounded = [(name, _bounded(name, value)) for name, value in items]
        if all(value is None for _, value in bounded):
            continue
        for name in {name for name, _ in items}:
            del part[name]
        for (name, value), (_, shorter) in zip(items, bounded, strict=True):
            part.set_raw(name, value if shorter is None else shorter)
            if shorter is not None:
                cut.append(name)
    return cut


def _iso_date(value: str) -> str:
    """An email's date header (Tue, 10 Feb 2026 09:30:00 -0500) as 2026-02-10 09:30."""
    try:
        return parsedate_to_datetime(value).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError, IndexError):
        return value


def read(path: Path) -> Email:
    if path.stat().st_size > MAX_EMAIL:
        raise ValueError("email too large")
    with path.open("rb") as f:
        message = email.message_from_binary_file(f, policy=policy.default)
    assert isinstance(message, EmailMessage)
    cut = _bound_headers(message)
    subject = str(message.get("Subject", "") or "").strip()
    lines = [f"# Email: {subject}" if subject else "# Email"]
    for label in ("From", "To", "Cc", "Date"):  # the subject is the heading
        value = str(message.get(label, "") or "").strip()
        if label == "Date" and value:
            value = _iso_date(value)
        if value:
            lines.append(f"{label}: {value}")
    lines += ["", _body_text(message)]
    attachments: list[tuple[str, bytes]] = []
    for part in message.iter_attachments():
        if part.get_content_type() == "message/rfc822":
            inner = part.get_content()
            name = part.get_filename() or f"{inner.get('Subject', 'message') or 'message'}.eml"
            attachments.append((name, inner.as_bytes(policy=policy.default)))
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            attachments.append((part.get_filename() or "attachment", payload))
    return Email(subject, "\n".join(lines) + "\n", attachments, cut)
