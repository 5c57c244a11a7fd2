"""The test run is readable: deprecations raised inside dependencies (DataHub's own calls made
~16,000 warning lines) are filtered by the pytest configuration, ours are not."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

PROBE = '''
import warnings
from tests.support.backends import Backend
from tests.support.catalog import sample_catalog

def test_dependency_deprecations_are_quiet(tmp_path):
    sample_catalog(Backend("lite", tmp_path / "c.db"))  # DataHub Lite calls its own deprecated URN methods

def test_our_own_deprecations_still_show():
    warnings.warn("old", DeprecationWarning, stacklevel=1)
'''


def _run_probe(name: str, *extra: str) -> str:
    probe = REPO / "tests" / f"_probe_{name}_test.py"
    probe.write_text(PROBE)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra, str(probe)],
            cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    finally:
        probe.unlink()
    assert done.returncode == 0, done.stdout[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_only_our_own_deprecations_are_reported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert "2 passed, 1 warning " in _run_probe(tmp_path.name)
    # the probe does provoke DataHub's: with the filter overridden they are back
    unfiltered = _run_probe(tmp_path.name, "-W", "default::DeprecationWarning")
    assert "2 passed" in unfiltered and "1 warning " not in unfiltered
