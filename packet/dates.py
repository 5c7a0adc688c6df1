"""Finding a document's clinical date: the day of service, collection, procedure, exam or visit.

Records carry many dates: birth, printed on, signed, received, comparison exams, the next
appointment, and the dates of the story a note tells ("On 5/6/97 she awakened..."). Each date
found in the text is classified by the label in front of it, and only a date on a header-like
line — a label and its value ("Date of service: 02/18/2026"), or a date standing alone near the
top, as letters have it — whose label says "this is when it happened" is chosen. Dates inside
sentences are never taken. No such date means no date: a wrong date is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from packet.lines import lines_of

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}  # fmt: skip

_MONTH = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"

# One alternation, tried left to right; names tell which parts were matched.
_DATE_RE = re.compile(
    r"(?<![\w/.-])(?:"
    r"(?P<iy>(?:19|20)\d\d)[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})(?=$|[^\d])"  # 2026-02-10
    r"|(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>(?:19|20)?\d\d)(?![\d/])"  # 02/10/2026, 2/10/26
    rf"|{_MONTH.replace('mon', 'mon1')}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)\b"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?[\s-]*{_MONTH.replace('mon', 'mon2')}[\s,-]*(?P<y2>(?:19|20)?\d\d)\b"
    r")",
    re.IGNORECASE,
)


class DateOrder(StrEnum):
    MONTH_FIRST = "month-first"
    DAY_FIRST = "day-first"


class Label(StrEnum):
    """What the words in front of a date say it is."""

    SERVICE = "service"  # date of service, collected, procedure, exam, visit, admitted...
    GENERIC = "generic"  # a bare "Date:"
    NONE = "none"  # no label
    BIRTH = "birth"
    PRINTED = "printed"
    SIGNED = "signed"
    REPORTED = "reported"
    RECEIVED = "received"
    COMPARISON = "comparison"
    FUTURE = "future"
    HISTORY = "history"


# Checked in this order: the first that matches the label text decides.
_LABEL_PATTERNS: tuple[tuple[Label, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE))
    for label, pattern in (
        (Label.BIRTH, r"\b(dob|d\.o\.b|date of birth|birth\s*date|birthdate|born|birthday)\b"),
        (
            Label.COMPARISON,
            r"\b(comparison|compared|correlation|prior (study|exam\w*)|previous (study|exam\w*))\b",
        ),
        (
            Label.FUTURE,
            r"\b(next|follow[- ]?up|return(ing)? (visit|on|in)|scheduled|upcoming|due|expir\w*"
            r"|rtc|refill|valid (until|through))\b",
        ),
        # A date inside the story ("her biopsy of 02/10/2026 showed") is not the document's date.
        (
            Label.HISTORY,
            r"\b(history|hx|previous\w*|prior|last|earlier|original|initial|in the past|her|his"
            r"|their|she|he|my|our|patient's|lmp|menstrual|edc|edd|delivery|gestation\w*)\b",
        ),
        (
            Label.PRINTED,
            r"\b(print\w*|run date|generated|downloaded|created on|page created|as of|fax\w*"
            r"|letter date|statement date|notice date|date of (letter|notice|statement))\b",
        ),
        (
            Label.SIGNED,
            r"\b(sign\w*|e-?signed|verified|finali[sz]ed|authenticated|dictated|transcribed"
            r"|approved|amended|addendum|cosigned)\b",
        ),
        (Label.RECEIVED, r"\b(received|receipt|accession\w*|logged|ordered)\b"),
        (Label.REPORTED, r"\b(report\w*|resulted|issued|released|completed on)\b"),
        (
            Label.SERVICE,
            r"\b(date of service|service date|dos|collect\w*|drawn|blood draw|draw date|specimen (date|taken|obtained)"
            r"|procedure|operation|surgery|exam(ination)?|study|scan|imaging|visit|encounter"
            r"|admi(t|tted|ssion)|consult\w*|seen on|performed|acquired|obtained|biopsy"
            r"|treatment|infusion|administered|arrival|arrived|appointment date|date of (visit|exam|procedure"
            r"|study|service|surgery|consultation|admission|collection))\b",
        ),
        (Label.GENERIC, r"\bdate\b"),
    )
)

_LABEL_TAIL = re.compile(r"[^\d:|]*$")
TOP_LINES = 12  # an unlabeled date this near the top is the document's own date (letters, notes)


@dataclass(frozen=True)
class DateMention:
    value: date
    text: str
    start: int
    line: int
    label: Label
    label_text: str
    header: bool = True  # on a header-like line, not inside a sentence


# Words that make a line a sentence of the story, not a header field.
_VERBS = re.compile(
    r"\b(was|were|is|are|had|has|have|been|will|would|did|does|underwent|undergone|showed|shows"
    r"|revealed|presented|awoke|developed|began|noted|reports?|states?|denies|returns?|came"
    r"|went|taken|seen in|reviewed from|diagnosed)\b",
    re.IGNORECASE,
)
_TIME = re.compile(r"^\s*(at\s+)?\d{1,2}[:.]\d{2}(:\d{2})?\s*([ap]\.?m\.?|hours|hrs|h)?\b", re.I)
_COLUMN = re.compile(r"\s{3,}|\t|\|")
_NEXT_FIELD = re.compile(r"\s*\b(?=[A-Z][A-Za-z/#() ]{0,30}:)")


def two_digit_year(yy: int, today: date) -> int:
    """26 -> 2026, 61 -> 1961: a year more than a year ahead of today belongs to last century."""
    year = 2000 + yy
    return year if year <= today.year + 1 else year - 100


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _parse_match(m: re.Match[str], order: DateOrder, today: date) -> date | None:
    g = m.groupdict()
    if g["iy"]:
        return _make(int(g["iy"]), int(g["im"]), int(g["id"]))
    if g["a"]:
        a, b, y = int(g["a"]), int(g["b"]), g["y"]
        year = int(y) if len(y) == 4 else two_digit_year(int(y), today)
        first, second = (b, a) if order is DateOrder.DAY_FIRST else (a, b)
        # An impossible reading (month 13) falls back to the other order.
        return _make(year, first, second) or _make(year, second, first)
    if g["mon1"]:
        return _make(int(g["y1"]), MONTHS[g["mon1"].lower().rstrip(".")], int(g["d1"]))
    if g["mon2"]:
        y = g["y2"]
        year = int(y) if len(y) == 4 else two_digit_year(int(y), today)
        return _make(year, MONTHS[g["mon2"].lower().rstrip(".")], int(g["d2"]))
    return None


def parse_date(
    text: str, order: DateOrder = DateOrder.MONTH_FIRST, today: date | None = None
) -> date | None:
    """Parse one date written in any of the forms records use; None if it is not one."""
    m = _DATE_RE.search(text.strip())
    if m is None or m.start() != 0:
        return None
    return _parse_match(m, order, today or date.today())


def classify_label(text: str) -> Label:
    text = text.strip(" \t:-|#*,.").lower()
    if not text:
        return Label.NONE
    for label, pattern in _LABEL_PATTERNS:
        if pattern.search(text):
            return label
    return Label.NONE


# Words that make a line above a date its label ("Date of Service" / "02/18/2026").
_LABEL_LINE = re.compile(
    r"\b(date|dob|d\.o\.b|born|collected|received|signed|printed|reported|service|exam|visit)\b",
    re.I,
)
# Section labels that rule over whatever else stands in front of the date.
_OVERRIDING = frozenset({Label.BIRTH, Label.COMPARISON, Label.FUTURE, Label.HISTORY})


def _header_like(before: str, after: str, line: str) -> bool:
    """Whether a date sits on a header-like line: "Label: date" or a date on its own, with at
    most a time or a few words after it, on a line that is not a sentence."""
    label = _COLUMN.split(before)[-1].strip()
    if len(label.split()) > 6 or re.search(r"[.;!?]\s", label):
        return False
    if _VERBS.search(label) and not label.endswith(":"):
        return False
    # What follows, up to the next column, label or date: "6:21 PM Discharge Date: ..." is a time.
    rest = _NEXT_FIELD.split(_COLUMN.split(after)[0].strip(), maxsplit=1)[0]
    rest = _DATE_RE.sub(" ", _TIME.sub("", rest)).strip(" ,.;)(-")
    # After "Label:" or "Date of ..." a table row may go on ("Date of service 09/15/2026
    # Lumpectomy Billed $18,400.00"); after anything else, a few words make it a sentence.
    explicit = label.endswith(":") or re.search(r"\bdate\b", label, re.I)
    if _VERBS.search(rest) or len(rest.split()) > (12 if explicit else 3):
        return False
    words = _DATE_RE.sub(" ", line).split()
    return not (len(words) > 14 and _VERBS.search(line))


def _label_before(
    before: str, lines: list[str], number: int, previous_end: int
) -> tuple[Label, str]:
    # A wide gap or a column separator ends one label and starts the next.
    segment = _COLUMN.split(before)[-1][-60:].strip(" :\t-")
    if not segment and number > 0 and previous_end == 0:
        above = lines[number - 1].strip()
        if (
            len(above) <= 40
            and not _DATE_RE.search(above)
            and (above.endswith(":") or _LABEL_LINE.search(above))
        ):
            segment = above.strip(" :\t-")
    # A value ends the label before it: "MRN: 00481516 Date of service" is "Date of service".
    tail_match = _LABEL_TAIL.search(segment)
    tail = tail_match.group(0).strip() if tail_match else segment
    whole, near = classify_label(segment), classify_label(tail)
    if whole in _OVERRIDING or near is Label.NONE:
        return whole, segment
    return near, tail


def find_dates(
    text: str, order: DateOrder = DateOrder.MONTH_FIRST, today: date | None = None
) -> list[DateMention]:
    """Every date in the text, in reading order, with the label in front of it."""
    today = today or date.today()
    mentions: list[DateMention] = []
    lines = lines_of(text)
    for number, line in enumerate(lines):
        previous_end = 0
        for m in _DATE_RE.finditer(line):
            value = _parse_match(m, order, today)
            if value is None or value.year < 1900:
                continue
            before = line[previous_end : m.start()]
            label, label_text = _label_before(before, lines, number, previous_end)
            header = _header_like(before, line[m.end() :], line)
            mentions.append(
                DateMention(value, m.group(0), m.start(), number, label, label_text, header)
            )
            previous_end = m.end()
    return mentions


@dataclass(frozen=True)
class ClinicalDate:
    value: date
    how: str  # the evidence, in words


def clinical_date(
    text: str,
    order: DateOrder = DateOrder.MONTH_FIRST,
    birth_date: date | None = None,
    today: date | None = None,
) -> ClinicalDate | None:
    """The date the document's event happened, or None when the text does not say."""
    today = today or date.today()
    mentions = find_dates(text, order, today)
    births = {m.value for m in mentions if m.label is Label.BIRTH}
    if birth_date is not None:
        births.add(birth_date)
    usable = [m for m in mentions if m.value not in births and m.value <= today and m.header]

    for wanted in (Label.SERVICE, Label.GENERIC):
        for m in usable:
            if m.label is wanted:
                label = " ".join(m.label_text.strip(" \t:-|#*").split())
                return ClinicalDate(m.value, f"'{label}: {m.text}' (line {m.line + 1})")

    # Unlabeled dates count only at the top of the document, and only when they agree.
    nonblank = [i for i, line in enumerate(lines_of(text)) if line.strip()][:TOP_LINES]
    top_limit = nonblank[-1] if nonblank else -1
    # "At the top" means alone: a date after a label packet does not know ("LMP: ...") is not.
    top = [m for m in usable if m.label is Label.NONE and not m.label_text and m.line <= top_limit]
    if top and len({m.value for m in top}) == 1:
        m = top[0]
        return ClinicalDate(m.value, f"'{m.text}' at the top of the document (line {m.line + 1})")
    return None


