"""Who a record belongs to: one identity model for the patient of packet.toml, DICOM headers and
document header lines, compared the way records actually write names and dates of birth."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from packet.dates import DateOrder, parse_date


class Match(StrEnum):
    SAME = "same"
    UNCERTAIN = "uncertain"  # one of name and date of birth differs: a warning naming both
    DIFFERENT = "different"  # the date of birth differs, or both differ: an error


_SEPARATORS = re.compile(r"[\s^,\-‐-―_./]+")
_APOSTROPHES = re.compile(r"['’‘`´ʼ]")


def fold(text: str) -> str:
    """Lower case, accents and apostrophes removed: 'Núñez-O'Brien' -> 'nunez-obrien'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _APOSTROPHES.sub("", plain).casefold()


def name_parts(name: str) -> list[str]:
    """The name's words after folding, hyphenated surnames split, in any order
    (LAST^FIRST, 'Last, First Middle' and 'First Last' all give the same words)."""
    return [w for w in _SEPARATORS.split(fold(name)) if w]


@dataclass(frozen=True)
class Identity:
    name: str = ""
    date_of_birth: dt.date | None = None

    def describe(self) -> str:
        born = f", born {self.date_of_birth.isoformat()}" if self.date_of_birth else ""
        return f"{self.name or 'no name'}{born}"


def _word_found(word: str, others: list[str]) -> bool:
    if word in others:
        return True
    if len(word) == 1:
        return any(o.startswith(word) for o in others)
    return word[0] in others  # the other name has only this word's initial


def _names_agree(ours: str, theirs: str) -> bool | None:
    """True when every word of one name is in the other (so middle names are optional and an
    initial stands for its word) and at least two full words are shared, unless a name is
    one word long; None when either name is missing."""
    a, b = name_parts(ours), name_parts(theirs)
    if not a or not b:
        return None
    covered = all(_word_found(w, b) for w in a) or all(_word_found(w, a) for w in b)
    shared = len({w for w in a if len(w) > 1} & {w for w in b if len(w) > 1})
    return covered and shared >= min(2, len(set(a)), len(set(b)))


def compare(ours: Identity, theirs: Identity) -> Match:
    """Whether `theirs` (a record's header) is the patient `ours` (packet.toml)."""
    names = _names_agree(ours.name, theirs.name)
    births: bool | None = None
    if ours.date_of_birth and theirs.date_of_birth:
        births = ours.date_of_birth == theirs.date_of_birth
    if births is False:
        return Match.DIFFERENT
    if names is False:
        return Match.UNCERTAIN if births else Match.DIFFERENT
    return Match.SAME


# Header-like lines only: a label at the start of a short line, not a name inside prose.
_LABEL = r"(?:patient(?:\s+name)?|name|pt(?:\s+name)?)"
_BIRTH = r"(?:dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|born)"
_NAME_LINE = re.compile(
    rf"^\s*{_LABEL}\s*[:#]\s*(?P<name>[^\W\d_][^\n:;|]*?)\s*(?=$|\s{{2,}}|\s+(?:{_BIRTH}|mrn|sex|age|dos)\b|[;|])",
    re.IGNORECASE | re.MULTILINE,
)
_BIRTH_FIELD = re.compile(rf"\b{_BIRTH}\s*[:#]?\s*(?P<date>[^\n;|]{{6,30}})", re.IGNORECASE)
HEADER_LINES = 40  # patient identity sits in the header of a record's first page
MAX_HEADER_LINE = 120


def header_identity(text: str, order: DateOrder = DateOrder.MONTH_FIRST) -> Identity:
    """The patient a document names in its header lines ('Patient: …', 'DOB: …')."""
    name, born = "", None
    for line in text.splitlines()[:HEADER_LINES]:
        if len(line) > MAX_HEADER_LINE:
            continue  # prose, not a header
        if not name:
            m = _NAME_LINE.search(line)
            if m:
                name = m.group("name").strip(" ,.")
        if born is None:
            b = _BIRTH_FIELD.search(line)
            if b:
                born = _birth_date(b.group("date"), order)
    return Identity(name, born)


def _birth_date(text: str, order: DateOrder) -> dt.date | None:
    found = parse_date(text.strip(), order)
    return found if found and found.year >= 1880 else None
