"""What a record says of the workup beside its results: the results still to come ("HER2 FISH
has been sent out; results to follow", "germline testing sent (Myriad), result pending"), and
the cancer its diagnosis lines name ("Diagnosis: Metastatic urothelial carcinoma of the
bladder"). Read from the same lines as the facts, so that the summary can show an expected
result as pending, with the record that says so, rather than ask for it, and knows which
cancer's workup to look for when no site or histology was read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from packet.facts import RELATIVE, report_lines
from packet.models import Fact, FactKind

QUOTE = 120

# The words reports use for a test not yet resulted.
WAITING = re.compile(
    r"\b(?:pending|sent out|sent (?:to|for|today|on)|(?:has|have) been sent|(?:was|were) sent|"
    r"submitted (?:to|for)|"
    r"to follow|will follow|will be (?:reported|issued|sent)|to be reported|reported separately|"
    r"separate report|in progress|awaited|awaiting|(?:has|have) been (?:ordered|requested)|"
    r"ordered|requested)\b",
    re.IGNORECASE,
)
# A result's wait that is not one: "no longer pending", "pending clinical correlation".
NOT_WAITING = re.compile(
    r"\b(?:no longer|not) pending\b|pending (?:further |clinical )?(?:correlation|review|discussion)",
    re.IGNORECASE,
)
# How reports name each result (aliases included: HER-2/neu, ERBB2; MIB-1; dMMR; pan-TRK).
NAMES: dict[FactKind, str] = {
    FactKind.ER: r"\bER\b|o?estrogen receptor",
    FactKind.PR: r"\bPg?R\b|progesterone receptor",
    FactKind.HER2: r"\bHER-?2(?:/neu)?\b|\bERBB2\b",
    FactKind.KI67: r"\bKi-?67\b|\bMIB-?1\b",
    FactKind.EGFR: r"\bEGFR\b",
    FactKind.ALK: r"\bALK\b",
    FactKind.ROS1: r"\bROS-?1\b",
    FactKind.BRAF: r"\bBRAF\b",
    FactKind.KRAS: r"\bK-?RAS\b|\bRAS\b",
    FactKind.NRAS: r"\bN-?RAS\b|\bRAS\b",
    FactKind.MET: r"\bMET\b",
    FactKind.RET: r"\bRET\b",
    FactKind.NTRK: r"\bNTRK\w*|\bpan-?TRK\b",
    FactKind.PDL1: r"\bPD-?L1\b|\b22C3\b|\bSP263\b|\bSP142\b",
    FactKind.MMR: r"\bd?MMR\b|mismatch repair|\bMLH-?1\b|\bMSH-?[26]\b|\bPMS-?2\b",
    FactKind.MSI: r"\bMSI(?:-H)?\b|microsatellite",
    FactKind.BRCA1: r"\bBRCA\s?1?\b",
    FactKind.BRCA2: r"\bBRCA\s?(?:1\s*/\s*)?2?\b",
    FactKind.PALB2: r"\bPALB2\b",
    FactKind.HRD: r"\bHRD\b|homologous recombination|genomic instability",
    FactKind.POLE: r"\bPOLE\b",
    FactKind.P53: r"\b(?:TP)?53\b",
    FactKind.FGFR3: r"\bFGFR3?\b",
    FactKind.PSA: r"\bPSA\b",
}
NAMED = {kind: re.compile(pattern, re.IGNORECASE) for kind, pattern in NAMES.items()}
# Gene names in capitals only: "met" and "ret" are words, "pole" too.
CAPITALS = frozenset({FactKind.MET, FactKind.RET, FactKind.POLE, FactKind.ER, FactKind.PR})
# A panel named as a whole stands for the results it gives.
PANELS: tuple[tuple[re.Pattern[str], tuple[FactKind, ...]], ...] = (
    (
        re.compile(
            r"next[- ]generation sequencing|\bNGS\b|molecular (?:studies|testing|profiling|"
            r"analysis|panel)|genomic profiling|comprehensive genomic|mutation(?:al)? (?:analysis|panel)|"
            r"Foundation ?One|\bTempus\b|Guardant|\bCaris\b|Oncomine",
            re.IGNORECASE,
        ),
        (FactKind.EGFR, FactKind.ALK, FactKind.ROS1, FactKind.BRAF, FactKind.KRAS,
         FactKind.NRAS, FactKind.MET, FactKind.RET, FactKind.NTRK, FactKind.POLE,
         FactKind.FGFR3),
    ),
    (
        re.compile(
            r"germline|hereditary (?:cancer )?(?:panel|testing)|genetic testing|"
            r"\bMyriad\b|MyRisk|\bInvitae\b|\bAmbry\b",
            re.IGNORECASE,
        ),
        (FactKind.BRCA1, FactKind.BRCA2, FactKind.PALB2),
    ),
)  # fmt: skip
SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")


def _named(text: str) -> set[FactKind]:
    kinds = set()
    for kind, pattern in NAMED.items():
        found = pattern.search(text)
        if found and (kind not in CAPITALS or found.group(0).isupper()):
            kinds.add(kind)
    for pattern, given in PANELS:
        if pattern.search(text):
            kinds.update(given)
    return kinds


def pending_results(pages: Sequence[str]) -> list[Fact]:
    """The results a record says are to come, each with the page and the words that say so
    (value "pending"). A result the record gives elsewhere is found, not pending: the summary
    decides that, from the facts."""
    out: list[Fact] = []
    seen: set[FactKind] = set()
    for number, page in enumerate(pages, start=1):
        for line in report_lines(page):
            if not WAITING.search(line) or RELATIVE.search(line):
                continue
            for sentence in SENTENCE.split(line):
                if not WAITING.search(sentence) or NOT_WAITING.search(sentence):
                    continue
                quote = sentence if len(sentence) <= QUOTE else sentence[: QUOTE - 1] + "…"
                for kind in sorted(_named(sentence) - seen):
                    seen.add(kind)
                    out.append(Fact(kind=kind, value="pending", page=number, quote=quote))
    return out


# The labels under which a record names the patient's cancer.
DIAGNOSIS_LABEL = re.compile(
    r"^\s*(?:final |clinical |pathologic(?:al)? |working |oncologic |primary |cancer )?"
    r"(?:diagnos[ie]s|impression|assessment(?: and plan)?|tumou?r type|specimen|indication|"
    r"problem|re|clinical information|clinical indication|reason for (?:testing|referral))"
    r"\s*[:\-]\s*(?P<text>.+)$",
    re.IGNORECASE,
)
CANCER = re.compile(
    r"carcinoma|cancer|melanoma|NSCLC|malignan|\bPDAC\b|sarcoma|lymphoma|neoplasm", re.IGNORECASE
)
NOT_THE_PATIENTS = re.compile(
    r"history of|rule out|r/o|screening|suspicious|suspected|concern for|versus|\bvs\b|"
    r"negative for|no evidence|family|mother|father|sister|brother|risk (?:of|for|assessment|factors?|reduc\w*)|at (?:high |increased )?risk|\btrials?\b|\bNCT\d|"
    r"education|leaflet|handout|information about",
    re.IGNORECASE,
)
STATED_AT_MOST = 6
# A heading: a label with nothing after it, or a line in capitals ("FINAL DIAGNOSIS:", "DIAGNOSIS").
HEADING = re.compile(r"^\s*[A-Za-z][A-Za-z /&()-]{1,60}:\s*$|^\s*[A-Z][A-Z /&()-]{2,60}$")
DIAGNOSIS_HEADING = re.compile(
    r"^\s*(?:final |pathologic(?:al)? |our |revised |amended )?diagnos[ie]s\b", re.IGNORECASE
)
# A sentence that reports the diagnosis: "Core biopsy 03/28/2026 showed invasive ductal carcinoma".
PROSE = re.compile(
    r"\b(?:showed|shows|revealed|confirmed|consistent with|diagnosed with|diagnosis of|"
    r"positive for)\s+(?P<text>[^.;]{3,160})",
    re.IGNORECASE,
)


def stated_diagnoses(pages: Sequence[str]) -> list[Fact]:
    """The cancers a record's lines name, as written (kind HISTOLOGY, the line's words as the
    value): a diagnosis label's, the lines under a diagnosis heading, a sentence that reports
    it, or any other line naming a cancer that is not about a relative, a risk, a trial or a
    suspicion. For naming the cancer whose workup is looked for, not for the summary's rows,
    which take only the site and histology the facts reader reads."""
    out: list[Fact] = []
    for number, page in enumerate(pages, start=1):
        under = False  # the lines under "FINAL DIAGNOSIS:" state it, whatever their labels
        for line in report_lines(page):
            found = DIAGNOSIS_LABEL.match(line)
            if found is None and HEADING.match(line):
                under = bool(DIAGNOSIS_HEADING.match(line))
                continue
            said = PROSE.search(line)
            if found:
                text = found.group("text").strip()
            elif under or said:
                text = said.group("text") if said and not under else line.strip()
            else:
                text = line.strip()  # any other line naming a cancer ("regarding his …")
            if CANCER.search(text) and not NOT_THE_PATIENTS.search(text):
                value = text if len(text) <= QUOTE else text[: QUOTE - 1] + "…"
                if all(f.value != value for f in out):
                    out.append(Fact(kind=FactKind.HISTOLOGY, value=value, page=number, quote=value))
            if len(out) >= STATED_AT_MOST:
                return out
    return out
