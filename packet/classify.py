"""Deciding what a document is: its category (with the evidence) and a title a clinician would
write in a contents list.

Evidence, strongest first: the caregiver's override, the document's own headings and section
labels, the folder it sits in, its file name. With none of these it is `other`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from packet.models import Category, Evidence

C = Category

# (category, pattern, weight). A weight of 10 or more is a heading that decides on its own;
# smaller weights are section labels and terms that add up.
TEXT_RULES: tuple[tuple[Category, str, int], ...] = (
    (C.PATHOLOGY, r"surgical pathology|pathology report|cytopathology|cytology report|non-gyn cytology|hematopathology", 12),
    (C.PATHOLOGY, r"(outside|second)[- ](slide|pathology|opinion) (review|consultation)|pathology consultation|slide review", 13),
    (C.PATHOLOGY, r"bone marrow (biopsy|aspirate)|frozen section|final (pathologic(al)? )?diagnosis", 8),
    (C.PATHOLOGY, r"gross description|microscopic description|synoptic|histologic (type|grade)|lymphovascular invasion|margins?:", 3),
    (C.PATHOLOGY, r"specimen(s)?( submitted| received)?:|clinical history:|addendum", 2),
    (C.BIOMARKERS, r"next[- ]generation sequencing|comprehensive genomic|genomic (profil\w*|report|testing|alterations)|molecular (pathology|profil\w*|diagnostics|report|testing|results)", 14),
    (C.BIOMARKERS, r"germline|hereditary cancer|genetic testing (report|results)|multi-?gene panel", 13),
    (C.BIOMARKERS, r"biomarker (report|results|testing|panel)|immunohistochemistry (report|results|panel)|receptor (status|panel|results)|her2 (fish|ihc)|fish (report|analysis)|pd-l1 (ihc|report|testing|expression)", 13),
    (C.BIOMARKERS, r"tumor mutational burden|microsatellite instab\w*|oncotype|mammaprint|recurrence score", 9),
    (C.BIOMARKERS, r"variants? of (unknown|uncertain) significance|pathogenic variant|actionable|allred|estrogen receptor|progesterone receptor|ki-?67", 3),
    (C.IMAGING, r"radiology report|diagnostic (imaging|radiology)|imaging report|\b(ct|mri|mr|pet|pet/ct|ultrasound|mammogra\w*|x-ray|nuclear medicine) (report|scan report)", 12),
    (C.IMAGING, r"nuclear medicine|breast imaging|radiology", 4),
    (C.IMAGING, r"\b(mammogra\w*|tomosynthesis|ultrasound|sonogra\w*|computed tomography|magnetic resonance|positron emission|pet[/ -]?ct|bone scan|x-ray|radiograph\w*|dexa)\b", 5),
    (C.IMAGING, r"^(exam|examination|study|procedure)\s*:\s*(ct|mri?|pet|us|xr|mammo|nm|cta|mra|dexa)\b", 10),
    (C.IMAGING, r"\b(ct|mri|pet)\b", 2),
    (C.IMAGING, r"^(impression|findings|technique|comparison)\s*:|bi-?rads", 3),
    (C.OPERATIVE, r"operative (report|note)|op note|procedure note|operation report|brief op", 13),
    (C.OPERATIVE, r"pre-?operative diagnosis|post-?operative diagnosis|estimated blood loss|procedures? performed|surgeon\s*:|assistant\s*:", 5),
    (C.OPERATIVE, r"anesthesia\s*:|specimens? (removed|sent)|drains?\s*:|indications? for (the )?(procedure|operation)", 2),
    (C.TREATMENT, r"chemotherapy (treatment |administration )?(summary|record|plan|flowsheet|consent)|infusion (record|summary|flowsheet)|treatment summary|end[- ]of[- ]treatment", 13),
    (C.TREATMENT, r"radiation (therapy|oncology) (treatment )?(summary|completion|record|plan)|radiotherapy (summary|record)|treatment plan", 12),
    (C.TREATMENT, r"cycle \d+,? day \d+|\bc\d+d\d+\b|fractions?|\bgy\b|regimen|premedicat\w*|dose delivered", 3),
    (C.CLINIC_NOTES, r"after visit summary|visit summary|progress note|office visit|clinic (note|visit)|new patient (visit|consultation|evaluation)|follow[- ]up (visit|note)|tumor board", 12),
    (C.CLINIC_NOTES, r"(medical|surgical|radiation|gynecologic) oncology (consultation|consult|follow)|consultation( note| report)?$|^consultation", 11),
    (C.CLINIC_NOTES, r"history of present illness|\bhpi\b|assessment (and|&|/) ?plan|chief complaint|reason for (visit|referral)|review of systems", 5),
    (C.CLINIC_NOTES, r"^dear dr\.?|thank you for (referring|allowing|the opportunity)|physical exam(ination)?\s*:", 4),
    (C.HOSPITAL, r"discharge summary|emergency department|emergency room|\bed (provider )?note|hospital course|admission (history|h&p|note)|discharge instructions", 14),
    (C.HOSPITAL, r"date of (admission|discharge)|admi(t|ssion) date|discharge date|discharge diagnos\w*", 5),
    (C.LABS, r"laboratory (report|results)|lab(oratory)? results|complete blood count|\bcbc\b|comprehensive metabolic panel|basic metabolic panel|\bcmp\b|tumor markers?|urinalysis", 12),
    (C.LABS, r"reference (range|interval)|\bresult\b.*\bunits?\b|hemoglobin|platelets|creatinine|wbc|\bcea\b|ca 27-29|ca-?125|\bpsa\b", 2),
    (C.MEDICATIONS, r"medication list|current medications|medication reconciliation|pharmacy (printout|record|profile)|prescription (history|record)|medication history", 12),
    (C.MEDICATIONS, r"\brx ?#|refills?\s*:|dispensed|\bsig\s*:|take \d+ (tablet|capsule)", 3),
    (C.OTHER, r"continuity of care document|health summary|summary of care record", 13),
    # The page packet makes of an email is correspondence, whatever the message mentions: what it
    # carries is filed from its attachments.
    (C.OTHER, r"^email:", 40),
    (C.OTHER, r"explanation of benefits|this is not a bill|claim (number|summary)|billing statement|prior authorization|amount (due|billed)|member id|patient responsibility|statement date", 13),
)  # fmt: skip


def _split_top(pattern: str) -> list[str]:
    """The branches of a pattern's top-level alternation."""
    branches, depth, start, escaped = [], 0, 0, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
    return [*branches, pattern[start:]]


