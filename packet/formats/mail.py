"""Emails saved as files (.eml): the message becomes a page (from, to, date, subject, text) and
each attachment is read as if it were a file in the folder.

The stdlib parses a header's value only when it is asked for, and that parsing is not built for
hostile input: its memory grows with the square of the number of RFC 2047 encoded words in one
header (a 280 KB message reached 3 GB) and its time with the square of the addresses in one
(100,000 took minutes). Every header of every part is cut to a bound before it is parsed:
also while the message itself is parsed, which reads each part's Content-Type (a 400 KB one
took two minutes), through `BOUNDED`, a policy that cuts a value before parsing it.
"""

from __future__ import annotations

import codecs
import email
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import errors, policy
from email.message import EmailMessage, Message, MIMEPart
from email.policy import EmailPolicy
from email.utils import parsedate_to_datetime
from pathlib import Path

from packet.formats.html import html_text

HEADER_START = re.compile(
    rb"^(from|to|subject|date|received|return-path|delivered-to|mime-version|message-id|"
    rb"x-[\w-]+|reply-to|cc|content-type):",
    re.IGNORECASE,
)
MAX_EMAIL = 200_000_000  # bytes: a message larger than this is not parsed
MAX_HEADER = 16_000  # characters of one header's value
# Content-Type and Content-Disposition are parsed again each time they are asked for (the parser
# itself asks several times a part), in time that grows faster than their length: 16,000
# characters cost 0.6 s a parse. A real one (type, charset, boundary, name) is under 300.
MAX_CONTENT_HEADER = 2_000
CONTENT_HEADERS = frozenset({"content-type", "content-disposition"})
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
    charsets: list[str] = field(default_factory=list)  # unknown to Python, read by a stand-in


# Headers only mail programs write: a memo's "From:/To:/Date:/Subject:" lines have none of them.
MAIL_ONLY = re.compile(
    rb"^(received|return-path|delivered-to|mime-version|message-id|content-type|"
    rb"content-transfer-encoding|x-[\w-]+|reply-to|in-reply-to|references|sender|"
    rb"dkim-signature|authentication-results|arc-[\w-]+|thread-index|thread-topic):",
    re.IGNORECASE | re.MULTILINE,
)

# The lines a message opens with: "Name: value", or a value continued on an indented line.
HEADER_BLOCK = re.compile(rb"(?:[!-9;-~]+:[^\n]*\n|[ \t][^\n]*\n)*")


def looks_like_email(head: bytes, suffix: str) -> bool:
    """An .eml file, or a file that starts like one: header lines ("From:", "Received:"), at
    least one of which only a mail program writes. A typed memo that opens with From, To, Date
    and Subject lines is text: read as an email it would lose its other lines."""
    if suffix in (".eml", ".mht") and head.lstrip()[:1].isalpha():
        return True
    start = head.lstrip()
    lines = start.split(b"\n", 6)[:5]
    if len(lines) < 3 or sum(bool(HEADER_START.match(line)) for line in lines) < 3:
        return False
    block = HEADER_BLOCK.match(start)
    headers = block.group(0) if block else b""
    # A block that fills the whole head is a mail program's (no memo has 4 KB of them).
    return len(headers) >= len(start) - 1 or MAIL_ONLY.search(headers) is not None


# Charsets mail programs name that Python's codecs do not know, and the codec that reads them.
# The "-i" and "-e" Hebrew and Arabic variants only say in which order the letters are shown.
CHARSET_ALIASES = {
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-8-e": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "iso-8859-6-e": "iso-8859-6",
    "windows-874": "cp874",
    "x-user-defined": "cp1252",
    "x-mac-roman": "mac-roman",
}


def decode_part(part: Message, unknown: list[str]) -> str:
    """A text part's text in its charset, or in the codec it means, or else as UTF-8 with what
    does not decode replaced: never dropped. A charset read by a stand-in goes into `unknown`."""
    payload = part.get_payload(decode=True)
    raw = payload if isinstance(payload, bytes) else b""
    charset = str(part.get_content_charset() or "us-ascii")
    for name in (charset, CHARSET_ALIASES.get(charset.lower())):
        if name is None:
            continue
        try:
            codecs.lookup(name)
        except LookupError:
            continue
        if name != charset:
            unknown.append(charset)
        return raw.decode(name, errors="replace")
    unknown.append(charset)
    return raw.decode("utf-8", errors="replace")


