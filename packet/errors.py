"""Exit codes and the errors that stop a command, each with a hint the caregiver can act on.

A problem with one file is never one of these: it becomes a `Problem` in the report.
"""

from __future__ import annotations

import errno
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes are a stable interface; the README lists them."""

    OK = 0
    INCOMPLETE = 1  # check: a required item is missing; build: the packet could not be built
    USAGE = 2  # bad arguments, a folder that does not exist, an output that already exists
    CAREGIVER_FILE = 3  # packet.toml or another caregiver file cannot be used as written
    IDENTITY = 4  # build: packet.toml's patient contradicts what the records agree on
    # Stopped by a signal: 128 + its number (130 Ctrl-C, 143 SIGTERM), from packet.stopping.


class PacketError(Exception):
    exit_code: ExitCode = ExitCode.INCOMPLETE

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(PacketError):
    exit_code = ExitCode.USAGE


class CaregiverFileError(PacketError):
    exit_code = ExitCode.CAREGIVER_FILE


class IdentityError(PacketError):
    exit_code = ExitCode.IDENTITY


class BuildError(PacketError):
    exit_code = ExitCode.INCOMPLETE


class OutputError(PacketError):
    """The packet itself could not be written: the disk, the place, the system."""

    exit_code = ExitCode.INCOMPLETE


def output_error(exc: OSError, target: object) -> OutputError:
    """An operating system's refusal to write the packet, in plain words with a fix."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(
            f"The disk is full: the packet could not be written to {target}.",
            "Free some space (or choose a place on another disk with -o), then build again.",
        )
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOENT, errno.ENOTDIR):
        return OutputError(
            f"packet cannot write to {target} ({exc.strerror or 'not allowed'}).",
            "Choose a folder you can save files in, e.g. -o ~/Desktop/packet.pdf",
        )
    return OutputError(
        f"The packet could not be written to {target} ({exc.strerror or exc.__class__.__name__}).",
        "Check the place you chose with -o (a disk that was removed?), then build again.",
    )
