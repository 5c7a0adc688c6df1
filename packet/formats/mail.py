"""Emails saved as files (.eml): the message becomes a page (from, to, date, subject, text) and
each attachment is read as if it were a file in the folder.
"""

from __future__ import annotations

import email
import html
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

HEADER_START = re.compile(
    rb"^(from|to|subject|date|received|return-path|delivered-to|mime-version|message-id|"
    rb"x-[\w-]+|reply-to|cc|content-type):",
    re.IGNORECASE,
)
MAX_EMAIL = 200_000_000  # bytes: a message larger than this is not parsed


@dataclass
class Email:
    subject: str
    text: str  # the page: headers, then the body
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


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
        content = re.sub(r"(?is)<(script|style).*?</\1>", "", content)
        content = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</h\d>", "\n", content)
        content = html.unescape(re.sub(r"<[^>]+>", "", content))
    return re.sub(r"\n{3,}", "\n\n", str(content)).strip()


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
    return Email(subject, "\n".join(lines) + "\n", attachments)
