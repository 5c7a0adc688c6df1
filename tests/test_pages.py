"""The packet's own pages as the center reads them: the example folder built, its pages read back."""

from __future__ import annotations

import re
import shutil
from itertools import pairwise
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from packet.build import BuildOptions, build_packet
from packet.layout import plan_breaks

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-records"
CAREGIVER_WORDS = (
    "packet.toml",
    "timeline.csv",
    "medications.csv",
    "questions.md",
    "documents.csv",
    "Fill in",
    "Settings >",
    "ask the",
    "Ask the",
)


@pytest.fixture(scope="module")
def example_packet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("example") / "records"
    shutil.copytree(EXAMPLE, folder)
    out = folder.parent / "packet.pdf"
    build_packet(folder, BuildOptions(output=out, ocr=False))
    return out


def texts_of(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range().replace("\r\n", "\n") for page in pdf]
    finally:
        pdf.close()


def section_page(texts: list[str], title: str) -> int:
    return next(n for n, text in enumerate(texts) if text.startswith(title))


def links_on(path: Path, index: int) -> int:
    page = PdfReader(path).pages[index]
    return sum(1 for a in page.get("/Annots") or [] if a.get_object().get("/Subtype") == "/Link")


def test_the_cover_says_who_the_patient_is_and_whom_to_call(example_packet: Path) -> None:
    cover = texts_of(example_packet)[0]
    for expected in (
        "Penicillin (rash)",
        "Luis Example (son) · phone 555-0100 · luis@example.org",
        "Dr. Rosa Rivera, Lakeside Oncology · phone 555-0142 · fax",
        "Appointment",
        "2027-03-01",
    ):
        assert expected in cover, expected


def test_the_front_pages_name_no_caregiver_file_and_give_no_how_to(example_packet: Path) -> None:
    texts = texts_of(example_packet)
    front = texts[: section_page(texts, "Imaging sent separately") + 1]  # then the records
    for word in CAREGIVER_WORDS:
        assert not any(word in text for text in front), word
    assert not any("(s)" in text for text in front)


def test_a_duplicate_left_out_names_the_page_it_repeats(example_packet: Path) -> None:
    last = texts_of(example_packet)[-1]
    assert "Files not included" in last
    flat = " ".join(last.split())
    assert "Downloads/Document (3).pdf the same file as the record on p. " in flat
    assert "identical to" not in flat


def test_differing_opinions_are_marked_by_a_symbol_and_a_frame(example_packet: Path) -> None:
    texts = texts_of(example_packet)
    index = section_page(texts, "Current opinions side by side")
    assert "≠ Recommended" in texts[index]
    assert "Goal of treatment" in texts[index] and "≠ Goal" not in texts[index]
    content = PdfReader(example_packet).pages[index].get_contents()
    assert content is not None and b"1.4 w" in content.get_data()  # the frame, not only a tint


def page_column(path: Path, index: int) -> tuple[list[str], list[str]]:
    """The numbers in the rightmost column of a generated page (between its title and its
    stamp), and the text at the right end of each of its links."""
    pdf = pdfium.PdfDocument(str(path))
    page = pdf[index]
    textpage = page.get_textpage()
    width, height = page.get_size()
    right = width - 54
    column = textpage.get_text_bounded(right - 40, 40, right + 2, height - 130)
    at_links = []
    for annot in PdfReader(path).pages[index].get("/Annots") or []:
        _, y0, x1, y1 = (float(v) for v in annot.get_object()["/Rect"])
        at_links.append(textpage.get_text_bounded(x1 - 40, y0 + 1, x1 + 2, y1 - 1).strip())
    pdf.close()
    return column.split(), at_links


def test_every_page_number_on_the_timeline_is_a_row_of_its_own_with_a_link(
    example_packet: Path,
) -> None:
    texts = texts_of(example_packet)
    index = section_page(texts, "Timeline")
    numbers, at_links = page_column(example_packet, index)
    assert numbers and all(re.fullmatch(r"\d+(–\d+)?", n) for n in numbers), numbers
    assert sorted(at_links) == sorted(numbers)  # each number is one row, and that row links
    # the biopsy's two records: one row each, in page order, under the event
    biopsy = r"Core needle biopsy.*\n· Surgical pathology.* (\d+)\n· Breast biomarker[^·]*\n(\d+)\n"
    found = re.search(biopsy, texts[index])
    assert found and int(found.group(1)) < int(found.group(2))


def test_the_imaging_page_gives_the_accession_and_links_the_report(example_packet: Path) -> None:
    texts = texts_of(example_packet)
    index = section_page(texts, "Imaging sent separately")
    assert "CT2603040017" in texts[index]
    assert "Modality" in texts[index] and "Modali…" not in texts[index]
    assert re.search(r"p\. \d+", texts[index])
    assert links_on(example_packet, index) == 1


def test_contents_rows_carry_words_not_codes_and_whole_titles(example_packet: Path) -> None:
    texts = texts_of(example_packet)
    contents = "".join(t for t in texts[:5] if "Contents" in t)
    assert "clinic_notes" not in contents
    assert "Breast biomarker report (immunohistochemistry) — ER/PR/HER2" in contents
    assert "…" not in contents


