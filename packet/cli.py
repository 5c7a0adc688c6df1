"""The command line: parses arguments, calls the library, renders the result. Nothing else.

stdout carries results (the report, the JSON); stderr carries progress, hints and errors.
"""

from __future__ import annotations

import gc
import json
import logging
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from packet import version as installed_version
from packet.caregiver import load_caregiver_files
from packet.check import check_folder, locked_files, require_folder
from packet.errors import ExitCode, PacketError, UsageError
from packet.index import Progress as ProgressCallback
from packet.init import init_folder
from packet.models import ProblemKind
from packet.paths import safe_name
from packet.stopping import install as install_stop_signals
from packet.stopping import signals_held
from packet.terminal import comparison_table, counts, report_view, short_status, timeline_table
from packet.words import plural

app = typer.Typer(
    help="Turn a folder of cancer records into a complete, organized packet for a second opinion.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
out = Console()
err = Console(stderr=True)
T = TypeVar("T")


class PaperSize(StrEnum):
    letter = "letter"
    a4 = "a4"


Folder = Annotated[Path, typer.Argument(help="The folder of records.", show_default=False)]
AsJson = Annotated[
    bool, typer.Option("--json", help="Print the result as JSON on stdout (messages go to stderr).")
]
Verbose = Annotated[
    bool, typer.Option("--verbose", help="Show the full error when something unexpected breaks.")
]


def fail(code: ExitCode, message: str, hint: str = "", as_json: bool = False) -> NoReturn:
    if as_json:
        out.print_json(json.dumps({"error": {"code": int(code), "message": message, "hint": hint}}))
    err.print(f"[bold red]Error:[/] {escape(message)}", highlight=False)
    if hint:
        err.print(f"[dim]Hint:[/] {escape(hint)}", highlight=False)
    raise typer.Exit(int(code))


def run(action: Callable[[], T], verbose: bool, as_json: bool = False) -> T:
    """The one place errors become messages and exit codes."""
    try:
        return action()
    except PacketError as exc:
        fail(exc.exit_code, exc.message, exc.hint, as_json)
    except KeyboardInterrupt:  # a stop signal is `Stopped`, which packet.launch reports
        err.print("Stopped.", highlight=False, markup=False)
        raise typer.Exit(130) from None
    except OSError as exc:  # the system refused something packet needs as a whole
        if verbose:
            raise
        where = f" ({safe_name(str(exc.filename))})" if exc.filename else ""
        fail(
            ExitCode.INCOMPLETE,
            f"The system refused: {exc.strerror or exc.__class__.__name__}{where}.",
            "Check that the folder and the output place exist and that you may read and write "
            "them; nothing in the records folder was changed.",
            as_json,
        )
    except Exception as exc:
        if verbose:
            raise
        fail(
            ExitCode.INCOMPLETE,
            f"packet hit an unexpected error ({exc.__class__.__name__}).",
            "Run the same command with --verbose to see the details, and report it; "
            "nothing in the records folder was changed.",
            as_json,
        )


@contextmanager
def progress_bar(label: str) -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr, only when stderr is a terminal: the step under way and, when it
    can be counted, how far it is (a step without a count pulses). File names are not shown."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeRemainingColumn(),  # from the pace so far: scans take seconds a page
        console=err,
        transient=True,
    )
    with signals_held():  # its refresh thread leaves the stop signals to the main thread
        bar.start()
    with bar:
        task = bar.add_task(label, total=None, count="")

        def update(done: int, total: int, what: str) -> None:
            bar.update(
                task,
                description=f"{label}: {what}",
                completed=done,
                total=total or None,
                count=f"{done}/{total}" if total else "",
            )

        yield update


