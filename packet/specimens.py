"""What a pathology report files its tissue under: the accession (case) numbers and the specimen,
for the letter that asks the pathology department to send the slides and blocks.

Read only from labelled lines ("Accession: S26-01187", "Case #: SP-26-001", "SPECIMEN:") near
the top of a report, where the case is identified; a number in the narrative ("compared with
outside case S25-100") is another case.
"""

from __future__ import annotations

import re

from packet.lines import lines_of

HEAD_LINES = 30  # the letterhead, patient block and specimen of a report
NUMBER_WORD = r"(?:number|no\.?|num\.?|#|id)"
ACCESSION_LABEL = (
    rf"(?:(?:accession|acc\.|case)\s*{NUMBER_WORD}?|"
    rf"(?:surgical\s+pathology|path(?:ology)?|cytology|specimen|lab)\s*{NUMBER_WORD})"
)
# A case number holds a digit and is written in one piece: S26-01187, SP-26-001, 26-SP-1234.
ACCESSION = re.compile(
    rf"\b{ACCESSION_LABEL}\s*[:#]\s*(?:#\s*)?(?P<number>[A-Z]{{0,4}}[-\s]?\d{{2,}}[-/\dA-Z]*\d)\b",
    re.IGNORECASE,
)
# A label alone, its number on the next line: "Accession Number:" then "S26-01187".
NUMBER_ALONE = re.compile(r"^\s*(?P<number>[A-Z]{0,4}-?\d{2,}[-/\dA-Z]*\d)\s*$", re.IGNORECASE)
LABEL_ALONE = re.compile(rf"^\s*{ACCESSION_LABEL}\s*[:#]?\s*$", re.IGNORECASE)
SPECIMEN = re.compile(
    r"^\s*(?:specimens?(?:\(s\))?(?:\s+(?:submitted|received|source|type))?|source(?: of specimen)?|"
    r"tissue(?: submitted)?)\s*:\s*(?P<text>.*)$",
    re.IGNORECASE,
)
ANOTHER_LABEL = re.compile(r"^\s*[A-Za-z][A-Za-z /()&-]{1,40}:\s*(\S.*)?$")
SPECIMEN_LENGTH = 160


def accessions_of(text: str) -> list[str]:
    """The accession numbers a report files its specimens under, in the order written, each once.
    A medical record number is not one ("MRN: 00481516" is the patient's, not the case's)."""
    found: list[str] = []
    lines = lines_of(text)[:HEAD_LINES]
    for number, line in enumerate(lines):
        for match in ACCESSION.finditer(line):
            _add(found, match.group("number"))
        if LABEL_ALONE.match(line) and number + 1 < len(lines):
            alone = NUMBER_ALONE.match(lines[number + 1])
            if alone:
                _add(found, alone.group("number"))
    return found


def _add(found: list[str], number: str) -> None:
    number = re.sub(r"\s+", "", number).upper()
    if number not in found:
        found.append(number)


def specimen_of(text: str) -> str:
    """What the specimen was ("Left breast, 2 o'clock, core needle biopsy"), as the report's
    SPECIMEN line (or the line under it) says, or ""."""
    lines = [line.strip() for line in lines_of(text)[: HEAD_LINES * 2]]
    for number, line in enumerate(lines):
        match = SPECIMEN.match(line)
        if not match:
            continue
        said = match.group("text").strip()
        if not said:
            following = next((line for line in lines[number + 1 :] if line), "")
            said = "" if _a_label(following) else following
        if said:
            said = " ".join(said.split())
            if len(said) > SPECIMEN_LENGTH:
                said = said[:SPECIMEN_LENGTH].rsplit(" ", 1)[0] + "…"
            return said
    return ""


def _a_label(line: str) -> bool:
    """A heading or a `LABEL:` line: the next section, not the specimen's words."""
    match = ANOTHER_LABEL.match(line)
    return bool(match and match.group(1) is None) or (line.isupper() and line.endswith(":"))
