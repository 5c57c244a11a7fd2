"""Routers of the web page: browse (search, views, asset), sign-in, tag edits."""
