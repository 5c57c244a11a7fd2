"""Ending a finished `ingest` without the interpreter's teardown.

A database run leaves a large heap behind (DataHub's generated schema classes, SQLAlchemy, the
records' leftovers), and a normal exit frees it object by object while unloading every module:
about 0.35 s of a 3 s run on the 600-table bench, for nothing. Once the report is printed,
`ingest` asks for a quick exit; the entry point then does what a normal exit does that
matters (flushing stdout and stderr, the atexit handlers, among them `logging.shutdown` and
multiprocessing's) and ends the process with `os._exit` and the same exit code.

It falls back to a normal exit when it cannot be sure nothing is lost: another thread is still
alive (a normal exit would wait for it), a profiler, coverage or a debugger is attached (they
write their results at exit), the exit code is not a number (Python prints it), or flushing the
standard streams fails (Python reports that itself). Everything the run wrote
is closed before the report: the sink by the pipeline, the embedded catalog's connections by
their owners, the lock file by its context manager.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading

_requested = False


def request() -> None:
    """Ask the entry point to end the process quickly once the command returns."""
    global _requested
    _requested = True


def exit_if_requested(code: object) -> None:
    """End the process now with `code` if a quick exit was asked for and is safe; else return."""
    if not _requested or threading.active_count() > 1:
        return
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return  # a profiler, coverage or a debugger writes its results at a normal exit
    if code is None:
        code = 0
    if not isinstance(code, int):
        return
    if not _flushed():
        return
    atexit._run_exitfuncs()  # clears them: a fallback to a normal exit does not run them twice
    if not _flushed():  # the handlers may have written
        return
    os._exit(code)


def _flushed() -> bool:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return False
    return True