def version_callback(value: bool) -> None:
    if value:
        out.print(f"packet {installed_version()}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Turn a folder of cancer records into a complete, organized packet for a second opinion.

    Start with `packet init my-records`, put the records in that folder, then run
    `packet check my-records`.
    """
    # What libraries warn about or log (a DICOM file's odd encoding, a PDF pypdf repaired) is
    # for their developers: the caregiver hears of a file only through a problem with a fix.
    warnings.simplefilter("ignore")
    root = logging.getLogger()
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())


@app.command()
def init(folder: Folder, verbose: Verbose = False) -> None:
    """Start a records folder: create packet.toml, timeline.csv, medications.csv and questions.md.

    Existing files are never overwritten. Example: packet init my-records
    """
    result = run(lambda: init_folder(folder), verbose)
    for name in result.created:
        out.print(f"[green]created[/] {escape(str(folder / name))}", highlight=False)
    for name in result.kept:
        out.print(f"[dim]kept (already there)[/] {escape(str(folder / name))}", highlight=False)
    out.print(
        "\nNext:\n"
        f"  1. Fill in {folder / 'packet.toml'} (name and date of birth at least).\n"
        f"  2. Copy the records into {folder} — any folders, any names.\n"
        "  3. Add events to timeline.csv, medicines to medications.csv, questions to questions.md.\n"
        f"  4. Run: packet check {folder}",
        highlight=False,
    )


Ocr = Annotated[
    bool | None,
    typer.Option(
        "--ocr/--no-ocr",
        help="Read scanned pages and photos with Tesseract to file and date them "
        "(default: whenever Tesseract is installed).",
        show_default=False,
    ),
]
NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Read every scan again with Tesseract, and keep nothing of it "
        "(see `packet cache --help`).",
    ),
]
AskPasswords = Annotated[
    bool,
    typer.Option(
        "--ask-passwords",
        help="Ask for the password of each locked PDF (typed, not shown, not stored).",
    ),
]


def ask_passwords(folder: Path, verbose: bool) -> dict[str, str]:
    """Prompt on the terminal for each locked PDF. Passwords live only in memory for this run."""
    passwords = {}
    for path in run(lambda: locked_files(folder), verbose):
        answer = typer.prompt(
            f"Password for {path} (Enter to skip)",
            default="",
            hide_input=True,
            show_default=False,
            err=True,
        )
        if answer:
            passwords[path] = answer
    return passwords


@app.command()
def check(
    folder: Folder,
    as_json: AsJson = False,
    ask: AskPasswords = False,
    ocr: Ocr = None,
    no_cache: NoCache = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            help="Also list each item's files and why each document was filed and dated so; "
            "and the full error when something unexpected breaks.",
        ),
    ] = False,
) -> None:
    """Say what is present, missing or pending, what could not be read, and what to do.

    Exit code 0 when every required item is present (or marked pending / not applicable in
    packet.toml), 1 while a required item is missing. Example: packet check my-records
    """
    passwords = ask_passwords(folder, verbose) if ask else {}
    with progress_bar("Checking the folder") as progress:
        report, _ = run(
            lambda: check_folder(
                folder, progress, passwords=passwords, ocr=ocr, cache=not no_cache
            ),
            verbose,
            as_json,
        )
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        out.print(report_view(report, verbose), crop=False)  # a line to copy is never cut
    if report.missing_required:
        raise typer.Exit(int(ExitCode.INCOMPLETE))
    if report.build_refusal_code:  # complete, but build would stop: its exit code, not 0
        raise typer.Exit(report.build_refusal_code)


@app.command()
def timeline(
    folder: Folder,
    as_json: AsJson = False,
    ocr: Ocr = None,
    no_cache: NoCache = False,
    verbose: Verbose = False,
) -> None:
    """Show the merged timeline: your events from timeline.csv and every dated record, in order.

    An event and the record of the same day and kind are shown as one. Scans are read as check
    and build read them, so the three show the same timeline. Example: packet timeline my-records
    """
    with progress_bar("Checking the folder") as progress:
        report, _ = run(
            lambda: check_folder(folder, progress, ocr=ocr, cache=not no_cache), verbose, as_json
        )
    if as_json:
        sys.stdout.write(
            json.dumps([e.model_dump(mode="json") for e in report.timeline], indent=2) + "\n"
        )
    else:
        if not report.timeline:
            err.print(
                "The timeline is empty: add events to timeline.csv (date,type,description), "
                "or records whose dates packet can read.",
                highlight=False,
                markup=False,
            )
            return
        out.print(timeline_table(report))


@app.command()
def compare(folder: Folder, verbose: Verbose = False) -> None:
    """Show the opinions in packet.toml side by side, marking where the plans differ.

    Add one [[opinion]] block per doctor to packet.toml. Example: packet compare my-records
    """
    data = run(lambda: load_caregiver_files(require_folder(folder)), verbose)
    for problem in data.problems:
        err.print(f"{problem.message} {problem.fix}", style="yellow", highlight=False, markup=False)
    opinions = data.settings.opinion
    if not opinions:
        err.print(
            "packet.toml has no [[opinion]] yet.\n"
            'Add one block per doctor, e.g.:\n\n[[opinion]]\ndoctor = "Dr. First"\ndiagnosis = "..."\n'
            'treatment_sequence = "..."',
            highlight=False,
            markup=False,
        )
        raise typer.Exit(int(ExitCode.OK))
    out.print(comparison_table(opinions))


cache_app = typer.Typer(
    help="What Tesseract read of scans, kept so that no scan is read twice. "
    "Example: packet cache clear",
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(cache_app, name="cache")


@cache_app.callback(invoke_without_command=True)
def cache_info(context: typer.Context) -> None:
    """Say where the OCR cache is and how much it holds; `packet cache clear` empties it.

    It holds the text of scanned records, in your own cache folder (never the records folder),
    readable by you alone. Example: packet cache
    """
    if context.invoked_subcommand is not None:
        return
    from packet import cache

    found = cache.entries()
    out.print(
        f"{cache.folder()}: {plural(len(found), 'page')} of text read from scans, "
        f"{sum(p.stat().st_size for p in found) / 1_000_000:.1f} MB "
        f"(at most {cache.LIMIT / 1_000_000:.0f} MB). Empty it with: packet cache clear",
        highlight=False,
        markup=False,
    )


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete everything the OCR cache holds (the next check reads every scan again).

    Example: packet cache clear
    """
    from packet import cache

    pages, size = cache.clear()
    out.print(
        f"Removed {plural(pages, 'page')} of text read from scans ({size / 1_000_000:.1f} MB) "
        f"from {cache.folder()}.",
        highlight=False,
        markup=False,
    )


@app.command()
def build(
    folder: Folder,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Where to write the packet (default: FOLDER-packet.pdf here, never inside FOLDER).",
        ),
    ] = None,
    paper: Annotated[
        PaperSize, typer.Option("--paper", help="Paper size for photos and generated pages.")
    ] = PaperSize.letter,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the output file if it exists.")
    ] = False,
    encrypt: Annotated[
        bool,
        typer.Option("--encrypt", help="Lock the packet with a password you choose (AES-256)."),
    ] = False,
    max_size: Annotated[
        str | None,
        typer.Option(
            "--max-size",
            help="Split the packet into volumes under this size, for portals that cap uploads "
            "(e.g. 20MB, 500KB).",
        ),
    ] = None,
    force_identity: Annotated[
        bool,
        typer.Option(
            "--force-identity",
            help="Build although the records agree on a date of birth that packet.toml "
            "contradicts (when packet.toml is right).",
        ),
    ] = False,
    ask: AskPasswords = False,
    ocr: Ocr = None,
    no_cache: NoCache = False,
    verbose: Verbose = False,
) -> None:
    """Merge every record into one PDF for the second-opinion center.

    Cover, clickable contents, checklist status, timeline, medications, questions, opinions, then
    every record by category, oldest first; every page stamped with the patient's name, date of
    birth and page number. Example: packet build my-records -o ~/Desktop/packet.pdf
    """
    from packet.build import BuildOptions, build_packet  # pypdf and reportlab: only for building

    limit = run(lambda: parse_size(max_size), verbose) if max_size else None
    passwords = ask_passwords(folder, verbose) if ask else {}
    secret = None
    if encrypt:
        secret = typer.prompt(
            "Password for the packet (give it to the center by phone, not in the same email)",
            hide_input=True,
            confirmation_prompt=True,
            err=True,
        )
    options = BuildOptions(
        output=output,
        paper=paper.value,
        force=force,
        force_identity=force_identity,
        passwords=passwords,
        encrypt_password=secret,
        ocr=ocr,
        max_size=limit,
        cache=not no_cache,
    )
    with progress_bar("Building packet") as progress:
        result = run(lambda: build_packet(folder, options, progress), verbose)
    for path, pages, size in result.outputs:
        err.print(
            f"[green]Wrote[/] {escape(str(path))}: {plural(pages, 'page')}, "
            f"{size / 1_000_000:.1f} MB"
            + ("; locked with your password (AES-256)" if secret else ""),
            highlight=False,
        )
    # The same counts as `check` prints, with what could not be merged counted as left out.
    err.print(
        counts(result.report, in_packet=result.documents)
        + (" Every file left out is listed on the packet's last pages." if result.left_out else ""),
        highlight=False,
        markup=False,
    )
    for problem in result.problems:
        if problem.kind is ProblemKind.CORRUPT_PDF:
            err.print(
                f"[red]{escape(problem.path or '')}:[/] {escape(problem.message)}", highlight=False
            )
            err.print(f"  {escape(problem.fix)}", highlight=False)
    for note in result.notes:
        err.print(f"[yellow]Note:[/] {escape(note)}", highlight=False)
    missing = result.report.missing_required
    if missing:
        err.print(
            "[yellow]Still missing:[/] " + escape(", ".join(short_status(i) for i in missing)),
            highlight=False,
        )
    for path, _, _ in result.outputs:
        out.print(str(path), highlight=False)


