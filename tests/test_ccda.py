"""C-CDA read in full: encodings and prologs, the stylesheet beside it, its own title and date,
narrative line breaks and table cells, an unstructured document's embedded PDF, and coded
entries (allergies, problems, results, procedures, medications, the author's organization and
MRN) reaching the cover, the summary, the timeline, the checklist and the medications page.
The fixtures are built here, shaped like the vendors' (HL7's templates and codes)."""

from __future__ import annotations

import base64
import re
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from packet.build import BuildOptions, build_packet
from packet.check import check_folder
from packet.formats import ccda
from packet.formats.ccda import read
from packet.models import Category, DocumentStatus, FactKind

from conftest import PATHOLOGY_TEXT, make_pdf, records_folder

SNOMED = "2.16.840.1.113883.6.96"
ICD10 = "2.16.840.1.113883.6.90"
LOINC = "2.16.840.1.113883.6.1"
RXNORM = "2.16.840.1.113883.6.88"


def _header(code: str = "34133-9", title: str = "Lakeside Health Summary", body: str = "") -> str:
    return f"""<ClinicalDocument xmlns="urn:hl7-org:v3"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <realmCode code="US"/>
  <code code="{code}" codeSystem="{LOINC}"/>
  <title>{title}</title>
  <effectiveTime value="20260405101500-0500"/>
  <recordTarget><patientRole>
    <id extension="123-45-6789" root="2.16.840.1.113883.4.1"/>
    <id extension="MRN4471" root="2.16.840.1.113883.19.5"/>
    <patient><name><given>Test</given><family>Person</family></name>
      <birthTime value="19610402"/></patient></patientRole></recordTarget>
  <author><time value="20260405"/><assignedAuthor><id root="1"/>
    <assignedPerson><name><given>Ana</given><family>Rivera</family></name></assignedPerson>
    <representedOrganization><name>Lakeside Cancer Center</name></representedOrganization>
  </assignedAuthor></author>
  <documentationOf><serviceEvent classCode="PCPR"><effectiveTime>
    <low value="19610402"/><high value="20260405"/></effectiveTime></serviceEvent></documentationOf>
  {body}
</ClinicalDocument>
"""


def _section(code: str, title: str, entries: str, text: str = "") -> str:
    narrative = f"<text>{text}</text>" if text else ""
    return f"""<component><section><code code="{code}" codeSystem="{LOINC}"/>
      <title>{title}</title>{narrative}{entries}</section></component>"""


ALLERGY = f"""<entry><act classCode="ACT" moodCode="EVN"><statusCode code="active"/>
  <entryRelationship typeCode="SUBJ"><observation classCode="OBS" moodCode="EVN">
    <templateId root="2.16.840.1.113883.10.20.22.4.7"/>
    <value xsi:type="CD" code="416098002" codeSystem="{SNOMED}" displayName="Drug allergy"/>
    <participant typeCode="CSM"><participantRole classCode="MANU"><playingEntity classCode="MMAT">
      <code code="7980" codeSystem="{RXNORM}" displayName="Penicillin G"/></playingEntity>
    </participantRole></participant>
    <entryRelationship typeCode="MFST" inversionInd="true"><observation classCode="OBS" moodCode="EVN">
      <templateId root="2.16.840.1.113883.10.20.22.4.9"/>
      <value xsi:type="CD" code="247472004" codeSystem="{SNOMED}" displayName="Hives"/>
    </observation></entryRelationship>
  </observation></entryRelationship></act></entry>"""

NO_KNOWN_ALLERGIES = f"""<entry><act classCode="ACT" moodCode="EVN"><statusCode code="active"/>
  <entryRelationship typeCode="SUBJ"><observation classCode="OBS" moodCode="EVN" negationInd="true">
    <templateId root="2.16.840.1.113883.10.20.22.4.7"/>
    <value xsi:type="CD" code="419199007" codeSystem="{SNOMED}" displayName="Allergy to substance"/>
    <participant typeCode="CSM"><participantRole classCode="MANU"><playingEntity classCode="MMAT">
      <code nullFlavor="NA"/></playingEntity></participantRole></participant>
  </observation></entryRelationship></act></entry>"""

