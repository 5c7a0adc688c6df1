"""The facts an oncologist asks first, read from a record's text by rules: primary site,
histology, grade, stage and TNM, receptor and biomarker results.

A wrong fact is worse than a missing one, so a value is taken only where a report states a
result: a `LABEL: value` line, a results-table row, a diagnosis line. Sentences that explain
criteria ("HER2 3+ is considered positive"), condition ("if HER2 positive"), look back
("history of", "family history") or wait ("pending", "to follow") give nothing, and nothing is
read under a history, method or comment heading. Each fact keeps its page and the line it was
read from, for the caregiver and the center to check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from packet.models import Fact, FactKind

QUOTE = 120

# Headings under which a report explains, recalls or qualifies rather than states a result.
QUIET_SECTIONS = re.compile(
    r"^(?:past (?:medical |surgical )?history|family history|social history|history(?! of present)|"
    r"clinical history|comments?|notes?|interpretation notes?|methods?|methodology|"
    r"background|references?|disclaimers?|limitations?|about (?:this|the) test|"
    r"interpretation criteria|scoring criteria|therapies|clinical trials|recommendations?)\b",
    re.IGNORECASE,
)
# Words that make a line a condition, a criterion, a recollection or a wait — not a result.
NOT_A_RESULT = re.compile(
    r"\b(?:if|whether|unless|considered|defined|criteria|cut-?off|threshold|reflexed?|"
    r"history of|family history|mother|father|sister|brother|rule out|r/o|suspicious for|"
    r"pending|to follow|will be (?:reported|performed|sent)|requested|ordered|sent out|"
    r"not performed|not done|insufficient|cannot be (?:assessed|determined|evaluated)|"
    r"quantity not sufficient|may benefit|eligible|candidates?|predicts?|associated with|"
    r"reported as|is reported|are reported|scored as|guideline|per asco|"
    # explanations, and what happened before: "… means", "… is often called high", "he had …"
    r"means?|called|often|usually|typically|are treated|is treated|or more|or higher|or greater|"
    r"or less|at least|refers? to|may|might|can|could|had|previously|prior|per outside|"
    r"in (?:19|20)\d\d)\b",
    re.IGNORECASE,
)
LABEL_LINE = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z0-9 ()/&.,'-]{1,60}?)\s*:\s*(?P<rest>.*)$")
CLAUSES = re.compile(r"[;]|(?<!\d)\.(?!\d)|\s{3,}(?=[A-Z])")
SENTENCES = re.compile(r"(?<=[.;])\s+(?=[A-Z])")

POSITIVE = r"positive|pos\b|detected|present|mutated|mutation identified|amplified"
NEGATIVE = (
    r"negative|neg\b|not detected|none detected|no (?:mutations?|variants?|alterations?|"
    r"rearrangements?|fusions?)(?: (?:were |was )?detected)?|wild[- ]?type|absent|not identified"
)


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    heading: bool = False  # a section heading: it states nothing, it says what follows


def _lines(pages: Sequence[str]) -> Iterator[Line]:
    """The lines of a record that may state a result, with their page: not under a heading
    that explains, recalls or qualifies."""
    quiet = False
    for number, page in enumerate(pages, start=1):
        quiet = False  # a new page starts a new part of the report
        for raw in page.splitlines():
            text = " ".join(raw.split())
            if not text:
                continue
            label = LABEL_LINE.match(text)
            heading = label.group("label") if label else text
            is_heading = (label and not label.group("rest")) or (
                text.isupper()
                and len(text) < 60
                and sum(c.isalpha() for c in text) > len(text) / 2
                and ":" not in text
                and not text.endswith(".")
                and not re.match(r"[-•*]|\d+[.)]", text)
            )
            if label and not is_heading and label.group("label").isupper():
                quiet = bool(QUIET_SECTIONS.match(heading))  # "IMPRESSION: …" ends a history
            if is_heading or (label and QUIET_SECTIONS.match(heading)):
                quiet = bool(QUIET_SECTIONS.match(heading))
                if is_heading:
                    yield Line(number, heading, heading=True)
                    continue
            if quiet:
                continue
            yield Line(number, text)


def _quote(text: str) -> str:
    return text if len(text) <= QUOTE else text[: QUOTE - 1].rstrip() + "…"


def _percent(text: str) -> str:
    found = re.search(r"(?P<pct>[<>]?\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?)\s*%", text)
    return re.sub(r"\s+", "", found.group("pct")).replace("–", "-") + "%" if found else ""


# --- receptors -------------------------------------------------------------------------------

RECEPTORS = {
    FactKind.ER: r"(?:estrogen receptors?|oestrogen receptors?|\bER\b)(?:\s*\((?:ER|SP1|6F11)\))?",
    FactKind.PR: r"(?:progesterone receptors?|\bPg?R\b)(?:\s*\((?:PR|PgR|1E2)\))?",
}


def _receptor(kind: FactKind, pattern: str) -> Callable[[str], str]:
    result = re.compile(
        rf"{pattern}\s*(?:status)?\s*[:\-]?\s*(?P<res>{POSITIVE}|{NEGATIVE})\b", re.IGNORECASE
    )

    def read(text: str) -> str:
        found = result.search(text)
        if not found:
            return ""
        word = found.group("res").lower()
        verdict = "negative" if re.match(NEGATIVE, word) else "positive"
        pct = _percent(text[found.end() : found.end() + 40])
        return f"{verdict} ({pct})" if pct else verdict

    return read


# "ER+/PR-/HER2-" as clinic notes write the receptor profile.
PROFILE = re.compile(r"\b(ER|PR|PgR|HER-?2(?:/neu)?)\s*([+-])(?=[/,.;\s)]|$)", re.IGNORECASE)


def _profile(text: str) -> list[tuple[FactKind, str]]:
    out = []
    for name, sign in PROFILE.findall(text):
        kind = {"er": FactKind.ER, "pr": FactKind.PR, "pgr": FactKind.PR}.get(
            name.lower(), FactKind.HER2
        )
        out.append((kind, "positive" if sign == "+" else "negative"))
    return out


HER2 = re.compile(r"\b(?:HER-?2(?:/neu)?|ERBB2)\b", re.IGNORECASE)
HER2_IHC = re.compile(
    r"(?<![\d.])(?P<score>[0-3])\s*\+|\bscore\s*(?P<score2>[0-3])\b|\b(?P<zero>0)\b(?=\s*[,(]?\s*negative)",
    re.IGNORECASE,
)
HER2_ISH = re.compile(r"\b(?P<res>not amplified|non-?amplified|amplified)\b", re.IGNORECASE)
HER2_RATIO = re.compile(
    r"\bHER-?2\s*/\s*(?:CEP\s*17|chromosome 17)\s*ratio\s*[:=]?\s*(\d+(?:\.\d+)?)", re.IGNORECASE
)
IHC_VERDICT = {"0": "negative", "1": "negative", "2": "equivocal", "3": "positive"}


def _her2(text: str) -> str:
    found = HER2.search(text)
    if not found:
        return ""
    after = text[found.end() :]
    ish = HER2_ISH.search(after)
    if ish:
        verdict = "amplified" if ish.group("res").lower() == "amplified" else "not amplified"
        ratio = re.search(r"ratio\s*(?:of|:|=)?\s*(\d+(?:\.\d+)?)", text, re.IGNORECASE)
        method = "ISH"
        return f"{verdict} ({method} ratio {ratio.group(1)})" if ratio else f"{verdict} ({method})"
    ihc = HER2_IHC.search(after[:40])
    if ihc:
        score = ihc.group("score") or ihc.group("score2") or ihc.group("zero")
        shown = "0" if score == "0" else f"{score}+"
        return f"{IHC_VERDICT[score]} (IHC {shown})"
    plain = re.match(
        rf"\s*(?:\([^)]{{0,20}}\))?\s*(?:status)?\s*[:\-]?\s*(?P<res>{POSITIVE}|{NEGATIVE}|equivocal)\b",
        after,
        re.IGNORECASE,
    )
    if plain:
        word = plain.group("res").lower()
        return (
            "equivocal"
            if word == "equivocal"
            else ("negative" if re.match(NEGATIVE, word) else "positive")
        )
    return ""


KI67 = re.compile(
    r"\bKi-?67\b(?:\s*\([^)]{0,12}\))?\s*(?:proliferation|labell?ing)?\s*(?:index)?\s*"
    r"(?:[:\-]|\bof\b|\bis\b)?\s*(?:positive|approximately|approx\.?|about|~)?\s*"
    r"(?:in\s*)?(?P<pct>[<>]?\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?)\s*%",
    re.IGNORECASE,
)


def _ki67(text: str) -> str:
    found = KI67.search(text)
    return re.sub(r"\s+", "", found.group("pct")).replace("–", "-") + "%" if found else ""


# --- genes -----------------------------------------------------------------------------------

GENES = {
    FactKind.EGFR: "EGFR",
    FactKind.ALK: "ALK",
    FactKind.ROS1: "ROS1",
    FactKind.KRAS: "KRAS",
    FactKind.NRAS: "NRAS",
    FactKind.BRAF: "BRAF",
}
VARIANT = re.compile(
    r"\b(?P<v>exon\s*\d{1,2}\s*(?:deletion|insertion|skipping)|[A-Z]\d{2,4}[A-Z*](?:/[A-Z])?|"
    r"(?:EML4-ALK|CD74-ROS1)\s*fusion)\b",
    re.IGNORECASE,
)
GENE_NEGATIVE = re.compile(rf"\b(?:{NEGATIVE})\b", re.IGNORECASE)
GENE_POSITIVE = re.compile(
    r"\b(?:detected|positive|mutated|mutation (?:identified|present)|rearranged|"
    r"rearrangement (?:detected|present)|fusion (?:detected|present))\b",
    re.IGNORECASE,
)


def _genes(clause: str) -> list[tuple[FactKind, str]]:
    """Results for the genes a clause names: "KRAS G12C detected", "EGFR, ALK: not detected"."""
    named = [k for k, gene in GENES.items() if re.search(rf"\b{gene}\b", clause)]
    if not named:
        return []
    if GENE_NEGATIVE.search(clause):
        return [(k, "not detected") for k in named]
    if len(named) == 1 and GENE_POSITIVE.search(clause):
        variant = VARIANT.search(clause.split(GENES[named[0]], 1)[1])
        name = " ".join(variant.group("v").split()) if variant else ""
        if name and re.fullmatch(r"[a-z]\d+[a-z*]", name, re.IGNORECASE):
            name = name.upper()
        return [(named[0], f"{name} detected" if name else "detected")]
    return []


PDL1 = re.compile(
    r"\bPD-?L1\b.*?\b(?P<kind>TPS|CPS|tumou?r proportion score|combined positive score)\s*"
    r"(?:\((?:TPS|CPS)\))?\s*[:=]?\s*(?:of\s*)?(?P<value>[<>]?\s*\d{1,3})\s*(?P<pct>%?)",
    re.IGNORECASE,
)


def _pdl1(text: str) -> str:
    found = PDL1.search(text)
    if not found:
        return ""
    kind = found.group("kind").upper()
    kind = "CPS" if kind.startswith(("CPS", "COMBINED")) else "TPS"
    value = re.sub(r"\s+", "", found.group("value"))
    return f"{kind} {value}%" if kind == "TPS" else f"{kind} {value}"


MSI = re.compile(
    r"\b(?P<v>MSI-?H(?:igh)?|MSI-?L(?:ow)?|MSS|MS-?stable|microsatellite[- ]stable|"
    r"microsatellite instability[- ]high|microsatellite instability[- ]low)\b",
    re.IGNORECASE,
)


def _msi(text: str) -> str:
    found = MSI.search(text)
    if not found:
        return ""
    if not re.search(
        r"\b(MSI|microsatellite|MS status)\b.*[:]|^(MSI|MSS|microsatellite)", text, re.IGNORECASE
    ):
        return ""  # a label or a result line, not a sentence that mentions it
    word = found.group("v").lower().replace(" ", "-")
    if "stable" in word or word == "mss":
        return "MSS"
    return "MSI-high" if re.search(r"h(igh)?$", word) else "MSI-low"


MMR_PROTEINS = ("MLH1", "MSH2", "MSH6", "PMS2")
MMR_INTACT = re.compile(r"\b(intact|retained|preserved|present|normal)\b", re.IGNORECASE)
MMR_LOST = re.compile(r"\b(loss|lost|absent|deficient)\b", re.IGNORECASE)
MMR_SUMMARY = re.compile(
    r"\b(?P<v>pMMR|dMMR|MMR[- ]proficient|MMR[- ]deficient|mismatch repair[- ](?:proficient|deficient))\b",
    re.IGNORECASE,
)


# --- grade, stage, TNM, prostate ---------------------------------------------------------------

ROMAN = {"I": "1", "II": "2", "III": "3", "1/3": "1", "2/3": "2", "3/3": "3"}
GRADE = re.compile(
    r"\b(?:(?:histologic(?:al)?|nottingham|combined histologic|overall|tumou?r|SBR|elston(?:-ellis)?)"
    r"\s+grade|^grade)\s*[:\-]?\s*(?:G)?(?P<g>[1-3]|I{1,3}\b|[1-3]/3)"
    r"(?:\s*(?:of\s*3|/3))?",
    re.IGNORECASE,
)
NOT_TUMOUR_GRADE = re.compile(
    r"gleason|grade group|ISUP|nuclear grade|toxicity|CTCAE|neuropathy|nausea|mucositis|fatigue|rash|WHO grade",
    re.IGNORECASE,
)


def _grade(text: str) -> str:
    if NOT_TUMOUR_GRADE.search(text.split(":")[0] if ":" in text[:40] else text):
        return ""
    found = GRADE.search(text)
    if not found:
        return ""
    prefixed = not found.group(0).lower().startswith("grade")
    if not prefixed and not (CANCER_WORDS.search(text) or HISTOLOGY.search(text)):
        return ""  # "Grade 1 compound fracture", "Grade III: plaques"
    grade = ROMAN.get(found.group("g").upper(), found.group("g"))
    score = re.search(
        r"\bscore\s*(?:of\s*)?(?P<s>[3-9])(?:\s*/\s*9)?\b",
        text[found.end() : found.end() + 60],
        re.IGNORECASE,
    )
    return f"{grade} (Nottingham score {score.group('s')})" if score else grade


STAGE = re.compile(
    r"\b(?:(?P<prefix>AJCC|pathologic(?:al)?|clinical|prognostic|anatomic|overall)\s+(?:\w+\s+){0,2})?"
    r"stage(?:\s+group)?\s*[:\-]?\s*(?P<s>0|IV[ABC]?|I{1,3}[ABC]?[1-3]?)\b(?!\s*(?:hypertension|kidney|ulcer|lymphedema))",
    re.IGNORECASE,
)
CANCER_WORDS = re.compile(
    r"carcinoma|cancer|lymphoma|melanoma|sarcoma|malignan|myeloma|leukemia|tumou?r|neoplasm",
    re.IGNORECASE,
)
NOT_CANCER_STAGE = re.compile(
    r"kidney|CKD|ulcer|hypertension|labor|sleep|fibrosis|heart failure|lymphedema|COPD|GOLD",
    re.IGNORECASE,
)


def _stage(text: str) -> str:
    if NOT_CANCER_STAGE.search(text):
        return ""
    for found in STAGE.finditer(text):
        # "Stage: IIA", "AJCC stage group: IIA" — not "Stage II: 50.5" (a sleep study's table)
        labelled = re.match(r"\s*(?:[\w-]+\s+){0,3}stage(?: group)?\s*:", text, re.IGNORECASE)
        if found.group("prefix") or labelled or CANCER_WORDS.search(text):
            return found.group("s").upper()
    return ""


TNM = re.compile(
    r"(?<![A-Za-z0-9])(?P<t>(?:y?[cpr]|yp|yc)?T(?:is|[0-4xX])[a-d]?\d?)(?:\s*\(\w+\))?\s*,?\s*"
    r"(?P<n>(?:y?[cpr]|yp|yc)?N[0-3xX][a-c]?(?:\((?:sn|i[+-]|mol[+-])\))?)"
    r"(?:\s*,?\s*(?P<m>(?:[cp])?M[01xX][a-c]?))?(?![A-Za-z0-9])"
)


def _tnm(text: str) -> str:
    found = TNM.search(text)
    if not found:
        return ""
    return " ".join(p for p in (found.group("t"), found.group("n"), found.group("m")) if p)


GLEASON = re.compile(
    r"\bGleason(?:\s+(?:score|grade|sum|pattern))?\s*[:\-]?\s*(?P<a>[3-5])\s*\+\s*(?P<b>[3-5])"
    r"(?:\s*=\s*(?P<s>\d{1,2}))?",
    re.IGNORECASE,
)
GRADE_GROUP = re.compile(
    r"\b(?:grade group|ISUP grade(?: group)?|GG)\s*[:\-]?\s*(?P<g>[1-5])\b", re.IGNORECASE
)
PSA = re.compile(
    r"^(?:serum\s+)?(?:PSA|prostate[- ]specific antigen)(?:,?\s*(?:total|serum))?\s*(?:\([^)]{0,20}\))?\s*"
    r"[:\-]?\s*(?P<v>\d{1,4}(?:\.\d{1,3})?)\s*(?P<u>ng/m[lL])?",
    re.IGNORECASE,
)


def _gleason(text: str) -> str:
    found = GLEASON.search(text)
    if not found:
        return ""
    a, b = int(found.group("a")), int(found.group("b"))
    return f"{a}+{b}={a + b}"


def _psa(text: str) -> str:
    found = PSA.search(text)
    if not found or not (found.group("u") or ":" in text[: found.start("v")]):
        return ""
    return f"{found.group('v')} ng/mL"


# --- diagnosis: site and histology ---------------------------------------------------------------

HISTOLOGIES = (
    "invasive ductal carcinoma", "invasive lobular carcinoma", "ductal carcinoma in situ",
    "invasive carcinoma of no special type", "invasive mammary carcinoma",
    "prostatic adenocarcinoma", "acinar adenocarcinoma", "mucinous adenocarcinoma",
    "adenocarcinoma", "squamous cell carcinoma", "small cell carcinoma", "large cell carcinoma",
    "urothelial carcinoma", "clear cell renal cell carcinoma", "renal cell carcinoma",
    "hepatocellular carcinoma", "serous carcinoma", "malignant melanoma", "melanoma",
    "diffuse large b-cell lymphoma", "follicular lymphoma", "hodgkin lymphoma", "glioblastoma",
    "neuroendocrine carcinoma", "neuroendocrine tumor", "mesothelioma", "carcinoid tumor",
)  # fmt: skip
HISTOLOGY = re.compile(
    r"(?<!non-)(?<!non )\b(" + "|".join(re.escape(h) for h in HISTOLOGIES) + r")\b", re.IGNORECASE
)
NOT_A_DIAGNOSIS = re.compile(
    r"negative for|no evidence of|no residual|free of|benign|without|suspicious|atypical|"
    r"cannot be excluded|metastatic|lymph nodes?|\bnode\b|compatible with known|known",
    re.IGNORECASE,
)
SITES = (
    r"(?:left|right|bilateral)\s+breast", r"breast", r"(?:left|right)\s+(?:upper|middle|lower)\s+lobe(?:,?\s+(?:of\s+)?lung)?",
    r"(?:left|right)\s+lung", r"lung", r"(?:ascending|descending|transverse|sigmoid|right|left)\s+colon",
    r"colon,?\s+(?:ascending|descending|transverse|sigmoid)", r"cecum", r"rectum", r"rectosigmoid",
    r"prostate", r"pancreas", r"(?:left|right)\s+ovary", r"ovary", r"stomach", r"esophagus",
    r"(?:left|right)\s+kidney", r"bladder", r"thyroid", r"liver", r"cervix", r"endometrium",
    r"skin,\s+[a-z ]{3,30}",
)  # fmt: skip
SITE = re.compile(
    r"^(?:[A-Z]\.\s*|\d\.\s*|-\s*)?(?:(?:tumou?r|primary(?: tumou?r)?)\s+site\s*:\s*)?("
    + "|".join(SITES)
    + r")\b",
    re.IGNORECASE,
)
DIAGNOSIS_LABEL = re.compile(
    r"^(?:final\s+|pathologic(?:al)?\s+|surgical pathology\s+)?diagnos[ie]s\b"
    r"(?!.*(?:submitted|clinical|referring|provisional|pre-?op|working|history))",
    re.IGNORECASE,
)


def _site_name(text: str) -> str:
    name = " ".join(text.lower().replace(",", ", ").split()).replace(" ,", ",")
    colon = re.match(r"colon, (\w+)", name)
    return f"{colon.group(1)} colon" if colon else name.rstrip(",")


# --- the engine ----------------------------------------------------------------------------------

LineRule = Callable[[str], str]
# Each rule with the words (lower case) a line must hold for the rule to be tried at all.
LINE_RULES: tuple[tuple[FactKind, LineRule, tuple[str, ...]], ...] = (
    (FactKind.ER, _receptor(FactKind.ER, RECEPTORS[FactKind.ER]), ("er", "estrogen", "oestrogen")),
    (FactKind.PR, _receptor(FactKind.PR, RECEPTORS[FactKind.PR]), ("pr", "pgr", "progesterone")),
    (FactKind.HER2, _her2, ("her", "erbb2")),
    (FactKind.KI67, _ki67, ("ki",)),
    (FactKind.PDL1, _pdl1, ("pd-l1", "pdl1", "pd l1")),
    (FactKind.MSI, _msi, ("msi", "mss", "ms-stable", "microsatellite")),
    (FactKind.GRADE, _grade, ("grade",)),
    (FactKind.STAGE, _stage, ("stage",)),
    (FactKind.TNM, _tnm, ("n0", "n1", "n2", "n3", "nx")),
    (FactKind.GLEASON, _gleason, ("gleason",)),
    (FactKind.PSA, _psa, ("psa", "prostate")),
)  # fmt: skip
OTHER_WORDS = (
    "+", "-", "egfr", "alk", "ros1", "ras", "braf", "grade group", "isup", "gg", "mlh1",
    "msh", "pms2", "mmr", "mismatch", "carcinoma", "lymphoma", "melanoma", "glioblastoma",
    "mesothelioma", "tumor", "tumour", "site", "histolog",
)  # fmt: skip


# Every rule needs one of these words: a line without any is only looked at for its role.
TRIGGER = re.compile(
    r"receptor|\bP?g?R\b|\bER\b|HER-?2|ERBB2|Ki-?67|grade|stage|\b[cpyr]{0,2}T(?:is|[0-4xX])|"
    r"EGFR|ALK|ROS1|[KN]RAS|BRAF|PD-?L1|MLH1|MSH[26]|PMS2|MMR|MSI|MSS|microsatellite|Gleason|"
    r"GG\b|PSA|prostate[- ]specific|site|histolog|carcinoma|lymphoma|melanoma|glioblastoma|"
    r"mesothelioma|tumou?r|neoplasm",
    re.IGNORECASE,
)


def extract(pages: Sequence[str]) -> list[Fact]:
    """The facts the text of one record states, each with the page (from 1) it was read on."""
    if not any(TRIGGER.search(page) for page in pages):
        return []
    facts: list[Fact] = []
    seen: set[tuple[FactKind, str]] = set()
    mmr: dict[str, tuple[bool, Line]] = {}
    diagnosis_block = False

    def add(kind: FactKind, value: str, line: Line) -> None:
        if value and (kind, value.casefold()) not in seen:
            seen.add((kind, value.casefold()))
            facts.append(Fact(kind=kind, value=value, page=line.page, quote=_quote(line.text)))

    pending_site = ""
    ratios: dict[int, str] = {}
    for line in _lines(pages):
        if line.heading:
            site = SITE.match(line.text)
            if DIAGNOSIS_LABEL.match(line.text):
                diagnosis_block, pending_site = True, ""
            elif diagnosis_block and site:
                pending_site = _site_name(site.group(1))  # "A. Right breast, core biopsy:"
            else:
                diagnosis_block, pending_site = False, ""
            continue
        label = LABEL_LINE.match(line.text)
        if label and DIAGNOSIS_LABEL.match(label.group("label")):
            diagnosis_block = True
        elif (
            label
            and not DIAGNOSIS_LABEL.match(label.group("label"))
            and diagnosis_block
            and not SITE.match(line.text)
        ):
            pass
        if not TRIGGER.search(line.text):
            continue
        ratio = HER2_RATIO.search(line.text)
        if ratio:
            ratios.setdefault(line.page, ratio.group(1))
        for text in SENTENCES.split(line.text):
            low = text.lower()
            rules = [
                (kind, rule) for kind, rule, words in LINE_RULES if any(w in low for w in words)
            ]
            if not rules and not any(w in low for w in OTHER_WORDS):
                continue  # nothing any rule reads: no need to judge the sentence
            if NOT_A_RESULT.search(text):
                continue
            for kind, rule in rules:
                add(kind, rule(text), line)
            for kind, value in _profile(text):
                add(kind, value, line)
            for clause in CLAUSES.split(text):
                for kind, value in _genes(clause):
                    add(kind, value, line)
            for group in GRADE_GROUP.finditer(text):
                add(FactKind.GRADE_GROUP, group.group("g"), line)
            for protein in MMR_PROTEINS:
                if re.search(rf"\b{protein}\b", text) and (
                    MMR_INTACT.search(text) or MMR_LOST.search(text)
                ):
                    mmr[protein] = (
                        bool(MMR_LOST.search(text)) and not MMR_INTACT.search(text),
                        line,
                    )
            summary = MMR_SUMMARY.search(text)
            if summary:
                word = summary.group("v").lower()
                add(
                    FactKind.MMR,
                    "deficient"
                    if "d" in word[:1] or "deficient" in word
                    else "proficient (intact)",
                    line,
                )
            _diagnosis(text, line, LABEL_LINE.match(text), diagnosis_block, pending_site, add)
    if len(mmr) == len(MMR_PROTEINS):
        lost = [p for p, (gone, _) in mmr.items() if gone]
        last = max((line for _, line in mmr.values()), key=lambda line: line.page)
        add(
            FactKind.MMR,
            f"deficient ({', '.join(lost)} lost)" if lost else "proficient (intact)",
            last,
        )
    return _settled(facts, ratios)


def _settled(facts: list[Fact], ratios: dict[int, str]) -> list[Fact]:
    """An ISH result with the ratio its page gives; an in-situ component dropped beside the
    invasive cancer it accompanies."""
    invasive = any(f.kind is FactKind.HISTOLOGY and "in situ" not in f.value for f in facts)
    out = []
    for fact in facts:
        if fact.kind is FactKind.HISTOLOGY and invasive and "in situ" in fact.value:
            continue
        if fact.kind is FactKind.HER2 and fact.value.endswith("(ISH)") and fact.page in ratios:
            fact = fact.model_copy(
                update={"value": f"{fact.value[:-1]} ratio {ratios[fact.page]})"}
            )
        out.append(fact)
    return out


def _diagnosis(
    text: str,
    line: Line,
    label: re.Match[str] | None,
    in_diagnosis: bool,
    pending_site: str,
    add: Callable[[FactKind, str, Line], None],
) -> None:
    """Site and histology from a synoptic line ("Histologic type: …", "Tumor site: …") or a
    diagnosis line ("Left breast, core biopsy: Invasive ductal carcinoma")."""
    if label:
        name = label.group("label").lower()
        rest = label.group("rest")
        if re.match(r"(?:tumou?r|primary(?: tumou?r)?) site", name):
            site = SITE.match(rest.strip())
            if site:
                add(FactKind.PRIMARY_SITE, _site_name(site.group(1)), line)
            return
        if re.match(r"histologic(?:al)? type|histology|tumou?r type", name):
            histology = HISTOLOGY.search(rest)
            if histology:
                add(FactKind.HISTOLOGY, histology.group(1).lower(), line)
            return
    if label and DIAGNOSIS_LABEL.match(label.group("label")):
        text, in_diagnosis = label.group("rest"), True  # "Diagnosis: Skin, back: Melanoma"
    if not in_diagnosis or NOT_A_DIAGNOSIS.search(text):
        return
    histology = HISTOLOGY.search(text)
    if not histology:
        return
    add(FactKind.HISTOLOGY, histology.group(1).lower(), line)
    site = SITE.match(text)
    if site and site.start(1) < histology.start():
        add(FactKind.PRIMARY_SITE, _site_name(site.group(1)), line)
    elif pending_site and histology.start() < 4:  # the line under "Left breast, biopsy:"
        add(FactKind.PRIMARY_SITE, pending_site, line)
