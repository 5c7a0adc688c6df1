"""Where a record comes from: the institution its letterhead names and the medical record number
(MRN) it files the patient under, for the "Care so far" list a center uses to request more.

Read only from the top of a record — the letterhead and the patient block — never from the
narrative, where other hospitals are mentioned ("seen at Mercy Hospital in 2019").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date

HEAD_LINES = 12  # the letterhead and patient block of a record
INSTITUTION_WORDS = re.compile(
    r"\b(hospitals?|medical cent(?:er|re)|health(?:care| system| services)?|clinics?|"
    r"cancer (?:cent(?:er|re)|institute)|institute|university|laborator(?:y|ies)|labs?|"
    r"associates|oncology|radiology|imaging|pathology|diagnostics|medical group|physicians|"
    r"infirmary|memorial|pharmacy|specialists|surgical|surgery cent(?:er|re)|cent(?:er|re)|"
    r"krankenhaus|klinik(?:um)?|hôpital|hospitalier|ospedale|policlinico)\b",
    re.IGNORECASE,
)
# Lines that name the record, not its maker: "SURGICAL PATHOLOGY REPORT", "Progress note".
TITLE_WORDS = re.compile(
    r"\b(report|note|summary|results?|consultation|letter|instructions|statement|"
    r"explanation of benefits|requisition|order|record|list)\b",
    re.IGNORECASE,
)
LABELLED = re.compile(
    r"^\s*(?:organization|organisation|facility|hospital|institution|performing (?:lab|site)|"
    r"location|practice|custodian)\s*:\s*(?P<name>.{3,80}?)\s*$",
    re.IGNORECASE,
)
MRN = re.compile(
    r"\b(?:MRN|M\.R\.N\.|MR\s*#|MR\s*No\.?|Med(?:ical)?\s*Rec(?:ord)?\.?\s*(?:Number|No\.?|#)?|"
    r"Hospital\s*(?:Number|No\.?)|Unit\s*(?:Number|No\.?))\s*[:#]?\s*"
    r"(?P<number>[A-Z]{0,4}[-\s]?\d[\dA-Z-]{2,18})\b",
    re.IGNORECASE,
)
NOT_A_NAME = re.compile(
    r"\d{3}[-.\s]\d{4}|@|www\.|https?:|\b(tel|fax|phone|page \d|p\.?o\.? box)\b|^\W|:\s*\S",
    re.IGNORECASE,
)
PROSE = re.compile(
    r"\b(was|were|is|are|has|had|seen|presents?|presented|patient|she|he|her|his|who|with)\b"
    r"|[.?!]\s*$",
    re.IGNORECASE,
)
MESSAGE = re.compile(r"^(email\b|from:|subject:)", re.IGNORECASE)
DEPARTMENT = re.compile(
    r"\s+(?:[—–|]|-\s)\s*(?:department|dept\.?|division|section|service)?\b.*$", re.IGNORECASE
)


def institution_of(text: str) -> str:
    """The institution named in a record's letterhead, or "" when none is clear."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:HEAD_LINES]
    if any(MESSAGE.match(line) for line in lines[:4]):
        return ""  # an email's signature is a person, not a letterhead
    for line in lines:
        labelled = LABELLED.match(line)
        if labelled and INSTITUTION_WORDS.search(labelled.group("name")):
            return _clean(labelled.group("name"))
    for line in lines:
        if len(line) > 90 or NOT_A_NAME.search(line) or PROSE.search(line):
            continue
        if len(line.split()) > 8 or not INSTITUTION_WORDS.search(line):
            continue
        name = _clean(DEPARTMENT.sub("", line))
        if TITLE_WORDS.search(name) or not INSTITUTION_WORDS.search(name):
            continue
        return name
    return ""


def mrn_of(text: str) -> str:
    """The medical record number in a record's patient block, or ""."""
    for line in text.splitlines()[: HEAD_LINES * 2]:
        found = MRN.search(line)
        if found:
            return re.sub(r"\s+", "", found.group("number")).upper()
    return ""


def _clean(name: str) -> str:
    name = " ".join(name.split()).strip(" ,;·-—–")
    if name.isupper():  # a letterhead in capitals reads better in title case
        name = " ".join(_word_case(w) for w in name.split())
    return name


ACRONYMS = frozenset(
    {
        "UCLA",
        "UCSF",
        "UCSD",
        "NYU",
        "MD",
        "PC",
        "LLC",
        "VA",
        "USA",
        "NHS",
        "CHU",
        "UPMC",
        "OHSU",
        "MUSC",
        "MSK",
    }
)
SMALL_WORDS = frozenset({"and", "of", "the", "for", "at", "in", "de", "la", "du"})