PROBLEM = f"""<entry><act classCode="ACT" moodCode="EVN"><statusCode code="active"/>
  <entryRelationship typeCode="SUBJ"><observation classCode="OBS" moodCode="EVN">
    <templateId root="2.16.840.1.113883.10.20.22.4.4"/>
    <effectiveTime><low value="20260210"/></effectiveTime>
    <value xsi:type="CD" code="254837009" codeSystem="{SNOMED}"
        displayName="Malignant neoplasm of left breast">
      <translation code="C50.912" codeSystem="{ICD10}"
          displayName="Malignant neoplasm of unspecified site of left female breast"/></value>
  </observation></entryRelationship></act></entry>"""

STAGING_FINDING = f"""<entry><act classCode="ACT" moodCode="EVN"><entryRelationship typeCode="SUBJ">
  <observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.4"/>
    <value xsi:type="CD" code="261653007" codeSystem="{SNOMED}" displayName="Tumor stage T2c"/>
  </observation></entryRelationship></act></entry>"""

HYPERTENSION = f"""<entry><act classCode="ACT" moodCode="EVN"><entryRelationship typeCode="SUBJ">
  <observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.4"/>
    <value xsi:type="CD" code="38341003" codeSystem="{SNOMED}" displayName="Hypertension"/>
  </observation></entryRelationship></act></entry>"""

RESULTS = f"""<entry><organizer classCode="BATTERY" moodCode="EVN">
  <code code="85319-2" codeSystem="{LOINC}" displayName="Breast cancer markers panel"/>
  <effectiveTime value="20260212"/>
  <component><observation classCode="OBS" moodCode="EVN">
    <code code="16112-5" codeSystem="{LOINC}" displayName="Estrogen receptor"/>
    <effectiveTime value="20260212"/>
    <value xsi:type="CD" code="10828004" codeSystem="{SNOMED}" displayName="Positive"/>
  </observation></component>
  <component><observation classCode="OBS" moodCode="EVN">
    <code code="718-7" codeSystem="{LOINC}" displayName="Hemoglobin"/>
    <effectiveTime value="20260212"/>
    <value xsi:type="PQ" value="12.9" unit="g/dL"/>
  </observation></component>
  <component><observation classCode="OBS" moodCode="EVN">
    <code code="33914-3" codeSystem="{LOINC}" displayName="eGFR"/>
    <effectiveTime value="20260212"/>
    <value xsi:type="PQ" value="38" unit="mL/min/1.73m2"/>
  </observation></component>
</organizer></entry>"""

PROSTATECTOMY = f"""<entry><procedure classCode="PROC" moodCode="EVN">
  <code code="26294005" codeSystem="{SNOMED}" displayName="Radical prostatectomy"/>
  <statusCode code="completed"/><effectiveTime value="20250304"/></procedure></entry>"""

PLANNED = f"""<entry><procedure classCode="PROC" moodCode="INT">
  <code code="73761001" codeSystem="{SNOMED}" displayName="Colonoscopy"/>
  <statusCode code="active"/><effectiveTime value="20261012"/></procedure></entry>"""


def _medication(
    name: str, status: str, negated: bool = False, rxnorm: str = "10324", ended: str = ""
) -> str:
    negation = ' negationInd="true"' if negated else ""
    high = f'<high value="{ended}"/>' if ended else ""
    return f"""<entry><substanceAdministration classCode="SBADM" moodCode="EVN"{negation}>
      <statusCode code="{status}"/><effectiveTime xsi:type="IVL_TS"><low value="20260301"/>{high}</effectiveTime>
      <doseQuantity value="1"/>
      <consumable><manufacturedProduct><manufacturedMaterial>
        <code code="{rxnorm}" codeSystem="{RXNORM}" displayName="{name}"/>
      </manufacturedMaterial></manufacturedProduct></consumable></substanceAdministration></entry>"""


