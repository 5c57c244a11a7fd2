"""`catalog-sync serve`: run the discovery API with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8080,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.")] = 1,
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log")] = True,
) -> None:
    """Serve the web page at /, /v1 (assets, tags, resolve), /healthz, /readyz, /metrics, /docs."""
    import uvicorn  # only here: every other command starts without it

    uvicorn.run(
        "catalog_sync.api.main:create_app", factory=True, host=host, port=port,
        workers=workers, access_log=access_log, log_level="info",
    )
