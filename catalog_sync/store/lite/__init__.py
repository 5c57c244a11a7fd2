"""The embedded catalog: DataHub Lite on one SQLite file."""
