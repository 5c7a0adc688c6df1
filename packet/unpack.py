"""Files inside files: the members of a zip archive (a portal's "download my record" export),
the attachments of an email, and documents whose format packet renders as text (a Word letter,
a C-CDA health summary). Each member becomes a file of its own, accounted for exactly like a
loose one, under a path that says where it sits (`Export.zip/IHE_XDM/SUBSET01/DOC0001.XML`).

Members are copied, within limits, into a private temporary folder outside the records folder
(readable by this user only, removed when the command ends), so every reader and the merge
open them like any file. Nothing is ever unpacked into the records folder.

A member's bytes are untrusted: unpacking a damaged one raises whatever its decompressor
raises, and each of those makes that member alone "damaged" (see `ZIP_ERRORS`).
"""

from __future__ import annotations

import atexit
import errno
import itertools
import lzma
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from packet.formats import ccda, mail, word
from packet.models import IgnoredFile, Problem, ProblemKind, Severity
from packet.paths import safe_name, unique_path
from packet.scan import JUNK_FOLDERS, FoundFile, junk_reason

MAX_DEPTH = 3  # a zip in an email in a zip is real; deeper is a trick
MAX_MEMBERS = 10_000  # members of one archive
MAX_TOTAL = 4_000_000_000  # bytes unpacked from one top-level file, nested members included
MAX_RATIO = 200  # a member that grows more than this when unpacked (and past 1 MB) is a bomb

# What zipfile raises on a damaged archive or member: BadZipFile (bad headers, a CRC that does
# not match), zlib.error (damaged deflate data), lzma.LZMAError, OSError (damaged bzip2 data,
# and reading errors), EOFError (compressed data that ends early), NotImplementedError (an
# unknown compression method), RuntimeError (an encrypted member without its password),
# ValueError (offsets that point before the start of the file).
ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    OSError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)

OFFICE = {".docx": "Word document", ".xlsx": "spreadsheet", ".pptx": "presentation"}

_TEMP: Path | None = None
_SLOTS = itertools.count()


def _slot() -> Path:
    """A new folder in the private folder, one per member (their names may repeat)."""
    folder = _temp_folder() / f"{next(_SLOTS):06d}"
    folder.mkdir()
    return folder


def _temp_folder() -> Path:
    """This run's private folder for members; folders of runs that were killed are removed."""
    global _TEMP
    if _TEMP is None:
        root = Path(tempfile.gettempdir())
        for stale in root.glob("packet-members-*"):
            pid = stale.name.split("-")[2]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)
        _TEMP = Path(tempfile.mkdtemp(prefix=f"packet-members-{os.getpid()}-"))  # mode 0700
        atexit.register(shutil.rmtree, _TEMP, True)
    return _TEMP


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


