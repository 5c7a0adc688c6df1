"""Mutation fuzz of the formats packet unpacks or decodes: zip archives, emails (.eml), Word
documents (.docx), C-CDA health summaries and DICOM headers (files and DICOMDIR).

    python tests/benchmarks/fuzz_formats.py [--variants 300] [--per-folder 30] [--seed 1]
                                            [--formats zip,eml,docx,ccda,dicom] [--keep DIR]

For each format it writes seeds in code (tests/ccda's HL7 examples for C-CDA), then
`--variants` mutants of them: the damage any file suffers (bytes flipped, a tail cut, ranges
deleted or repeated) and damage aimed at the format's structure (a zip's local headers, central
directory, compression method and compressed data, archives nested in archives; an email's
boundaries, base64, charsets, huge headers and nested multiparts; a .docx's XML, missing parts
and content types; a C-CDA's XML, entity tricks, byte-order marks, UTF-16 and deep nesting; a
DICOM file's value representations, element lengths, truncated elements, deep sequences, and
its DICOMDIR). `--per-folder` of them go into a records folder with a packet.toml, and on each
folder `packet check --json` and `packet build` run in fresh processes, each limited to
1.5 GB of address space and 60 s. The invariants, the PDF fuzz's (fuzz.py): every run exits
with a documented code and no traceback or "unexpected error"; build exits 0 (one bad record
never stops it); every file is in check's documents (or ignored as junk), and every member of
an archive zipfile can open, and every named attachment of an email, is listed under it.
The same seed gives the same files. A folder with a finding is kept (its path printed).
"""

from __future__ import annotations

import argparse
import base64
import email
import functools
import io
import json
import random
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
from conftest import CONSULT_TEXT, CT_TEXT, PATHOLOGY_TEXT, make_dicom, make_pdf  # noqa: E402

MEMORY = 1_500_000_000  # bytes of address space a run may take
TIMEOUT = 60.0  # seconds a run may take, per folder
FORMATS = ("zip", "eml", "docx", "ccda", "dicom")
TOML = '[patient]\nname = "Ana Example"\ndate_of_birth = 1961-04-02\n'
CHECK_CODES = {0, 1, 3, 4}  # README's exit codes for check
BUILD_CODES = {0, 3, 4}  # build: 1 only when the packet itself cannot be written
JUNK = {".DS_Store", "Thumbs.db", "desktop.ini"}

Seed = tuple[str, bytes]  # a file name and its bytes
Mutator = Callable[[bytes, random.Random], bytes]


# ---------------------------------------------------------------- seeds


def _pdf(text: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return make_pdf(Path(folder) / "a.pdf", text).read_bytes()


def _zip(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are on purpose
        with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
            for name, data in members:
                if name.endswith("/"):
                    archive.writestr(zipfile.ZipInfo(name), b"")
                else:
                    archive.writestr(name, data)
    return buffer.getvalue()


def _minimal_ccda(title: str = "Consultation note") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ClinicalDocument xmlns="urn:hl7-org:v3">'
        '<code code="11488-4" displayName="Consultation note"/>'
        f"<title>{title}</title>"
        "<recordTarget><patientRole><patient><name><given>Ana</given><family>Example</family>"
        '</name><birthTime value="19610402"/></patient></patientRole></recordTarget>'
        "<componentOf><encompassingEncounter><effectiveTime>"
        '<low value="20260210"/></effectiveTime></encompassingEncounter></componentOf>'
        "<component><structuredBody><component><section>"
        '<code code="10160-0"/><title>Medications</title>'
        "<text><list><item>letrozole 2.5 mg daily</item></list>"
        "<table><tr><th>Drug</th></tr><tr><td>letrozole</td></tr></table></text>"
        "<entry><substanceAdministration><statusCode code='active'/>"
        "<consumable><manufacturedProduct><manufacturedMaterial>"
        "<code displayName='letrozole'/></manufacturedMaterial></manufacturedProduct>"
        "</consumable></substanceAdministration></entry>"
        "</section></component></structuredBody></component></ClinicalDocument>\n"
    ).encode()


def _docx(
    paragraphs: list[str], table: bool = False, box: bool = False, chunk: bool = False
) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Consultation", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=2, cols=2)
        grid.cell(0, 0).text, grid.cell(0, 1).text = "Drug", "Dose"
        grid.cell(1, 0).text, grid.cell(1, 1).text = "letrozole", "2.5 mg"
    document.sections[0].header.paragraphs[0].text = "Lakeside Oncology"
    buffer = io.BytesIO()
    document.save(buffer)
    if not (box or chunk):
        return buffer.getvalue()
    parts = _unzip(buffer.getvalue())
    body = b""
    if box:
        body += (
            b"<w:p><w:r><w:pict><v:shape xmlns:v='urn:schemas-microsoft-com:vml'><v:textbox>"
            b"<w:txbxContent><w:p><w:r><w:t>SURGICAL PATHOLOGY REPORT</w:t></w:r></w:p>"
            b"</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
        )
    if chunk:
        body += b'<w:altChunk r:id="rId90"/>'
        parts["word/chunk.htm"] = b"<html><body><h1>Operative note</h1><p>Done.</p></body></html>"
        parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/aFChunk" Target="chunk.htm"/></Relationships>',
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"<Default ", b'<Default Extension="htm" ContentType="text/html"/><Default ', 1
        )
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:body>", b"<w:body>" + body, 1
    )
    return _zip(list(parts.items()))


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {item.filename: archive.read(item) for item in archive.infolist()}


