"""Write examples/sample-records: an invented patient's records folder, as a caregiver would have it.

Everything here is invented; no real person, institution or record is used. The output is
committed so `packet check examples/sample-records` works straight after install; run this script
again (python examples/make_sample_records.py) after changing it. Output is deterministic.
"""

from __future__ import annotations

import io
import random
import shutil
import textwrap
import zipfile
from email.message import EmailMessage
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

OUT = Path(__file__).parent / "sample-records"
PATIENT = "Ana Example"
DOB = "04/02/1961"
MRN = "MRN 00481516"

Fields = list[tuple[str, str]]
Sections = list[tuple[str, str]]


def text_pdf(
    path: Path, institution: str, title: str, fields: Fields, sections: Sections, footer: str = ""
) -> None:
    """A report in the usual institutional layout: letterhead, patient block, labelled sections."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    width, height = letter
    page = 1

    def letterhead() -> float:
        c.setFont("Helvetica-Bold", 11)
        c.drawString(54, height - 50, institution)
        c.setFont("Helvetica", 8)
        c.drawString(
            54, height - 62, "100 Example Avenue, Springfield  ·  Tel 555-0100  ·  Fax 555-0101"
        )
        c.line(54, height - 70, width - 54, height - 70)
        return height - 90

    def page_footer() -> None:
        c.setFont("Helvetica", 7)
        c.drawString(
            54, 30, footer or f"Printed 11/02/2026 09:14 by portal user  ·  {PATIENT}  ·  {MRN}"
        )
        c.drawRightString(width - 54, 30, f"Page {page}")

    y = letterhead()
    c.setFont("Helvetica-Bold", 14)
    c.drawCentredString(width / 2, y, title)
    y -= 24
    c.setFont("Helvetica", 9)
    for i in range(0, len(fields), 2):
        for j, (label, value) in enumerate(fields[i : i + 2]):
            c.drawString(54 + j * 260, y, f"{label}: {value}")
        y -= 13
    y -= 8
    for heading, body in sections:
        if y < 120:
            page_footer()
            c.showPage()
            page += 1
            y = letterhead()
        c.setFont("Helvetica-Bold", 10)
        c.drawString(54, y, heading)
        y -= 14
        c.setFont("Helvetica", 9.5)
        for paragraph in body.split("\n"):
            for line in textwrap.wrap(paragraph, 100) or [""]:
                if y < 60:
                    page_footer()
                    c.showPage()
                    page += 1
                    y = letterhead()
                    c.setFont("Helvetica", 9.5)
                c.drawString(62, y, line)
                y -= 12
        y -= 8
    page_footer()
    c.save()


def paper_image(
    lines: list[str], size: tuple[int, int] = (1275, 1650), seed: int = 1
) -> Image.Image:
    """A page of text as a scanner or camera sees it: grey paper, slight blur and noise."""
    rng = random.Random(seed)
    image = Image.new("L", size, 246)
    draw = ImageDraw.Draw(image)
    big = ImageFont.load_default(size=34)
    small = ImageFont.load_default(size=24)
    y = 80
    for n, line in enumerate(lines):
        draw.text((90, y), line, fill=25, font=big if n == 0 else small)
        y += 56 if n == 0 else 36
    for _ in range(1500):
        draw.point((rng.randrange(size[0]), rng.randrange(size[1])), fill=rng.randrange(150, 230))
    return image.rotate(0.6, fillcolor=246).filter(ImageFilter.GaussianBlur(0.6))


def scanned_pdf(path: Path, lines: list[str]) -> None:
    """A scanned page: one JPEG per page and no text layer, as office scanners produce."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    paper_image(lines).save(buffer, "JPEG", quality=70)
    buffer.seek(0)
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    c.drawImage(ImageReader(buffer), 0, 0, width=letter[0], height=letter[1])
    c.showPage()
    c.save()


def phone_photo(path: Path, lines: list[str], heic: bool = False) -> None:
    """A phone photo of a paper printout on a table, stored sideways with an EXIF rotation tag."""
    path.parent.mkdir(parents=True, exist_ok=True)
    paper = paper_image(lines, (1100, 1420), seed=7).convert("RGB")
    photo = Image.new("RGB", (1512, 2016), (92, 70, 52))  # a wooden table, portrait framing
    photo.paste(paper.rotate(-2.5, expand=True, fillcolor=(92, 70, 52)), (190, 260))
    stored = photo.rotate(90, expand=True)  # the sensor's landscape frame
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x010F] = "ExamplePhone"
    if heic:  # the iPhone camera's default format
        from pillow_heif import register_heif_opener

        register_heif_opener()
        stored.save(path, "HEIF", quality=60, exif=exif.tobytes())
    else:
        stored.save(path, "JPEG", quality=82, exif=exif)