def _word_case(word: str) -> str:
    letters = re.sub(r"[^A-Za-z]", "", word)
    if letters in ACRONYMS or (
        letters
        and len(letters) <= 4
        and not re.search(r"[AEIOUY]", letters)
        and not word.endswith(".")
    ):
        return word
    if word.lower() in SMALL_WORDS:
        return word.lower()
    return word.capitalize()


@dataclass
class Institution:
    """One place that holds records of the patient."""

    name: str
    mrns: list[str]
    first: date | None
    last: date | None
    records: int


def institution_key(name: str) -> str:
    """Two spellings of one institution compare equal: in capitals or not, with its accents
    or without them ("Saint-Éloi", "SAINT-ELOI")."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c)
    )
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def care_so_far(places: list[tuple[str, str, date | None]]) -> list[Institution]:
    """(institution, MRN, date) of each record, gathered by institution, the earliest first.
    Records without an institution are left out: a guess would send the center to the wrong
    place."""
    names: dict[str, Counter[str]] = {}
    mrns: dict[str, list[str]] = {}
    days: dict[str, list[date]] = {}
    counts: Counter[str] = Counter()
    for name, mrn, day in places:
        if not name:
            continue
        key = institution_key(name)
        names.setdefault(key, Counter())[name] += 1
        counts[key] += 1
        if mrn and mrn not in mrns.setdefault(key, []):
            mrns[key].append(mrn)
        if day:
            days.setdefault(key, []).append(day)
    out = [
        Institution(
            name=names[key].most_common(1)[0][0],
            mrns=sorted(mrns.get(key, [])),
            first=min(days[key]) if days.get(key) else None,
            last=max(days[key]) if days.get(key) else None,
            records=counts[key],
        )
        for key in names
    ]
    out.sort(key=lambda i: (i.first is None, i.first or date.min, i.name))
    return out


STREET = re.compile(
    r"^(?:\d{1,6}[A-Z]?\s+\S.*|p\.?\s*o\.?\s*box\s+\d.*|.*\b(?:street|st\.|avenue|ave\.?|road|"
    r"rd\.|boulevard|blvd\.?|drive|dr\.|lane|ln\.|way|parkway|pkwy\.?|plaza|suite|ste\.?)\s.*)$",
    re.IGNORECASE,
)
PHONE_NUMBER = r"(?P<number>\+?\(?\d[\d\s().-]{5,18}\d)"
FAX = re.compile(rf"\bfax\b\.?\s*(?:no\.?|number|#)?\s*:?\s*{PHONE_NUMBER}", re.IGNORECASE)
PHONE = re.compile(
    rf"\b(?:tel|telephone|phone|ph)\b\.?\s*(?:no\.?|number|#)?\s*:?\s*{PHONE_NUMBER}", re.IGNORECASE
)
CONTACT_LABEL = re.compile(r"\b(?:tel|telephone|phone|ph|fax)\b\.?\s*(?:no\.?|number|#)?\s*:", re.I)
SEPARATOR = re.compile(r"\s+(?:[·|•]|[-–—]\s)\s*|\s{2,}")
PATIENT_BLOCK = re.compile(r"\b(patient|name|dob|date of birth|mrn)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Letterhead:
    """Where an institution's letterhead says it is: the lines printed under its name."""

    address: str = ""
    phone: str = ""
    fax: str = ""


def letterhead_of(text: str, institution: str) -> Letterhead:
    """The address, phone and fax printed with the letterhead that names `institution`: the
    two lines under it, never past the patient block (whose address is the patient's)."""
    if not institution:
        return Letterhead()
    lines = [line.strip() for line in text.splitlines() if line.strip()][:HEAD_LINES]
    key = institution_key(institution)
    start = next((n for n, line in enumerate(lines) if key in institution_key(line)), None)
    if start is None:
        return Letterhead()
    address, phone, fax = "", "", ""
    for line in lines[start : start + 3]:
        if PATIENT_BLOCK.search(line) and line is not lines[start]:
            break
        found_fax, found_phone = FAX.search(line), PHONE.search(line)
        fax = fax or (found_fax.group("number").strip() if found_fax else "")
        phone = phone or (found_phone.group("number").strip() if found_phone else "")
        if line is lines[start] or address:
            continue
        before = CONTACT_LABEL.split(line)[0]  # "100 Main St, Springfield  Fax: 555-0199"
        first = SEPARATOR.split(before)[0].strip(" ,;")
        if STREET.match(first) and not FAX.search(first) and not PHONE.search(first):
            address = first
    return Letterhead(address=address, phone=phone, fax=fax)
