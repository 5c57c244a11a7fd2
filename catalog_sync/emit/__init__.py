"""Emission: the internal asset shape turned into full DataHub aspects (never PATCH proposals,
which the embedded `datahub-lite` sink drops)."""