def _mime(data: bytes, name: str, boundary: str, kind: str = "application/pdf") -> str:
    encoded = base64.encodebytes(data).decode()
    return (
        f'--{boundary}\nContent-Type: {kind}; name="{name}"\n'
        f'Content-Disposition: attachment; filename="{name}"\n'
        f"Content-Transfer-Encoding: base64\n\n{encoded}\n"
    )


HEAD = (
    "From: Dr. Rivera <rivera@example.org>\nTo: luis@example.com\n"
    "Date: Tue, 10 Feb 2026 09:30:00 -0500\nMessage-ID: <1@example.org>\nMIME-Version: 1.0\n"
)


def _emails(pdf: bytes) -> list[Seed]:
    plain = HEAD + "Subject: Visit\nContent-Type: text/plain; charset=utf-8\n\n" + CONSULT_TEXT
    mixed = (
        HEAD + 'Subject: Results\nContent-Type: multipart/mixed; boundary="B1"\n\n'
        "--B1\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: "
        "quoted-printable\n\nThe biopsy report is attached. R=E9sultats.\n"
        + _mime(pdf, "report.pdf", "B1")
        + _mime(b"Lakeside Oncology\nA note\n", "note.txt", "B1", "text/plain")
        + "--B1--\n"
    )
    apple = (
        HEAD + "Subject: =?utf-8?q?R=C3=A9sultats?=\nContent-Type: multipart/alternative; "
        'boundary="OUT"\n\n--OUT\nContent-Type: text/plain; charset=utf-8\n\nAttached.\n'
        '--OUT\nContent-Type: multipart/mixed; boundary="IN"\n\n'
        "--IN\nContent-Type: text/html; charset=utf-8\n\n<p>Attached.</p><style>p{}</style>\n"
        + _mime(pdf, "scan report.pdf", "IN")
        + "--IN\nContent-Type: text/html; charset=windows-874\n\n<p>Call me.</p>\n--IN--\n"
        "--OUT--\n"
    )
    forward = (
        HEAD + 'Subject: Fwd: results\nContent-Type: multipart/mixed; boundary="F"\n\n'
        "--F\nContent-Type: text/plain\n\nSee below.\n"
        "--F\nContent-Type: message/rfc822\n\n" + mixed + "\n--F--\n"
    )
    archive = _zip([("labs.txt", PATHOLOGY_TEXT.encode()), ("ct.pdf", pdf)])
    zipped = (
        HEAD + 'Subject: Records\nContent-Type: multipart/mixed; boundary="Z"\n\n'
        "--Z\nContent-Type: text/html; charset=unknown-8bit\n\n<div>The export</div>\n"
        + _mime(archive, "export.zip", "Z", "application/zip")
        + _mime(_minimal_ccda(), "summary.xml", "Z", "text/xml")
        + "--Z--\n"
    )
    return [
        ("plain.eml", plain.encode()),
        ("mixed.eml", mixed.encode()),
        ("apple.eml", apple.encode()),
        ("forward.eml", forward.encode()),
        ("zipped.eml", zipped.encode()),
    ]


@functools.cache
def _dicom_files() -> list[Seed]:
    """Scan files, and last a disc's index (its images are in `_disc`)."""
    return [seed for seed in _disc_and_files() if "/" not in seed[0]]


@functools.cache
def _disc() -> list[Seed]:
    """A disc written by pydicom's FileSet: DICOMDIR and the images it lists."""
    return [(name[3:], data) for name, data in _disc_and_files() if name.startswith("CD/")]


