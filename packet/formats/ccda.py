"""C-CDA health summaries (the XML a patient portal's "download my record" gives: a CCD,
a discharge summary, a progress or consultation note…), from any EHR vendor.

Recognized by content (after a byte-order mark, in UTF-8 or UTF-16, behind any prolog of
comments and instructions), parsed safely (defusedxml: no DTDs, no external entities, nothing
fetched) and rendered as text: a heading for the document type (from its LOINC code), header
lines (title, patient, date of birth, MRN, date of service, author and organization), then each
section's title and its narrative block — paragraphs, line breaks, lists and tables cell by
cell — in order; a section with coded entries and no narrative is rendered from its entries.
An unstructured document (`nonXMLBody`) carries its record as an embedded file (a PDF, an
image): that file becomes a record of its own, like an email's attachment.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from packet.formats.ccda_entries import (
    NS,
    Facts,
    RecordAllergy,
    RecordEvent,
    RecordMedication,
    RecordProblem,
    RecordResult,
    high_of,
    hl7_date,
    local,
    low_of,
    read_section,
    text_of,
)
from packet.formats.ccda_narrative import block_lines

__all__ = [
    "Facts",
    "Reading",
    "RecordAllergy",
    "RecordEvent",
    "RecordMedication",
    "RecordProblem",
    "RecordResult",
    "looks_like_ccda",
    "read",
    "recognize",
    "to_text",
]

MAX_CCDA = 50_000_000  # bytes
MAX_PROLOG = 1_000_000  # bytes of comments and instructions before the root, read to find it
MAX_EMBEDDED = 20  # files embedded in one document (nonXMLBody, observationMedia)
MAX_EMBEDDED_BYTES = 100_000_000  # all of them together, once decoded
SHORT_SERVICE = 31  # days: a service period this short is a visit or a procedure, not a life
# The rendered text's layout on a Letter page (convert.text_to_pdf): 10-point lines 13.5 points
# apart, about 100 characters to a line, from 738 points down to 60; for the page an item of
# the coded entries is cited on.
PAGE_TOP, PAGE_BOTTOM, LINE_HEIGHT, HEADING_HEIGHT, LINE_CHARACTERS = 738.0, 60.0, 13.5, 16.2, 100

# LOINC document codes, and the heading a clinician would give such a document.
DOCUMENT_TYPES = {
    "34133-9": "Continuity of care document (health summary)",
    "18842-5": "Discharge summary",
    "11506-3": "Progress note",
    "11488-4": "Consultation note",
    "34117-2": "History and physical",
    "28570-0": "Procedure note",
    "11504-8": "Operative note",
    "18748-4": "Diagnostic imaging report",
    "11526-1": "Pathology report",
    "57133-1": "Referral note",
    "34111-5": "Emergency department note",
    "34746-8": "Nurse note",
    "18761-7": "Transfer summary",
    "81218-0": "Discharge instructions",
}
# Documents of one procedure (an operation, a scan, a specimen): their date is the service's.
PROCEDURE_TYPES = {"28570-0", "11504-8", "18748-4", "11526-1"}
# Titles that only restate what kind of document it is: the type's heading reads better.
GENERIC_TITLES = re.compile(
    r"^(c-?cda|ccda|ccd|cda|continuity of care( document)?|clinical (document|summary)|"
    r"summary of care|health summary|patient summary|document)$",
    re.IGNORECASE,
)
SSN_ROOT = "2.16.840.1.113883.4.1"
EMBEDDED_SUFFIX = {
    b"%PDF": ".pdf",
    b"\xff\xd8\xff": ".jpg",
    b"\x89PNG": ".png",
    b"II*\x00": ".tif",
    b"MM\x00*": ".tif",
    b"GIF8": ".gif",
    b"{\\rtf": ".rtf",
}
MEDIA_SUFFIX = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "image/gif": ".gif",
    "text/rtf": ".rtf",
    "application/rtf": ".rtf",
    "text/html": ".html",
    "application/msword": ".doc",
}

_PROLOG_ITEM = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S)
_ROOT = re.compile(r"<(?:[\w.-]+:)?ClinicalDocument\b")


class NotCcda(ValueError):
    """XML whose root is not a ClinicalDocument."""


@dataclass
class Reading:
    """One C-CDA read once: its text, its coded facts, its embedded files and what went wrong
    in reading them (each a message and its fix)."""

    text: str
    facts: Facts
    embedded: list[tuple[str, bytes]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    cut: bool = False  # more files embedded than packet takes


def _decoded(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    if head.startswith(b"<\x00"):
        return head.decode("utf-16-le", errors="ignore")
    if head.startswith(b"\x00<"):
        return head.decode("utf-16-be", errors="ignore")
    return head.decode("utf-8", errors="ignore").lstrip("\ufeff")


def _after_prolog(text: str) -> str | None:
    """The text from the root element on; None when the prolog has not ended in `text`."""
    position = 0
    while True:
        found = _PROLOG_ITEM.match(text, position)
        if found is None:
            break
        position = found.end()
    rest = text[position:].lstrip()
    if rest.startswith("<") and not rest.startswith(("<?", "<!")):
        return rest
    return None


def looks_like_ccda(head: bytes) -> bool:
    """The first bytes of a C-CDA: its root, behind a byte-order mark and a prolog."""
    rest = _after_prolog(_decoded(head))
    return rest is not None and bool(_ROOT.match(rest)) and "urn:hl7-org:v3" in rest[:4096]


def recognize(path: Path, head: bytes) -> bool:
    """A C-CDA, reading on past a long prolog (a comment of a page before the root)."""
    if looks_like_ccda(head):
        return True
    text = _decoded(head).lstrip()
    if len(head) < 4096 or not text.startswith(("<?", "<!--")) or _after_prolog(text):
        return False
    try:
        with path.open("rb") as f:
            return looks_like_ccda(f.read(MAX_PROLOG))
    except OSError:
        return False


def _parse(path: Path) -> Any:
    from defusedxml import ElementTree

    if path.stat().st_size > MAX_CCDA:
        raise ValueError("document too large")
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        # UTF-16: decoded here, its declaration (which may claim UTF-8) set aside
        text = _decoded(raw)
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        root = ElementTree.fromstring(text, forbid_dtd=True)
    else:
        root = ElementTree.fromstring(raw, forbid_dtd=True)
    if root.tag != f"{NS}ClinicalDocument":
        raise NotCcda("not a C-CDA document")
    return root


def to_text(path: Path) -> str:
    return read(path).text


def _name(element: Any) -> str:
    if element is None:
        return ""
    given = [text_of(g) for g in element.findall(f"{NS}given")]
    family = text_of(element.find(f"{NS}family"))
    return " ".join(p for p in [*given, family] if p) or text_of(element)


def _when(root: Any, birth: str) -> str:
    """The clinical date: the visit's (an encounter), a short service (a procedure), else the
    day the document was made — never the date of birth, never the start of a long period."""
    encounter = root.find(f"{NS}componentOf/{NS}encompassingEncounter/{NS}effectiveTime")
    service = root.find(f"{NS}documentationOf/{NS}serviceEvent/{NS}effectiveTime")
    made = hl7_date(
        (root.find(f"{NS}effectiveTime").get("value", "") or "")
        if root.find(f"{NS}effectiveTime") is not None
        else ""
    )
    start, end = low_of(service), high_of(service)
    loinc = root.find(f"{NS}code").get("code", "") if root.find(f"{NS}code") is not None else ""
    candidates = [start if loinc in PROCEDURE_TYPES else "", low_of(encounter)]
    if start and (end or made):
        span = (date.fromisoformat(end or made) - date.fromisoformat(start)).days
        if 0 <= span <= SHORT_SERVICE:
            candidates.append(start)
    candidates.append(made)
    return next((c for c in candidates if c and c != birth), "")


def _mrn(patient_role: Any) -> str:
    for identifier in patient_role.findall(f"{NS}id") if patient_role is not None else []:
        number = (identifier.get("extension") or "").strip()
        if number and identifier.get("root") != SSN_ROOT and re.fullmatch(r"[\w.-]{3,30}", number):
            return number
    return ""


# A custodian that only keeps or passes on documents is no place of care.
EXCHANGE = re.compile(
    r"\bHIE\b|health information exchange|\bexchange\b|\bHIO\b|\bregistry\b", re.I
)


def _organization(root: Any) -> str:
    """Where the care was given: the author's organization, the encounter's, else the
    document's custodian unless that is an exchange that only passes documents on."""
    for path in (
        f"{NS}author/{NS}assignedAuthor/{NS}representedOrganization/{NS}name",
        f"{NS}componentOf/{NS}encompassingEncounter/{NS}location/{NS}healthCareFacility/"
        f"{NS}serviceProviderOrganization/{NS}name",
        f"{NS}custodian/{NS}assignedCustodian/{NS}representedCustodianOrganization/{NS}name",
    ):
        for element in root.findall(path):
            name = text_of(element)
            if name and not (path.startswith(f"{NS}custodian") and EXCHANGE.search(name)):
                return name
    return ""


