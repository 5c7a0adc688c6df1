"""The files families really have: zipped portal exports (stored or compressed, nested, with
odd names, bombs and tricks), C-CDA health summaries, emails with attachments, Word letters and
iPhone photos — each member accounted for like a loose file, in check and in the packet."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from packet.build import BuildOptions, build_packet
from packet.check import check_folder
from packet.models import Category, DocumentStatus, FileKind, ProblemKind

from conftest import CONSULT_TEXT, CT_TEXT, PATHOLOGY_TEXT, fingerprint, make_pdf, records_folder

CCDA = """<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="CDA.xsl"?>
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:sdtc="urn:hl7-org:sdtc">
  <realmCode code="US"/>
  <templateId root="2.16.840.1.113883.10.20.22.1.8" extension="2015-08-01"/>
  <code code="18842-5" codeSystem="2.16.840.1.113883.6.1" displayName="Discharge summary"/>
  <title>Hospital Discharge Summary</title>
  <effectiveTime value="20260320120000-0500"/>
  <recordTarget><patientRole><id extension="00481516" root="2.16.840.1.113883.19.5"/>
    <patient><name><given>Test</given><family>Person</family></name>
      <birthTime value="19610402"/></patient></patientRole></recordTarget>
  <author><time value="20260320"/><assignedAuthor><id root="1"/>
    <assignedPerson><name><given>Maria</given><family>Rivera</family></name></assignedPerson>
    <representedOrganization><name>Lakeside Medical Center</name></representedOrganization>
  </assignedAuthor></author>
  <componentOf><encompassingEncounter><effectiveTime><low value="20260316"/>
    <high value="20260320"/></effectiveTime></encompassingEncounter></componentOf>
  <component><structuredBody>
    <component><section><code code="46241-6"/><title>Hospital Course</title>
      <text><paragraph>Admitted with neutropenic fever after cycle 2. Treated with cefepime.</paragraph></text>
    </section></component>
    <component><section><code code="10183-2"/><title>Discharge Medications</title>
      <text><table><thead><tr><th>Medication</th><th>Dose</th></tr></thead>
        <tbody><tr><td>Letrozole</td><td>2.5 mg daily</td></tr></tbody></table></text>
    </section></component>
  </structuredBody></component>