CCDA_NOTE = """<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="CDA.xsl"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <realmCode code="US"/>
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <templateId root="2.16.840.1.113883.10.20.22.1.9" extension="2015-08-01"/>
  <id root="2.16.840.1.113883.19.5.99999.1" extension="SAMPLE-0001"/>
  <code code="11506-3" codeSystem="2.16.840.1.113883.6.1" displayName="Progress note"/>
  <title>Oncology Follow-up Visit</title>
  <effectiveTime value="20261015143000-0500"/>
  <recordTarget><patientRole><id extension="00481516" root="2.16.840.1.113883.19.5"/>
    <patient><name><given>Ana</given><family>Example</family></name>
      <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/>
      <birthTime value="19610402"/></patient></patientRole></recordTarget>
  <author><time value="20261015"/><assignedAuthor><id root="2.16.840.1.113883.4.6" extension="999"/>
    <assignedPerson><name><prefix>Dr.</prefix><given>Rosa</given><family>Rivera</family></name></assignedPerson>
    <representedOrganization><name>Lakeside Oncology</name></representedOrganization>
  </assignedAuthor></author>
  <custodian><assignedCustodian><representedCustodianOrganization><id root="1"/>
    <name>Lakeside Medical Center</name></representedCustodianOrganization></assignedCustodian></custodian>
  <componentOf><encompassingEncounter><id root="1" extension="E-2026-1015"/>
    <effectiveTime><low value="20261015"/></effectiveTime></encompassingEncounter></componentOf>
  <component><structuredBody>
    <component><section><code code="29299-5" codeSystem="2.16.840.1.113883.6.1"/>
      <title>Reason for Visit</title>
      <text><paragraph>Follow-up on adjuvant endocrine therapy, two weeks after starting letrozole.</paragraph></text>
    </section></component>
    <component><section><code code="10164-2" codeSystem="2.16.840.1.113883.6.1"/>
      <title>History of Present Illness</title>
      <text><paragraph>Left breast invasive ductal carcinoma, pT2 pN1a, ER/PR positive, HER2 negative,
        status post lumpectomy and sentinel node biopsy. Tolerating letrozole with mild hot flashes.</paragraph></text>
    </section></component>
    <component><section><code code="10160-0" codeSystem="2.16.840.1.113883.6.1"/>
      <title>Medications</title>
      <text><table border="1"><thead><tr><th>Medication</th><th>Dose</th><th>Frequency</th><th>Start</th></tr></thead>
        <tbody><tr><td>Letrozole</td><td>2.5 mg</td><td>once daily</td><td>2026-10-01</td></tr>
        <tr><td>Lisinopril</td><td>10 mg</td><td>once daily</td><td>2019-03-14</td></tr>
        <tr><td>Calcium with vitamin D</td><td>600 mg / 400 IU</td><td>twice daily</td><td>2026-10-01</td></tr></tbody></table></text>
      <entry><substanceAdministration classCode="SBADM" moodCode="INT">
        <statusCode code="active"/>
        <effectiveTime xsi:type="IVL_TS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><low value="20261001"/></effectiveTime>
        <effectiveTime xsi:type="PIVL_TS" institutionSpecified="true" operator="A" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><period value="24" unit="h"/></effectiveTime>
        <doseQuantity value="1"/>
        <consumable><manufacturedProduct><manufacturedMaterial>
          <code code="200064" codeSystem="2.16.840.1.113883.6.88" displayName="letrozole 2.5 MG Oral Tablet"/>
        </manufacturedMaterial></manufacturedProduct></consumable>
      </substanceAdministration></entry>
      <entry><substanceAdministration classCode="SBADM" moodCode="INT">
        <statusCode code="active"/>
        <effectiveTime xsi:type="IVL_TS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><low value="20190314"/></effectiveTime>
        <effectiveTime xsi:type="PIVL_TS" institutionSpecified="true" operator="A" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><period value="24" unit="h"/></effectiveTime>
        <doseQuantity value="1"/>
        <consumable><manufacturedProduct><manufacturedMaterial>
          <code code="314076" codeSystem="2.16.840.1.113883.6.88" displayName="lisinopril 10 MG Oral Tablet"/>
        </manufacturedMaterial></manufacturedProduct></consumable>
      </substanceAdministration></entry>
      <entry><substanceAdministration classCode="SBADM" moodCode="INT">
        <statusCode code="active"/>
        <effectiveTime xsi:type="IVL_TS" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><low value="20261001"/></effectiveTime>
        <effectiveTime xsi:type="PIVL_TS" institutionSpecified="true" operator="A" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><period value="12" unit="h"/></effectiveTime>
        <doseQuantity value="1"/>
        <consumable><manufacturedProduct><manufacturedMaterial>
          <code code="1116" codeSystem="2.16.840.1.113883.6.88" displayName="calcium 600 MG / vitamin D3 400 UNT Oral Tablet"/>
        </manufacturedMaterial></manufacturedProduct></consumable>
      </substanceAdministration></entry>
    </section></component>
    <component><section><code code="51848-0" codeSystem="2.16.840.1.113883.6.1"/>
      <title>Assessment and Plan</title>
      <text><list><item>Continue letrozole 2.5 mg daily.</item>
        <item>Baseline bone density scan (DEXA) before the next visit.</item>
        <item>Radiation oncology consultation is scheduled.</item></list></text>
    </section></component>
  </structuredBody></component>
</ClinicalDocument>
"""