# File and folder names: "MAMMO DX BILAT 2-3-26.pdf", "2026-03-05 CT chest", "path_20260210.pdf".
_COMPACT_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(\d\d)(\d\d)(?!\d)")
_CAMERA_NAME_RE = re.compile(
    r"^(img|pxl|dsc|dscn|dcim|photo|screenshot|signal|whatsapp|vid|mvimg)", re.I
)
# The words of names that scanner apps, phones, fax machines and browsers give by themselves
# ("Scan 2026-03-01 (2)", "Scanned_20260301_1012", "WhatsApp Image 2026-03-12 at 10.15.00",
# "CamScanner 03-01-2026 10.12", "Fax_20260302", "Document (3)"): their date is when paper met
# a scanner or a file was saved, not when the patient was seen.
_MACHINE_WORDS = frozenset({
    "scan", "scans", "scanned", "scanner", "camscanner", "adobe", "genius", "tiny", "turboscan",
    "lens", "microsoft", "office", "img", "image", "images", "pxl", "dsc", "dscn", "dcim",
    "photo", "photos", "picture", "pic", "screenshot", "screen", "shot", "capture", "snapshot",
    "signal", "whatsapp", "vid", "mvimg", "fax", "faxed", "doc", "docs", "document",
    "documents", "download", "downloads", "downloaded", "file", "files", "untitled", "page",
    "pages", "copy", "new", "at", "am", "pm",
})  # fmt: skip


def machine_name(name: str) -> bool:
    """A name made by a device or an app: nothing in it but machine words, dates and numbers."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)
    words = re.findall(r"[^\W\d_]+", _DATE_RE.sub(" ", stem.replace("_", " ")))
    return bool(words) and all(w.casefold() in _MACHINE_WORDS for w in words)


def date_from_name(
    name: str, order: DateOrder = DateOrder.MONTH_FIRST, today: date | None = None
) -> date | None:
    """A date written into a file or folder name by a person, not by a camera or scanner."""
    today = today or date.today()
    if _CAMERA_NAME_RE.match(name) or machine_name(name):
        return None  # a camera's or a scanner's clock, not the day of care
    spaced = re.sub(r"[_]+", " ", name)
    for m in _DATE_RE.finditer(spaced):
        value = _parse_match(m, order, today)
        if value is not None and value.year >= 1900 and value <= today:
            return value
    compact = _COMPACT_RE.search(name)
    if compact:
        value = _make(int(compact.group(1)), int(compact.group(2)), int(compact.group(3)))
        if value is not None and value <= today:
            return value
    return None
