"""Who a record belongs to: one identity model for the patient of packet.toml, DICOM headers and
document header lines, compared the way records actually write names and dates of birth, and
the way OCR misreads names on scans and photos."""

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


# Reading a name from a scan or photo. Tesseract's misreadings are a short list, and only that
# list is forgiven: an arbitrary one-letter edit would make twins the same person (Mario and
# María, Francisco and Francisca, born the same day), so a/o, e/c and friends are not on it.
# - A digit or bar where a letter belongs costs nothing: no name has digits, so '0lga' is Olga.
_READ_AS = {"0": "o", "1": "il", "|": "il", "5": "s", "8": "b"}
# - One misreading each: two real letters or letter groups that look alike on a page.
_LOOKALIKES = {("i", "l"), ("l", "i"), ("m", "rn"), ("rn", "m"), ("d", "cl"), ("cl", "d")}
_LOOKALIKES |= {("w", "vv"), ("vv", "w")}
# - One misreading: a letter that carries an accent in our name read as any single character
#   (the observed 'Núñez' -> 'Nufez'); an accent merely dropped costs nothing, as without OCR.
# - Hyphens, apostrophes and spaces dropped or added: a word of theirs may be two of ours
#   run together ('NunezOBrien') or one of ours cut in two ('Nu nez'), at no cost.
# Misreadings allowed per word, by the length of our word: short words must read exactly.
_NO_MISREADING, _ONE_MISREADING = 3, 7


@dataclass(frozen=True)
class _Word:
    """A folded word of our name, with the positions of the letters that carried an accent."""

    text: str
    accented: frozenset[int]


def _marked_parts(name: str) -> list[_Word]:
    """name_parts(name), each word remembering which of its letters had an accent."""
    letters: list[str] = []
    marks: list[bool] = []
    for char in unicodedata.normalize("NFC", name):
        decomposed = unicodedata.normalize("NFKD", char)
        base = _APOSTROPHES.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))
        if not base:  # an apostrophe, or a lone combining accent on the letter before it
            if marks and unicodedata.combining(char):
                marks[-1] = True
            continue
        folded = base.casefold()
        letters.extend(folded)
        marks.extend([len(base) < len(decomposed)] * len(folded))
    text = "".join(letters)
    words, start = [], 0
    for gap in [*_SEPARATORS.finditer(text), None]:
        end = gap.start() if gap else len(text)
        if end > start:
            accented = frozenset(i - start for i in range(start, end) if marks[i])
            words.append(_Word(text[start:end], accented))
        start = gap.end() if gap else end
    return words


def _misreadings(ours: _Word, theirs: str) -> float:
    """The fewest misreadings from the table above that turn our word into theirs (inf: none do)."""
    a, b = ours.text, theirs
    inf = float("inf")
    cost = [[inf] * (len(b) + 1) for _ in range(len(a) + 1)]
    cost[0][0] = 0
    for i in range(len(a) + 1):
        for j in range(len(b) + 1):
            here = cost[i][j]
            if here == inf:
                continue
            if i < len(a) and j < len(b):
                x, y = a[i], b[j]
                if x == y or x in _READ_AS.get(y, ""):
                    step = 0.0
                elif i in ours.accented or (x, y) in _LOOKALIKES:
                    step = 1.0
                else:
                    step = inf
                cost[i + 1][j + 1] = min(cost[i + 1][j + 1], here + step)
            for width_a, width_b in ((1, 2), (2, 1)):  # rn for m, m for rn, and the like
                pair = (a[i : i + width_a], b[j : j + width_b])
                if i + width_a <= len(a) and j + width_b <= len(b) and pair in _LOOKALIKES:
                    cost[i + width_a][j + width_b] = min(cost[i + width_a][j + width_b], here + 1)
    return cost[len(a)][len(b)]


