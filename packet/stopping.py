"""Stopping work: the whole run when Ctrl-C is pressed, the system sends SIGTERM or the terminal
closes; one record when it runs past its time limit.

A stop signal becomes one `Stopped` exception in the main thread, raised once: signals that
follow are ignored while the run cleans up. Python drops an exception raised inside a finalizer
or a fork hook (printing "Exception ignored"); a stop dropped there is raised again at once, so
it can never be swallowed and the run go on to write its packet.
"""

from __future__ import annotations

import _thread
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType

STOP_SIGNALS = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Stopped(BaseException):
    """The run was stopped by a signal. A BaseException, like KeyboardInterrupt, so that no
    `except Exception` takes it for a damaged record; unlike KeyboardInterrupt, Click does not
    turn it into its own "Aborted!"."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal's number (130 Ctrl-C, 143 SIGTERM)."""
        return 128 + self.signum


class TookTooLong(BaseException):
    """One record ran past its time limit. A BaseException, so that no reader's
    `except Exception` takes it for damage and goes on reading."""


RAISE_AGAIN_SECONDS = 0.01
_stopping: int | None = None  # the signal that stopped the run
_raised = False  # Stopped is on its way up the main thread


def _on_stop_signal(signum: int, frame: FrameType | None) -> None:
    global _stopping, _raised
    if _stopping is None:
        _stopping = signum
    if _raised:  # already stopping: the cleanup is not interrupted again
        return
    _raised = True
    raise Stopped(_stopping)


def _unraisable(hook: sys.UnraisableHookArgs) -> None:
    global _raised
    if isinstance(hook.exc_value, Stopped):  # dropped by a finalizer: raised again, elsewhere
        _raised = False
        # A moment later, from another thread: raised from here, it would be dropped again.
        again = threading.Timer(
            RAISE_AGAIN_SECONDS, _thread.interrupt_main, (signal.Signals(hook.exc_value.signum),)
        )
        again.daemon = True
        with suppress(RuntimeError):  # the interpreter is ending: so is the run
            again.start()
        return
    if isinstance(hook.exc_value, TookTooLong):  # its timer fires again within a second
        return
    sys.__unraisablehook__(hook)


def _thread_failed(hook: threading.ExceptHookArgs) -> None:
    if _stopping is not None:  # the run is ending: a helper thread cut short is no news
        return
    threading.__excepthook__(hook)


def install() -> None:
    """Handle the stop signals as `Stopped` (call it first thing, before the slow imports).
    A signal already ignored stays ignored (`nohup`'s choice for SIGHUP)."""
    for number in STOP_SIGNALS:
        if signal.getsignal(number) in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(number, _on_stop_signal)
    sys.unraisablehook = _unraisable
    threading.excepthook = _thread_failed


def stopping() -> bool:
    """A stop signal has arrived."""
    return _stopping is not None


def for_a_worker() -> None:
    """In a worker process just forked: the stop signals do nothing there (its parent ends
    it), yet reach the programs it starts (a handler, unlike SIG_IGN, does not outlive exec)."""
    global _stopping, _raised
    _stopping, _raised = None, False
    for number in STOP_SIGNALS:
        signal.signal(number, _ignore)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def _ignore(signum: int, frame: FrameType | None) -> None:
    return


@contextmanager
def signals_held() -> Iterator[None]:
    """Stop signals wait while this thread forks or starts threads: a fork hook is never
    interrupted, and the new threads keep them blocked for good, so every stop signal reaches
    the main thread and wakes it from whatever it waits on."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# Processor time one record may take to be read and understood, or turned into pages (a
# minute: a 300-page chart takes seconds). A reader that runs on past it (a pattern or a parser
# caught by hostile bytes) costs that record only: it is left out with a fix, the rest goes on.
RECORD_SECONDS = 60.0
RETRY_SECONDS = 1.0  # a TookTooLong dropped by a finalizer is raised again this much later
_limited = False


def _too_long(signum: int, frame: FrameType | None) -> None:
    if _limited:
        raise TookTooLong


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """TookTooLong when the work inside uses more than `seconds` of this process's processor
    time. Processor time, not the clock: a busy computer or Tesseract (a program of its own)
    never makes a record too long; a record that loops in a reader does. Only in the main
    thread (signal handlers run nowhere else) and where no other code uses SIGPROF."""
    global _limited
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, _too_long)
    )
    if not usable or _limited:
        yield
        return
    signal.signal(signal.SIGPROF, _too_long)
    _limited = True
    signal.setitimer(signal.ITIMER_PROF, seconds, RETRY_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        _limited = False
