"""`python -m catalog_sync ...`: the `catalog-sync` command (e.g. under `python -m cProfile`)."""

from catalog_sync.cli.main import app

app(prog_name="catalog-sync")
