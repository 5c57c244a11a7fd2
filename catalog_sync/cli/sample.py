"""`catalog-sync sample`: generate sample data (no downloads)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog_sync.cli.output import console

app = typer.Typer(help="Generate sample data to try catalog-sync on.", no_args_is_help=True)


@app.command("lake")
def lake(
    path: Annotated[Path, typer.Argument(help="Folder to write the lake into.")] = Path("sample-lake"),
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """A CIFAR-10-style training lake plus tables of other shapes, as parquet."""
    # Imported here: pyarrow would slow the start of every other command.
    from catalog_sync.sample.lake import generate_sample_lake

    generate_sample_lake(path, seed=seed)
    console.print(f"sample lake written to {path}", highlight=False)