def _coded_summary() -> str:
    """A CCD with coded entries and no narrative at all, the way some exports come."""
    sections = "".join(
        [
            _section("48765-2", "Allergies", ALLERGY),
            _section("11450-4", "Problems", PROBLEM + STAGING_FINDING + HYPERTENSION),
            _section("30954-2", "Results", RESULTS),
            _section("47519-4", "Procedures", PROSTATECTOMY + PLANNED),
            _section(
                "10160-0",
                "Medications",
                _medication("Tamoxifen 20 MG Oral Tablet", "active")
                + _medication("Ondansetron 4 MG Oral Tablet", "completed", ended="20260310")
                + _medication("Letrozole 2.5 MG Oral Tablet", "suspended", rxnorm="199224")
                + _medication("No Known Medications", "active", rxnorm="")
                + _medication("Warfarin 5 MG Oral Tablet", "active", negated=True),
            ),
            _section(
                "29549-3",
                "Medications administered",
                _medication("Cefazolin 2 G Injection", "completed", rxnorm="1665060"),
            ),
        ]
    )
    return _header(body=f"<component><structuredBody>{sections}</structuredBody></component>")


def _report(root: Path):  # type: ignore[no-untyped-def]
    report, _ = check_folder(root)
    return report


def test_a_byte_order_mark_utf16_or_a_long_comment_before_the_root_is_still_a_ccda(
    tmp_path: Path,
) -> None:
    root = records_folder(tmp_path)
    document = _coded_summary()
    (root / "bom.xml").write_bytes(b"\xef\xbb\xbf" + document.encode())
    (root / "utf16.xml").write_bytes(
        ('<?xml version="1.0" encoding="UTF-16"?>\n' + document.replace("Lakeside", "Lake")).encode(
            "utf-16"
        )
    )
    comment = "<!-- " + "exported by the portal; " * 400 + "-->\n"
    (root / "comment.xml").write_text(
        '<?xml version="1.0"?>\n' + comment + document.replace("Lakeside", "Lakes"),
        encoding="utf-8",
    )
    report = _report(root)
    docs = {d.path: d for d in report.documents}
    for name in ("bom.xml", "utf16.xml", "comment.xml"):
        assert docs[name].status is DocumentStatus.INCLUDED, (name, docs[name].reason)
        assert docs[name].kind == "text"