def _required_group(branch: str) -> str | None:
    """The text inside the branch's first group that is not optional, if there is one."""
    depth, start = 0, -1
    for i, ch in enumerate(branch):
        if ch == "(" and (i == 0 or branch[i - 1] != "\\"):
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and (i == 0 or branch[i - 1] != "\\") and depth:
            depth -= 1
            if depth == 0:
                following = branch[i + 1 : i + 2]
                if following not in ("?", "*"):
                    inner = branch[start + 1 : i]
                    return inner[2:] if inner.startswith("?:") else inner
    return None


def triggers(pattern: str) -> tuple[str, ...] | None:
    """Words one of which every match of the pattern must contain, so that a line holding none
    of them is skipped without running the pattern; None when no such words can be told."""
    words: list[str] = []
    for branch in _split_top(pattern):
        # What is removed becomes a gap that no word can span.
        plain = re.sub(r"\\[a-zA-Z]", "\0", branch)  # \b, \d, \w ...
        plain = re.sub(r"\[[^\]]*\]", "\0", plain)  # character classes
        previous = None
        while previous != plain:  # groups, innermost first: none of them is certain to match
            previous = plain
            plain = re.sub(r"\([^()]*\)[?*+]?", "\0", plain)
        plain = re.sub(r"[^\0][?*]", "\0", plain)  # optional characters
        runs = [r for r in re.findall(r"[a-z0-9][a-z0-9 :#&'-]*[a-z0-9:#]", plain) if len(r) >= 2]
        if runs:
            words.append(max(runs, key=len))
            continue
        group = _required_group(branch)  # "(ct|mri|pet)": one of its alternatives must be there
        inner = triggers(group) if group else None
        if inner is None:
            return None
        words.extend(inner)
    return tuple(dict.fromkeys(words))