def read(path: Path) -> Reading:
    """The document read once: rendered text, coded facts, embedded files."""
    root = _parse(path)
    code = root.find(f"{NS}code")
    loinc = code.get("code", "") if code is not None else ""
    kind = DOCUMENT_TYPES.get(loinc) or (code.get("displayName", "") if code is not None else "")
    title = text_of(root.find(f"{NS}title"))
    role = root.find(f"{NS}recordTarget/{NS}patientRole")
    patient = role.find(f"{NS}patient") if role is not None else None
    birth_element = patient.find(f"{NS}birthTime") if patient is not None else None
    birth = hl7_date(birth_element.get("value", "") or "") if birth_element is not None else ""
    when = _when(root, birth)
    author = root.find(f"{NS}author/{NS}assignedAuthor")
    person = _name(author.find(f"{NS}assignedPerson/{NS}name")) if author is not None else ""
    organization = _organization(root)
    mrn = _mrn(role)
    made = root.find(f"{NS}effectiveTime")
    facts = Facts(
        organization=organization,
        mrn=mrn,
        made=hl7_date(made.get("value", "") or "") if made is not None else "",
    )
    facts.title = _own_title(title, kind, organization)

    lines = [f"# {(kind or title or 'Clinical document').upper()}"]
    if title and title.lower() != kind.lower():
        lines.append(f"Title: {title}")
    if patient is not None:
        lines.append(f"Patient: {_name(patient.find(f'{NS}name'))}")
    if birth:
        lines.append(f"Date of birth: {birth}")
    if mrn:
        lines.append(f"MRN: {mrn}")
    if when:
        lines.append(f"Date of service: {when}")
    if person or organization:
        lines.append(f"Author: {', '.join(p for p in (person, organization) if p)}")
    if loinc:
        lines.append(f"Document type: LOINC {loinc}")
    references = {
        e.get("ID", ""): text_of(e)
        for e in root.iter()
        if e.get("ID") and local(e.tag) != "section"
    }
    reading = Reading(text="", facts=facts)
    for section in root.iter(f"{NS}section"):
        _section(section, references, lines, reading)
    body = root.find(f"{NS}component/{NS}nonXMLBody")
    if body is not None:
        _unstructured(body, lines, reading)
    for media in root.iter(f"{NS}observationMedia"):
        value = media.find(f"{NS}value")
        if value is not None:
            _embedded(value, reading, "image")
    reading.text = "\n".join(lines).strip() + "\n"
    pages = pages_of(lines)
    facts.problems = [replace(p, page=pages[min(p.line, len(pages) - 1)]) for p in facts.problems]
    facts.results = [replace(r, page=pages[min(r.line, len(pages) - 1)]) for r in facts.results]
    return reading


