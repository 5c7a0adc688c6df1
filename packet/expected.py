"""What could change the plan: the results each cancer's workup routinely expects
(`packet/data/expected.toml`, after public guidance), each found in the records with its value
and page, said to be pending, or not found. The cancer comes from the records' primary site and
histology, from a coded problem of a health summary, or from the family's diagnosis; a cancer
the table does not cover gets no invented questions. It is a list of questions, not advice.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from packet.models import (
    Category,
    DiagnosisSource,
    DocumentOut,
    ExpectedCancer,
    ExpectedResult,
    ExpectedStatus,
    FactKind,
    FactSource,
    FactValue,
    SummaryFact,
)

TABLE = "expected.toml"


@dataclass(frozen=True)
class ResultSpec:
    id: str
    label: str
    kinds: tuple[FactKind, ...]
    every: bool  # each of `kinds` must be found ("all" in the table)
    imaging: tuple[re.Pattern[str], ...]
    when: str
    histology: re.Pattern[str] | None
    question: str
    ask: str
    source: str


@dataclass(frozen=True)
class CancerSpec:
    id: str
    name: str
    specialist: str
    diagnoses: tuple[re.Pattern[str], ...]
    sites: tuple[re.Pattern[str], ...]
    histologies: tuple[re.Pattern[str], ...]
    excluded: tuple[re.Pattern[str], ...]
    results: tuple[ResultSpec, ...]

    def names(self, text: str) -> bool:
        """The words name this cancer: a diagnosis of it, or one of its sites (with one of its
        histologies, where it asks for one), and nothing that makes it another disease."""
        if any(p.search(text) for p in self.excluded):
            return False
        if any(p.search(text) for p in self.diagnoses):
            return True
        sited = any(p.search(text) for p in self.sites)
        return sited and (not self.histologies or any(p.search(text) for p in self.histologies))


def _patterns(items: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(item, re.IGNORECASE) for item in items)


@cache
def table() -> tuple[CancerSpec, ...]:
    """The table as the package ships it."""
    data = tomllib.loads(files("packet.data").joinpath(TABLE).read_text(encoding="utf-8"))
    cancers = []
    for cancer in data["cancer"]:
        specialist = cancer["specialist"]
        results = []
        for row in cancer["result"]:
            label = row["label"]
            results.append(
                ResultSpec(
                    id=row["id"],
                    label=label,
                    kinds=tuple(FactKind(k) for k in row.get("kinds", ())),
                    every=bool(row.get("all", False)),
                    imaging=_patterns(row.get("imaging", ())),
                    when=row.get("when", ""),
                    histology=re.compile(row["histology"], re.I) if "histology" in row else None,
                    question=row.get(
                        "question", f"{label} — no result is in these records. Was it tested?"
                    ),
                    ask=row.get(
                        "ask",
                        f"Ask the {specialist} whether {label} was tested; if it was, ask for "
                        "the report.",
                    ),
                    source=row["source"],
                )
            )
        cancers.append(
            CancerSpec(
                id=cancer["id"],
                name=cancer["name"],
                specialist=specialist,
                diagnoses=_patterns(cancer.get("diagnoses", ())),
                sites=_patterns(cancer.get("sites", ())),
                histologies=_patterns(cancer.get("histologies", ())),
                excluded=_patterns(cancer.get("excluded", ())),
                results=tuple(results),
            )
        )
    return tuple(cancers)


def covered_names() -> list[str]:
    return [c.name for c in table()]


# --- which cancer ---------------------------------------------------------------------------------


def _values(facts: list[SummaryFact], kind: FactKind) -> list[FactValue]:
    return [v for f in facts if f.kind is kind for v in f.values]


def _named_by(
    facts: list[SummaryFact],
    diagnosis: str,
    coded: Sequence[DiagnosisSource],
    stated: Sequence[DiagnosisSource],
) -> list[tuple[CancerSpec, list[DiagnosisSource]]]:
    """The cancers the records, the coded problems and the family name, each with what names
    it. The records name a cancer by a histology that names it alone ("invasive ductal
    carcinoma") or by a primary site read with their histologies ("lung" with "adenocarcinoma")."""
    sites = _values(facts, FactKind.PRIMARY_SITE)
    histologies = _values(facts, FactKind.HISTOLOGY)
    named: dict[str, list[DiagnosisSource]] = {}
    tissue = "; ".join(h.value for h in histologies)
    for cancer in table():
        found: list[DiagnosisSource] = []
        for histology in histologies:
            if cancer.names(histology.value) and any(
                p.search(histology.value) for p in cancer.diagnoses
            ):
                found.append(DiagnosisSource(text=histology.value, source=histology.sources[0]))
        for site in sites:
            if cancer.names(f"{site.value}; {tissue}") and any(
                p.search(site.value) for p in cancer.sites
            ):
                found.append(DiagnosisSource(text=site.value, source=site.sources[0]))
                found += [
                    DiagnosisSource(text=h.value, source=h.sources[0])
                    for h in histologies
                    if not cancer.histologies or any(p.search(h.value) for p in cancer.histologies)
                ]
        # a record's line that names the cancer counts when no site or histology read does:
        # the summary's own values are the shorter words
        for given in [*coded, *([] if found else stated)]:
            if cancer.names(given.text):
                found.append(given)
        if diagnosis and cancer.names(diagnosis):
            found.append(DiagnosisSource(text=diagnosis))
        unique: list[DiagnosisSource] = []
        for item in found:
            if item not in unique:
                unique.append(item)
        if unique:
            named[cancer.id] = unique
    return [(c, named[c.id]) for c in table() if c.id in named]


# --- each expected result -------------------------------------------------------------------------


def _source(doc: DocumentOut, page: int, quote: str = "") -> FactSource:
    return FactSource(path=doc.path, page=page, title=doc.title, date=doc.date, quote=quote)


STAGING = frozenset({FactKind.STAGE, FactKind.TNM})


def _result(
    spec: ResultSpec, facts: list[SummaryFact], documents: list[DocumentOut]
) -> ExpectedResult:
    result = _status(spec, facts, documents)
    result.biomarker = bool(spec.kinds) and not set(spec.kinds) <= STAGING
    return result


def _status(
    spec: ResultSpec, facts: list[SummaryFact], documents: list[DocumentOut]
) -> ExpectedResult:
    values: list[FactValue] = []
    missing: list[str] = []
    if spec.imaging:
        reports = [d for d in documents if d.category is Category.IMAGING and d.filed_by_content]
        for pattern in spec.imaging:
            matched = [d for d in reports if pattern.search(d.title)]
            if not matched:
                missing.append(pattern.pattern)
            for doc in matched:
                if not any(v.value == doc.title for v in values):
                    values.append(FactValue(value=doc.title, sources=[_source(doc, 1)]))
        found = not missing
    else:
        for kind in spec.kinds:
            given = _values(facts, kind)
            if not given:
                missing.append(kind.value)
            prefix = f"{kind.value.upper()} " if len(spec.kinds) > 1 and spec.every else ""
            values += [FactValue(value=prefix + v.value, sources=v.sources) for v in given]
        found = not missing if spec.every else bool(values)
    if found:
        return ExpectedResult(
            id=spec.id,
            label=spec.label,
            status=ExpectedStatus.FOUND,
            when=spec.when,
            values=values,
            source=spec.source,
        )
    waiting = [
        _source(doc, fact.page, fact.quote)
        for doc in documents
        for fact in doc.pending
        if fact.kind in spec.kinds
    ]
    unique = [s for n, s in enumerate(waiting) if all(s.path != w.path for w in waiting[:n])]
    return ExpectedResult(
        id=spec.id,
        label=spec.label,
        status=ExpectedStatus.PENDING if unique else ExpectedStatus.NOT_FOUND,
        when=spec.when,
        values=values,  # of a result of several genes, those found
        pending=unique,
        missing=[m.upper() for m in missing] if spec.every and values and spec.kinds else [],
        question="" if unique else spec.question,
        ask="" if unique else spec.ask,
        source=spec.source,
    )


def assess(
    facts: list[SummaryFact],
    documents: list[DocumentOut],
    diagnosis: str = "",
    coded: Sequence[DiagnosisSource] = (),
) -> list[ExpectedCancer]:
    """For each cancer the records or the family name, each expected result found, pending or
    not found; a diagnosis the table does not cover, said so. `facts` are the clinical summary's,
    `documents` the records that go into the packet, `diagnosis` the family's ([patient]
    diagnosis in packet.toml), `coded` the problems a health summary codes."""
    stated = [
        DiagnosisSource(text=f.value, source=_source(doc, f.page, f.quote))
        for doc in documents
        for f in doc.diagnoses
    ]
    named = _named_by(facts, diagnosis, coded, stated)
    histologies = " ".join(
        [v.value for v in _values(facts, FactKind.HISTOLOGY)] + [diagnosis]
    ).strip()
    out = []
    for cancer, sources in named:
        results = [
            _result(spec, facts, documents)
            for spec in cancer.results
            if spec.histology is None
            or not re.search(r"carcinoma|adenocarcinoma", histologies, re.I)
            or spec.histology.search(histologies)
        ]
        out.append(
            ExpectedCancer(
                id=cancer.id,
                name=cancer.name,
                specialist=cancer.specialist,
                named_by=sources,
                results=results,
            )
        )
    if out:
        return out
    given = [
        DiagnosisSource(text=v.value, source=v.sources[0])
        for kind in (FactKind.HISTOLOGY, FactKind.PRIMARY_SITE)
        for v in _values(facts, kind)
    ]
    given += [*coded, *stated]
    if diagnosis:
        given.append(DiagnosisSource(text=diagnosis))
    if not given:
        return []
    return [
        ExpectedCancer(
            id="", name=", ".join(d.text for d in given[:3]), covered=False, named_by=given
        )
    ]
