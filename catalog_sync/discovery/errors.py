"""Resolution errors: each carries the candidates it considered, so callers can see why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from catalog_sync.errors import CatalogSyncError


class Candidate(Protocol):
    """What a resolution considered: a database binding or a lake dataset."""

    def summary(self) -> dict[str, Any]: ...


class ResolutionError(CatalogSyncError):
    """Not exactly one binding matched; `candidates` lists what was considered."""

    def __init__(self, message: str, candidates: Sequence[Candidate]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)

    def candidate_summaries(self) -> list[dict[str, Any]]:
        return [c.summary() for c in self.candidates]


class NoMatchError(ResolutionError):
    """No database binding matches the request (HTTP 404)."""


class AmbiguousMatchError(ResolutionError):
    """More than one database binding matches (HTTP 409); narrow by type, provider or name."""


class BindingMissingError(ResolutionError):
    """The catalog names a binding the local binding root does not hold (HTTP 404)."""


class NotResolvableError(NoMatchError):
    """The assets asked for are neither lake datasets nor database tables reached through a
    binding (or the wrong one of the two for the call): names the asset and what it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message, [])