@app.command()
def request(
    folder: Folder,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Where to write the letters (default: FOLDER-requests.pdf here, never inside "
            "FOLDER).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the output file if it exists.")
    ] = False,
    force_identity: Annotated[
        bool,
        typer.Option(
            "--force-identity",
            help="Write although the records agree on a date of birth that packet.toml "
            "contradicts (when packet.toml is right).",
        ),
    ] = False,
    ocr: Ocr = None,
    no_cache: NoCache = False,
    verbose: Verbose = False,
) -> None:
    """Write ready-to-sign letters asking for what the packet still needs.

    One letter per institution and kind: slides and blocks to each pathology department, scans
    on disc to imaging departments, missing records (HIPAA right of access) to the institution
    most likely to hold them. Print, sign, send, then note the date in packet.toml so that
    `packet check` can say when each is due. Example: packet request my-records
    """
    from packet.letters import RequestOptions, write_requests  # reportlab: only for writing

    options = RequestOptions(
        output=output, force=force, force_identity=force_identity, ocr=ocr, cache=not no_cache
    )
    with progress_bar("Writing request letters") as progress:
        result = run(lambda: write_requests(folder, options, progress), verbose)
    if result.output is None:
        err.print(
            "Nothing to ask for: the checklist has no missing records, and the slides and scans "
            "are present, sent or received. No file was written.",
            highlight=False,
            markup=False,
        )
        return
    err.print(
        f"[green]Wrote[/] {escape(str(result.output))}: "
        f"{plural(len(result.letters), 'letter')}, {plural(result.pages, 'page')}",
        highlight=False,
    )
    for letter in result.letters:
        where = letter.recipient.institution or "an institution to fill in"
        missing = [
            what
            for what, value in (
                ("address", letter.recipient.address),
                ("fax", letter.recipient.fax),
            )
            if not value
        ]
        err.print(
            f"  {letter.kind.value} — {escape(where)}"
            + (f" [yellow](write in its {' and '.join(missing)})[/]" if missing else ""),
            highlight=False,
        )
    err.print(
        "Sign each letter and send it; then note the day in packet.toml, like:\n"
        f"  {escape('[' + result.letters[0].tracker + ']')}\n  requested = YYYY-MM-DD\n"
        "and, once it has come, received = YYYY-MM-DD. `packet check` then shows when each is due.",
        highlight=False,
    )
    out.print(str(result.output), highlight=False)


SIZE_UNITS = {
    "": 1_000_000,
    "b": 1,
    "k": 1_000,
    "kb": 1_000,
    "m": 1_000_000,
    "mb": 1_000_000,
    "g": 10**9,
    "gb": 10**9,
}


def parse_size(text: str) -> int:
    """'20MB', '20 mb', '500KB', '1.5GB', '25' (megabytes) -> bytes. Portals count in powers of ten."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text)
    unit = match.group(2).lower() if match else ""
    if not match or unit not in SIZE_UNITS:
        raise UsageError(f"'{text}' is not a size.", "Write it like 20MB or 500KB.")
    return int(float(match.group(1)) * SIZE_UNITS[unit])


def main() -> None:
    """The command line, once packet.launch has handled the stop signals. Each run is one
    short process, so Python's cycle collector is left off, and what remains at the end is
    frozen rather than freed: a packet's hundreds of thousands of PDF objects are then neither
    walked again and again while it is made nor freed one by one at exit (a second of a
    7-second build, measured)."""
    install_stop_signals()  # already done when started as `packet`; not if called otherwise
    gc.disable()
    try:
        app()
    finally:
        gc.freeze()
