"""A DataHub GMS stand-in that checks DataHub's real contract (see server.py)."""

from tests.support.gms.server import CONFIG, Gms, gms_standin

__all__ = ["CONFIG", "Gms", "gms_standin"]
