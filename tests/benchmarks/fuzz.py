"""Mutation fuzz at the scale the world tests packet: many damaged PDFs, a hundred to a folder.

    python tests/benchmarks/fuzz.py [--variants 1000] [--per-folder 100] [--seed 1]
                                    [--keep DIR] [--timeout 300]

Writes a varied seed set of PDFs (text, scanned image pages, rotated and cropped pages, outlines
and links, a fillable form, JavaScript and attachments, an encrypted file whose password is in
packet.toml, many pages, links whose action is damaged, name trees, deep resources), then
`--variants` mutations of them (byte flips, truncations, deleted and duplicated ranges, damaged
xref offsets and stream lengths, swapped object numbers), `--per-folder` to a records folder
with a packet.toml. On each folder it runs `packet check --json` and `packet build`, each in a
fresh process with a time limit, and prints: builds that failed, tracebacks, files unaccounted
for (not in check's documents, or included by check yet neither merged nor listed as not
included by build), timeouts, and peak memory. The same seed gives the same files.
A folder with a failure is kept (its path printed) so the file can be minimized into a test.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rawpdf import link, one_page

TOML = (
    '[patient]\nname = "Ana Example"\ndate_of_birth = 1961-04-02\n\n'
    '[passwords]\n"{locked}" = "open sesame"\n'
)
TEXT = [
    "SURGICAL PATHOLOGY REPORT",
    "Collected: 02/10/2026",
    "DIAGNOSIS: Invasive ductal carcinoma, grade 2.",
    "ER positive (95%), PR positive (40%), HER2 negative (1+).",
]

# Run inside a fresh process: build the folder, print what became of every document.
BUILD_ONE = """
import json, sys
from pathlib import Path
from packet.build import BuildOptions, build_packet
result = build_packet(Path(sys.argv[1]), BuildOptions(output=Path(sys.argv[2]), force=True))
print(json.dumps({
    "documents": result.documents,
    "left_out": [path for path, _ in result.left_out],
    "included": [d.path for d in result.report.documents if d.status == "included"],
    "pages": result.pages,
}))
"""


def _text_pdf(path: Path, pages: int = 2, size: tuple[float, float] = letter) -> None:
    c = canvas.Canvas(str(path), pagesize=size)
    for n in range(pages):
        for k, line in enumerate(TEXT):
            c.drawString(72, size[1] - 72 - 16 * k, line)
        c.drawString(72, 72, f"Page {n + 1}")
        c.showPage()
    c.save()


def seeds(folder: Path) -> list[Path]:
    """The seed set, written into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []

    def add(name: str) -> Path:
        made.append(folder / name)
        return folder / name

    _text_pdf(add("text.pdf"))
    _text_pdf(add("a4.pdf"), size=A4)
    _text_pdf(add("many pages.pdf"), pages=60)
    photo = Image.effect_noise((600, 800), 40).convert("RGB")
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=70)
    c = canvas.Canvas(str(add("scanned.pdf")), pagesize=letter)
    c.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, 612, 792)
    c.showPage()
    c.save()

    base = PdfReader(folder / "text.pdf")
    writer = PdfWriter(clone_from=base)
    writer.pages[0].rotate(90)
    writer.pages[1].cropbox.lower_left = (50, 50)
    writer.write(add("rotated cropped.pdf"))

    writer = PdfWriter(clone_from=base)
    writer.add_outline_item("Diagnosis", 0)
    writer.add_uri(0, "https://example.org/report", (72, 600, 300, 620))
    writer.add_named_destination("second", 1)
    writer.write(add("outline links.pdf"))

    writer = PdfWriter(clone_from=base)
    writer.add_open_action(JavaScript("app.alert('x');"))
    writer.add_attachment("note.txt", b"attached")
    writer.write(add("active content.pdf"))

    writer = PdfWriter(clone_from=base)
    writer.encrypt(user_password="open sesame", owner_password="owner", algorithm="AES-128")
    writer.write(add("locked.pdf"))

    c = canvas.Canvas(str(add("form.pdf")))
    c.drawString(72, 720, "MEDICATION LIST")
    c.acroForm.textfield(name="drug", value="letrozole", x=72, y=650, width=200, height=20)
    c.showPage()
    c.save()

    add("bad link.pdf").write_bytes(
        one_page(page_extra=b"/Annots [6 0 R]", more=(link(b"/JavaScript"),))
    )
    add("name tree.pdf").write_bytes(
        one_page(
            catalog_extra=b"/Names << /Dests 6 0 R /JavaScript 7 0 R >>",
            more=(
                b"<< /Names [(a) [3 0 R /Fit]] >>",
                b"<< /Names [(js) << /S /JavaScript /JS (app.alert(1)) >>] >>",
            ),
        )
    )
    nested = b"<< /A " * 150 + b"1" + b" >>" * 150
    add("deep resources.pdf").write_bytes(
        one_page(resources=b"<< /Font << /F1 5 0 R >> /Properties " + nested + b" >>")
    )
    return made


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random damage of the kinds real files suffer."""
    out = bytearray(data)
    kind = rng.choice(["flip", "truncate", "delete", "duplicate", "xref", "length", "swap"])
    if kind == "flip":
        for _ in range(rng.randint(1, 20)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    elif kind == "truncate":
        del out[rng.randint(len(out) // 4, len(out) - 1) :]
    elif kind in ("delete", "duplicate"):
        start = rng.randrange(len(out))
        end = min(len(out), start + rng.randint(1, 2000))
        chunk = bytes(out[start:end])
        if kind == "delete":
            del out[start:end]
        else:
            out[start:start] = chunk
    elif kind == "xref":
        for m in list(re.finditer(rb"\d{10} \d{5} n", bytes(out)))[: rng.randint(1, 8)]:
            if rng.random() < 0.5:
                out[m.start() : m.start() + 10] = b"%010d" % rng.randrange(len(out) * 2)
    elif kind == "length":
        for m in re.finditer(rb"/Length (\d+)", bytes(out)):
            if rng.random() < 0.5:
                value = max(0, int(m.group(1)) + rng.randint(-200, 200))
                out[m.start(1) : m.end(1)] = (
                    str(value).encode().ljust(len(m.group(1)))[: len(m.group(1))]
                )
    else:  # swap the numbers of two objects
        found = list(re.finditer(rb"(\d+) 0 obj", bytes(out)))
        if len(found) >= 2:
            a, b = rng.sample(found, 2)
            na, nb = a.group(1), b.group(1)
            text = bytes(out)
            text = text.replace(na + b" 0 obj", b"@@A@@", 1).replace(
                nb + b" 0 obj", na + b" 0 obj", 1
            )
            out = bytearray(text.replace(b"@@A@@", nb + b" 0 obj", 1))
    return bytes(out)


def run(command: list[str], timeout: float) -> tuple[int | None, str, str, float]:
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", "", time.perf_counter() - start
    return done.returncode, done.stdout, done.stderr, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", type=int, default=1000)
    parser.add_argument("--per-folder", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = args.keep or Path(tempfile.mkdtemp(prefix="packet-fuzz-"))
    seed_files = seeds(work / "seeds")
    packet = [sys.executable, "-m", "packet"]
    totals = {"folders": 0, "variants": 0, "check failed": 0, "build failed": 0,
              "tracebacks": 0, "unaccounted": 0, "timeouts": 0,
              "included by check": 0, "merged by build": 0, "check wrong": 0}  # fmt: skip
    kept: list[Path] = []
    check_time = build_time = 0.0
    number = 0
    while number < args.variants:
        folder = work / f"folder {totals['folders']:03d}"
        records = folder / "records"
        records.mkdir(parents=True)
        (records / "packet.toml").write_text(TOML.format(locked="x"), encoding="utf-8")
        names = []
        for _ in range(min(args.per_folder, args.variants - number)):
            seed = rng.choice(seed_files)
            name = f"{number:05d} {seed.stem}.pdf"
            (records / name).write_bytes(mutate(seed.read_bytes(), rng))
            names.append(name)
            number += 1
        locked = [n for n in names if "locked" in n]
        passwords = "".join(f'"{n}" = "open sesame"\n' for n in locked)
        (records / "packet.toml").write_text(
            TOML.split("[passwords]")[0] + "[passwords]\n" + passwords, encoding="utf-8"
        )
        totals["folders"] += 1
        totals["variants"] += len(names)
        bad = False

        said_included: set[str] = set()
        code, out, err, took = run([*packet, "check", str(records), "--json"], args.timeout)
        check_time += took
        if code is None:
            totals["timeouts"] += 1
            bad = True
        elif code not in (0, 1) or "Traceback" in err or "unexpected error" in err:
            totals["check failed"] += 1
            totals["tracebacks"] += "Traceback" in err or "unexpected error" in err
            bad = True
        else:
            listed = {d["path"] for d in json.loads(out)["documents"]}
            said_included = {
                d["path"] for d in json.loads(out)["documents"] if d["status"] == "included"
            }
            totals["unaccounted"] += len(set(names) - listed)
            bad |= bool(set(names) - listed)

        code, out, err, took = run(
            [sys.executable, "-c", BUILD_ONE, str(records), str(folder / "packet.pdf")],
            args.timeout,
        )
        build_time += took
        if code is None:
            totals["timeouts"] += 1
            bad = True
        elif code != 0:
            totals["build failed"] += 1
            totals["tracebacks"] += "Traceback" in err
            bad = True
            print(
                f"  build failed in {folder}:\n    {err.strip().splitlines()[-1] if err.strip() else code}"
            )
        else:
            result = json.loads(out.strip().splitlines()[-1])
            merged_or_listed = result["documents"] + len(
                set(result["left_out"]) & set(result["included"])
            )
            lost = len(result["included"]) - merged_or_listed
            merged = set(result["included"]) - set(result["left_out"])
            totals["included by check"] += len(said_included)
            totals["merged by build"] += len(merged)
            totals["check wrong"] += len(said_included ^ merged)
            for path in sorted(said_included ^ merged):
                print(f"  check and build disagree on {folder}/records/{path}")
            bad |= bool(said_included ^ merged)
            totals["unaccounted"] += max(0, lost)
            bad |= lost > 0
        if bad:
            kept.append(folder)
        elif not args.keep:
            shutil.rmtree(folder)
        print(f"folder {totals['folders']}: {number}/{args.variants} variants", file=sys.stderr)

    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nFuzz: {totals['variants']} mutated PDFs from {len(seed_files)} seeds, "
          f"{totals['folders']} folders of up to {args.per_folder} (seed {args.seed})")  # fmt: skip
    for key in ("check failed", "build failed", "tracebacks", "unaccounted", "timeouts"):
        print(f"  {key:<14} {totals[key]}")
    print(
        f"  check said 'included' for {totals['included by check']}, "
        f"build merged {totals['merged by build']}; "
        f"files where check and build disagree: {totals['check wrong']}"
    )
    print(f"  time           check {check_time:.1f} s, build {build_time:.1f} s in all")
    print(f"  peak memory    {peak:.0f} MB (the largest process)")
    for folder in kept:
        print(f"  kept for a look: {folder}")
    if not args.keep and not kept:
        shutil.rmtree(work, ignore_errors=True)
    failures = sum(totals[k] for k in ("check failed", "build failed", "unaccounted", "timeouts"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
