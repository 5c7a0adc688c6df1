"""Stopping: a `packet` process stopped by a signal at any moment ends within seconds with the
shell's exit code, one line, no packet under its name and no process left behind; a record that
runs past its time limit is left out with a fix while the rest of the packet is made.

The processes are real ones (`python -m packet`); every wait polls for what it waits on, with a
generous limit, so that a loaded two-core computer is slow, not wrong.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import CONSULT_TEXT, make_pdf, records_folder

LINUX_PROC = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads Linux's /proc")
SEVERAL_CORES = pytest.mark.skipif(
    (os.cpu_count() or 1) < 2, reason="worker processes start only on several cores"
)


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:  # the thread ended meanwhile
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status  # a zombie has ended; only its entry is left


def _group(group: int) -> set[int]:
    """The live processes of a process group (the build's session: it, its workers, theirs)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and _alive(int(stat.parent.name)):
            found.add(int(stat.parent.name))
    return found


def _catches(pid: int, number: int) -> bool:
    """The process has a handler for this signal (packet's own are installed first thing)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) >> (number - 1) & 1)


def _until(condition: Callable[[], bool], seconds: float, process: subprocess.Popen[bytes]) -> bool:
    """Poll `condition` until it holds, the process has ended, or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture(scope="module")
def many_records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 two-page records: enough for worker processes and a build of several seconds."""
    parent = tmp_path_factory.mktemp("many")
    root = records_folder(parent)
    source = make_pdf(parent / "visit.pdf", CONSULT_TEXT, "second page").read_bytes()
    for n in range(600):
        (root / f"visit {n:03d}.pdf").write_bytes(source + b"%" + str(n).encode())
    return root


@pytest.fixture
def packet_process(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Starts `python -m packet ARGS` in a session of its own; whatever is left of that
    session when the test ends is killed, pass or fail."""
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "packet", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            cwd=tmp_path,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        for pid in _group(process.pid):
            os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
        process.communicate()


def _ended_cleanly(process: subprocess.Popen[bytes], signum: int, output: Path) -> str:
    """The stopped run's stderr, once it is checked: the exit code, no traceback, no packet,
    no process left in its session."""
    try:
        stdout, stderr = process.communicate(timeout=30)  # seconds, measured; 30 when loaded
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running 30 s after {signal.Signals(signum).name}")
    said = stderr.decode(errors="replace")
    assert process.returncode == 128 + signum, said
    for broken in ("Traceback", "Exception ignored", "Exception in thread", "Wrote"):
        assert broken not in said, said
    assert said.strip().endswith("Stopped."), said
    assert stdout == b""
    assert not output.exists()
    assert not list(output.parent.glob(f".{output.name}.*.part"))
    deadline = time.monotonic() + 10
    while _group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _group(process.pid)
    return said


@LINUX_PROC
@SEVERAL_CORES
@pytest.mark.parametrize("when", ["reading", "merging"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_build_stopped_by_a_signal_ends_at_once_and_leaves_nothing(
    many_records: Path,
    tmp_path: Path,
    packet_process: Callable[..., subprocess.Popen[bytes]],
    signum: int,
    when: str,
) -> None:
    output = tmp_path / "p.pdf"
    process = packet_process("build", str(many_records), "-o", str(output))
    workers: set[int] = set()

    def reading() -> bool:
        workers.update(_children(process.pid))
        return bool(workers)

    if not _until(reading, 120, process):
        pytest.skip("the build ended before its workers could be seen")
    if when == "merging" and not _until(lambda: not _children(process.pid), 120, process):
        pytest.skip("the build ended before its records were merged")
    if process.poll() is not None:
        pytest.skip("the build ended before it could be stopped")
    os.kill(process.pid, signum)
    _ended_cleanly(process, signum, output)
    assert not any(_alive(w) for w in workers)


@LINUX_PROC
@SEVERAL_CORES
def test_workers_end_with_a_killed_packet_process(
    many_records: Path, tmp_path: Path, packet_process: Callable[..., subprocess.Popen[bytes]]
) -> None:
    # Killed outright, packet cannot tell its workers; they once waited on their pipe for
    # minutes, holding the terminal's output open. The system now ends them with it.
    process = packet_process("build", str(many_records), "-o", str(tmp_path / "p.pdf"))
    workers: set[int] = set()

    def reading() -> bool:
        workers.update(_children(process.pid))
        return bool(workers)

    if not _until(reading, 120, process) or process.poll() is not None:
        pytest.skip("the build ended before its workers could be seen")
    process.kill()
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers)


@LINUX_PROC
@pytest.mark.parametrize("delay", [0.0, 0.02, 0.05, 0.1, 0.2, 0.3])
def test_ctrl_c_while_packet_starts_is_one_line(
    many_records: Path,
    tmp_path: Path,
    packet_process: Callable[..., subprocess.Popen[bytes]],
    delay: float,
) -> None:
    # Ctrl-C in the first half second once printed a traceback from the middle of an import.
    output = tmp_path / "p.pdf"
    process = packet_process("build", str(many_records), "-o", str(output))
    # Python's own start-up is not packet's: wait until packet handles the signals.
    assert _until(lambda: _catches(process.pid, signal.SIGTERM), 60, process)
    time.sleep(delay)
    os.kill(process.pid, signal.SIGINT)
    said = _ended_cleanly(process, signal.SIGINT, output)
    assert said.strip() == "Stopped."


SWALLOWED = """
import os, signal, sys, time
from packet import stopping

stopping.install()

class Finalized:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while Python runs a finalizer
        time.sleep(0.2)

try:
    Finalized()  # dropped at once: its finalizer runs here
    for _ in range(100):
        time.sleep(0.01)
    print("went on")
except stopping.Stopped as stop:
    print("stopped", stop.exit_code)
"""


def test_a_stop_that_lands_in_a_finalizer_is_raised_again_not_swallowed() -> None:
    # Python drops an exception raised in a finalizer, with "Exception ignored"; a build once
    # went on to write its packet and exit 0 after such a SIGTERM.
    done = subprocess.run(
        [sys.executable, "-c", SWALLOWED], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "stopped 143", done.stderr
    assert "Exception ignored" not in done.stderr


def test_a_second_signal_does_not_interrupt_the_cleanup() -> None:
    script = """
import os, signal, time
from packet import stopping

stopping.install()
try:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)
except stopping.Stopped as stop:
    os.kill(os.getpid(), signal.SIGTERM)  # pressed again, or the system insists
    time.sleep(0.1)
    print("cleaned up", stop.exit_code)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "cleaned up 130", done.stderr


@pytest.fixture
def a_runaway_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """`runaway.pdf` sends its reader into a loop (as hostile bytes once sent the facts and date
    patterns); the limit of one record is cut to half a second. Forked workers inherit both."""
    import packet.index
    import packet.stopping

    real_read = packet.index.read_file

    def read_file(path: Path, *args: Any, **kwargs: Any) -> Any:
        while path.name == "runaway.pdf":
            pass
        return real_read(path, *args, **kwargs)

    monkeypatch.setattr(packet.index, "read_file", read_file)
    monkeypatch.setattr(packet.stopping, "RECORD_SECONDS", 0.5)


@pytest.mark.usefixtures("a_runaway_record")
@pytest.mark.parametrize("workers", [False, True])
def test_a_record_that_reads_for_too_long_is_left_out_and_the_rest_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: bool
) -> None:
    import packet.index
    from packet.build import BuildOptions, build_packet
    from packet.check import check_folder
    from packet.models import DocumentStatus, ProblemKind

    if workers:
        if (os.cpu_count() or 1) < 2 or not sys.platform.startswith("linux"):
            pytest.skip("worker processes start only on several cores, on Linux")
        monkeypatch.setattr(packet.index, "PARALLEL_FROM", 2)
    root = records_folder(tmp_path)
    for name in ("a visit.pdf", "runaway.pdf", "z visit.pdf"):
        make_pdf(root / name, CONSULT_TEXT + f"\n{name}")
    started = time.monotonic()
    report, _ = check_folder(root)
    assert time.monotonic() - started < 60
    slow = [p for p in report.problems if p.kind is ProblemKind.TOO_SLOW]
    assert [p.path for p in slow] == ["runaway.pdf"]
    assert "took too long to read" in slow[0].message
    assert "save it as PDF" in slow[0].fix
    status = {d.path: (d.status, d.reason) for d in report.documents}
    assert status["runaway.pdf"] == (DocumentStatus.EXCLUDED, "took too long to read")
    assert status["a visit.pdf"][0] is status["z visit.pdf"][0] is DocumentStatus.INCLUDED

    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 2
    assert ("runaway.pdf", "took too long to read") in result.left_out


def test_a_time_limit_ends_when_its_work_does() -> None:
    from packet.stopping import TookTooLong, time_limit

    with time_limit(0.2):
        sum(range(1000))
    deadline = time.process_time() + 0.5
    while time.process_time() < deadline:  # no late alarm once the work is done
        pass
    with pytest.raises(TookTooLong), time_limit(0.2):
        while True:
            pass


def test_a_text_file_that_converts_for_too_long_is_left_out_of_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import packet.sources
    import packet.stopping
    from packet.build import BuildOptions, build_packet

    real_convert = packet.sources.text_to_pdf

    def text_to_pdf(path: Path, *args: Any) -> bytes:
        while path.name == "runaway.txt":
            pass
        return real_convert(path, *args)

    monkeypatch.setattr(packet.sources, "text_to_pdf", text_to_pdf)
    monkeypatch.setattr(packet.stopping, "RECORD_SECONDS", 0.5)
    root = records_folder(tmp_path)
    make_pdf(root / "visit.pdf", CONSULT_TEXT)
    (root / "runaway.txt").write_text(CONSULT_TEXT, encoding="utf-8")
    result = build_packet(root, BuildOptions(output=tmp_path / "p.pdf"))
    assert result.documents == 1
    assert ("runaway.txt", "took too long to read") in result.left_out
    assert any(p.path == "runaway.txt" and "took too long" in p.message for p in result.problems)


def test_a_build_stopped_between_volumes_leaves_none_of_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file under the output's name is a whole packet: the first volumes of a stopped build
    # are removed with it.
    from PIL import Image

    import packet.build
    from packet.build import BuildOptions, build_packet
    from packet.stopping import Stopped

    root = records_folder(tmp_path)
    for n in range(4):  # photos of noise: about 0.5 MB each once converted
        image = Image.effect_noise((1600, 1200), 60).convert("RGB")
        image.save(root / f"Labs 2026-03-0{n + 1}.jpg", quality=95)
    real_assemble = packet.build.assemble
    assembled: list[object] = []

    def stopped_at_the_second(volume: Any, *args: Any) -> Any:
        assembled.append(volume)
        if len(assembled) == 2:
            raise Stopped(signal.SIGTERM)
        return real_assemble(volume, *args)

    monkeypatch.setattr(packet.build, "assemble", stopped_at_the_second)
    with pytest.raises(Stopped):
        build_packet(root, BuildOptions(output=tmp_path / "p.pdf", max_size=1_000_000, ocr=False))
    assert len(assembled) == 2
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".*.part"))


def test_an_interruption_inside_the_library_is_the_same_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Called without packet.launch (as tests and other programs do), Ctrl-C is Python's own
    # KeyboardInterrupt: the same line and exit code.
    from typer.testing import CliRunner

    import packet.cli

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(packet.cli, "check_folder", interrupted)
    result = CliRunner().invoke(packet.cli.app, ["check", str(records_folder(tmp_path))])
    assert result.exit_code == 130
    assert result.output.strip() == "Stopped."
