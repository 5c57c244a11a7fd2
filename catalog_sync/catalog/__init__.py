"""Reading the catalog back: the embedded DataHub Lite store, or DataHub GMS."""
