"""DataHub GMS through DataHub's own Python client."""