def portal_export(path: Path) -> None:
    """A patient portal's "download my record" export: a zip with the IHE_XDM layout, holding a
    C-CDA document, its stylesheet and the portal's index and readme."""
    path.parent.mkdir(parents=True, exist_ok=True)
    members = {
        "IHE_XDM/SUBSET01/DOC0001.XML": CCDA_NOTE,
        "IHE_XDM/SUBSET01/CDA.XSL": '<xsl:stylesheet version="1.0"/>\n',
        "IHE_XDM/SUBSET01/METADATA.XML": "<SubmitObjectsRequest/>\n",
        "INDEX.HTM": "<html><body><p>Your health record. Open IHE_XDM to see it.</p></body></html>\n",
        "README.TXT": "This archive was created by the patient portal of Lakeside Medical Center.\n",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 10, 20, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)


def email_with_attachment(path: Path, attachment: Path) -> None:
    """An email from the clinic with a report attached, saved from the mail program (.eml)."""
    message = EmailMessage()
    message["From"] = "Lakeside Oncology <oncology@lakeside.example>"
    message["To"] = "luis@family.example"
    message["Date"] = "Wed, 21 Oct 2026 16:05:00 -0400"
    message["Subject"] = "Tumor marker results"
    message["Message-ID"] = "<sample-0001@lakeside.example>"
    message.set_content(
        "Dear Mr. Example,\n\nAs requested, your mother's tumor marker results from "
        "10/15/2026 are attached.\n\nLakeside Oncology front desk\n"
    )
    message.add_attachment(
        attachment.read_bytes(), maintype="application", subtype="pdf", filename=attachment.name
    )
    message.set_boundary("sample-boundary-0001")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(message))


def dicom_disc(folder: Path) -> None:
    """A small CT study (two series) as a disc stores it: DICOMDIR and files without extensions."""
    from array import array

    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.fileset import FileSet
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    fs = FileSet()
    fs.UID = generate_uid(entropy_srcs=["sample-disc"])  # fixed, so the output is reproducible
    fs.ID = "SAMPLECD"
    study_uid = generate_uid(entropy_srcs=["sample-study"])
    for series_number, description in ((1, "AXIAL 5MM"), (2, "CORONAL 3MM")):
        series_uid = generate_uid(entropy_srcs=["sample-series", str(series_number)])
        for instance in range(1, 4):
            meta = FileMetaDataset()
            meta.MediaStorageSOPClassUID = CTImageStorage
            meta.MediaStorageSOPInstanceUID = generate_uid(
                entropy_srcs=["sample", str(series_number), str(instance)]
            )
            meta.TransferSyntaxUID = ExplicitVRLittleEndian
            ds = FileDataset(None, {}, file_meta=meta, preamble=b"\0" * 128)
            ds.SOPClassUID = CTImageStorage
            ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
            ds.StudyInstanceUID = study_uid
            ds.SeriesInstanceUID = series_uid
            ds.PatientName = "EXAMPLE^ANA"
            ds.PatientID = "00481516"
            ds.PatientBirthDate = "19610402"
            ds.StudyDate = "20260304"
            ds.StudyTime = "101500"
            ds.Modality = "CT"
            ds.StudyDescription = "CT CHEST ABDOMEN PELVIS W CONTRAST"
            ds.SeriesDescription = description
            ds.BodyPartExamined = "CHEST"
            ds.StudyID = "1"
            ds.AccessionNumber = "CT2603040017"
            ds.InstitutionName = "Lakeside Medical Center"
            ds.SeriesNumber = series_number
            ds.InstanceNumber = instance
            ds.Rows = ds.Columns = 16
            ds.BitsAllocated = ds.BitsStored = 16
            ds.HighBit = 15
            ds.PixelRepresentation = 0
            ds.SamplesPerPixel = 1
            ds.PhotometricInterpretation = "MONOCHROME2"
            ds.PixelData = array("H", (i * instance for i in range(256))).tobytes()
            fs.add(ds)
    fs.write(folder)