def test_a_table_never_leaves_a_lone_row_on_its_last_page() -> None:
    # 10 rows fit a page; 11 rows would leave the eleventh alone
    breaks = plan_breaks([10.0] * 11, room=100.0, page_room=100.0)
    assert breaks == {9}


def test_a_group_heading_never_ends_a_page() -> None:
    keep = [False] * 9 + [True] + [False] * 5
    breaks = plan_breaks([10.0] * 15, room=100.0, page_room=100.0, keep_with_next=keep)
    assert 9 in breaks  # the heading moved to the next page with its first row


@given(
    heights=st.lists(st.floats(min_value=5, max_value=60), min_size=1, max_size=80),
    keep=st.lists(st.booleans(), min_size=80, max_size=80),
)
def test_page_breaks_keep_every_row_once_and_fit(heights: list[float], keep: list[bool]) -> None:
    breaks = plan_breaks(heights, room=300.0, page_room=500.0, keep_with_next=keep[: len(heights)])
    assert 0 not in breaks and all(0 < b < len(heights) for b in breaks)
    starts = [0, *sorted(breaks), len(heights)]
    pages = [heights[a:b] for a, b in pairwise(starts)]
    for number, page in enumerate(pages):
        # a page holds no more than fits, unless one row alone is taller than a page
        assert len(page) == 1 or sum(page) <= (300.0 if number == 0 else 500.0)


def _boxes(textpage: pdfium.PdfTextPage, text: str, needle: str) -> tuple[float, float]:
    """The left and right edges of `needle` on the page."""
    start = text.index(needle)
    boxes = [textpage.get_charbox(i) for i in range(start, start + len(needle))]
    return min(b[0] for b in boxes), max(b[2] for b in boxes)


def test_a_very_long_name_is_cut_before_it_reaches_the_page_number(tmp_path: Path) -> None:
    from conftest import PATHOLOGY_TEXT, make_pdf

    name = "Maria " + " ".join(["Fernanda de los Santos Villanueva-Echeverría"] * 3)
    assert len(name) > 100
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "packet.toml").write_text(
        f'[patient]\nname = "{name}"\ndate_of_birth = 1961-04-02\n', encoding="utf-8"
    )
    make_pdf(folder / "path.pdf", PATHOLOGY_TEXT.replace("Ana Example", name))
    out = tmp_path / "p.pdf"
    build_packet(folder, BuildOptions(output=out, ocr=False))
    pdf = pdfium.PdfDocument(str(out))
    for index in (0, len(pdf) - 2):  # a page of the packet's own and a record's page
        textpage = pdf[index].get_textpage()
        text = textpage.get_text_range()
        assert "… · DOB 1961-04-02" in text
        _, dob_right = _boxes(textpage, text, "1961-04-02")
        page_left, _ = _boxes(textpage, text, f"of {len(pdf)}")
        assert dob_right < page_left - 10
    pdf.close()


def test_a_character_no_font_has_is_drawn_as_a_visible_mark() -> None:
    from packet.layout import MISSING_GLYPH, runs

    drawn = "".join(piece for piece, _ in runs("Scan 👍🏽 from Zoë"))
    assert MISSING_GLYPH in drawn and "Zoë" in drawn and "🏽" not in drawn


def test_the_summary_follows_the_cover_with_key_dates_and_care_so_far(
    example_packet: Path,
) -> None:
    texts = texts_of(example_packet)
    index = section_page(texts, "Clinical summary")
    assert index == 1
    summary = "".join(t for t in texts if re.search(r"DOB \S+ Clinical summary\s", t))
    assert "Estrogen receptor (ER)" in summary and "positive (95%)" in summary
    assert re.search(
        r"Lakeside Medical Center\s+00481516\s+\d+ records, 1 scan study, 2026-02-10 to", summary
    )
    assert "Example Health Plan" not in summary  # the insurer holds no clinical records
    found = re.search(r"Diagnosis \(first\s+pathology\)\s+2026-02-10\s+p\. (\d+)", summary)
    assert found, summary
    assert "Surgical pathology" in texts[int(found.group(1)) - 1]  # the cited page is that record


def test_the_summary_shows_post_therapy_staging_first_from_the_pathology_report(
    example_packet: Path,
) -> None:
    texts = texts_of(example_packet)
    summary = " ".join(
        " ".join(t.split()) for t in texts if re.search(r"DOB \S+ Clinical summary\s", t)
    )
    yp = re.search(r"TNM, post-therapy pathologic \(ypTNM\) ypT1c ypN1a p\. (\d+)", summary)
    assert yp, summary
    assert "lumpectomy" in texts[int(yp.group(1)) - 1].lower()  # the pathology report itself
    # the note's pTNM comes after, citing the note by its own title (its C-CDA <title>)
    assert summary.index("ypTNM") < summary.index("pathologic (pTNM) pT2 pN1a p.")
    assert re.search(r"pathologic \(pTNM\) pT2 pN1a p\. \d+ · Oncology Follow-up Visit", summary)
