"""Sample data the project generates itself (no downloads): a small lake, bindings."""