def caregiver_files(root: Path) -> None:
    (root / "packet.toml").write_text(
        textwrap.dedent(
            """\
            # packet.toml for the sample records (an invented patient).
            [patient]
            name = "Ana Example"
            date_of_birth = 1961-04-02
            diagnosis = "Invasive ductal carcinoma, left breast, ER+/PR+/HER2-"
            stage = "cT2 cN1 M0 (staging complete)"
            treating_doctor = "Dr. Rosa Rivera, Lakeside Oncology"
            allergies = "Penicillin (rash)"

            [contact]
            name = "Luis Example"
            relationship = "son"
            phone = "555-0100"
            email = "luis@example.org"

            [referring]
            doctor = "Dr. Rosa Rivera"
            practice = "Lakeside Oncology"
            phone = "555-0142"
            fax = "555-0143"

            [second_opinion]
            center = "Example Cancer Center"
            doctor = "Dr. Sam Second"
            appointment = 2026-12-01

            [checklist.slides]
            status = "pending"
            note = "Requested from Lakeside pathology on 2026-11-03 (blocks and H&E slides)"

            [[opinion]]
            doctor = "Dr. Rosa Rivera, Lakeside Oncology"
            date = "2026-10-20"
            diagnosis = "Invasive ductal carcinoma, ER+/PR+/HER2-, grade 2"
            stage = "ypT1c ypN1a after chemotherapy; staging complete"
            goal = "Cure"
            treatment_sequence = "Radiation to breast and nodes, then letrozole for 5 years"
            expected_benefits = "Lower risk of the cancer coming back"
            risks = "Skin changes, fatigue; joint pain and bone thinning from letrozole"
            start_by = "Radiation within 6 weeks of surgery"
            tests_used = "Core biopsy 2026-02-10, surgical pathology 2026-09-15, PET/CT 2026-03-05"
            would_change_plan = "A high recurrence score or a germline mutation"

            [[opinion]]
            doctor = "Dr. Lee Nodal, Lakeside Surgery"
            date = "2026-10-02"
            diagnosis = "Invasive ductal carcinoma, ER+/PR+/HER2-, grade 2"
            stage = "ypT1c ypN1a"
            goal = "Cure"
            treatment_sequence = "Axillary lymph node dissection, then radiation, then letrozole"
            risks = "Lymphedema of the left arm"
            start_by = "Within 4 weeks"
            tests_used = "Surgical pathology 2026-09-15"
            """
        ),
        encoding="utf-8",
    )
    (root / "timeline.csv").write_text(
        textwrap.dedent(
            """\
            date,type,description
            2026-01,symptom,Felt a lump in the left breast
            2026-01-28,test,Diagnostic mammogram and ultrasound
            2026-02-10,test,Core needle biopsy of the left breast
            2026-02-18,diagnosis,Told it is invasive ductal carcinoma
            2026-03-05,test,PET/CT for staging
            2026-04-02,treatment,Started chemotherapy (dose-dense AC then paclitaxel)
            2026-06-14,visit,Emergency visit for fever during chemotherapy
            2026-08-20,treatment,Finished chemotherapy
            2026-09-15,surgery,Lumpectomy and sentinel node biopsy
            2026-10-20,visit,Oncology visit: radiation and letrozole recommended
            """
        ),
        encoding="utf-8",
    )
    (root / "medications.csv").write_text(
        textwrap.dedent(
            """\
            name,dose,how_often,reason,started,notes
            letrozole,2.5 mg,once daily,breast cancer,2026-10-01,
            ondansetron,8 mg,as needed,nausea,2026-04-02,during chemotherapy
            lisinopril,10 mg,once daily,blood pressure,2019-05,
            vitamin D3,2000 IU,once daily,supplement,2025,
            turmeric capsules,500 mg,twice daily,supplement (her own choice),2026-03,ask if this is safe
            """
        ),
        encoding="utf-8",
    )
    (root / "questions.md").write_text(
        textwrap.dedent(
            """\
            # Questions for the second-opinion doctor

            - Is the stage complete, or should any test be repeated?
            - Is axillary dissection needed, or is radiation to the nodes enough?
            - Would genomic testing (a recurrence score) change the plan?
            - How long can radiation wait after surgery?
            - Is turmeric safe with letrozole?
            """
        ),
        encoding="utf-8",
    )


