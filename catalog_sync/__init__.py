"""catalog-sync: a parquet lake and service-bound databases in DataHub, tagged and resolvable."""

from __future__ import annotations

__version__ = "0.1.0"
