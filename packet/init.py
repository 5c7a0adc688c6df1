"""`packet init`: start a records folder with the caregiver's files, never overwriting one.

This is the only command that writes inside the records folder, and it only adds files.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from packet.caregiver import MEDICATIONS_CSV, PACKET_TOML, QUESTIONS_MD, TIMELINE_CSV
from packet.errors import UsageError

TEMPLATES = (PACKET_TOML, TIMELINE_CSV, MEDICATIONS_CSV, QUESTIONS_MD)


@dataclass(frozen=True)
class InitResult:
    folder: Path
    created: list[str]
    kept: list[str]


def init_folder(folder: Path) -> InitResult:
    if folder.exists() and not folder.is_dir():
        raise UsageError(
            f"'{folder}' is a file, not a folder.",
            "Give a folder name, e.g. `packet init my-records`.",
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"Cannot create the folder '{folder}' ({exc.strerror}).",
            "Choose a place you can write to.",
        ) from exc
    created, kept = [], []
    for name in TEMPLATES:
        target = folder / name
        text = files("packet.templates").joinpath(name).read_text(encoding="utf-8")
        try:
            with target.open("x", encoding="utf-8", newline="\n") as f:  # "x": never overwrite
                f.write(text)
            created.append(name)
        except FileExistsError:
            kept.append(name)
    return InitResult(folder, created, kept)
