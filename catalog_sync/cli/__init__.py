"""The `catalog-sync` command line."""
