"""Walking the records folder: every file found, in a stable order, sorted into records,
the caregiver's own files, and system junk that is ignored but counted.

Nothing here opens a record; it only decides what each path is.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from packet.caregiver import CAREGIVER_FILES
from packet.models import IgnoredFile, Problem, ProblemKind, Severity
from packet.paths import is_inside, not_a_regular_file, safe_name, unique_path

JUNK_NAMES = frozenset(
    {".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r", ".localized", "autorun.inf"}
)
JUNK_FOLDERS = frozenset(
    {
        "__macosx", ".spotlight-v100", ".trashes", ".fseventsd", ".temporaryitems",
        "$recycle.bin", "system volume information", ".git", ".documentrevisions-v100",
    }
)  # fmt: skip


MAX_PATH = 4000  # bytes: Linux refuses paths of 4,096 and more; kept clear of that


def display_path(relative: str) -> str:
    """A path that can always be printed and written to JSON, whatever bytes the name holds.
    Names that are not UTF-8 are nearly always from Windows or old discs (cp1252)."""
    raw = os.fsencode(relative)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return safe_name(text)


@dataclass(frozen=True)
class FoundFile:
    path: Path  # where to open it
    relative: str  # how to show it: relative to the folder, forward slashes


@dataclass
class FolderScan:
    files: list[FoundFile] = field(default_factory=list)
    caregiver_files: list[FoundFile] = field(default_factory=list)
    ignored: list[IgnoredFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    excluded_links: list[tuple[FoundFile, str]] = field(default_factory=list)
    excluded_special: list[tuple[FoundFile, str]] = field(default_factory=list)  # pipes, devices


def junk_reason(name: str) -> str | None:
    lower = name.lower()
    if lower in JUNK_NAMES:
        return "system file" if lower != "autorun.inf" else "disc autorun file"
    if name.startswith("~$"):
        return "temporary lock file left by an office program"
    if name.startswith("._"):
        return "macOS metadata file"
    return None


def scan_folder(folder: Path) -> FolderScan:
    """Every file below `folder`, without following links out of it or into loops."""
    folder = folder.resolve()
    result = FolderScan()
    taken: set[str] = set()  # the paths shown so far: names that decode alike stay apart

    def on_error(error: OSError) -> None:
        relative = display_path(os.path.relpath(error.filename or str(folder), folder))
        if error.errno == errno.ENAMETOOLONG:
            message = "This folder's path is longer than the system can open."
            fix = "Move the folders inside it higher up (fewer nested folders, shorter names)."
        else:
            message = "This folder cannot be opened (no permission to read it)."
            fix = "Give yourself read access to it (or copy its files into another folder)."
        result.problems.append(
            Problem(
                path=relative.replace(os.sep, "/"),
                kind=ProblemKind.UNREADABLE_FILE,
                severity=Severity.ERROR,
                message=message,
                fix=fix,
            )
        )

    for root, dirnames, filenames in os.walk(folder, onerror=on_error, followlinks=False):
        root_path = Path(root)
        kept = []
        for name in sorted(dirnames):
            full = root_path / name
            relative = display_path(full.relative_to(folder).as_posix())
            if len(os.fsencode(full)) >= MAX_PATH:
                too_long = OSError(errno.ENAMETOOLONG, "File name too long", str(full))
                on_error(too_long)  # listed, not opened: the system would refuse every file in it
            elif name.lower() in JUNK_FOLDERS:
                result.ignored.append(IgnoredFile(path=relative + "/", reason="system folder"))
            elif full.is_symlink():
                found = FoundFile(full, relative)
                result.excluded_links.append(
                    (
                        found,
                        "a link to a folder; links are not followed — copy the folder in instead",
                    )
                )
            else:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            full = root_path / name
            relative = unique_path(display_path(full.relative_to(folder).as_posix()), taken)
            found = FoundFile(full, relative)
            if len(os.fsencode(full)) >= MAX_PATH:
                result.excluded_special.append((found, "a path longer than the system can open"))
                continue
            reason = junk_reason(name)
            if reason:
                result.ignored.append(IgnoredFile(path=relative, reason=reason))
            elif root_path == folder and name in CAREGIVER_FILES:
                result.caregiver_files.append(found)  # read, or refused, by caregiver.py
            elif full.is_symlink():
                if not full.exists():
                    result.excluded_links.append(
                        (found, "a link whose target is missing (or a loop of links)")
                    )
                elif not is_inside(full, folder):
                    result.excluded_links.append(
                        (
                            found,
                            "a link to a file outside the records folder — copy the file in instead",
                        )
                    )
                elif special := not_a_regular_file(full):
                    result.excluded_special.append((found, special))
                else:
                    result.files.append(found)
            elif special := not_a_regular_file(full):
                result.excluded_special.append((found, special))
            else:
                result.files.append(found)
    return result
