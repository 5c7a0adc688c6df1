"""`packet build`, checked by reading the packet back: pages, stamps, links, outline, labels."""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from packet.build import BuildOptions, build_packet
from packet.check import check_folder
from packet.cli import app
from packet.models import DocumentStatus

from conftest import (
    CONSULT_TEXT,
    CT_TEXT,
    PATHOLOGY_TEXT,
    fingerprint,
    make_image,
    make_pdf,
    records_folder,
)

runner = CliRunner()
EXAMPLE = Path(__file__).parent.parent / "examples" / "sample-records"


def contents_text(texts: list[str]) -> str:
    """The text of the contents pages (their stamp names the section)."""
    return "".join(t for t in texts if re.search(r"DOB \S+ Contents\s", t))


def page_texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    texts = []
    for page in pdf:
        textpage = page.get_textpage()
        texts.append(textpage.get_text_range())
    return texts


def transformed(source: Path, target: Path, how: str) -> Path:
    writer = PdfWriter(clone_from=PdfReader(source))
    page = writer.pages[0]
    if how.startswith("rotate"):
        page.rotate(int(how[6:]))
    elif how == "crop":
        page.cropbox = RectangleObject([40, 120, 520, 760])
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as f:
        writer.write(f)
    return target


@pytest.fixture
def records(tmp_path: Path) -> Path:
    root = tmp_path / "records"
    root.mkdir()
    (root / "packet.toml").write_text(
        '[patient]\nname = "Zoë Ångström-Núñez 王芳 فاطمة"\ndate_of_birth = 1961-04-02\n'
        '[second_opinion]\ncenter = "Example Cancer Center"\n',
        encoding="utf-8",
    )
    (root / "timeline.csv").write_text("date,type,description\n2026-02-10,test,Biopsy\n")
    (root / "questions.md").write_text("- Is staging complete?\n")
    plain = make_pdf(tmp_path / "consult.pdf", CONSULT_TEXT, "page two of the consult")
    make_pdf(root / "Pathology" / "path.pdf", PATHOLOGY_TEXT)
    ct = make_pdf(tmp_path / "ct.pdf", CT_TEXT)
    for angle in (90, 180, 270):
        transformed(ct, root / "Imaging" / f"ct rotate{angle}.pdf", f"rotate{angle}")
    transformed(plain, root / "Visits" / "consult cropped.pdf", "crop")
    make_pdf(root / "Visits" / "landscape visit summary.pdf", CONSULT_TEXT, size=(792, 612))
    make_pdf(root / "Labs" / "receipt-sized lab slip.pdf", "LAB RESULTS\nCBC", size=(280, 200))
    make_pdf(root / "Imaging" / "poster-sized.pdf", "RADIOLOGY REPORT", size=(2000, 1400))
    make_image(root / "Medications" / "IMG_0001.JPG", size=(1200, 900), orientation=6)
    (root / "notes.md").write_text("# My notes\n\nShe felt tired in **March**.\n", encoding="utf-8")
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    shutil.copyfile(root / "Pathology" / "path.pdf", root / "Pathology" / "path (1).pdf")
    return root