def records(root: Path) -> None:
    who: Fields = [("Patient", PATIENT), ("DOB", DOB), ("MRN", MRN.split()[1])]
    text_pdf(
        root / "Path reports" / "Surgical Pathology Report.pdf",
        "Lakeside Medical Center — Department of Pathology",
        "SURGICAL PATHOLOGY REPORT",
        [
            *who,
            ("Accession", "S26-01187"),
            ("Collected", "02/10/2026 10:42"),
            ("Received", "02/11/2026"),
            ("Ordering physician", "Dr. Ines Imaging"),
        ],
        [
            (
                "SPECIMEN:",
                "Left breast, 2 o'clock, 4 cm from nipple, ultrasound-guided core needle biopsy",
            ),
            (
                "CLINICAL HISTORY:",
                "64-year-old woman with a 2.4 cm irregular mass, BI-RADS 5 on mammogram of 01/28/2026.",
            ),
            (
                "FINAL DIAGNOSIS:",
                "Left breast, 2 o'clock, core needle biopsy:\n- Invasive ductal carcinoma, "
                "Nottingham grade 2 (tubules 3, nuclei 2, mitoses 1).\n- Ductal carcinoma in situ, intermediate "
                "grade, solid type.\n- Lymphovascular invasion: not identified.\n- Receptor studies to follow in an addendum.",
            ),
            (
                "GROSS DESCRIPTION:",
                "Received in formalin labeled with the patient's name: four cores of tan-white "
                "tissue, 1.2 to 1.8 cm, entirely submitted in cassette A1.",
            ),
            (
                "MICROSCOPIC DESCRIPTION:",
                "Sections show infiltrating nests and cords of tumor cells with moderate "
                "pleomorphism in a desmoplastic stroma.",
            ),
            ("", "Electronically signed by Paula Pathologist, MD on 02/13/2026 16:05"),
        ],
    )
    text_pdf(
        root / "Path reports" / "Breast biomarker panel.pdf",
        "Lakeside Medical Center — Department of Pathology",
        "BREAST BIOMARKER REPORT (IMMUNOHISTOCHEMISTRY)",
        [
            *who,
            ("Accession", "S26-01187"),
            ("Date collected", "02/10/2026"),
            ("Reported", "02/17/2026"),
        ],
        [
            ("TEST:", "ER/PR/HER2 immunohistochemistry, Ki-67"),
            (
                "RESULTS:",
                "Estrogen receptor (ER): POSITIVE, 95% of cells, strong (Allred 8)\n"
                "Progesterone receptor (PR): POSITIVE, 40% of cells, moderate (Allred 6)\n"
                "HER2 (IHC): 1+, NEGATIVE\nKi-67: 18%",
            ),
            (
                "METHOD:",
                "Ventana assays on block A1, scored per ASCO/CAP guidelines. Controls performed as expected.",
            ),
            ("", "Verified by Paula Pathologist, MD on 02/17/2026"),
        ],
    )
    text_pdf(
        root / "Imaging" / "Mammo.pdf",
        "Springfield Breast Imaging Center",
        "DIAGNOSTIC RADIOLOGY REPORT",
        [*who, ("Exam date", "01/28/2026 09:30"), ("Referring", "Dr. Pat Primary")],
        [
            ("EXAM:", "DIAGNOSTIC MAMMOGRAM BILATERAL WITH TOMOSYNTHESIS"),
            ("CLINICAL INDICATION:", "Palpable lump, left breast, 2 o'clock."),
            ("COMPARISON:", "Screening mammogram 12/03/2024."),
            (
                "FINDINGS:",
                "Heterogeneously dense breasts. In the left breast at 2 o'clock there is an irregular "
                "spiculated mass measuring 2.4 cm. No suspicious findings on the right.",
            ),
            (
                "IMPRESSION:",
                "Highly suggestive of malignancy, left breast. BI-RADS 5. Ultrasound-guided biopsy recommended.",
            ),
            ("", "Electronically signed by Ines Imaging, MD 01/28/2026 14:02"),
        ],
    )
    scanned_pdf(
        root / "Imaging" / "US LEFT BREAST 1-28-26.pdf",
        [
            "BREAST ULTRASOUND REPORT",
            f"Patient: {PATIENT}   DOB: {DOB}",
            "Exam date: 01/28/2026",
            "EXAM: US LEFT BREAST LIMITED",
            "FINDINGS: Irregular hypoechoic mass at 2 o'clock,",
            "2.3 x 1.9 x 1.7 cm, with angular margins.",
            "Axillary node with 4 mm cortex.",
            "IMPRESSION: BI-RADS 5. Biopsy recommended.",
            "",
            "Signed: I. Imaging, MD  01/28/2026",
        ],
    )
    text_pdf(
        root / "Imaging" / "CT CAP.pdf",
        "Lakeside Medical Center — Radiology",
        "RADIOLOGY REPORT",
        [*who, ("Date of exam", "03/04/2026 10:15"), ("Accession", "CT2603040017")],
        [
            ("EXAM:", "CT CHEST ABDOMEN PELVIS WITH CONTRAST"),
            (
                "TECHNIQUE:",
                "Axial images from the thoracic inlet to the pubic symphysis after IV contrast.",
            ),
            ("COMPARISON:", "None."),
            (
                "FINDINGS:",
                "Known left breast mass. Two enlarged left axillary lymph nodes up to 1.4 cm. "
                "No pulmonary nodules. Liver, adrenals and bones without suspicious lesions.",
            ),
            (
                "IMPRESSION:",
                "Left breast mass with left axillary adenopathy. No evidence of distant metastatic disease.",
            ),
            ("", "Dictated 03/04/2026, signed by Ray Radiologist, MD 03/05/2026 08:10"),
        ],
    )
    text_pdf(
        root / "Imaging" / "PET CT staging.pdf",
        "Lakeside Medical Center — Nuclear Medicine",
        "PET/CT REPORT",
        [*who, ("Exam date", "March 5, 2026"), ("Tracer", "F-18 FDG, 10.2 mCi")],
        [
            ("EXAM:", "PET/CT SKULL BASE TO MID-THIGH"),
            ("COMPARISON:", "CT chest/abdomen/pelvis of 03/04/2026."),
            (
                "FINDINGS:",
                "Hypermetabolic left breast mass, SUV max 8.1. Two FDG-avid left axillary nodes, SUV max 5.2. "
                "No hypermetabolic distant disease.",
            ),
            (
                "IMPRESSION:",
                "Left breast primary with left axillary nodal disease. No distant metastases (M0).",
            ),
        ],
    )
    text_pdf(
        root / "Genetics" / "Hereditary cancer panel.pdf",
        "Example Genetics Laboratory",
        "GERMLINE GENETIC TESTING REPORT",
        [
            *who,
            ("Specimen", "Blood"),
            ("Collection date", "Feb 24, 2026"),
            ("Report date", "Mar 16, 2026"),
        ],
        [
            (
                "TEST PERFORMED:",
                "Multi-gene hereditary cancer panel (34 genes), sequencing and deletion/duplication",
            ),
            (
                "RESULT:",
                "NEGATIVE. No pathogenic or likely pathogenic variants identified.\n"
                "One variant of uncertain significance: CHEK2 c.1427C>T (p.Thr476Met).",
            ),
            (
                "GENES ANALYZED:",
                "APC, ATM, BARD1, BRCA1, BRCA2, BRIP1, CDH1, CHEK2, EPCAM, MLH1, MSH2, MSH6, NBN, "
                "NF1, PALB2, PMS2, PTEN, RAD51C, RAD51D, STK11, TP53 and 13 others.",
            ),
        ],
    )
    text_pdf(
        root / "Doctor visits" / "Oncology consult letter.pdf",
        "Lakeside Oncology Associates",
        "MEDICAL ONCOLOGY CONSULTATION",
        [*who, ("Date of service", "02/18/2026"), ("Referring", "Dr. Pat Primary")],
        [
            ("REASON FOR VISIT:", "New diagnosis of left breast cancer."),
            (
                "HISTORY OF PRESENT ILLNESS:",
                "Ms. Example felt a lump in January 2026. Mammogram on 01/28/2026 "
                "was BI-RADS 5, and core biopsy on 02/10/2026 showed invasive ductal carcinoma, ER+/PR+/HER2-.",
            ),
            (
                "ASSESSMENT AND PLAN:",
                "Clinical stage cT2 cN1. Plan: staging CT and PET/CT, germline testing, then "
                "neoadjuvant dose-dense AC followed by weekly paclitaxel. Surgery after chemotherapy.",
            ),
            ("", "Next appointment: 03/10/2026 with Dr. Rosa Rivera."),
            ("", "Electronically signed by Rosa Rivera, MD 02/19/2026"),
        ],
    )
    text_pdf(
        root / "Doctor visits" / "MyChart - Visit Summary.pdf",
        "Lakeside Health MyChart",
        "After Visit Summary",
        [
            ("Patient", PATIENT),
            ("Date of birth", DOB),
            ("Visit date", "10/20/2026"),
            ("Provider", "Rosa Rivera, MD"),
        ],
        [
            ("Reason for Visit", "Follow-up after surgery"),
            ("Your diagnosis", "Invasive ductal carcinoma of the left breast, ER+/PR+/HER2-"),
            (
                "Instructions",
                "Start radiation planning. Continue letrozole 2.5 mg daily. Take vitamin D.",
            ),
            ("Your next appointment", "11/24/2026 at 9:00 AM with Radiation Oncology"),
        ],
        footer="Printed from MyChart on 11/01/2026",
    )
    text_pdf(
        root / "Treatment" / "Chemotherapy summary.pdf",
        "Lakeside Infusion Center",
        "CHEMOTHERAPY TREATMENT SUMMARY",
        [*who, ("Treatment dates", "04/02/2026 - 08/20/2026"), ("Oncologist", "Rosa Rivera, MD")],
        [
            (
                "REGIMEN:",
                "Dose-dense doxorubicin/cyclophosphamide (AC) x 4 cycles, then paclitaxel weekly x 12",
            ),
            (
                "COURSE:",
                "Cycle 1 day 1 on 04/02/2026. One delay for neutropenic fever (06/14/2026). "
                "Paclitaxel dose reduced 20% for grade 2 neuropathy from week 9.",
            ),
            ("RESPONSE:", "Clinical partial response; breast mass no longer palpable."),
        ],
    )
    text_pdf(
        root / "Hospital" / "ED visit June.pdf",
        "Lakeside Medical Center",
        "EMERGENCY DEPARTMENT PROVIDER NOTE",
        [*who, ("Arrival", "06/14/2026 22:41"), ("Discharge date", "06/15/2026")],
        [
            ("CHIEF COMPLAINT:", "Fever 38.9 C, day 9 after AC cycle 3."),
            (
                "ED COURSE:",
                "ANC 0.3. Blood cultures drawn, cefepime started. Admitted overnight, discharged "
                "afebrile on oral antibiotics.",
            ),
            ("DIAGNOSIS:", "Febrile neutropenia"),
        ],
    )
    text_pdf(
        root / "Surgery" / "Operative report.pdf",
        "Lakeside Medical Center — Department of Surgery",
        "OPERATIVE REPORT",
        [*who, ("Date of surgery", "09/15/2026"), ("Surgeon", "Lee Nodal, MD")],
        [
            ("PREOPERATIVE DIAGNOSIS:", "Left breast cancer after neoadjuvant chemotherapy."),
            ("POSTOPERATIVE DIAGNOSIS:", "Same."),
            (
                "PROCEDURE PERFORMED:",
                "Left breast lumpectomy with wire localization and sentinel lymph node biopsy",
            ),
            ("ANESTHESIA:", "General."),
            ("ESTIMATED BLOOD LOSS:", "25 mL."),
            (
                "FINDINGS:",
                "Clip identified in the specimen. Three sentinel nodes, one palpably firm.",
            ),
            ("", "Dictated 09/15/2026 by Lee Nodal, MD. Signed 09/17/2026."),
        ],
    )
    text_pdf(
        root / "Path reports" / "Lumpectomy pathology.pdf",
        "Lakeside Medical Center — Department of Pathology",
        "SURGICAL PATHOLOGY REPORT",
        [
            *who,
            ("Accession", "S26-09922"),
            ("Date of procedure", "09/15/2026"),
            ("Received", "09/15/2026"),
        ],
        [
            ("SPECIMEN:", "A. Left breast, lumpectomy; B. Left axillary sentinel lymph nodes"),
            (
                "FINAL DIAGNOSIS:",
                "A. Residual invasive ductal carcinoma, 1.1 cm (ypT1c), margins negative "
                "(closest 4 mm).\nB. One of three sentinel lymph nodes with metastatic carcinoma, 3 mm (ypN1a).",
            ),
            (
                "SYNOPTIC REPORT:",
                "Procedure: lumpectomy. Histologic type: invasive ductal carcinoma. "
                "Treatment effect: partial response (RCB-II).",
            ),
            ("", "Electronically signed by Paula Pathologist, MD on 09/18/2026"),
        ],
    )
    text_pdf(
        root / "Labs" / "CBC and CMP.pdf",
        "Lakeside Laboratory Services",
        "LABORATORY RESULTS",
        [*who, ("Collected", "10/18/2026 07:55"), ("Resulted", "10/18/2026 11:20")],
        [
            (
                "COMPLETE BLOOD COUNT",
                "Test            Result    Units      Reference range\n"
                "WBC             5.8       10^3/uL    4.0 - 11.0\nHemoglobin      11.9 L    g/dL       12.0 - 15.5\n"
                "Platelets       221       10^3/uL    150 - 400",
            ),
            (
                "COMPREHENSIVE METABOLIC PANEL",
                "Creatinine      0.8       mg/dL      0.5 - 1.1\n"
                "ALT             22        U/L        7 - 35\nAlkaline phosphatase 88 U/L     40 - 130",
            ),
        ],
    )
    phone_photo(
        root / "Medications" / "IMG_4431.JPG",
        [
            "SPRINGFIELD PHARMACY - MEDICATION LIST",
            f"{PATIENT}   DOB {DOB}",
            "Printed 10/05/2026",
            "",
            "LETROZOLE 2.5 MG TAB  - take 1 tablet daily",
            "  Rx# 7781203   Filled 10/01/2026",
            "LISINOPRIL 10 MG TAB - take 1 tablet daily",
            "  Rx# 6620931   Filled 09/28/2026",
            "ONDANSETRON 8 MG ODT - 1 tab as needed",
            "  Rx# 7012288   Filled 04/01/2026",
        ],
    )
    text_pdf(
        root / "Insurance" / "Explanation of benefits.pdf",
        "Example Health Plan",
        "EXPLANATION OF BENEFITS — THIS IS NOT A BILL",
        [
            ("Member", PATIENT),
            ("Member ID", "XEH 0042 1961"),
            ("Statement date", "10/30/2026"),
            ("Claim number", "26-5522-0193"),
        ],
        [
            (
                "SERVICES",
                "Date of service 09/15/2026  Lumpectomy   Billed $18,400.00   Plan paid $14,950.00   "
                "You may owe $1,200.00",
            )
        ],
    )
    # The portal download of the operative report, saved a second time under a generic name.
    (root / "Downloads").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(
        root / "Surgery" / "Operative report.pdf", root / "Downloads" / "Document (3).pdf"
    )
    dicom_disc(root / "CT disc 2026-03-04")
    portal_export(root / "Downloads" / "HealthSummary_Export.zip")
    markers = OUT.parent / "Tumor markers.pdf"  # made here, then attached to the email
    text_pdf(
        markers,
        "LAKESIDE MEDICAL CENTER - LABORATORY",
        "LABORATORY RESULTS - TUMOR MARKERS",
        [
            ("Patient", PATIENT),
            ("DOB", DOB),
            ("MRN", MRN.split()[1]),
            ("Collected", "10/15/2026 08:40"),
        ],
        [
            (
                "RESULTS",
                "CA 27-29      31.2      U/mL     < 38.6\nCEA           1.9       ng/mL    < 3.0",
            )
        ],
    )
    email_with_attachment(root / "Email" / "Tumor marker results.eml", markers)
    markers.unlink()
    phone_photo(
        root / "Hospital" / "IMG_5120.HEIC",
        [
            "LAKESIDE MEDICAL CENTER - DISCHARGE INSTRUCTIONS",
            f"{PATIENT}   DOB {DOB}",
            "Date of discharge: 09/16/2026",
            "",
            "After your lumpectomy:",
            "- Keep the incision dry for 48 hours.",
            "- Call if fever over 101 F or redness.",
            "- Follow-up with Dr. Chen on 09/30/2026.",
        ],
        heic=True,
    )


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    caregiver_files(OUT)
    records(OUT)
    count = sum(1 for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {count} files to {OUT} (the records of an invented patient)")


if __name__ == "__main__":
    main()