</ClinicalDocument>
"""


def _zip(path: Path, members: dict[str, bytes], stored: bool = False) -> Path:
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _pdf_bytes(tmp: Path, name: str, text: str) -> bytes:
    return make_pdf(tmp / name, text).read_bytes()


def _statuses(root: Path) -> dict[str, DocumentStatus]:
    report, _ = check_folder(root)
    return {d.path: d.status for d in report.documents}


def test_a_stored_zip_export_is_read_member_by_member(tmp_path: Path) -> None:
    # Stored (uncompressed) zips hold their PDFs' first bytes early: once read as one PDF, the
    # second document vanished from both the packet and the not-included list.
    root = records_folder(tmp_path)
    (root / "Downloads").mkdir()
    _zip(
        root / "Downloads" / "MyChart_Records_Export.zip",
        {
            "Visit 2026-05-01.pdf": _pdf_bytes(tmp_path, "a.pdf", CONSULT_TEXT),
            "Results/CT.pdf": _pdf_bytes(tmp_path, "b.pdf", CT_TEXT),
        },
        stored=True,
    )
    before = fingerprint(root)
    statuses = _statuses(root)
    assert statuses["Downloads/MyChart_Records_Export.zip/Visit 2026-05-01.pdf"] == "included"
    assert statuses["Downloads/MyChart_Records_Export.zip/Results/CT.pdf"] == "included"
    assert statuses["Downloads/MyChart_Records_Export.zip"] == "excluded"  # listed, as a folder
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 2
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "p.pdf").pages)
    assert "MEDICAL ONCOLOGY CONSULTATION" in text and "RADIOLOGY REPORT" in text
    assert fingerprint(root) == before  # nothing unpacked into the records folder


def test_bombs_tricks_and_locks_inside_a_zip_are_problems_not_disasters(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    archive = _zip(
        root / "export.zip",
        {
            "zeros.pdf": bytes(60_000_000),  # compresses about a thousand to one
            "../../outside.pdf": _pdf_bytes(tmp_path, "t.pdf", PATHOLOGY_TEXT),
            "locked.pdf": _pdf_bytes(tmp_path, "l.pdf", CT_TEXT),
            "__MACOSX/._locked.pdf": b"\x00\x05\x16\x07",
            "r\xe9sultats.pdf": _pdf_bytes(tmp_path, "r.pdf", CONSULT_TEXT),
        },
    )
    data = bytearray(archive.read_bytes())  # mark locked.pdf as encrypted, as a password would
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = -1
        while (position := data.find(signature, position + 1)) >= 0:
            name_at = position + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + 10] == b"locked.pdf":
                data[position + offset] |= 0x01
    archive.write_bytes(bytes(data))
    report, _ = check_folder(root)
    docs = {d.path: d for d in report.documents}
    problems = {p.path: p for p in report.problems if p.kind is ProblemKind.ARCHIVE}
    assert docs["export.zip/zeros.pdf"].status is DocumentStatus.EXCLUDED
    assert "zip bomb" in docs["export.zip/zeros.pdf"].reason
    assert docs["export.zip/outside.pdf"].status is DocumentStatus.INCLUDED
    assert "points outside the archive" in problems["export.zip/outside.pdf"].message
    assert docs["export.zip/locked.pdf"].status is DocumentStatus.EXCLUDED
    assert "password" in problems["export.zip/locked.pdf"].message
    assert docs["export.zip/résultats.pdf"].status is DocumentStatus.INCLUDED
    assert any(i.path.startswith("export.zip/__MACOSX") for i in report.ignored)
    assert not (tmp_path / "outside.pdf").exists()


def test_a_zip_of_files_already_in_the_folder_does_not_double_the_packet(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    report_pdf = make_pdf(root / "Pathology report.pdf", PATHOLOGY_TEXT).read_bytes()
    _zip(root / "Export.zip", {"Pathology report.pdf": report_pdf})
    statuses = _statuses(root)
    assert sorted(statuses.values()) == ["duplicate", "excluded", "included"]
    assert build_packet(root, BuildOptions(output=tmp_path / "p.pdf")).documents == 1


def test_a_portal_export_with_a_ccda_becomes_readable_pages(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    _zip(
        root / "HealthSummary.zip",
        {
            "IHE_XDM/SUBSET01/DOC0001.XML": CCDA.encode(),
            "IHE_XDM/SUBSET01/CDA.XSL": b"<xsl:stylesheet/>",
            "INDEX.HTM": b"<html><body>Open the files in IHE_XDM</body></html>",
            "README.TXT": b"This archive was created by the patient portal.",
        },
    )
    report, _ = check_folder(root)
    docs = {d.path: d for d in report.documents}
    summary = docs["HealthSummary.zip/IHE_XDM/SUBSET01/DOC0001.XML"]
    assert summary.status is DocumentStatus.INCLUDED
    assert summary.category is Category.HOSPITAL
    assert str(summary.date) == "2026-03-16"
    for path in ("INDEX.HTM", "README.TXT", "IHE_XDM/SUBSET01/CDA.XSL"):
        assert f"HealthSummary.zip/{path}" in docs  # every member accounted for
    build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "p.pdf").pages)
    assert "Hospital Course" in text and "neutropenic fever" in text
    assert "Letrozole | 2.5 mg daily" in text


def test_malformed_or_hostile_xml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    (root / "broken.xml").write_text(CCDA[: len(CCDA) // 2], encoding="utf-8")
    entity = CCDA.replace(
        '<?xml-stylesheet type="text/xsl" href="CDA.xsl"?>',
        '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    ).replace("Hospital Course", "&secret;")
    (root / "entity.xml").write_text(entity, encoding="utf-8")
    report, _ = check_folder(root)
    docs = {d.path: d for d in report.documents}
    assert docs["broken.xml"].status is DocumentStatus.EXCLUDED
    assert docs["entity.xml"].status is DocumentStatus.EXCLUDED  # DTDs are refused outright
    assert {p.path for p in report.problems} >= {"broken.xml", "entity.xml"}


def _email(subject: str, body: str, attachments: list[tuple[str, bytes, str]]) -> bytes:
    message = EmailMessage()
    message["From"] = "Lakeside Oncology <clinic@example.org>"
    message["To"] = "family@example.org"
    message["Date"] = "Tue, 10 Feb 2026 09:30:00 -0500"
    message["Subject"] = subject
    message.set_content(body)
    for name, data, kind in attachments:
        if kind == "message/rfc822":
            from email import message_from_bytes, policy

            message.add_attachment(message_from_bytes(data, policy=policy.default))
        else:
            main, sub = kind.split("/")
            message.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return bytes(message)


def test_an_email_and_every_attachment_are_accounted_for(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    inner = _email(
        "Fwd: CT report",
        "See the attached CT.",
        [("CT report.pdf", _pdf_bytes(tmp_path, "ct.pdf", CT_TEXT), "application/pdf")],
    )
    outer = _email(
        "Your pathology report",
        "Dear family, the pathology report is attached.",
        [
            ("Pathology.pdf", _pdf_bytes(tmp_path, "path.pdf", PATHOLOGY_TEXT), "application/pdf"),
            ("forwarded.eml", inner, "message/rfc822"),
            ("photo.png", _png(), "image/png"),
        ],
    )
    (root / "Email from clinic.eml").write_bytes(outer)
    report, _ = check_folder(root)
    docs = {d.path: d for d in report.documents}
    assert docs["Email from clinic.eml"].status is DocumentStatus.INCLUDED  # the message itself
    assert docs["Email from clinic.eml/Pathology.pdf"].category is Category.PATHOLOGY
    nested = [
        p for p in docs if p.startswith("Email from clinic.eml/") and p.endswith("CT report.pdf")
    ]
    assert len(nested) == 1 and docs[nested[0]].category is Category.IMAGING
    assert docs["Email from clinic.eml/photo.png"].kind is FileKind.IMAGE
    build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "p.pdf").pages)
    assert "Your pathology report" in text and "RADIOLOGY REPORT" in text


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 200, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_word_letter_is_read_and_classified(tmp_path: Path) -> None:
    import docx

    root = records_folder(tmp_path)
    document = docx.Document()
    document.add_heading("Medical Oncology Consultation", level=1)
    document.add_paragraph("Date of service: 02/12/2026")
    document.add_paragraph("HISTORY OF PRESENT ILLNESS: 64-year-old woman with a left breast mass.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "ER", "95% positive"
    document.save(str(root / "Letter from Dr Rivera.docx"))
    report, _ = check_folder(root)
    letter = next(d for d in report.documents if d.path == "Letter from Dr Rivera.docx")
    assert letter.status is DocumentStatus.INCLUDED
    assert letter.category is Category.CLINIC_NOTES and str(letter.date) == "2026-02-12"
    build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "p.pdf").pages)
    assert "ER | 95% positive" in text


def test_an_iphone_photo_becomes_an_upright_page(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    root = records_folder(tmp_path)
    photo = Image.new("RGB", (1200, 900), (250, 250, 250))
    exif = Image.Exif()
    exif[0x0112] = 6  # taken holding the phone upright: turn 90° to show it
    photo.save(root / "IMG_4431.HEIC", format="HEIF", exif=exif.tobytes())
    report, _ = check_folder(root)
    doc = report.documents[0]
    assert doc.kind is FileKind.IMAGE and doc.status is DocumentStatus.INCLUDED
    assert not [p for p in report.problems if p.path == "IMG_4431.HEIC" and p.severity == "error"]
    build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    pages = PdfReader(tmp_path / "p.pdf").pages
    photo_page = next(p for p in pages if "/Photo" in p["/Resources"].get("/XObject", {}))
    image = photo_page["/Resources"]["/XObject"]["/Photo"]
    assert image["/Height"] > image["/Width"]  # turned upright


HL7_EXAMPLES = Path(__file__).parent / "ccda"  # CC0, from HL7's C-CDA-Examples (see README)


def _folder_of_its_patient(tmp_path: Path, name: str) -> Path:
    """A records folder whose packet.toml names the example's own patient (any other patient's
    folder keeps the document out, as it should)."""
    from packet.formats.ccda import to_text

    header = to_text(HL7_EXAMPLES / name).splitlines()[1:6]
    patient = dict(line.split(": ", 1) for line in header if ": " in line)
    root = tmp_path / "r"
    root.mkdir()
    (root / "packet.toml").write_text(
        f'[patient]\nname = "{patient["Patient"]}"\ndate_of_birth = {patient["Date of birth"]}\n',
        encoding="utf-8",
    )
    return root


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("CCD.xml", Category.OTHER),
        ("Discharge_Summary.xml", Category.HOSPITAL),
        ("Progress_Note.xml", Category.CLINIC_NOTES),
        ("Consultation_Note.xml", Category.CLINIC_NOTES),
        ("Operative_Note.xml", Category.OPERATIVE),
        ("Diagnostic_Imaging_Report.xml", Category.IMAGING),
    ],
)
def test_real_ccda_documents_are_filed_dated_and_rendered(
    tmp_path: Path, name: str, category: Category
) -> None:
    from packet.formats.ccda import to_text

    text = to_text(HL7_EXAMPLES / name)
    root = _folder_of_its_patient(tmp_path, name)
    (root / "DOC0001.XML").write_bytes((HL7_EXAMPLES / name).read_bytes())
    report, _ = check_folder(root)
    doc = report.documents[0]
    assert doc.status is DocumentStatus.INCLUDED and doc.category is category
    assert doc.date is not None and doc.title and doc.title != "Document"
    assert text.count("\n## ") >= 3  # its sections, each with its title
    assert "Patient: " in text and "Date of birth: " in text


def test_a_ccda_s_medications_and_procedures_reach_the_checklist_timeline_and_packet(
    tmp_path: Path,
) -> None:
    root = _folder_of_its_patient(tmp_path, "Discharge_Summary.xml")
    (root / "Discharge.xml").write_bytes((HL7_EXAMPLES / "Discharge_Summary.xml").read_bytes())
    report, _ = check_folder(root)
    medications = {m.name: m for m in report.medications}
    assert medications["Ibuprofen 600mg Oral Tablet"].source == "Discharge.xml"
    assert medications["Ibuprofen 600mg Oral Tablet"].how_often == "every 6 h"
    item = next(i for i in report.checklist if i.id == "medications")
    assert item.status == "present" and "Discharge.xml" in item.documents
    procedure = next(e for e in report.timeline if e.description == "Laparoscopic appendectomy")
    assert str(procedure.date) == "2014-09-10" and procedure.documents == ["Discharge.xml"]
    build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "p.pdf").pages)
    assert "Ibuprofen 600mg Oral Tablet" in text and "Listed by" in text


def test_a_fhir_export_is_recognized_and_listed_with_what_to_do(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    (root / "export").write_text('{"resourceType": "Bundle", "type": "collection", "entry": []}')
    report, _ = check_folder(root)
    doc = report.documents[0]
    assert doc.status is DocumentStatus.EXCLUDED and "FHIR" in doc.reason
    assert "C-CDA" in next(p.fix for p in report.problems if p.path == "export")


def test_a_ccda_of_another_patient_is_kept_out(tmp_path: Path) -> None:
    # The C-CDA's header is read like any record's: Isabella Jones is not Test Person.
    root = records_folder(tmp_path)
    (root / "DOC0001.XML").write_bytes((HL7_EXAMPLES / "CCD.xml").read_bytes())
    report, _ = check_folder(root)
    assert report.documents[0].status is DocumentStatus.EXCLUDED
    assert any(p.kind is ProblemKind.OTHER_PATIENT for p in report.problems)