# Lines are lower-cased once, so the rules need no IGNORECASE (which doubles their cost).
_COMPILED = tuple((cat, re.compile(p), w) for cat, p, w in TEXT_RULES)
_TRIGGERS = tuple(triggers(p) for _, p, _ in TEXT_RULES)

# Folder and file names, as caregivers and portals write them.
NAME_RULES: tuple[tuple[Category, str], ...] = (
    (C.BIOMARKERS, r"genomic|genetic|molecular|biomarker|\bngs\b|foundation|germline|brca|oncotype|her2|\bihc\b|tempus|guardant|caris"),
    (C.PATHOLOGY, r"path(ology)?\b|path[ _-]?report|biopsy|cytology|\bslides?\b|\bfna\b|surgical ?path"),
    (C.IMAGING, r"radiology|imaging|\bscans?\b|\bct\b|\bmri?\b|\bpet\b|mammo|ultrasound|\bus\b|x-?ray|\bxr\b|\bdexa\b|bone ?scan|tomo"),
    (C.OPERATIVE, r"surgery|surgical|operative|\bop[ _-]?note|operation|procedure"),
    (C.TREATMENT, r"chemo|infusion|radiation|\brad[ _-]?onc|treatment|\bregimen\b|immunotherapy"),
    (C.HOSPITAL, r"hospital|discharge|\ber\b|emergency|admission|inpatient"),
    (C.LABS, r"\blabs?\b|blood ?work|\bcbc\b|\bcmp\b|tumor ?marker|lab[ _-]?results"),
    (C.MEDICATIONS, r"medication|\bmeds\b|pharmacy|prescription|\brx\b"),
    (C.CLINIC_NOTES, r"visit|consult|clinic|progress|doctor|\bdr\b|oncolog|appointment|office|letter|notes?\b|summary"),
    (C.OTHER, r"insurance|billing|bills?\b|\beob\b|claims?\b|statement|receipt"),
)  # fmt: skip

_NAME_COMPILED = tuple((cat, re.compile(p, re.IGNORECASE)) for cat, p in NAME_RULES)
HEADING_LINES = 45  # headings and section labels live near the top of a record
DECISIVE = 10


@dataclass(frozen=True)
class Classification:
    category: Category
    evidence: Evidence | None
    heading: str = ""  # the line that decided it, for the title


def _lines(text: str) -> list[str]:
    """The first lines with text, spaces tidied; a Markdown heading's '#' marks are not words."""
    lines = (" ".join(line.split()).lstrip("#").strip() for line in text.splitlines())
    return [line for line in lines if line][:HEADING_LINES]


def classify_text(text: str) -> Classification | None:
    lines = _lines(text)
    lowered = [line.lower() for line in lines]
    whole = "\n".join(lowered)
    scores: dict[Category, float] = {}
    best: dict[Category, tuple[int, bool, int, str]] = {}  # category -> (weight, caps, -line, text)
    for (category, pattern, weight), words in zip(_COMPILED, _TRIGGERS, strict=True):
        # Most rules have none of their words anywhere in the document: one look at the whole
        # text skips them, and the others run only on the lines holding one of their words.
        if words is not None:
            present = [word for word in words if word in whole]
            if not present:
                continue
        for number, lower in enumerate(lowered):
            if words is not None and not any(word in lower for word in present):
                continue
            if pattern.search(lower):
                position_bonus = 2.0 if number < 10 else 1.0
                scores[category] = scores.get(category, 0.0) + weight * position_bonus
                # Report titles are usually in capitals; letterheads usually are not.
                line = lines[number]
                key = (weight, line.isupper(), -number, line)
                if category not in best or key[:3] > best[category][:3]:
                    best[category] = key
    if not scores:
        return None
    order = list(Category)
    category = max(scores, key=lambda c: (scores[c], -order.index(c)))
    weight, _, _, line = best[category]
    if scores[category] < 6:
        return None  # a stray term or two is not evidence
    shown = line if len(line) <= 70 else line[:67] + "..."
    kind = "heading" if weight >= DECISIVE else "section labels such as"
    return Classification(category, Evidence(source="text", detail=f"{kind} '{shown}'"), line)