def pages_of(lines: list[str]) -> list[int]:
    """The page (from 1) each line of the rendered text falls on, laid out as the packet lays it."""
    y, page, found = PAGE_TOP, 1, []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            y -= 6
            found.append(page)
            continue
        heading = stripped.startswith("#")
        if heading:
            y -= 4
        height = HEADING_HEIGHT if heading else LINE_HEIGHT
        for _ in range(max(1, -(-len(line) // LINE_CHARACTERS))):
            if y - height < PAGE_BOTTOM:
                page, y = page + 1, PAGE_TOP
            y -= height
        found.append(page)
    return found


def _own_title(title: str, kind: str, organization: str) -> str:
    """The document's title when it says more than its type ("Chest X-Ray, PA and LAT View"),
    less a leading organization ("Community Health and Hospitals: Discharge Summary")."""
    if organization and _fold(title).startswith(_fold(organization)):
        title = title[len(organization) :].lstrip(" :-–—|,")
    title = title.strip()
    if not title or GENERIC_TITLES.match(title) or _kind_of(title) == _kind_of(kind):
        return ""
    return title


def _kind_of(title: str) -> str:
    """A title less the words every type shares: "Operative Report" is "Operative note"."""
    return _fold(re.sub(r"\b(note|report|document|record)s?\b", "", title, flags=re.IGNORECASE))


def _fold(text: str) -> str:
    return re.sub(r"\(.*?\)|[^a-z0-9]+", "", text.casefold())


def _section(section: Any, references: dict[str, str], lines: list[str], reading: Reading) -> None:
    heading = text_of(section.find(f"{NS}title"))
    narrative = section.find(f"{NS}text")
    code = section.find(f"{NS}code")
    loinc = code.get("code", "") if code is not None else ""
    facts = reading.facts
    counts = (len(facts.problems), len(facts.results))
    coded = read_section(section, loinc, references, facts)
    written = block_lines(narrative) if narrative is not None else []
    if not heading and not written and not coded:
        return
    lines += ["", f"## {heading or 'Section'}"]
    at = len(lines)
    if written:
        lines += written
    elif coded:
        lines += [
            line if line.startswith((" ", "-")) or line.endswith(":") else f"- {line}"
            for line in coded
        ]

    # the line each coded item is cited on: the first of its section that names it, or the
    # section's first
    def line_of(name: str) -> int:
        words = name.casefold()
        return next((n for n in range(at, len(lines)) if words in lines[n].casefold()), at)

    facts.problems[counts[0] :] = [
        replace(p, line=line_of(p.name)) for p in facts.problems[counts[0] :]
    ]
    facts.results[counts[1] :] = [
        replace(r, line=line_of(r.name)) for r in facts.results[counts[1] :]
    ]


def _unstructured(body: Any, lines: list[str], reading: Reading) -> None:
    """A `nonXMLBody`: its text shown, or its embedded file made a record of its own."""
    content = body.find(f"{NS}text")
    if content is None:
        return
    media = (content.get("mediaType") or "text/plain").lower()
    reference = content.find(f"{NS}reference")
    if (content.get("representation") or "TXT").upper() != "B64":
        if media.startswith("text/plain") and text_of(content):
            lines += ["", *(line.strip() for line in (content.text or "").splitlines())]
        elif reference is not None:
            lines += ["", f"The document itself is a separate file: {reference.get('value', '')}"]
            reading.problems.append(
                (
                    "This C-CDA's document is not inside it: it names a separate file "
                    f"('{reference.get('value', '')[:80]}').",
                    "Download that file from the portal too and put it in the records folder.",
                )
            )
        return
    if media.startswith("text/plain"):
        payload = _payload(content, reading)
        if payload is not None:
            lines += ["", *payload.decode("utf-8", errors="replace").splitlines()]
        return
    lines += [
        "",
        "The document itself is embedded in this C-CDA and follows as a record of its own.",
    ]
    _embedded(content, reading, "attachment")


def _payload(element: Any, reading: Reading) -> bytes | None:
    """An element's base64 content decoded (and inflated when compressed), within limits."""
    data = "".join((element.text or "").split())
    try:
        payload = base64.b64decode(data, validate=True)
        if (element.get("compression") or "").upper() in ("DF", "ZL", "GZ"):
            inflater = zlib.decompressobj(47 if element.get("compression") == "GZ" else 15)
            payload = inflater.decompress(payload, MAX_EMBEDDED_BYTES)
            if inflater.unconsumed_tail:
                reading.problems.append(
                    (
                        "A document embedded in this C-CDA unpacks to more than packet takes "
                        f"({MAX_EMBEDDED_BYTES:,} bytes); it is not in the packet.",
                        "Ask the portal or the practice for that document as a PDF.",
                    )
                )
                return None
    except (binascii.Error, zlib.error, ValueError):
        reading.problems.append(
            (
                "A document embedded in this C-CDA is damaged (its encoded content cannot be "
                "decoded); it is not in the packet.",
                "Download the record from the portal again, or ask for it as a PDF.",
            )
        )
        return None
    return payload if payload else None


def _embedded(element: Any, reading: Reading, stem: str) -> None:
    if (element.get("representation") or "").upper() != "B64":
        return
    if len(reading.embedded) >= MAX_EMBEDDED:
        if not reading.cut:
            reading.cut = True
            reading.problems.append(
                (
                    f"This C-CDA embeds more than {MAX_EMBEDDED} files; packet takes the first "
                    f"{MAX_EMBEDDED}.",
                    "Ask the portal for the other documents as PDFs.",
                )
            )
        return
    payload = _payload(element, reading)
    if payload is None:
        return
    if sum(len(p) for _, p in reading.embedded) + len(payload) > MAX_EMBEDDED_BYTES:
        reading.problems.append(
            (
                "The files embedded in this C-CDA are larger than packet unpacks; the rest are "
                "not in the packet.",
                "Ask the portal for the documents as PDFs.",
            )
        )
        return
    suffix = next((s for magic, s in EMBEDDED_SUFFIX.items() if payload.startswith(magic)), "")
    suffix = suffix or MEDIA_SUFFIX.get((element.get("mediaType") or "").lower(), ".bin")
    reading.embedded.append((f"{stem}{suffix}", payload))


# Kept for the readers that take only a C-CDA's coded entries.
def facts(path: Path) -> Facts:
    return read(path).facts