def test_the_stylesheet_beside_a_ccda_is_packaging_not_a_damaged_record(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    (root / "summary.xml").write_text(_coded_summary(), encoding="utf-8")
    (root / "CDA.xsl").write_text(
        '<?xml version="1.0"?>\n<!--\n' + "  Revision History: updated.\n" * 300 + "-->\n"
        '<xsl:stylesheet version="1.0" '
        'xmlns:xsl="http://www.w3.org/1999/XSL/Transform"></xsl:stylesheet>\n',
        encoding="utf-8",
    )
    report = _report(root)
    sheet = next(d for d in report.documents if d.path == "CDA.xsl")
    assert sheet.status is DocumentStatus.EXCLUDED and "stylesheet" in sheet.reason
    assert not [p for p in report.problems if p.path == "CDA.xsl"]


def test_the_document_s_own_title_and_date_never_the_birth_or_a_lifelong_period(
    tmp_path: Path,
) -> None:
    root = records_folder(tmp_path)
    (root / "summary.xml").write_text(_coded_summary(), encoding="utf-8")
    visit = _header("11506-3", "Oncology follow-up visit").replace(
        "</author>",
        "</author><componentOf><encompassingEncounter><effectiveTime>"
        '<low value="20260318"/></effectiveTime></encompassingEncounter></componentOf>',
    )
    (root / "visit.xml").write_text(visit, encoding="utf-8")
    docs = {d.path: d for d in _report(root).documents}
    assert docs["summary.xml"].title == "Lakeside Health Summary"
    assert str(docs["summary.xml"].date) == "2026-04-05"  # made then; the period began at birth
    assert docs["visit.xml"].title == "Oncology follow-up visit"
    assert str(docs["visit.xml"].date) == "2026-03-18"  # the visit's day
    assert docs["visit.xml"].category is Category.CLINIC_NOTES


def test_line_breaks_lists_and_table_cells_keep_their_words_apart(tmp_path: Path) -> None:
    narrative = (
        "Physical exam:<br/>GENERAL: alert.<br/>LUNGS: clear."
        "<list><item>Walks daily</item><item>Lives with <content>son</content></item></list>"
        "<table><tr><th>Address</th><th>City</th></tr>"
        "<tr><td>12 Main Street</td><td>MADISON<br/>WI</td></tr></table>"
    )
    body = _section("29545-1", "Physical findings", "", narrative)
    document = _header(body=f"<component><structuredBody>{body}</structuredBody></component>")
    file = tmp_path / "doc.xml"
    file.write_text(document, encoding="utf-8")
    text = read(file).text
    assert "GENERAL: alert." in text.splitlines() and "LUNGS: clear." in text.splitlines()
    assert "- Walks daily" in text and "- Lives with son" in text
    assert "12 Main Street | MADISON; WI" in text and "StreetMADISON" not in text


def test_an_unstructured_ccda_s_embedded_pdf_is_a_record_of_its_own(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    pdf = make_pdf(tmp_path / "path.pdf", PATHOLOGY_TEXT).read_bytes()
    encoded = base64.b64encode(pdf).decode()
    body = (
        '<component><nonXMLBody><text mediaType="application/pdf" representation="B64">'
        f"{encoded}</text></nonXMLBody></component>"
    )
    (root / "report.xml").write_text(_header("11526-1", "Surgical pathology", body))
    broken = body.replace(encoded[:40], "!!!not base64!!!")
    (root / "broken.xml").write_text(_header("11526-1", "Surgical pathology", broken))
    report = _report(root)
    docs = {d.path: d for d in report.documents}
    embedded = docs["report.xml/attachment.pdf"]
    assert embedded.status is DocumentStatus.INCLUDED and embedded.category is Category.PATHOLOGY
    assert any(p.path == "broken.xml" and "damaged" in p.message for p in report.problems)
    build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "p.pdf").pages)
    assert "invasive ductal carcinoma" in text.lower()


def test_coded_entries_with_no_narrative_are_rendered_not_empty_headings(tmp_path: Path) -> None:
    file = tmp_path / "summary.xml"
    file.write_text(_coded_summary(), encoding="utf-8")
    text = read(file).text
    assert "- Penicillin G — reaction: Hives" in text
    assert "Malignant neoplasm of left breast (SNOMED CT 254837009; ICD-10-CM C50.912)" in text
    assert "Estrogen receptor: Positive" in text and "Radical prostatectomy — 2025-03-04" in text


def test_coded_entries_reach_the_cover_summary_timeline_checklist_and_medications(
    tmp_path: Path,
) -> None:
    root = records_folder(tmp_path)
    (root / "summary.xml").write_text(_coded_summary(), encoding="utf-8")
    other = _coded_summary().replace(ALLERGY, NO_KNOWN_ALLERGIES).replace("Lakeside", "Hill")
    (root / "second.xml").write_text(other, encoding="utf-8")
    report = _report(root)
    assert [a.in_words for a in report.allergies] == ["Penicillin G (Hives)", "no known allergies"]
    doc = next(d for d in report.documents if d.path == "summary.xml")
    assert doc.institution == "Lakeside Cancer Center" and doc.mrn == "MRN4471"  # never the SSN
    kinds = {f.kind: f.value for f in doc.facts}
    assert "ICD-10-CM C50.912" in kinds[FactKind.DIAGNOSIS]
    # a staging finding or hypertension is no cancer diagnosis
    assert [f.kind for f in doc.facts].count(FactKind.DIAGNOSIS) == 1
    assert kinds[FactKind.ER] == "positive"
    assert "Lakeside Cancer Center" in {c.name for c in report.summary.care}
    events = {(str(e.date), e.type, e.description) for e in report.timeline}
    assert ("2025-03-04", "surgery", "Radical prostatectomy") in events
    assert ("2026-02-12", "test", "Estrogen receptor Positive") in events
    assert ("2026-02-12", "test", "Lab results: Breast cancer markers panel") in events
    assert not any(e.description.startswith("eGFR") for e in report.timeline)  # kidneys'
    assert FactKind.EGFR not in kinds
    assert not any("Colonoscopy" in e.description for e in report.timeline)  # only planned
    operative = next(i for i in report.checklist if i.id == "operative")
    assert operative.required and "Radical prostatectomy" in operative.detail
    medications = {m.name: m for m in report.medications}
    # taken now: not ended, not suspended, not a negation, not given once in hospital
    assert list(medications) == ["Tamoxifen 20 MG Oral Tablet"]
    assert [
        medications["Tamoxifen 20 MG Oral Tablet"].source,
        *medications["Tamoxifen 20 MG Oral Tablet"].also,
    ] == ["second.xml", "summary.xml"]
    build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    pages = PdfReader(tmp_path / "p.pdf").pages
    cover = pages[0].extract_text()
    assert "Penicillin G (Hives)" in cover and "not stated" not in cover
    summary = "\n".join(p.extract_text() for p in pages[1:3])
    assert "Coded diagnosis" in summary and "C50.912" in summary