@dataclass
class Unpacked:
    """What the folder holds once files inside files are counted: the files to read, the
    containers themselves (listed, with what became of their contents), and problems."""

    files: list[FoundFile] = field(default_factory=list)
    containers: list[tuple[FoundFile, str]] = field(default_factory=list)
    ignored: list[IgnoredFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    facts: dict[str, ccda.Facts] = field(default_factory=dict)  # a C-CDA's coded entries
    taken: set[str] = field(default_factory=set)  # every path shown: members of one name differ
    budget: int = MAX_TOTAL  # bytes still to be unpacked from the top-level file being opened


def _problem(path: str, message: str, fix: str, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(path=path, kind=ProblemKind.ARCHIVE, severity=severity, message=message, fix=fix)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(4096)
    except OSError:
        return b""


def is_zip(head: bytes) -> bool:
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def expand(files: list[FoundFile]) -> Unpacked:
    result = Unpacked(taken={found.relative for found in files})
    for found in files:
        result.budget = MAX_TOTAL  # one budget per file in the folder, shared by its nesting
        _expand_one(found, 0, result)
    return result


def _no_room(exc: BaseException) -> bool:
    """The disk holding the private folder is full (or the user's quota is spent)."""
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def _out_of_room(result: Unpacked, container: FoundFile, shown: str) -> None:
    _excluded(result, container, shown, "not unpacked: the temporary folder is full")
    result.problems.append(
        _problem(
            shown,
            "There was no room left on the disk of packet's temporary folder "
            f"({safe_name(str(_temp_folder().parent))}) to unpack this file, so it is not in "
            "the packet.",
            "Free some space on that disk, or run packet with TMPDIR set to a folder on a disk "
            "with room (TMPDIR=/path/to/folder packet build …); then run it again.",
        )
    )


def _expand_one(found: FoundFile, depth: int, result: Unpacked) -> None:
    head = _head(found.path)
    if is_zip(head) and word.is_docx(found.path):
        _as_text(found, word.to_text, ".md", result)
    elif is_zip(head) and _is_office_file(found.path):
        result.files.append(found)  # a spreadsheet or presentation: listed with what to do
    elif is_zip(head):
        _expand_zip(found, depth, result)
    elif mail.looks_like_email(head, found.path.suffix.lower()):
        _expand_email(found, depth, result)
    elif ccda.recognize(found.path, head):
        _expand_ccda(found, depth, result)
    elif _stylesheet(found.path, head):
        result.containers.append((found, STYLESHEET))
    else:
        result.files.append(found)


STYLESHEET = "a stylesheet that shows a C-CDA in a browser (the portal's packaging), not a record"


def _stylesheet(path: Path, head: bytes) -> bool:
    """The `CDA.xsl` a portal ships beside its C-CDA files: packaging, not a damaged record."""
    # XML named as XSLT (its namespace may sit behind a long comment of revision history)
    return path.suffix.lower() in (".xsl", ".xslt") and (
        b"/xsl/transform" in head.lower() or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    )


def _expand_ccda(found: FoundFile, depth: int, result: Unpacked) -> None:
    """A C-CDA read once: its text stands in for it, its coded entries are kept, and the files
    it embeds (an unstructured document's PDF) are records of their own, like attachments."""
    try:
        reading = ccda.read(found.path)
    except Exception as exc:  # damaged or hostile XML: listed with what to do, never a crash
        too_large = found.path.stat().st_size > ccda.MAX_CCDA
        result.containers.append((found, "a C-CDA document that could not be read"))
        result.problems.append(
            _problem(
                found.relative,
                f"This C-CDA health summary is larger than packet reads ({ccda.MAX_CCDA:,} bytes)."
                if too_large
                else f"This C-CDA health summary cannot be read ({_error_name(exc)}): it is "
                "damaged, cut short, or holds XML packet refuses (a DTD or entities).",
                "Download it again from the portal, or ask the portal or the practice for the "
                "same record as a PDF.",
            )
        )
        return
    if not _as_text(found, lambda _: reading.text, ".md", result):
        return
    result.facts[found.relative] = reading.facts
    for message, fix in reading.problems:
        result.problems.append(_problem(found.relative, message, fix, Severity.WARNING))
    if reading.embedded and depth >= MAX_DEPTH:
        result.problems.append(
            _problem(
                found.relative,
                "This C-CDA sits too deep inside emails or archives; the document it embeds "
                "is not opened.",
                "Take it out of the archive or email and put it in the records folder.",
            )
        )
        return
    _attachments(found, reading.embedded, depth, result)


def _attachments(
    found: FoundFile, files: list[tuple[str, bytes]], depth: int, result: Unpacked
) -> None:
    """Files carried inside a file (an email's attachments, a C-CDA's embedded document), each
    accounted for as a member: `letter.eml/report.pdf`, `summary.xml/attachment.pdf`."""
    for number, (name, payload) in enumerate(files, start=1):
        shown, _ = _member_path(found.relative, name or f"attachment {number}")
        shown = unique_path(shown, result.taken)
        if len(payload) > result.budget:
            _over_budget(result, found, shown)
            continue
        result.budget -= len(payload)
        suffix = PurePosixPath(name or "").suffix[:10]
        saved = _saved(payload, _plain_stem(shown) + suffix, result, found, shown)
        if saved is not None:
            _expand_one(FoundFile(saved, shown), depth + 1, result)


def _is_office_file(path: Path) -> bool:
    """An Office or OpenDocument file (a zip inside) that packet does not read as text."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except ZIP_ERRORS:
        return False
    return "[Content_Types].xml" in names or names[:1] == ["mimetype"]


def _as_text(
    found: FoundFile, convert: Callable[[Path], str], suffix: str, result: Unpacked
) -> bool:
    """A document packet reads by rendering it as text: the text stands in for the file.
    False when it cannot be read (then it is listed, with a problem)."""
    try:
        text = convert(found.path)
    except word.TooLarge as exc:
        result.containers.append((found, "a document too large to read"))
        result.problems.append(
            _problem(
                found.relative,
                f"This document is too large for packet to read ({exc}; packet reads up to "
                f"{word.MAX_XML:,}).",
                "Open it and save it as PDF, and keep the PDF in the records folder.",
            )
        )
        return False
    except word.NotReadable as exc:
        result.containers.append((found, f"a Word document packet cannot read: {exc}"))
        result.problems.append(
            _problem(
                found.relative,
                f"packet cannot read this Word document's text: {exc}.",
                "Open it and save it as PDF, and keep the PDF in the records folder.",
            )
        )
        return False
    except Exception as exc:  # a damaged document: listed with what to do, never a crash
        result.containers.append((found, "a document that could not be read"))
        result.problems.append(
            _problem(
                found.relative,
                f"This document cannot be read ({exc.__class__.__name__}); it may be damaged.",
                "Open it in the program that made it and save or print it as PDF.",
            )
        )
        return False
    name = _plain_stem(found.relative) + suffix
    rendered = _saved(text.encode(), name, result, found, found.relative)
    if rendered is None:
        return False
    result.files.append(FoundFile(rendered, found.relative))
    return True


def _plain_stem(relative: str) -> str:
    stem = re.sub(r"[^\w .()-]+", "_", PurePosixPath(relative).stem).strip() or "document"
    return stem[:80]


def _member_path(container: str, name: str) -> tuple[str, bool]:
    """The member's path as shown, and whether its name tried to point outside the archive
    (`../x`, `/etc/x`): shown inside it all the same, never written anywhere by that name."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    tricky = name.startswith(("/", "\\")) or ".." in parts or bool(re.match(r"^[A-Za-z]:", name))
    parts = [p for p in parts if p != ".."]
    return container + "/" + safe_name("/".join(parts)), tricky


def _copy_member(source: IO[bytes], size_hint: int, name: str, result: Unpacked) -> Path | None:
    """The member copied into the private folder, or None when it is larger than it said or
    than what is left of the budget (a zip bomb announces little and unpacks a lot; nested
    archives share their top-level file's budget). What a failed copy wrote is removed."""
    target = _slot()
    out = target / (_plain_stem(name) + PurePosixPath(name).suffix[:10])
    written = 0
    try:
        with source, out.open("wb") as f:
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > result.budget or written > size_hint + (1 << 20):
                    f.close()
                    shutil.rmtree(target, ignore_errors=True)
                    return None
                f.write(chunk)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    result.budget -= written
    return out


def _expand_zip(found: FoundFile, depth: int, result: Unpacked) -> None:
    relative = found.relative
    try:
        archive = zipfile.ZipFile(found.path)
    except ZIP_ERRORS as exc:
        office = OFFICE.get(found.path.suffix.lower())
        what = office or "zip archive"
        result.containers.append((found, f"damaged {what}"))
        result.problems.append(
            _problem(
                relative,
                f"This {what} is damaged and cannot be opened ({exc.__class__.__name__}).",
                "Open it in the program that made it and save it as PDF, or ask for a new copy."
                if office
                else "Download it again from the portal (or unzip it on your computer and put "
                "the files in the records folder).",
            )
        )
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if depth >= MAX_DEPTH:
            result.containers.append((found, "archive nested too deep (not opened)"))
            result.problems.append(
                _problem(
                    relative,
                    f"This archive sits {depth} archives or emails deep; packet does not open "
                    "archives nested that deep.",
                    "Unzip the outer archives on your computer and put the files in the "
                    "records folder.",
                )
            )
            return
        if len(members) > MAX_MEMBERS:
            result.containers.append((found, f"archive of {len(members):,} files (not opened)"))
            result.problems.append(
                _problem(
                    relative,
                    f"This archive holds {len(members):,} files, more than packet opens "
                    f"({MAX_MEMBERS:,}).",
                    "Unzip it on your computer and keep only the records in the folder.",
                )
            )
            return
        portal_export = any(m.filename.upper().startswith("IHE_XDM/") for m in members)
        for member in members:
            shown, tricky = _member_path(relative, member.filename)
            shown = unique_path(shown, result.taken)
            if portal_export and _export_packaging(member.filename):
                _excluded(result, found, shown, EXPORT_PACKAGING)
                continue
            leaf = PurePosixPath(member.filename.replace("\\", "/")).name
            folders = {p.lower() for p in PurePosixPath(shown).parts[:-1]}
            junk = junk_reason(leaf) or ("system folder" if folders & JUNK_FOLDERS else None)
            if junk:
                result.ignored.append(IgnoredFile(path=shown, reason=junk))
                continue
            if tricky:
                result.problems.append(
                    _problem(
                        shown,
                        "This archive member's name points outside the archive "
                        f"('{safe_name(member.filename)}'); it is read as a file inside it.",
                        "Nothing to do; nothing is ever unpacked into the records folder.",
                        Severity.WARNING,
                    )
                )
            if member.flag_bits & 0x1:
                _excluded(result, found, shown, "locked with a password inside the zip")
                result.problems.append(
                    _problem(
                        shown,
                        "This file in the zip archive is locked with a password.",
                        "Unzip the archive on your computer with its password and put the "
                        "files in the records folder.",
                    )
                )
                continue
            ratio = member.file_size / max(1, member.compress_size)
            if member.file_size > (1 << 20) and ratio > MAX_RATIO:
                _bomb(result, found, shown, member.file_size)
                continue
            if member.file_size > result.budget:
                _over_budget(result, found, shown)
                continue
            try:
                copied = _copy_member(archive.open(member), member.file_size, shown, result)
            except ZIP_ERRORS as exc:
                if _no_room(exc):
                    _out_of_room(result, found, shown)
                    continue
                _excluded(result, found, shown, "damaged inside the zip archive")
                result.problems.append(
                    _problem(
                        shown,
                        f"This file in the zip archive is damaged ({_error_name(exc)}).",
                        "Download the archive again from the portal.",
                    )
                )
                continue
            if copied is None:
                _bomb(result, found, shown, member.file_size)
                continue
            _expand_one(FoundFile(copied, shown), depth + 1, result)
    inside = f"{len(members):,} file" + ("" if len(members) == 1 else "s")
    result.containers.append((found, f"zip archive ({inside} inside, each listed on its own)"))


def _error_name(exc: Exception) -> str:
    """`zlib.error` rather than a bare `error`: the name says which decompressor failed."""
    name = exc.__class__.__name__
    return f"{exc.__class__.__module__}.{name}" if name == "error" else name


EXPORT_PACKAGING = (
    "part of the portal export's packaging (index, stylesheet, metadata), not a record"
)


def _export_packaging(name: str) -> bool:
    """The parts of an IHE XDM export (a portal's "download my record" zip) that only help a
    browser show it: the index page, the readme, the stylesheet, the submission metadata."""
    upper = name.replace("\\", "/").upper()
    leaf = upper.rsplit("/", 1)[-1]
    return (
        upper in ("INDEX.HTM", "INDEX.HTML", "README.TXT")
        or leaf == "METADATA.XML"
        or leaf.endswith((".XSL", ".XSLT", ".CSS", ".JS"))
    )


def _bomb(result: Unpacked, found: FoundFile, shown: str, size: int) -> None:
    _excluded(result, found, shown, "unpacks to far more than it holds (a zip bomb?)")
    result.problems.append(
        _problem(
            shown,
            f"This file in the zip archive unpacks to far more than it holds ({size:,} bytes "
            "announced): packet does not unpack it.",
            "If it is a real record, unzip the archive on your computer and put the file in "
            "the records folder.",
        )
    )


def _over_budget(result: Unpacked, found: FoundFile, shown: str) -> None:
    _excluded(result, found, shown, "not unpacked: its file unpacks to more than packet opens")
    result.problems.append(
        _problem(
            shown,
            f"packet unpacks at most {MAX_TOTAL / 1e9:g} GB from one file in the folder, the "
            "archives and emails nested inside it included; this file is past that, so it is "
            "not in the packet.",
            "If it is a real record, unzip the archive (or save the attachments) on your "
            "computer and put the files in the records folder.",
        )
    )


def _excluded(result: Unpacked, container: FoundFile, shown: str, reason: str) -> None:
    """A member that is listed as not included: no file of its own to read."""
    result.containers.append((FoundFile(container.path, shown), reason))


def _expand_email(found: FoundFile, depth: int, result: Unpacked) -> None:
    try:
        message = mail.read(found.path)
    except Exception as exc:  # a damaged email: listed with what to do
        result.containers.append((found, "an email that could not be read"))
        result.problems.append(
            _problem(
                found.relative,
                f"This email cannot be read ({exc.__class__.__name__}).",
                "Open it in your email program and print it to PDF, saving its attachments.",
            )
        )
        return
    name = _plain_stem(message.subject or "Email") + ".md"
    body = _saved(message.text.encode(), name, result, found, found.relative)
    if body is None:
        return
    result.files.append(FoundFile(body, found.relative))
    if message.cut:
        names = ", ".join(dict.fromkeys(safe_name(name) for name in message.cut))
        result.problems.append(
            _problem(
                found.relative,
                f"Header cut: this email's {names} header is far longer than an email's "
                f"(over {mail.MAX_HEADER:,} characters, {mail.MAX_ENCODED_WORDS} encoded words "
                f"or {mail.MAX_ADDRESSES} addresses); packet read only its beginning.",
                "Nothing to do unless what was cut matters: then open the email in your email "
                "program and print it to PDF.",
                Severity.WARNING,
            )
        )
    if message.charsets:
        names = ", ".join(safe_name(name) for name in message.charsets)
        result.problems.append(
            _problem(
                found.relative,
                f"This email's text is in a character set packet does not know ({names}); it "
                "was read as the nearest one, and a few letters may show as '?' or be wrong.",
                "Nothing to do unless its text looks wrong in the packet: then open the email "
                "in your email program and print it to PDF.",
                Severity.WARNING,
            )
        )
    if depth >= MAX_DEPTH and message.attachments:
        result.problems.append(
            _problem(
                found.relative,
                "This email sits too deep inside other emails or archives; its attachments "
                "are not opened.",
                "Save its attachments into the records folder from your email program.",
            )
        )
        return
    _attachments(found, message.attachments, depth, result)


def _saved(
    content: bytes, name: str, result: Unpacked, container: FoundFile, shown: str
) -> Path | None:
    """A new file `name` in the private folder holding `content`; None, with a problem on
    `shown`, when the disk is full (what was written is removed)."""
    target = _slot()
    saved = target / name
    try:
        saved.write_bytes(content)
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)
        if not _no_room(exc):
            raise
        _out_of_room(result, container, shown)
        return None
    return saved