def classify_name(relative: str) -> Classification | None:
    """The folder names first (a caregiver's own sorting), then the file name."""
    path = PurePosixPath(relative)
    for folder in reversed(path.parent.parts):
        words = re.sub(r"[_.]+", " ", folder)
        for category, pattern in _NAME_COMPILED:
            if pattern.search(words):
                return Classification(category, Evidence(source="folder", detail=f"'{folder}'"))
    words = re.sub(r"[_.]+", " ", path.stem)
    for category, pattern in _NAME_COMPILED:
        if pattern.search(words):
            return Classification(category, Evidence(source="file name", detail=f"'{path.name}'"))
    return None


def classify(text: str, relative: str) -> Classification:
    return classify_text(text) or classify_name(relative) or Classification(Category.OTHER, None)


# --- titles -----------------------------------------------------------------------------------

ACRONYMS = {
    "ct", "mri", "mr", "pet", "pet/ct", "us", "cta", "mra", "nm", "xr", "dexa", "bi-rads", "her2",
    "er", "pr", "ngs", "ihc", "fish", "pd-l1", "brca1", "brca2", "cbc", "cmp", "ed", "er/pr",
    "fna", "ii", "iii", "iv", "tnm", "dna", "rna", "msi", "tmb", "ki-67", "cea", "psa",
}  # fmt: skip
ABBREVIATIONS = {
    "mammo": "mammogram",
    "bilat": "bilateral",
    "lt": "left",
    "rt": "right",
    "cap": "chest/abdomen/pelvis",
}
MODALITY_WORDS = {
    "ct": "CT",
    "mri": "MRI",
    "mr": "MR",
    "pet": "PET",
    "pet/ct": "PET/CT",
    "us": "US",
}
BODY_PARTS = ("chest", "abdomen", "pelvis", "head", "neck", "brain", "spine")

_LABELLED = {
    C.PATHOLOGY: r"^(specimens?|source|specimen\(s\)|specimens? submitted|part a|a\))\s*[:.)-]\s*(.*)",
    C.IMAGING: r"^(exam|examination|study|procedure|exam type|test)\s*:\s*(.*)",
    C.OPERATIVE: r"^(procedures? performed|procedure|operation|operations? performed|name of procedure)\s*:\s*(.*)",
    C.BIOMARKERS: r"^(test|test name|assay|panel|tests? performed|tests?)\s*:\s*(.*)",
    C.TREATMENT: r"^(regimen|treatment|course|plan)\s*:\s*(.*)",
}

GENERIC_TITLES = {
    C.PATHOLOGY: "Pathology report",
    C.BIOMARKERS: "Biomarker results",
    C.IMAGING: "Imaging report",
    C.OPERATIVE: "Operative note",
    C.TREATMENT: "Treatment record",
    C.CLINIC_NOTES: "Clinic note",
    C.HOSPITAL: "Hospital record",
    C.LABS: "Lab results",
    C.MEDICATIONS: "Medication list",
    C.OTHER: "Document",
}