def test_a_coded_diagnosis_cites_the_page_it_is_written_on(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    long = "".join(f"<paragraph>Visit {n}: seen, well, no change.</paragraph>" for n in range(90))
    body = _section("10164-2", "History of present illness", "", long) + _section(
        "11450-4", "Problems", PROBLEM
    )
    (root / "summary.xml").write_text(
        _header(body=f"<component><structuredBody>{body}</structuredBody></component>")
    )
    build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    pages = [p.extract_text() for p in PdfReader(tmp_path / "p.pdf").pages]
    summary = next(p for p in pages if p.startswith("Clinical summary"))
    cited = re.search(r"Coded diagnosis.*?p\. (\d+)", summary, re.S)
    assert cited, summary
    assert int(cited.group(1)) > 1 + next(
        n for n, p in enumerate(pages) if p.startswith("CONTINUITY OF CARE")
    )  # not the record's first page
    assert "Malignant neoplasm of left breast" in pages[int(cited.group(1)) - 1]


def test_a_compressed_embedded_pdf_is_inflated_within_limits_and_damage_has_a_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = records_folder(tmp_path)
    pdf = make_pdf(tmp_path / "path.pdf", PATHOLOGY_TEXT).read_bytes()

    def unstructured(payload: bytes) -> str:
        encoded = base64.b64encode(zlib.compress(payload)).decode()
        return _header(
            "11526-1",
            "Surgical pathology",
            '<component><nonXMLBody><text mediaType="application/pdf" representation="B64" '
            f'compression="DF">{encoded}</text></nonXMLBody></component>',
        )

    (root / "report.xml").write_text(unstructured(pdf))
    (root / "bomb.xml").write_text(unstructured(b"\0" * 3_000_000))
    (root / "cut.xml").write_text(_coded_summary()[:900])
    monkeypatch.setattr(ccda, "MAX_EMBEDDED_BYTES", 2_000_000)
    report = _report(root)
    docs = {d.path: d for d in report.documents}
    assert docs["report.xml/attachment.pdf"].category is Category.PATHOLOGY
    assert not any(d.startswith("bomb.xml/") for d in docs)
    bomb = next(p for p in report.problems if p.path == "bomb.xml")
    assert "unpacks to more than packet takes" in bomb.message and "PDF" in bomb.fix
    cut = next(p for p in report.problems if p.path == "cut.xml")
    assert "cannot be read" in cut.message and "Download it again" in cut.fix
    assert docs["cut.xml"].status is DocumentStatus.EXCLUDED


def test_a_coded_date_that_is_no_day_is_no_date(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    odd = PROSTATECTOMY.replace('value="20250304"', 'value="20251399"')
    body = _section("47519-4", "Procedures", odd)
    (root / "summary.xml").write_text(
        _header(body=f"<component><structuredBody>{body}</structuredBody></component>")
    )
    report = _report(root)  # a month 13 was a crash in the timeline
    assert not any("prostatectomy" in e.description for e in report.timeline)
    assert "Radical prostatectomy" in read(root / "summary.xml").text