@functools.cache
def _disc_and_files() -> list[Seed]:
    from pydicom import dcmread
    from pydicom.dataset import Dataset
    from pydicom.fileset import FileSet
    from pydicom.sequence import Sequence

    made: list[Seed] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        kw = {"name": "EXAMPLE^ANA"}
        made.append(("IM1.dcm", make_dicom(folder / "a", instance=1, **kw).read_bytes()))
        made.append(
            ("IM2", make_dicom(folder / "b", instance=2, preamble=False, **kw).read_bytes())
        )
        made.append(
            ("SR1", make_dicom(folder / "c", modality="SR", pixels=False, **kw).read_bytes())
        )
        path = make_dicom(folder / "d", instance=4, **kw)
        ds = dcmread(path)
        item = Dataset()
        item.ReferencedSOPInstanceUID = "1.2.3.4"
        item.ReferencedSOPClassUID = "1.2.3"
        inner = Dataset()
        inner.CodeValue, inner.CodeMeaning = "T-04000", "Breast"
        item.ConceptNameCodeSequence = Sequence([inner])
        ds.ReferencedImageSequence = Sequence([item, item])
        ds.save_as(folder / "e", enforce_file_format=True)
        made.append(("IM4.dcm", (folder / "e").read_bytes()))
        disc = FileSet()
        for n in range(3):
            ds = dcmread(make_dicom(folder / f"src{n}", instance=n + 10, **kw))
            ds.StudyTime, ds.StudyID, ds.SeriesNumber, ds.PatientID = "1000", "1", 1, "42"
            disc.add(ds)
        disc.write(folder / "CD")
        made.append(("DICOMDIR", (folder / "CD" / "DICOMDIR").read_bytes()))
        for path in sorted((folder / "CD").rglob("*")):
            if path.is_file():
                made.append((f"CD/{path.relative_to(folder / 'CD').as_posix()}", path.read_bytes()))
    return made


@functools.cache
def seeds(fmt: str) -> list[Seed]:
    pdf = _pdf(CONSULT_TEXT)
    if fmt == "zip":
        members = [("consult.pdf", pdf), ("notes/pathology.txt", PATHOLOGY_TEXT.encode())]
        xdm = [
            ("IHE_XDM/SUBSET01/DOC0001.XML", _minimal_ccda()),
            ("IHE_XDM/SUBSET01/METADATA.XML", b"<x/>"),
            ("INDEX.HTM", b"<html></html>"),
            ("README.TXT", b"export"),
        ]
        odd = [
            ("report.pdf", pdf),
            ("report.pdf", _pdf(CT_TEXT)),
            ("../outside.txt", CT_TEXT.encode()),
            ("folder/", b""),
            ("__MACOSX/._report.pdf", b"junk"),
            ("letter.eml", _emails(pdf)[1][1]),
        ]
        inner = _zip(members)
        return [
            ("deflate.zip", _zip(members)),
            ("stored.zip", _zip(members, zipfile.ZIP_STORED)),
            ("lzma.zip", _zip(members, zipfile.ZIP_LZMA)),
            ("bzip2.zip", _zip(members, zipfile.ZIP_BZIP2)),
            ("nested.zip", _zip([("inner.zip", _zip([("deeper.zip", inner)])), *members])),
            ("export.zip", _zip(xdm)),
            ("odd names.zip", _zip(odd)),
        ]
    if fmt == "eml":
        return _emails(pdf)
    if fmt == "docx":
        return [
            ("letter.docx", _docx(CONSULT_TEXT.splitlines())),
            ("table.docx", _docx(PATHOLOGY_TEXT.splitlines(), table=True)),
            ("box.docx", _docx(["See the box."], box=True)),
            ("chunk.docx", _docx(["Pasted below."], chunk=True)),
        ]
    if fmt == "ccda":
        found = [(p.name, p.read_bytes()) for p in sorted((TESTS / "ccda").glob("*.xml"))]
        return [("minimal.xml", _minimal_ccda()), *found]
    if fmt == "dicom":
        return _dicom_files()
    raise ValueError(fmt)


# ---------------------------------------------------------------- mutators