def clinical_case(text: str) -> str:
    """'CT CHEST ABDOMEN PELVIS WITH CONTRAST' -> 'CT chest/abdomen/pelvis with contrast'."""
    text = " ".join(text.replace("_", " ").split()).strip(" .:;-")
    if text != text.upper() and text != text.lower():
        return text[0].upper() + text[1:] if text else text  # already written by a person
    words = []
    for word in text.split(" "):
        lower = word.lower()
        core = lower.strip(",.;:()")
        if core in MODALITY_WORDS:
            words.append(lower.replace(core, MODALITY_WORDS[core]))
        elif core in ACRONYMS:
            words.append(word.upper())
        elif core in ABBREVIATIONS:
            words.append(lower.replace(core, ABBREVIATIONS[core]))
        else:
            words.append(lower)
    out = " ".join(words)
    # Consecutive body parts are written with slashes.
    parts = "|".join(BODY_PARTS)
    out = re.sub(
        rf"\b({parts})(?:,? (?:and )?|/)({parts})(?:,? (?:and )?|/)({parts})\b", r"\1/\2/\3", out
    )
    out = re.sub(rf"\b({parts})(?:,? and |/)({parts})\b", r"\1/\2", out)
    out = re.sub(r"\bw/o\b", "without", out)
    out = re.sub(r"\bw/ ?", "with ", out)
    return out[0].upper() + out[1:] if out else out


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _lower_first(text: str) -> str:
    """Lower-case the first letter to follow a dash, unless it starts an acronym (ER/PR, CT)."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _specimen(text: str) -> str:
    """'A. Left breast, 2 o'clock, core needle biopsy; B. ...' -> 'left breast, core needle biopsy; ...'."""
    parts = []
    for part in re.split(r";|\s(?=[B-F][.)]\s)", text):
        part = re.sub(r"^\s*[A-F\d][.)]\s*", "", part).strip(" .")
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        if pieces:
            parts.append(", ".join(dict.fromkeys([pieces[0], pieces[-1]])))
    return _lower_first("; ".join(parts))


def _heading_title(heading: str) -> str:
    heading = re.sub(r"\b(final|revised|corrected|amended)\b\s*$", "", heading, flags=re.I).strip(
        " :-"
    )
    return clinical_case(heading)


def make_title(category: Category, heading: str, text: str, relative: str) -> str:
    lines = _lines(text)
    detail = ""
    pattern = _LABELLED.get(category)
    if pattern:
        regex = re.compile(pattern, re.IGNORECASE)
        for number, line in enumerate(lines):
            m = regex.match(line + " ")
            value = m.group(2).strip() if m else ""
            if m and not value and number + 1 < len(lines):
                value = lines[number + 1]  # the label on its own line, its value below
            if len(value) > 2:
                detail = clinical_case(value)
                break
    base = _heading_title(heading) if heading and len(heading) <= 60 else ""
    if category is C.IMAGING and detail:
        return _shorten(detail)
    if category is C.PATHOLOGY:
        kind = "Surgical pathology"
        lower = (heading + " " + " ".join(lines[:15])).lower()
        if "cytolog" in lower or "cytopath" in lower:
            kind = "Cytology"
        elif re.search(r"outside|slide review|second opinion", lower):
            kind = "Outside pathology review"
        elif "bone marrow" in lower:
            kind = "Bone marrow pathology"
        elif "addendum" in heading.lower():
            kind = "Pathology addendum"
        if detail:
            return _shorten(f"{kind} — {_specimen(detail)}")
        return kind
    if detail and category in (C.OPERATIVE, C.BIOMARKERS, C.TREATMENT):
        prefix = base or GENERIC_TITLES[category]
        return _shorten(f"{prefix} — {_lower_first(detail)}")
    if base:
        return _shorten(base)
    stem = PurePosixPath(relative).stem
    if re.fullmatch(
        r"(scan|img|image|document|doc|pxl|dsc|file|untitled|page)[\s_()\d-]*", stem, re.I
    ):
        return GENERIC_TITLES[category]
    # A person's file name, less the date written into it: "US LEFT BREAST 1-28-26" -> "US left breast".
    words = re.sub(r"[_]+", " ", stem)
    words = re.sub(r"\b\d{1,4}[-./]\d{1,2}[-./]\d{2,4}\b|\b(19|20)\d{6}\b", " ", words)
    return _shorten(clinical_case(words) or stem)
