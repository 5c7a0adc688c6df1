"""`packet request`: the request letters as one PDF, one letter per institution and kind, each
ready to print, sign and send (packet/requests.py decides what each asks for, and of whom).

Like `build`, the PDF is written outside the records folder, to a temporary file renamed into
place, and an existing file is never replaced without `force`.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import letter as LETTER_PAPER
from reportlab.pdfgen.canvas import Canvas

from packet.assembly import remove_stale_parts, write_atomically
from packet.build import (
    _check_output,
    _refuse_identity_conflict,
    _refuse_unreadable_settings,
    _require_patient,
)
from packet.caregiver import PacketSettings
from packet.check import check_folder, require_folder
from packet.errors import UsageError, output_error
from packet.identity import fold
from packet.index import Progress
from packet.layout import INK, MUTED, RULE, draw, draw_footer, wrap
from packet.models import Report, RequestKind
from packet.reading import PACKET_CREATOR
from packet.requests import Letter, long_date, plan_letters

WIDTH, HEIGHT = LETTER_PAPER
MARGIN = 60.0
BOTTOM = 44.0  # above the footer band
TEXT = 10.5
LEADING = 1.38
BLANK = "_" * 34  # a line for the family to fill in by hand

SUBJECTS: dict[RequestKind, str] = {
    RequestKind.SLIDES: "Request to send pathology slides and tissue blocks for a second opinion",
    RequestKind.RECORDS: "Request for a copy of medical records (HIPAA right of access)",
    RequestKind.IMAGING: "Request for imaging studies on disc (DICOM) for a second opinion",
}
SHORT: dict[RequestKind, str] = {
    RequestKind.SLIDES: "Slides and blocks",
    RequestKind.RECORDS: "Records",
    RequestKind.IMAGING: "Images on disc",
}


@dataclass(frozen=True)
class RequestOptions:
    output: Path | None = None  # default: FOLDER-requests.pdf in the current folder
    force: bool = False
    force_identity: bool = False  # write although packet.toml's date of birth contradicts records
    ocr: bool | None = None  # as for `check`: read scans when Tesseract is installed
    cache: bool = True


@dataclass(frozen=True)
class RequestResult:
    output: Path | None  # None: nothing to ask for, nothing written
    letters: list[Letter]
    pages: int
    report: Report


def default_requests_output(folder: Path) -> Path:
    """`<folder>-requests.pdf` in the current folder, or beside the records folder when the
    current folder is inside it (as `build` chooses its packet's place)."""
    name = f"{folder.resolve().name or 'records'}-requests.pdf"
    here = Path.cwd().resolve()
    if here == folder.resolve() or folder.resolve() in here.parents:
        return folder.resolve().parent / name
    return here / name


def write_requests(
    folder: Path,
    options: RequestOptions | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> RequestResult:
    options = options or RequestOptions()
    folder = require_folder(folder)
    target = _check_output(folder, options.output or default_requests_output(folder), options.force)
    remove_stale_parts(target)
    report, index = check_folder(folder, progress, today, ocr=options.ocr, cache=options.cache)
    settings = index.caregiver.settings
    _require_patient(folder, settings, report.problems)
    _refuse_unreadable_settings(report.problems)
    # a letter with a date of birth the institution's records contradict would be refused
    _refuse_identity_conflict(report.problems, options.force_identity)
    letters = plan_letters(index, report)
    if not letters:
        return RequestResult(output=None, letters=[], pages=0, report=report)
    data, pages = render_letters(letters, settings)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_metadata(
        {
            "/Title": f"Request letters — {settings.patient.name}",
            "/Author": "packet",
            "/Subject": "Requests for records, slides and images for a second opinion",
            "/Creator": PACKET_CREATOR,
            "/Producer": "packet",
        }
    )
    try:
        write_atomically(writer, target, replace=options.force)
    except FileExistsError as exc:
        raise UsageError(
            f"{target} was created by another program while the letters were being written.",
            "Run again with another name (-o), or add --force to replace it.",
        ) from exc
    except OSError as exc:
        raise output_error(exc, target) from exc
    return RequestResult(output=target, letters=letters, pages=pages, report=report)


# Laying out ---------------------------------------------------------------------------------


@dataclass
class Line:
    text: str
    size: float = TEXT
    bold: bool = False
    indent: float = 0.0
    color: Color = INK
    rule: bool = False  # a thin rule under the line (a field to fill in)


@dataclass
class Block:
    """Lines kept on one page together (a paragraph, an item, the signature)."""

    lines: list[Line] = field(default_factory=list)
    before: float = 0.0  # space above it

    @property
    def height(self) -> float:
        return self.before + sum(line.size * LEADING for line in self.lines)


def _para(text: str, before: float = 8, size: float = TEXT, bold: bool = False, indent: float = 0,
          color: Color = INK) -> Block:  # fmt: skip
    room = WIDTH - 2 * MARGIN - indent
    lines = [Line(t, size, bold, indent, color) for t in wrap(text, room, size, bold)]
    return Block(lines, before)


def _hanging(first: str, rest: list[str], before: float = 5) -> Block:
    """A listed item: a bullet, its first line bold, the rest under it."""
    room = WIDTH - 2 * MARGIN - 14
    lines = [Line(t, TEXT, True, 14) for t in wrap(first, room, TEXT, True)]
    for text in rest:
        lines += [Line(t, TEXT - 0.5, False, 14, MUTED) for t in wrap(text, room, TEXT - 0.5)]
    lines[0] = Line("•  " + lines[0].text, TEXT, True, 4)
    return Block(lines, before)


def _is_patient(settings: PacketSettings) -> bool:
    contact, patient = settings.contact, settings.patient
    if contact.relationship.strip().lower() in ("self", "patient", "me", "myself"):
        return True
    return bool(contact.name and patient.name and fold(contact.name) == fold(patient.name))


def _requester(settings: PacketSettings) -> list[str]:
    contact = settings.contact
    return [
        contact.name or f"Name: {BLANK}",
        contact.address or f"Address: {BLANK}",
        "  ·  ".join(
            part
            for part in (
                f"Phone {contact.phone}" if contact.phone else f"Phone: {BLANK[:16]}",
                f"Email {contact.email}" if contact.email else "",
            )
            if part
        ),
    ]


def _center(settings: PacketSettings) -> list[str]:
    """Where slides and discs go: the second-opinion center, as packet.toml gives it."""
    center = settings.second_opinion
    lines = [center.center or f"Second-opinion center: {BLANK}"]
    if center.contact or center.doctor:
        lines.append(f"Attn: {center.contact or center.doctor}")
    lines.append(center.address or f"Address: {BLANK}{BLANK[:10]}")
    phones = "  ·  ".join(
        p for p in (f"Phone {center.phone}" if center.phone else "",
                    f"Fax {center.fax}" if center.fax else "") if p
    )  # fmt: skip
    if phones:
        lines.append(phones)
    return lines


def _body(letter: Letter, settings: PacketSettings) -> list[Block]:
    center = settings.second_opinion.center or "the second-opinion center named below"
    kind = letter.kind
    blocks: list[Block] = []
    if kind is RequestKind.SLIDES:
        blocks.append(
            _para(
                f"I ask that the pathology slides and the paraffin tissue blocks of the cases "
                f"below be sent to {center} for a second-opinion review. Please include the H&E "
                "slides, any immunohistochemistry slides, and a copy of each pathology report. "
                "If your department keeps the blocks, please send the slides and tell us how "
                "the center may ask for the blocks or for unstained sections."
            )
        )
    elif kind is RequestKind.IMAGING:
        blocks.append(
            _para(
                "Under the HIPAA right of access (45 CFR 164.524), I ask for a copy of the "
                "images of the exams below in DICOM format (the original images, not only the "
                "reports or pictures of them), on a CD or DVD, or shared through an "
                f"image-sharing service, for a second opinion at {center}."
            )
        )
    else:
        blocks.append(
            _para(
                "Under the HIPAA right of access (45 CFR 164.524), I request a copy of the "
                "following records of the patient named above, for a second opinion at "
                f"{center}. Where your office does not hold one of them, please tell me who does."
            )
        )
    for asked in letter.asked:
        rest = ([f"{asked.when_label}: {asked.when}"] if asked.when else []) + asked.details
        blocks.append(_hanging(asked.what, rest))
    if kind in (RequestKind.SLIDES, RequestKind.IMAGING):
        what = "slides and blocks" if kind is RequestKind.SLIDES else "disc (or share the images)"
        send = Block([Line(f"Please send the {what} to:", TEXT, True)], before=12)
        send.lines += [Line(text, TEXT, False, 14) for text in _center(settings)]
        blocks.append(send)
    else:
        contact = settings.contact
        how = (
            f"by email to {contact.email}, through the patient portal, or by mail to me"
            if contact.email
            else "through the patient portal or by mail to me"
        )
        blocks.append(_para(f"Please send them {how} at the address above.", before=10))
    if kind is not RequestKind.SLIDES:
        blocks.append(
            _para(
                "The right of access asks that a request be acted on within 30 days of its "
                "receipt; if there is a fee, please tell me before you send.",
                before=6,
            )
        )
    phone = settings.contact.phone
    blocks.append(
        _para(
            "If you have any question about this request, please call me"
            + (f" at {phone}." if phone else ".")
            + " Thank you for your help.",
            before=6,
        )
    )
    return blocks


def _signature(settings: PacketSettings) -> list[Block]:
    """The signature, and the patient's when someone else writes: one block, never split from
    the note that says why the patient signs."""
    contact, patient = settings.contact, settings.patient
    sign = Block(before=22)
    sign.lines.append(Line(f"Signature: {BLANK}        Date: {BLANK[:18]}", TEXT))
    relation = contact.relationship.strip()
    who = contact.name or f"Printed name: {BLANK}"
    if relation and not _is_patient(settings):
        who += f", the patient's {relation}"
    elif _is_patient(settings):
        who += " (the patient)"
    sign.lines.append(Line(who, TEXT - 0.5, False, 0, MUTED))
    if not _is_patient(settings):
        note = _para(
            "Note: I am writing on the patient's behalf. If your office needs a signed HIPAA "
            "authorization from the patient, or proof that I am the patient's personal "
            "representative, please tell me; the patient may sign here to authorize this "
            "release.",
            size=TEXT - 1,
            color=MUTED,
        )
        sign.lines += [Line("", 8), *note.lines, Line("", 8)]
        sign.lines.append(Line(f"Patient's signature: {BLANK}   Date: {BLANK[:18]}", TEXT))
        sign.lines.append(Line(patient.name or f"Patient: {BLANK}", TEXT - 0.5, False, 0, MUTED))
    return [sign]


def _header(letter: Letter, settings: PacketSettings) -> list[Block]:
    top = Block()
    for number, text in enumerate(t for t in _requester(settings) if t):
        top.lines.append(Line(text, TEXT, number == 0))
    top.lines.append(Line(f"Date: {BLANK[:20]}", TEXT))
    to = Block(before=16)
    recipient = letter.recipient
    to.lines.append(Line(recipient.department, TEXT, True))
    to.lines.append(Line(recipient.institution or f"Institution: {BLANK}{BLANK[:8]}", TEXT, True))
    to.lines.append(Line(recipient.address or f"Address: {BLANK}{BLANK[:12]}", TEXT))
    if not recipient.address:
        to.lines.append(Line(BLANK + BLANK[:20], TEXT))
    to.lines.append(
        Line(
            "  ·  ".join(
                p
                for p in (
                    f"Phone {recipient.phone}" if recipient.phone else "",
                    f"Fax {recipient.fax}" if recipient.fax else f"Fax: {BLANK[:16]}",
                )
                if p
            ),
            TEXT,
        )
    )
    patient = settings.patient
    subject = Block(before=16)
    subject.lines.append(Line("Re: " + SUBJECTS[letter.kind], TEXT + 1, True))
    born = long_date(patient.date_of_birth) if patient.date_of_birth else BLANK[:14]
    ids = f"Patient: {patient.name}    Date of birth: {born}"
    subject.lines.append(Line(ids, TEXT, True))
    if recipient.mrns:
        subject.lines.append(Line("Medical record number: " + ", ".join(recipient.mrns), TEXT))
    greeting = _para(f"To the {recipient.department}:", before=12)
    return [top, to, subject, greeting]


def _pages(blocks: list[Block]) -> list[list[Block]]:
    pages: list[list[Block]] = [[]]
    room = HEIGHT - MARGIN - BOTTOM
    used = 0.0
    for block in blocks:
        if pages[-1] and used + block.height > room:
            pages.append([])
            used = 0.0
        pages[-1].append(block)
        used += block.height
    return pages


def render_letters(letters: list[Letter], settings: PacketSettings) -> tuple[bytes, int]:
    """Every letter on its own pages, its footer naming the patient, the letter and the page."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER_PAPER, invariant=1)
    patient = settings.patient
    born = patient.date_of_birth.isoformat() if patient.date_of_birth else ""
    left = f"{patient.name} · DOB {born}" if born else patient.name
    total = 0
    for number, letter in enumerate(letters, start=1):
        blocks = _header(letter, settings) + _body(letter, settings) + _signature(settings)
        pages = _pages(blocks)
        for page_number, page in enumerate(pages, start=1):
            y = HEIGHT - MARGIN
            if page_number > 1:  # a page that comes loose still says whose letter it is
                canvas.setFillColor(MUTED)
                draw(canvas, MARGIN, y + 18, f"{SUBJECTS[letter.kind]} (continued)", TEXT - 1)
            for block in page:
                y -= block.before
                for line in block.lines:
                    y -= line.size * LEADING
                    canvas.setFillColor(line.color)
                    draw(canvas, MARGIN + line.indent, y, line.text, line.size, line.bold)
            canvas.setStrokeColor(RULE)
            canvas.setFillColor(MUTED)
            where = letter.recipient.institution or "(institution to fill in)"
            draw_footer(
                canvas,
                WIDTH,
                left,
                f"Letter {number} of {len(letters)}: {SHORT[letter.kind]} — {where}",
                f"Page {page_number} of {len(pages)}",
            )
            canvas.showPage()
            total += 1
    canvas.save()
    return buffer.getvalue(), total
