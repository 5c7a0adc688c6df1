"""The `packet` command's first moments: the stop signals are handled before the slow imports
(Typer, Rich, Pydantic: a second on a slow computer), so that Ctrl-C, SIGTERM or a closed
terminal at any moment ends the run with one line and the shell's exit code, never a traceback.
"""

from __future__ import annotations

import sys

from packet import stopping


def main() -> None:
    """The `packet` command."""
    stopping.install()
    try:
        from packet.cli import main as command_line

        command_line()
        return
    except stopping.Stopped as stop:
        code = stop.exit_code
    except KeyboardInterrupt:  # raised by other means than a signal this process handles
        code = 130
    # Out of the except blocks, so that what the stopped frames held is let go of first.
    _stopped(code)


def _stopped(code: int) -> None:
    workers = sys.modules.get("packet.workers")
    if workers is not None:  # loaded: the run may have workers under way
        workers.end_all()
    try:
        sys.stderr.write("Stopped.\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # the terminal is gone
        pass
    raise SystemExit(code)
