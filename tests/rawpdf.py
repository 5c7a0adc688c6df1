"""Small, well-formed PDFs written object by object (with a correct cross-reference table), for
faults that no PDF library will write on purpose: a link whose action is a number, resources
nested hundreds of levels deep, actions chained behind a harmless one."""

from __future__ import annotations

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def raw_pdf(objects: list[bytes]) -> bytes:
    """Objects numbered from 1 in order; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def one_page(
    text: str = "SURGICAL PATHOLOGY REPORT",
    page_extra: bytes = b"",
    catalog_extra: bytes = b"",
    resources: bytes = b"<< /Font << /F1 5 0 R >> >>",
    more: tuple[bytes, ...] = (),
) -> bytes:
    """A one-page PDF saying `text`; objects 6 and up are `more`, for the extras to point at."""
    stream = f"BT /F1 14 Tf 72 700 Td ({text}) Tj ET".encode()
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources "
            + resources
            + b" "
            + page_extra
            + b" >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            HELVETICA,
            *more,
        ]
    )


def link(action: bytes) -> bytes:
    return b"<< /Type /Annot /Subtype /Link /Rect [72 600 300 620] /A " + action + b" >>"
