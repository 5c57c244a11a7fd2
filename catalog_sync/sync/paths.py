"""Where a pipeline's sync files live beside the embedded catalog: state, journal, fingerprint;
and where the journal of a pipeline writing to GMS lives.

Free of DataHub imports, so the unchanged-run check (catalog_sync.sync.fingerprint) finds them
before DataHub is loaded.
"""

from __future__ import annotations

from pathlib import Path


def safe_name(pipeline_name: str) -> str:
    """A pipeline name as a file name: anything but letters, digits, `-_.` becomes `_`."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in pipeline_name)


def state_dir(catalog: Path) -> Path:
    """The folder beside the embedded catalog that holds its sync files (`catalog.state/`)."""
    return catalog.with_name(f"{catalog.stem}.state")


def state_file(catalog: Path, pipeline_name: str) -> Path:
    """One state file per pipeline: the file provider rewrites its whole file on commit."""
    return state_dir(catalog) / f"{safe_name(pipeline_name)}.json"


def fingerprint_file(catalog: Path, pipeline_name: str) -> Path:
    """The inputs of the pipeline's last clean run, beside its state."""
    state = state_file(catalog, pipeline_name)
    return state.with_name(f"{state.stem}.inputs.json")


def gms_journal_file(catalog_dir: Path, pipeline_name: str) -> Path:
    """The write-ahead URN journal of a pipeline whose state GMS keeps: on local disk, under
    the catalog's folder (`<catalog dir>/state/<pipeline>.journal`)."""
    return catalog_dir / "state" / f"{safe_name(pipeline_name)}.journal"


def index_marker(catalog: Path) -> Path:
    """How many aspect rows the catalog held when DataHub Lite last rebuilt its edge index."""
    return state_dir(catalog) / "edge-index.rows"


def verified_file(catalog: Path) -> Path:
    """Datasets last found identical to what a run would write (catalog_sync.store.lite.unchanged)."""
    return state_dir(catalog) / "verified.sqlite"