def generic(data: bytes, rng: random.Random) -> bytes:
    """The damage any file suffers: bytes flipped, a tail cut, a range deleted or repeated."""
    out = bytearray(data)
    if not out:
        return b"\0"
    kind = rng.choice(["flip", "truncate", "delete", "duplicate"])
    if kind == "flip":
        for _ in range(rng.randint(1, 20)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    elif kind == "truncate":
        del out[rng.randint(len(out) // 4, max(len(out) // 4, len(out) - 1)) :]
    else:
        start = rng.randrange(len(out))
        end = min(len(out), start + rng.randint(1, 2000))
        if kind == "delete":
            del out[start:end]
        else:
            out[start:start] = out[start:end] * rng.randint(1, 4)
    return bytes(out)


def _flip_near(out: bytearray, at: int, span: int, rng: random.Random) -> None:
    for _ in range(rng.randint(1, 4)):
        i = at + rng.randrange(span)
        if 0 <= i < len(out):
            out[i] = rng.randrange(256)


def zip_damage(data: bytes, rng: random.Random) -> bytes:
    """Damage where a zip keeps its structure: local headers, the central directory and its
    end record, compressed data, the compression method, announced sizes; or the archive put
    inside others."""
    out = bytearray(data)
    local = [m.start() for m in re.finditer(rb"PK\x03\x04", data)]
    central = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    end = [m.start() for m in re.finditer(rb"PK\x05\x06", data)]
    kind = rng.choice(["local", "central", "end", "data", "method", "sizes", "nest", "flags"])
    if kind == "local" and local:
        _flip_near(out, rng.choice(local), 30, rng)
    elif kind == "central" and central:
        _flip_near(out, rng.choice(central), 46, rng)
    elif kind == "end" and end:
        _flip_near(out, end[-1], 22, rng)
    elif kind == "data" and local:
        at = rng.choice(local)
        name, extra = struct.unpack_from("<HH", out, at + 26)
        start = at + 30 + name + extra
        for _ in range(rng.randint(1, 20)):
            i = start + rng.randrange(200)
            if i < len(out):
                out[i] ^= rng.randrange(1, 256)
    elif kind in ("method", "flags") and (local or central):
        method = rng.choice([0, 1, 6, 8, 9, 12, 14, 93, 95, 98, 99, rng.randrange(65536)])
        flag = rng.choice([0x1, 0x8, 0x40, 0x800, 0x2000, rng.randrange(65536)])
        for at in rng.sample(local + central, rng.randint(1, len(local + central))):
            offset = 8 if at in local else 10
            if kind == "method":
                struct.pack_into("<H", out, at + offset, method)
            else:
                struct.pack_into("<H", out, at + offset - 2, flag)
    elif kind == "sizes" and central:
        at = rng.choice(central)
        size = rng.choice([0, 1, 0xFFFFFFFF, 0x7FFFFFFF, rng.randrange(1 << 32)])
        struct.pack_into("<I", out, at + rng.choice([16, 20, 24, 42]), size)
    elif kind == "nest":
        inner = bytes(out)
        for level in range(rng.randint(1, 5)):
            inner = _zip([(f"level{level}.zip", inner)], rng.choice([0, 8]))
        return inner
    else:
        return generic(data, rng)
    return bytes(out)


CHARSETS = [
    "utf-7", "x-unknown", "iso-8859-8-i", "unknown-8bit", "utf-16", "utf-32", "cp65001",
    "\x00", "a" * 300, "gb2312", "iso-2022-jp", "euc-kr", "koi8-r", "", '"', "utf-8''",
    "big5-hkscs", "mac-roman", "hz", "punycode", "idna", "rot13", "base64", "zlib", "bz2",
]  # fmt: skip


def eml_damage(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("latin-1")
    kind = rng.choice(
        ["boundary", "base64", "charset", "huge header", "nest", "encoding", "blank line",
         "crlf", "encoded words", "parameters", "generic"]
    )  # fmt: skip
    boundaries = re.findall(r'boundary="([^"]+)"', text)
    if kind == "boundary" and boundaries:
        b = rng.choice(boundaries)
        spots = [m.start() for m in re.finditer(re.escape("--" + b), text)]
        at = rng.choice(spots)
        replacement = rng.choice(["", "--" + b + "--", "--" + b[:-1], "-" + b, "--" + b + " x"])
        text = text[:at] + replacement + text[at + len(b) + 2 :]
    elif kind == "base64":
        blocks = [m.span() for m in re.finditer(r"\n\n([A-Za-z0-9+/=\n]{40,})", text)]
        if blocks:
            start, stop = rng.choice(blocks)
            chunk = list(text[start:stop])
            for _ in range(rng.randint(1, 30)):
                chunk[rng.randrange(2, len(chunk))] = rng.choice("!*=-_\x00 é=")
            if rng.random() < 0.3:
                chunk = chunk[: rng.randrange(2, len(chunk))]
            text = text[:start] + "".join(chunk) + text[stop:]
    elif kind == "charset":
        text = re.sub(r"charset=[\w-]+", lambda m: "charset=" + rng.choice(CHARSETS), text)
        text = text.replace("Subject: ", f"Subject: =?{rng.choice(CHARSETS)}?q?a=E9b?= ", 1)
    elif kind == "huge header":
        name = rng.choice(["Subject", "To", "Cc", "Received", "X-Long", "Content-Type"])
        size = rng.choice([20_000, 100_000, 400_000])
        filler = rng.choice(["a", "a,", "b@x.org, ", "(c) ", '"q" ', "=?utf-8?b?YQ==?= "])
        value = filler * (size // len(filler))
        folded = "\n ".join(value[i : i + 76] for i in range(0, len(value), 76))
        text = f"{name}: {folded if rng.random() < 0.5 else value}\n" + text
    elif kind == "nest":
        depth = rng.choice([5, 50, 300, 1500])
        body = text.split("\n\n", 1)[-1]
        opening = "".join(
            f'Content-Type: multipart/mixed; boundary="N{i}"\n\n--N{i}\n' for i in range(depth)
        )
        closing = "".join(f"\n--N{i}--\n" for i in reversed(range(depth)))
        text = (
            HEAD + "Subject: nested\n" + opening + "Content-Type: text/plain\n\n" + body + closing
        )
    elif kind == "encoding":
        value = rng.choice(["base64", "quoted-printable", "x-uuencode", "7bit", "8bit", "binary",
                            "bogus", "uue", ""])  # fmt: skip
        text = re.sub(
            r"Content-Transfer-Encoding: [\w-]+", "Content-Transfer-Encoding: " + value, text
        )
        if "Content-Transfer-Encoding" not in text:
            text = text.replace("MIME-Version", f"Content-Transfer-Encoding: {value}\nMIME-Version")
    elif kind == "blank line":
        text = text.replace("\n\n", "\n", rng.randint(1, 3))
    elif kind == "crlf":
        text = text.replace("\n", rng.choice(["\r\n", "\r", "\n\r"]))
    elif kind == "encoded words":
        words = " ".join(rng.choice(["=?utf-8?q?ab?=", "=?utf-8?b?w6k=?=", "=?x?q?=ZZ?="])
                         for _ in range(rng.choice([50, 500, 5000])))  # fmt: skip
        text = text.replace("Subject: ", f"Subject: {words} ", 1)
    elif kind == "parameters":
        value = rng.choice(['filename*0*=utf-8\'\'%E9%ZZ; filename*1="x"',
                            'filename="' + "x" * 5000 + '"', "name=", "filename*=bogus''%",
                            'filename="../../etc/passwd"', "filename=\"\x00\x1b[31m.pdf\""])  # fmt: skip
        text = re.sub(r'filename="[^"]*"', value, text, count=1)
    else:
        return generic(data, rng)
    return text.encode("latin-1", errors="replace")


def docx_damage(data: bytes, rng: random.Random) -> bytes:
    try:
        parts = _unzip(data)
    except Exception:  # damaged already: damaged further as a zip
        return zip_damage(data, rng)
    kind = rng.choice(["xml", "truncate xml", "missing", "content types", "entities", "zip",
                       "relationships", "deep"])  # fmt: skip
    xml = [n for n in parts if n.endswith((".xml", ".rels"))]
    if kind in ("xml", "truncate xml") and xml:
        name = rng.choice(xml)
        if kind == "xml":
            parts[name] = generic(parts[name], rng)
        else:
            parts[name] = parts[name][: rng.randrange(len(parts[name]))]
    elif kind == "missing":
        for name in rng.sample(sorted(parts), rng.randint(1, 3)):
            del parts[name]
    elif kind == "content types" and "[Content_Types].xml" in parts:
        kinds = parts["[Content_Types].xml"]
        wrong = rng.choice([b"text/plain", b"image/png", b"", b"application/x-bogus",
                            b"application/vnd.ms-excel.sheet.main+xml"])  # fmt: skip
        parts["[Content_Types].xml"] = re.sub(
            rb'ContentType="application/vnd\.openxmlformats-officedocument\.wordprocessingml\.'
            rb'document\.main\+xml"',
            b'ContentType="' + wrong + b'"',
            kinds,
        )
    elif kind == "entities":
        trick = rng.choice([
            b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>',
            b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
            b'<!DOCTYPE w SYSTEM "http://example.invalid/x.dtd">',
        ])  # fmt: skip
        doc = parts.get("word/document.xml", b"")
        head = doc.find(b"?>") + 2
        parts["word/document.xml"] = (
            doc[:head] + trick + doc[head:].replace(b"<w:t>", b"<w:t>&d;&x;", 1)
        )
    elif kind == "relationships" and "word/_rels/document.xml.rels" in parts:
        rels = parts["word/_rels/document.xml.rels"]
        parts["word/_rels/document.xml.rels"] = re.sub(
            rb'Target="[^"]*"',
            lambda _: (
                b'Target="'
                + rng.choice(
                    [b"../../x", b"", b"http://x", b"/word/none.xml", b"word/document.xml"]
                )
                + b'"'
            ),
            rels,
        )
    elif kind == "deep" and "word/document.xml" in parts:
        depth = rng.choice([100, 3000, 50_000])
        nested = b"<w:sdt><w:sdtContent>" * depth + b"<w:p/>" + b"</w:sdtContent></w:sdt>" * depth
        parts["word/document.xml"] = parts["word/document.xml"].replace(
            b"<w:body>", b"<w:body>" + nested, 1
        )
    else:
        return zip_damage(data, rng)
    return _zip(list(parts.items()))


def ccda_damage(data: bytes, rng: random.Random) -> bytes:
    kind = rng.choice(["generic", "entities", "bom", "utf-16", "deep", "comment", "tags",
                       "encoding", "namespace"])  # fmt: skip
    body = data[data.find(b"?>") + 2 :] if data.startswith(b"<?xml") else data
    if kind == "entities":
        trick = rng.choice([
            b'<!DOCTYPE ClinicalDocument [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;'
            b'&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
            b'<!DOCTYPE ClinicalDocument [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
            b'<!DOCTYPE ClinicalDocument [<!ENTITY % p SYSTEM "http://example.invalid/p">%p;]>',
            b'<!DOCTYPE ClinicalDocument SYSTEM "CDA.dtd">',
        ])  # fmt: skip
        body = body.replace(b"<title>", b"<title>&c;&x;", 1)
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + trick + body
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "utf-16":
        codec = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
        declared = rng.choice([b"UTF-16", b"UTF-8", b"UTF-32"])
        text = b'<?xml version="1.0" encoding="' + declared + b'"?>' + body
        return text.decode("utf-8", errors="replace").encode(codec)
    if kind == "deep":
        depth = rng.choice([200, 2000, 20_000, 200_000])
        nested = b"<content>" * depth + b"deep" + b"</content>" * depth
        return data.replace(b"<text>", b"<text>" + nested, 1)
    if kind == "comment":
        return b"<!--" + b"c" * rng.choice([5000, 100_000]) + b"-->" + data
    if kind == "tags":
        out = data
        for _ in range(rng.randint(1, 10)):
            tags = [m.start() for m in re.finditer(rb"</?\w", out)] or [0]
            at = rng.choice(tags)
            out = out[:at] + out[at + rng.randint(1, 12) :]
        return out
    if kind == "encoding":
        return re.sub(rb'encoding="[^"]*"', b'encoding="' + rng.choice(
            [b"bogus", b"UTF-7", b"ISO-2022-JP", b"ebcdic", b""]) + b'"', data, count=1)  # fmt: skip
    if kind == "namespace":
        return data.replace(b"urn:hl7-org:v3", rng.choice([b"urn:hl7-org:v2", b""]), 1)
    return generic(data, rng)


def _elements(data: bytes) -> list[int]:
    """Offsets of explicit-VR elements: a tag at an even offset, then a value representation."""
    return [at for at in range(0, len(data) - 8, 2) if data[at + 4 : at + 6] in VRS]


VRS = frozenset(
    b"AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN "
    b"UR US UT UV".split()
)


def _nested_sequences(depth: int) -> bytes:
    opening = (
        struct.pack("<HH", 0x0008, 0x1115) + b"SQ\0\0\xff\xff\xff\xff"
        + struct.pack("<HH", 0xFFFE, 0xE000) + b"\xff\xff\xff\xff"
    )  # fmt: skip
    closing = struct.pack("<HHI", 0xFFFE, 0xE00D, 0) + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0)
    return opening * depth + closing * depth


SYNTAXES = [b"1.2.840.10008.1.2", b"1.2.840.10008.1.2.2", b"1.2.840.10008.1.2.1.99",
            b"1.2.840.10008.1.2.4.50", b"1.2.3.4", b"", b"\xff\xfe"]  # fmt: skip


def dicom_damage(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    elements = _elements(data)
    kind = rng.choice(["vr", "length", "truncate", "sequences", "syntax", "generic"])
    if kind == "vr" and elements:
        for at in rng.sample(elements, min(len(elements), rng.randint(1, 3))):
            out[at + 4 : at + 6] = rng.choice(
                [bytes(rng.choice(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(2)),
                 bytes(rng.randrange(256) for _ in range(2)), b"SQ", b"UN", b"OB"]
            )  # fmt: skip
    elif kind == "length" and elements:
        at = rng.choice(elements)
        if data[at + 4 : at + 6] in (b"OB", b"OW", b"SQ", b"UN", b"UT", b"UC", b"UR", b"OF"):
            value = rng.choice(
                [0xFFFFFFFF, 0xFFFFFFF0, 0x7FFFFFFF, 1 << 30, rng.randrange(1 << 32)]
            )
            struct.pack_into("<I", out, at + 8, value)
        else:
            struct.pack_into(
                "<H", out, at + 6, rng.choice([0xFFFF, 0xFFFE, 1, 0, rng.randrange(65536)])
            )
    elif kind == "truncate" and elements:
        at = rng.choice(elements)
        del out[at + rng.randint(1, 12) :]
    elif kind == "sequences":
        depth = rng.choice([50, 500, 5000, 20_000])
        at = data.find(struct.pack("<HH", 0x7FE0, 0x0010))
        at = at if at >= 0 else len(data)
        out[at:at] = _nested_sequences(depth)
    elif kind == "syntax":
        at = data.find(struct.pack("<HH", 0x0002, 0x0010))
        if at >= 0:
            length = struct.unpack_from("<H", data, at + 6)[0]
            new = rng.choice(SYNTAXES)
            new += b"\0" * (len(new) % 2)
            out[at + 6 : at + 8 + length] = struct.pack("<H", len(new)) + new
    else:
        return generic(data, rng)
    return bytes(out)


MUTATORS: dict[str, tuple[Mutator, str]] = {
    "zip": (zip_damage, ".zip"),
    "eml": (eml_damage, ".eml"),
    "docx": (docx_damage, ".docx"),
    "ccda": (ccda_damage, ".xml"),
    "dicom": (dicom_damage, ""),
}


def mutant(fmt: str, seed: Seed, rng: random.Random) -> bytes:
    structural, _ = MUTATORS[fmt]
    data = seed[1]
    for _ in range(rng.choice([1, 1, 1, 2, 3])):  # now and then damage upon damage
        data = structural(data, rng) if rng.random() < 0.7 else generic(data, rng)
    return data


# ---------------------------------------------------------------- running a folder


@dataclass
class Outcome:
    """What one folder's two runs showed."""

    files: int = 0
    check_crashed: bool = False
    build_failed: bool = False
    tracebacks: int = 0
    timeouts: int = 0
    unaccounted: list[str] = field(default_factory=list)
    check_time: float = 0.0
    build_time: float = 0.0
    peak_mb: float = 0.0
    messages: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(
            self.check_crashed or self.build_failed or self.tracebacks or self.timeouts
            or self.unaccounted
        )  # fmt: skip


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _run(command: list[str], timeout: float) -> tuple[int | None, str, str, float]:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=timeout, preexec_fn=_limit_memory
        )
    except subprocess.TimeoutExpired:
        return None, "", "", time.perf_counter() - start
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    return done.returncode, out, err, time.perf_counter() - start


def write_folder(fmt: str, records: Path, count: int, rng: random.Random, first: int = 0) -> None:
    """A records folder of `count` mutants of `fmt`'s seeds (and a packet.toml)."""
    records.mkdir(parents=True)
    (records / "packet.toml").write_text(TOML, encoding="utf-8")
    all_seeds = seeds(fmt)
    suffix = MUTATORS[fmt][1]
    for number in range(first, first + count):
        seed = rng.choice(all_seeds)
        data = mutant(fmt, seed, rng)
        stem = Path(seed[0]).stem
        if fmt == "dicom" and seed[0] == "DICOMDIR":
            # a disc: its index mutated, its images (and the index's references) intact
            disc = records / f"disc {number:04d}"
            for name, image in _disc():
                (disc / name).parent.mkdir(parents=True, exist_ok=True)
                (disc / name).write_bytes(data if name == "DICOMDIR" else image)
            continue
        name = f"{number:04d} {stem}{suffix or Path(seed[0]).suffix}"
        (records / name).write_bytes(data)


def _zip_members(path: Path) -> int | None:
    """How many files zipfile sees in the archive (None when it cannot open it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(not m.is_dir() for m in archive.infolist())
    except Exception:
        return None


def _walk_leaves(part: email.message.Message) -> list[email.message.Message]:
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        return [part]
    payload = part.get_payload()
    children = payload if isinstance(payload, list) else []
    return [leaf for child in children for leaf in _walk_leaves(child)]


def _named_attachments(path: Path) -> int | None:
    """How many leaf parts of the email carry a file name, but for the part that is its text:
    each is an attachment."""
    data = path.read_bytes()
    if len(data) > 2_000_000 or data.count(b"=?") > 200 or max(map(len, data.split(b"\n"))) > 8000:
        return None  # the kinds of message the stdlib parser itself struggles with
    try:
        message = email.message_from_bytes(data, policy=policy.default)
        assert isinstance(message, email.message.EmailMessage)
        body = message.get_body(preferencelist=("plain", "html"))  # shown as the email's text
        leaves = [leaf for leaf in _walk_leaves(message) if leaf is not body]
        rfc822 = "message/rfc822"
        return sum(
            bool(leaf.get_filename()) or leaf.get_content_type() == rfc822 for leaf in leaves
        )
    except Exception:
        return None


def account(records: Path, report: dict[str, object]) -> list[str]:
    """Files and members the report does not account for."""
    documents = report["documents"]
    ignored = report["ignored"]
    assert isinstance(documents, list) and isinstance(ignored, list)
    listed = {d["path"]: d for d in documents}
    shown = set(listed) | {i["path"] for i in ignored}
    lost = [
        f"{d['path']} (not included, without a reason)"
        for d in documents
        if d["status"] != "included" and not d["reason"]
    ]
    for path in sorted(records.rglob("*")):
        relative = path.relative_to(records).as_posix()
        if not path.is_file() or path.name in JUNK or relative == "packet.toml":
            continue
        if relative not in shown:
            lost.append(relative)
            continue
        reason = str(listed.get(relative, {}).get("reason", ""))
        under = sum(p.startswith(relative + "/") for p in shown)
        expected = None
        if reason.startswith("zip archive ("):
            expected = _zip_members(path)
        elif path.suffix == ".eml" and listed.get(relative, {}).get("status") != "excluded":
            expected = _named_attachments(path)
        if expected is not None and under < expected:
            lost.append(f"{relative} ({expected - under} of its {expected} members not listed)")
    return lost


def run_folder(records: Path, timeout: float = TIMEOUT) -> Outcome:
    """`packet check --json` and `packet build` on the folder, each in a fresh, bounded
    process, and what they showed against the invariants."""
    outcome = Outcome(files=sum(1 for p in records.rglob("*") if p.is_file()) - 1)
    packet = [sys.executable, "-m", "packet"]
    code, out, err, took = _run([*packet, "check", str(records), "--json"], timeout)
    outcome.check_time = took
    if code is None:
        outcome.timeouts += 1
        outcome.messages.append(f"check took over {timeout:.0f} s")
    else:
        broke = "Traceback" in err or "unexpected error" in err or "Traceback" in out
        outcome.tracebacks += broke
        if code not in CHECK_CODES or broke:
            outcome.check_crashed = True
            outcome.messages.append(f"check exit {code}: {_last_line(err)}")
        else:
            outcome.unaccounted = account(records, json.loads(out))
    output = records.parent / "packet.pdf"
    code, out, err, took = _run(
        [*packet, "build", str(records), "-o", str(output), "--force"], timeout
    )
    outcome.build_time = took
    if code is None:
        outcome.timeouts += 1
        outcome.messages.append(f"build took over {timeout:.0f} s")
    else:
        broke = "Traceback" in err or "unexpected error" in err or "Traceback" in out
        outcome.tracebacks += broke
        if code not in BUILD_CODES or broke or (code == 0 and not output.exists()):
            outcome.build_failed = True
            outcome.messages.append(f"build exit {code}: {_last_line(err)}")
    outcome.peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return outcome


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(no output)"


# ---------------------------------------------------------------- the benchmark


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", type=int, default=300, help="mutants per format")
    parser.add_argument("--per-folder", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--timeout", type=float, default=TIMEOUT)
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="packet-fuzz-formats-"))
    kept: list[Path] = []
    rows = []
    for fmt in args.formats.split(","):
        rng = random.Random(f"{args.seed}-{fmt}")
        totals = {"mutants": 0, "folders": 0, "check crashes": 0, "failed builds": 0,
                  "tracebacks": 0, "unaccounted": 0, "timeouts": 0}  # fmt: skip
        max_time = 0.0
        number = 0
        while number < args.variants:
            folder = work / f"{fmt} {totals['folders']:03d}"
            count = min(args.per_folder, args.variants - number)
            write_folder(fmt, folder / "records", count, rng, number)
            number += count
            outcome = run_folder(folder / "records", args.timeout)
            totals["mutants"] += count
            totals["folders"] += 1
            totals["check crashes"] += outcome.check_crashed
            totals["failed builds"] += outcome.build_failed
            totals["tracebacks"] += outcome.tracebacks
            totals["timeouts"] += outcome.timeouts
            totals["unaccounted"] += len(outcome.unaccounted)
            max_time = max(max_time, outcome.check_time, outcome.build_time)
            for message in outcome.messages + outcome.unaccounted:
                print(f"  {folder.name}: {message}")
            if outcome.failed:
                kept.append(folder)
            elif not args.keep:
                shutil.rmtree(folder)
            print(f"{fmt}: {number}/{args.variants}", file=sys.stderr)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows.append((fmt, totals, max_time, peak))
    print(f"\nFuzz of the new formats (seed {args.seed}, up to {args.per_folder} a folder, "
          f"{MEMORY / 1e9:.1f} GB and {args.timeout:.0f} s a run)")  # fmt: skip
    print("format  mutants  folders  check crashes  failed builds  unaccounted  tracebacks  "
          "timeouts  max time  max RSS so far")  # fmt: skip
    for fmt, t, max_time, peak in rows:
        print(f"{fmt:<7} {t['mutants']:>7}  {t['folders']:>7}  {t['check crashes']:>13}  "
              f"{t['failed builds']:>13}  {t['unaccounted']:>11}  {t['tracebacks']:>10}  "
              f"{t['timeouts']:>8}  {max_time:>6.1f} s  {peak:>8.0f} MB")  # fmt: skip
    for folder in kept:
        print(f"  kept for a look: {folder}")
    if not args.keep and not kept:
        shutil.rmtree(work, ignore_errors=True)
    bad = sum(t[k] for _, t, _, _ in rows for k in
              ("check crashes", "failed builds", "unaccounted", "tracebacks", "timeouts"))  # fmt: skip
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