def _read_as(ours: _Word, theirs: str) -> bool:
    """Whether OCR could have read our word as theirs."""
    allowed = (
        0 if len(ours.text) <= _NO_MISREADING else 1 if len(ours.text) <= _ONE_MISREADING else 2
    )
    # Each misreading changes a word's length by one letter at most.
    return abs(len(ours.text) - len(theirs)) <= allowed and _misreadings(ours, theirs) <= allowed


def _resplit(ours: list[_Word], theirs: list[str]) -> list[str]:
    """Their words, with two run together or one cut in two put back the way ours are written."""

    def known(word: str) -> bool:
        return any(_read_as(o, word) for o in ours)

    longest = sum(sorted(len(o.text) for o in ours)[-2:]) + 4  # two of our words, run together

    words: list[str] = []
    i = 0
    while i < len(theirs):
        word = theirs[i]
        if not known(word) and i + 1 < len(theirs) and known(word + theirs[i + 1]):
            words.append(word + theirs[i + 1])
            i += 2
            continue
        cuts = [k for k in range(2, len(word) - 1) if known(word[:k]) and known(word[k:])]
        if not known(word) and len(word) <= longest and cuts:
            words.extend((word[: cuts[0]], word[cuts[0] :]))
        else:
            words.append(word)
        i += 1
    return words


def _names_read_alike(ours_name: str, theirs_name: str) -> bool:
    """_names_agree, with each word of theirs allowed to be an OCR misreading of one of ours."""
    a = _marked_parts(ours_name)
    b = _resplit(a, name_parts(theirs_name))
    if not a or not b:
        return False
    plain = [w.text for w in a]
    ours_found = all(any(_read_as(w, t) for t in b) or _word_found(w.text, b) for w in a)
    theirs_found = all(any(_read_as(w, t) for w in a) or _word_found(t, plain) for t in b)
    shared = {
        w.text for w in a if len(w.text) > 1 and any(len(t) > 1 and _read_as(w, t) for t in b)
    }
    return (ours_found or theirs_found) and len(shared) >= min(2, len(set(plain)), len(set(b)))


def compare(ours: Identity, theirs: Identity, *, ocr: bool = False) -> Match:
    """Whether `theirs` (a record's header) is the patient `ours` (packet.toml). `ocr`: theirs
    was read by OCR from a scan or photo, so a name that differs only by OCR's misreadings is
    ours when the date of birth vouches for it, and uncertain (never another patient) when no
    date of birth was read. A different date of birth is another patient, OCR or not."""
    names = _names_agree(ours.name, theirs.name)
    births: bool | None = None
    if ours.date_of_birth and theirs.date_of_birth:
        births = ours.date_of_birth == theirs.date_of_birth
    if births is False:
        return Match.DIFFERENT
    if names is False and ocr and _names_read_alike(ours.name, theirs.name):
        return Match.SAME if births else Match.UNCERTAIN
    if names is False:
        return Match.UNCERTAIN if births else Match.DIFFERENT
    return Match.SAME


# Header-like lines only: a label at the start of a short line, not a name inside prose. The
# labels allow OCR's lookalikes ('Patlent', 'Narne', 'D0B', 'DOB ;'): none of them is another
# word, so a text layer loses nothing by it.
_NAME_WORD = r"na(?:m|rn)e"
_LABEL = rf"(?:pat[il1|]ent(?:\s+{_NAME_WORD})?|{_NAME_WORD}|pt(?:\s+{_NAME_WORD})?)"
_BIRTH = r"(?:d[o0]b|d\.[o0]\.b\.?|date\s+of\s+b[il1]rth|b[il1]rth\s*date|born)"
_NAME_LINE = re.compile(
    rf"^\s*{_LABEL}\s*[:#]\s*(?P<name>[^\W\d_][^\n:;|]*?)\s*(?=$|\s{{2,}}|\s+(?:{_BIRTH}|mrn|sex|age|dos)\b|[;|])",
    re.IGNORECASE | re.MULTILINE,
)
_BIRTH_FIELD = re.compile(rf"\b{_BIRTH}\s*[:#;]?\s*(?P<date>[^\n;|]{{6,30}})", re.IGNORECASE)
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
