"""The CLI starts without DataHub: each sub-command imports the heavy modules it needs when it
runs. The defaults `--help` shows are copies kept at the CLI's top level for that reason; these
tests keep them equal to the values the commands use."""

from __future__ import annotations

import subprocess
import sys

from catalog_sync.cli import doctor as doctor_cli
from catalog_sync.cli import pgadmin as pgadmin_cli


def test_the_cli_loads_without_datahub_or_pyarrow() -> None:
    probe = (
        "import sys\n"
        "import catalog_sync.cli.main\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'datahub', 'pyarrow', 'sqlalchemy'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    assert loaded == "[]"


def test_help_defaults_match_the_commands_defaults() -> None:
    from catalog_sync.doctor import DEFAULT_TIMEOUT
    from catalog_sync.pgadmin.model import DEFAULT_CONNECT_TIMEOUT, DEFAULT_SSLMODE

    assert doctor_cli.DEFAULT_TIMEOUT == DEFAULT_TIMEOUT
    assert pgadmin_cli.DEFAULT_SSLMODE == DEFAULT_SSLMODE
    assert pgadmin_cli.DEFAULT_CONNECT_TIMEOUT == DEFAULT_CONNECT_TIMEOUT