def _is_text(part: Message) -> bool:
    """A part of the message's own text: plain or HTML, shown inline, without a file name."""
    return (
        part.get_content_type() in ("text/plain", "text/html")
        and part.get_content_disposition() != "attachment"
        and not part.get_filename()
    )


def _walk(part: MIMEPart, body: Message | None, shown: bool) -> Iterator[tuple[MIMEPart, bool]]:
    """Every leaf part below `part` (a forwarded message is a leaf), and whether it is shown
    as the text: an alternative shows only the branch that holds the body (or its last, the
    richest); its other branches repeat that text, but their attachments are the message's
    all the same (Apple Mail puts them in the HTML branch, alternative→mixed)."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part, shown
        return
    children = list(part.iter_parts())
    alternative = part.get_content_subtype() == "alternative"
    chosen = children[-1] if children else None
    if alternative and body is not None:
        chosen = next((c for c in children if any(p is body for p in c.walk())), chosen)
    for child in children:
        yield from _walk(child, body, shown and (not alternative or child is chosen))


def _content(message: EmailMessage, unknown: list[str]) -> tuple[str, list[MIMEPart]]:
    """The message's text (its body, and the text parts shown after an attachment, as a
    forward or Apple Mail sends them), and every other leaf part: its attachments."""
    body = message.get_body(preferencelist=("plain", "html"))
    texts: list[str] = []
    others: list[MIMEPart] = []
    for part, shown in _walk(message, body, True):
        if part is body or (shown and _is_text(part)):
            content = decode_part(part, unknown)
            if part.get_content_subtype() == "html":
                content = html_text(content)
            texts.append(content.strip())
        elif not _is_text(part):  # a text part of a branch not shown repeats the body
            others.append(part)
    text = "\n\n".join(t for t in texts if t)
    return re.sub(r"\n{3,}", "\n\n", text).strip(), others


def _bounded(name: str, value: str) -> str | None:
    """The header's value cut to its bounds, or None when it is within them. It is cut before
        its 101st encoded word or address, or at a space before its 16,000th character (2,000th for
    Content-Type and Content-Disposition)."""
    cuts = []
    limit = MAX_CONTENT_HEADER if name.lower() in CONTENT_HEADERS else MAX_HEADER
    if len(value) > limit:
        space = max(value.rfind(" ", 0, limit), value.rfind("\t", 0, limit))
        cuts.append(space if space > 0 else limit)
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


class _BoundedPolicy(EmailPolicy):
    """The stdlib's default policy, but a header's value is cut to its bounds before it is
    parsed, whoever asks for it (the parser itself asks for every part's Content-Type)."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        shorter = _bounded(name, value)
        return super().header_fetch_parse(name, value if shorter is None else shorter)  # type: ignore[no-any-return]


BOUNDED = _BoundedPolicy()


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


# What the stdlib's header parser has raised on malformed values, beside its own errors:
# IndexError (a quoted string left open after an address), and the others of its bug reports.
HEADER_ERRORS = (
    errors.MessageError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    LookupError,
    RecursionError,
)


def _header(message: Message, name: str) -> str:
    """A header's value as the parser reads it, or as written when the parser fails on it: a
    malformed From or To costs its own reading, not the email and its attachments."""
    try:
        return str(message.get(name, "") or "").strip()
    except HEADER_ERRORS:
        raw = next((value for key, value in message.raw_items() if key.lower() == name.lower()), "")
        return " ".join(str(raw).split())


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
        message = email.message_from_binary_file(f, policy=BOUNDED)
    assert isinstance(message, EmailMessage)
    cut = _bound_headers(message)
    subject = _header(message, "Subject")
    lines = [f"# Email: {subject}" if subject else "# Email"]
    for label in ("From", "To", "Cc", "Date"):  # the subject is the heading
        value = _header(message, label)
        if label == "Date" and value:
            value = _iso_date(value)
        if value:
            lines.append(f"{label}: {value}")
    unknown: list[str] = []
    text, parts = _content(message, unknown)
    lines += ["", text]
    attachments: list[tuple[str, bytes]] = []
    for part in parts:
        if part.get_content_type() == "message/rfc822":
            inner = part.get_content()
            name = part.get_filename() or f"{inner.get('Subject', 'message') or 'message'}.eml"
            attachments.append((name, inner.as_bytes(policy=policy.default)))
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            attachments.append((part.get_filename() or "attachment", payload))
    charsets = list(dict.fromkeys(unknown))
    return Email(subject, "\n".join(lines) + "\n", attachments, cut, charsets)