def test_the_packet_has_every_part_and_every_page_is_stamped(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "packet.pdf"
    out.parent.mkdir()
    result = build_packet(records, BuildOptions(output=out))
    reader = PdfReader(out)
    texts = page_texts(out)
    total = len(reader.pages)
    assert total == result.pages
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text, f"page {number} has no stamp"
        assert "DOB 1961-04-02" in text
        assert "Zoë Ångström-Núñez 王芳" in text
        # Arabic is drawn joined (presentation forms), and reads back in logical order.
        assert "فاطمة" in unicodedata.normalize("NFKC", text)
    # page count = generated pages + every record's pages
    _, index = check_folder(records)
    record_pages = sum(d.pages for d in index.included)
    assert result.documents == len(index.included)
    assert total > record_pages  # front and back matter around them


def test_contents_links_point_to_the_first_page_of_each_document(
    records: Path, tmp_path: Path
) -> None:
    out = tmp_path / "packet.pdf"
    build_packet(records, BuildOptions(output=out))
    reader = PdfReader(out)
    texts = page_texts(out)
    titles = {}
    for page_index in range(6):  # the contents is near the front, after the summary
        for annot in reader.pages[page_index].get("/Annots", []) or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            pages = [p.indirect_reference.idnum for p in reader.pages]
            target = pages.index(annot["/Dest"][0].idnum)
            titles[target] = texts[target]
    _, index = check_folder(records)
    assert len(titles) >= len(index.included)
    for doc in index.included:
        assert any(doc.title[:30] in text for text in titles.values()), doc.title


def test_the_contents_numbers_are_the_stamped_numbers(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "packet.pdf"
    build_packet(records, BuildOptions(output=out))
    texts = page_texts(out)
    _, index = check_folder(records)
    for doc in index.included:
        # the stamp of a record page carries its title: the first page stamped with it
        stamp = re.compile(rf"DOB 1961-04-02 {re.escape(doc.title[:20])}.*\s+Page (\d+) of")
        first = next(int(m.group(1)) for text in texts if (m := stamp.search(text)))
        contents = contents_text(texts)
        row = next(
            line
            for line in contents.splitlines()
            if doc.title[:25] in line
            and (doc.date.isoformat() if doc.date else "date unknown") in line
        )
        assert re.search(rf"\b{first}(–\d+)?\s*$", row), (doc.title, row, first)
    # the group headings name the categories in words; no code name repeats them on each row
    assert "clinic_notes" not in contents_text(texts)


def test_outline_covers_every_document_and_labels_match(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "packet.pdf"
    result = build_packet(records, BuildOptions(output=out))
    reader = PdfReader(out)

    def flatten(items: list) -> list:
        flat = []
        for item in items:
            flat.extend(flatten(item) if isinstance(item, list) else [item])
        return flat

    titles = [o.title for o in flatten(reader.outline)]
    _, index = check_folder(records)
    for doc in index.included:
        assert any(t.startswith(doc.title) for t in titles), doc.title
    assert reader.page_labels == [str(n) for n in range(1, result.pages + 1)]
    meta = reader.metadata
    assert meta is not None and "Zoë" in (meta.title or "")
    assert "1961" not in str(dict(meta))
    assert meta.producer == "packet"


def test_files_not_included_are_listed_with_their_reason(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "packet.pdf"
    build_packet(records, BuildOptions(output=out))
    last = "".join(page_texts(out)[-2:])
    assert "broken.pdf" in last
    assert "path (1).pdf" in last and "the same file as the record on p. " in last


def test_stamps_sit_at_the_bottom_of_the_page_as_displayed(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "packet.pdf"
    build_packet(records, BuildOptions(output=out))
    pdf = pdfium.PdfDocument(str(out))
    for index in range(len(pdf)):
        image = pdf[index].render(scale=0.5).to_pil().convert("L")
        w, h = image.size
        band = image.crop((0, int(h * 0.93), w, h))
        side = image.crop((0, 0, int(w * 0.02), int(h * 0.9)))
        assert band.getextrema()[0] < 128, f"no stamp at the bottom of page {index + 1}"
        assert side.getextrema()[0] > 200, (
            f"something drawn along the left edge of page {index + 1}"
        )


def test_build_never_writes_in_the_folder_and_never_overwrites_without_force(
    records: Path, tmp_path: Path
) -> None:
    before = fingerprint(records)
    out = tmp_path / "p.pdf"
    assert runner.invoke(app, ["build", str(records), "-o", str(out)]).exit_code == 0
    again = runner.invoke(app, ["build", str(records), "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    assert runner.invoke(app, ["build", str(records), "-o", str(out), "--force"]).exit_code == 0
    inside = runner.invoke(app, ["build", str(records), "-o", str(records / "packet.pdf")])
    assert inside.exit_code == 2
    assert fingerprint(records) == before
    assert not list(tmp_path.glob(".*.part"))


def test_a_packet_copied_into_the_folder_is_never_merged_again(
    records: Path, tmp_path: Path
) -> None:
    out = tmp_path / "p.pdf"
    build_packet(records, BuildOptions(output=out))
    shutil.copyfile(out, records / "old packet.pdf")
    report, _ = check_folder(records)
    old = next(d for d in report.documents if d.path == "old packet.pdf")
    assert old.status is DocumentStatus.EXCLUDED and "built earlier" in old.reason


def test_build_without_patient_name_fails_with_exit_3(tmp_path: Path) -> None:
    make_pdf(tmp_path / "r" / "a.pdf", CONSULT_TEXT)
    result = runner.invoke(app, ["build", str(tmp_path / "r"), "-o", str(tmp_path / "o.pdf")])
    assert result.exit_code == 3
    assert "packet.toml" in result.output


def test_build_refuses_a_birth_date_the_records_contradict_unless_forced(tmp_path: Path) -> None:
    root = tmp_path / "r"
    for name in ("a.pdf", "b.pdf"):
        make_pdf(root / name, f"Patient: Test Person  DOB: 04/02/1961  {name}\n" + CONSULT_TEXT)
    (root / "packet.toml").write_text(
        '[patient]\nname = "Test Person"\ndate_of_birth = 1961-02-04\n'
    )
    result = runner.invoke(app, ["build", str(root), "-o", str(tmp_path / "o.pdf")])
    assert result.exit_code == 4, result.output
    assert "1961-04-02" in result.output and not (tmp_path / "o.pdf").exists()
    forced = ["build", str(root), "-o", str(tmp_path / "o.pdf"), "--force-identity"]
    result = runner.invoke(app, forced)
    assert result.exit_code == 0, result.output


def test_a4_paper_for_generated_pages_and_photos(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "a4.pdf"
    build_packet(records, BuildOptions(output=out, paper="a4"))
    first = PdfReader(out).pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842)


def test_the_example_builds(tmp_path: Path) -> None:
    out = tmp_path / "sample.pdf"
    result = runner.invoke(app, ["build", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert PdfReader(out).outline


def test_max_size_splits_the_packet_into_volumes_under_the_limit(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    for n in range(6):  # photos of noise compress badly: about 0.5 MB each once converted
        image = Image.effect_noise((1600, 1200), 60).convert("RGB")
        image.save(root / f"Labs 2026-03-0{n + 1}.jpg", quality=95)  # dated by name: timeline
    make_pdf(root / "visit.pdf", CONSULT_TEXT)
    limit = 1_500_000
    result = build_packet(root, BuildOptions(output=tmp_path / "packet.pdf", max_size=limit))
    assert len(result.outputs) > 1
    for k, (path, pages, size) in enumerate(result.outputs, start=1):
        assert path.name == f"packet-volume-{k}-of-{len(result.outputs)}.pdf"
        assert size <= limit, (path, size)
        texts = page_texts(path)
        assert len(texts) == pages
        assert all(
            f"Volume {k} of {len(result.outputs)} · Page {n} of {pages}" in t
            for n, t in enumerate(texts, 1)
        )
        assert "Second-opinion records" in texts[0] and contents_text(texts)
        assert "2026-03-06" in contents_text(texts)  # every contents lists every document
    assert "Files not included" in page_texts(result.outputs[-1][0])[-1]
    assert result.documents == 7
    # The timeline (in the first volume) says where a record in another volume is: volume and
    # page, and that page of that volume is where the record starts.
    first = " ".join(page_texts(result.outputs[0][0]))
    elsewhere = re.findall(r"vol\. (\d+), p\. (\d+)", first)
    assert elsewhere
    volume, page = (int(v) for v in elsewhere[0])
    texts = page_texts(result.outputs[volume - 1][0])
    assert f"Volume {volume} of {len(result.outputs)} · Page {page} of" in texts[page - 1]


def test_a_document_larger_than_a_volume_is_split_into_parts_and_said_so(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    c = canvas.Canvas(str(root / "big scan.pdf"))
    for _ in range(6):
        noise = io.BytesIO()
        Image.effect_noise((1200, 1500), 60).convert("L").save(noise, "JPEG", quality=95)
        c.drawImage(ImageReader(noise), 0, 0, 612, 792)
        c.showPage()
    c.save()
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf", max_size=1_200_000))
    assert len(result.outputs) >= 2
    assert any("split into" in note and "big scan.pdf" in note for note in result.notes)
    contents = contents_text(page_texts(result.outputs[0][0]))
    assert "(part 1 of" in contents and "(part 2 of" in contents


def test_sizes_are_read_as_caregivers_write_them() -> None:
    from packet.cli import parse_size

    assert parse_size("20MB") == 20_000_000
    assert parse_size("20 mb") == 20_000_000
    assert parse_size("500KB") == 500_000
    assert parse_size("1.5GB") == 1_500_000_000
    assert parse_size("25") == 25_000_000
    result = runner.invoke(app, ["build", "x", "--max-size", "lots"])
    assert result.exit_code == 2 and "20MB" in result.output


def test_when_the_size_estimate_falls_short_volumes_are_repacked_without_leftovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import packet.sources

    root = records_folder(tmp_path)
    for n in range(4):
        Image.effect_noise((1200, 900), 60).convert("RGB").save(root / f"Labs {n}.jpg", quality=95)
    # An estimate far too low: the first packing (one volume) overflows, the next splits it.
    monkeypatch.setattr(packet.sources.Source, "estimated_size", property(lambda self: 200_000))
    out = tmp_path / "out"
    out.mkdir()
    result = build_packet(root, BuildOptions(output=out / "p.pdf", max_size=1_200_000))
    assert len(result.outputs) > 1
    assert {p.name for p in out.iterdir()} == {
        path.name for path, _, _ in result.outputs
    }  # no p.pdf left
    over = [size for _, _, size in result.outputs if size > 1_200_000]
    assert bool(over) == any("over --max-size" in note for note in result.notes)


def test_records_parsed_during_check_are_used_only_if_check_read_the_same_file(
    tmp_path: Path,
) -> None:
    # build parses the PDFs in a thread while check reads them; a record replaced in between
    # must be opened again, so that the packet holds what check classified and dated.
    from packet.sources import EarlyReaders

    root = tmp_path / "r"
    make_pdf(root / "kept.pdf", CONSULT_TEXT)
    make_pdf(root / "replaced.pdf", CT_TEXT)
    (root / "notes.txt").write_text("Visit notes.\n")
    with EarlyReaders(root, {}) as early:
        early.wait()
        make_pdf(root / "replaced.pdf", CT_TEXT, "a second page, added since")
        _, index = check_folder(root)
        docs = {d.path: d for d in index.documents}
        kept = early.take(docs["kept.pdf"])
        assert kept is not None and len(kept.pages) == docs["kept.pdf"].pages == 1
        assert early.take(docs["replaced.pdf"]) is None
        assert early.take(docs["notes.txt"]) is None  # only PDFs are parsed early


def test_progress_names_each_step_and_counts_real_work(tmp_path: Path) -> None:
    root = records_folder(tmp_path)
    make_pdf(root / "visit.pdf", CONSULT_TEXT, "page two", "page three")
    make_pdf(root / "path.pdf", PATHOLOGY_TEXT)
    calls: list[tuple[int, int, str]] = []
    result = build_packet(
        root,
        BuildOptions(output=tmp_path / "p.pdf"),
        progress=lambda done, total, what: calls.append((done, total, what)),
    )
    steps = list(dict.fromkeys(what for _, _, what in calls))
    assert steps == [
        "reading the records",
        "laying out the contents",
        "stamping the pages",
        "writing p.pdf",
    ]
    reading = [(d, t) for d, t, w in calls if w == "reading the records"]
    assert reading[-1] == (2, 2)  # every file read (packet.toml is the caregiver's, not read)
    stamped = [(d, t) for d, t, w in calls if w == "stamping the pages"]
    assert stamped[-1] == (4, 4)  # the record pages: three and one
    assert result.pages > 4  # front and back matter are made, not stamped
