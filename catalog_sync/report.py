"""One run report: counters plus capped warnings and failures; the exit code derives from it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MAX_PROBLEMS = 200


@dataclass(frozen=True, slots=True)
class Problem:
    """A warning or failure: what happened, and where (file, table, binding)."""

    title: str
    message: str
    context: str = ""
    recipe: str = ""


@dataclass
class RecipeResult:
    """What one recipe did."""

    recipe: str
    source: str
    sink: str
    datasets: int = 0
    containers: int = 0
    files: int = 0
    rows: int = 0
    bytes: int = 0
    records_written: int = 0
    soft_deleted: int = 0
    unchanged: int = 0
    # Nothing read or written: every input matched the last clean run (catalog_sync.sync.fingerprint).
    inputs_unchanged: bool = False
    seconds: float = 0.0
    warnings: list[Problem] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)


@dataclass
class RunReport:
    """All recipes of one `catalog-sync ingest` call."""

    recipes: list[RecipeResult] = field(default_factory=list)
    seconds: float = 0.0

    def _sum(self, name: str) -> int:
        return sum(int(getattr(r, name)) for r in self.recipes)

    @property
    def warnings(self) -> list[Problem]:
        return [w for r in self.recipes for w in r.warnings][:MAX_PROBLEMS]

    @property
    def failures(self) -> list[Problem]:
        return [f for r in self.recipes for f in r.failures][:MAX_PROBLEMS]

    def exit_code(self, strict_warnings: bool = False) -> int:
        """0 all good; 1 some assets failed (or warnings, when strict)."""
        if self.failures or (strict_warnings and self.warnings):
            return 1
        return 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "datasets": self._sum("datasets"),
            "containers": self._sum("containers"),
            "files": self._sum("files"),
            "rows": self._sum("rows"),
            "bytes": self._sum("bytes"),
            "records_written": self._sum("records_written"),
            "soft_deleted": self._sum("soft_deleted"),
            "unchanged": self._sum("unchanged"),
            "warnings": [asdict(w) for w in self.warnings],
            "failures": [asdict(f) for f in self.failures],
            "seconds": round(self.seconds, 3),
            "recipes": [
                {k: v for k, v in asdict(r).items() if k not in ("warnings", "failures")}
                | {"warnings": len(r.warnings), "failures": len(r.failures)}
                for r in self.recipes
            ],
        }
